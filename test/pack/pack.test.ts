/**
 * Install without a clone: the tarball that `npm pack` makes from a fresh copy of this tree,
 * installed as a user would — into an empty project (`npm i optlab-x.y.z.tgz`), globally
 * (`npm i -g`, into a temporary prefix), and through npx — then `optlab examples`, `optlab run`
 * on a starter notebook, `optlab install --prefix`, and the installed kernel over ZeroMQ.
 *
 * Nothing here uses this working tree's node_modules or dist: the copy gets its own `npm ci`
 * (which must print no engine warnings on this Node) and `npm pack` builds dist through
 * `prepare`; the installs resolve every dependency from the npm registry (through npm's cache,
 * or a temporary cache for npx, so that no npx cache is left behind).
 *
 * Slow by nature: `npm ci` and the TypeScript build of the copy, one pack, three installs of the
 * dependencies (the npx one into an empty cache, so from the registry) and two notebook runs.
 * Measured on 2 cores shared with other test runs (load average 10 to 17): 6.8 and 7.8 min in
 * two runs, of which 3 to 4.5 min npm ci + pack, 1 to 2 min each for the project and the global
 * install with their notebook run and clean-up, 0.5 min npx. Every step has a generous limit stated where it runs; the pack is made once, in
 * `beforeAll`; each test deletes its install when done (gigabytes of node_modules in all).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { startKernel } from "../kernel/client.js";

const MINUTE = 60_000;
const ROOT = packageRoot();
let tmp: string;
let tarball: string;
let ciOutput: string;

/**
 * The environment of the npm and optlab child processes: none of the npm_* variables of a parent
 * `npm test`, and no NODE_PATH that could resolve a module from outside the installed package.
 */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "NODE_PATH"));
  return { ...e, npm_config_fund: "false", npm_config_audit: "false", npm_config_update_notifier: "false", OPTLAB_STATIC_IMAGES: "0", ...extra };
}

/** Runs npm; returns stdout and stderr together (npm's warnings go to stderr). */
function npm(args: string[], cwd: string, timeoutMs: number, extra: Record<string, string> = {}): string {
  const r = spawnSync("npm", args, { cwd, env: env(extra), encoding: "utf8", timeout: timeoutMs });
  const out = `${r.stdout}${r.stderr}`;
  if (r.error || r.status !== 0) throw new Error(`npm ${args.join(" ")} (in ${cwd}) failed with ${r.error ?? `exit ${r.status}`}:\n${out}`);
  return out;
}

/** Runs an installed `optlab` (its bin link: the shebang and the executable bit are part of the test). */
function optlab(bin: string, args: string[], cwd: string, timeoutMs = 5 * MINUTE, extra: Record<string, string> = {}) {
  const r = spawnSync(bin, args, { cwd, env: env(extra), encoding: "utf8", timeout: timeoutMs });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "optlab-pack-"));
  // A fresh clone: the files git tracks (and new ones it does not ignore), nothing built.
  const src = join(tmp, "src");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 })
    .split("\0")
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) cpSync(join(ROOT, f), join(src, f), { recursive: true });
  expect(existsSync(join(src, "dist")), "the copy must not hold a build").toBe(false);
  ciOutput = npm(["ci", "--ignore-scripts"], src, 10 * MINUTE);
  const packed = npm(["pack", "--pack-destination", tmp], src, 10 * MINUTE);
  const name = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
  if (!name) throw new Error(`npm pack made no tarball:\n${packed}`);
  tarball = join(tmp, name);
  rmSync(src, { recursive: true, force: true });
}, 20 * MINUTE);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 10 * MINUTE);

describe("npm pack from a fresh clone", () => {
  test("npm ci of the repository prints no engine warnings on this Node", () => {
    expect(ciOutput).not.toContain("EBADENGINE");
  });

  test("prepare built dist; the tarball holds the CLI, the kernel's logos and the starter notebooks, not the tests", () => {
    const list = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
    for (const f of ["package/dist/kernel/cli.js", "package/dist/dsl/index.js", "package/dist/dsl/index.d.ts", "package/kernel/assets/logo-64x64.png", "package/README.md", "package/package.json"]) expect(list).toContain(f);
    const notebooks = readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb"));
    expect(notebooks.length).toBeGreaterThanOrEqual(3);
    for (const nb of notebooks) expect(list).toContain(`package/notebooks/${nb}`);
    expect(list.filter((f) => f.startsWith("package/test/") || f.startsWith("package/src/") || f.endsWith(".test.js"))).toEqual([]);
  });
});

/** Examples, a starter notebook run with HTML, and the kernelspec, from one installed `optlab`. */
function checkInstalled(bin: string, pkgDir: string, work: string, notebook: string): void {
  mkdirSync(work, { recursive: true });
  const version = optlab(bin, ["--version"], work);
  expect(version.out).toBe(`optlab ${(JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version}\n`);

  const ex = optlab(bin, ["examples", "examples"], work);
  expect(ex.code, ex.err).toBe(0);
  expect(readdirSync(join(work, "examples")).sort()).toEqual(readdirSync(join(pkgDir, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort());

  // A starter notebook, as `npm start` runs them: 10 minutes is far above its usual seconds.
  const run = optlab(bin, ["run", join("examples", notebook), "--html", "html"], work, 10 * MINUTE);
  expect(run.code, run.err).toBe(0);
  expect(run.err).toMatch(new RegExp(`^${notebook.replace(".", "\\.")}: \\d+ cells in [\\d.]+ s, ok → `));
  const html = readFileSync(join(work, "html", notebook.replace(/\.ipynb$/, ".html")), "utf8");
  expect(html).toContain("<math"); // the LaTeX of the notebook, through the installed katex
  expect(html).toMatch(/<div class="cell markdown"><h1 id=/); // its markdown, through markdown-it
  const executed = JSON.parse(readFileSync(join(work, "html", notebook), "utf8")) as { cells: { cell_type: string; execution_count?: number | null }[] };
  expect(executed.cells.filter((c) => c.cell_type === "code").every((c) => typeof c.execution_count === "number")).toBe(true);

  const inst = optlab(bin, ["install", "--prefix", join(work, "prefix")], work);
  expect(inst.code, inst.err).toBe(0);
  expect(inst.err).toBe(""); // no npx warning for a real install
  const specDir = join(work, "prefix", "share", "jupyter", "kernels", "optlab");
  const spec = JSON.parse(readFileSync(join(specDir, "kernel.json"), "utf8")) as { argv: string[] };
  const cli = realpathSync(join(pkgDir, "dist", "kernel", "cli.js"));
  if (process.platform === "linux") {
    // the start-up snapshot, built from the installed package, and its launcher (kernel/snapshot.ts)
    expect(inst.out).toMatch(/Built the kernel's start-up snapshot \(\d+ MB, \d+ declaration files parsed\)/);
    expect(spec.argv).toEqual(["/bin/sh", join(specDir, "start-kernel.sh"), "-f", "{connection_file}"]);
    const launcher = readFileSync(join(specDir, "start-kernel.sh"), "utf8");
    expect(launcher).toContain(`cli='${cli}'`);
    expect(launcher).toContain(`bundle='${realpathSync(join(pkgDir, "dist", "kernel", "snapshot-entry.cjs"))}'`);
  } else {
    expect(spec.argv.slice(2)).toEqual(["kernel", "-f", "{connection_file}"]);
    expect(realpathSync(spec.argv[1]!)).toBe(cli);
  }
}

describe("the tarball, installed", () => {
  test("into an empty project (npm i optlab.tgz): examples, run, install; the kernel answers over ZeroMQ", async () => {
    const project = join(tmp, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "empty-project", private: true }));
    const out = npm(["i", tarball], project, 10 * MINUTE);
    expect(out).not.toContain("EBADENGINE");
    const pkgDir = join(project, "node_modules", "optlab");
    checkInstalled(join(project, "node_modules", ".bin", "optlab"), pkgDir, join(project, "work"), "rosenbrock.ipynb");

    // The kernelspec's command line, as Jupyter runs it: kernel_info and a cell over ZeroMQ.
    const spec = JSON.parse(readFileSync(join(project, "work", "prefix", "share", "jupyter", "kernels", "optlab", "kernel.json"), "utf8")) as { argv: string[] };
    const k = await startKernel(spec.argv, { env: env(), cwd: project, timeoutMs: 2 * MINUTE });
    try {
      const { reply, iopub } = await k.client.execute('objective("x^2 + y^2").grad([1, 2])');
      expect(reply.content.status).toBe("ok");
      expect(iopub.find((m) => m.header.msg_type === "execute_result")!.content.data).toMatchObject({ "text/plain": "[ 2, 4 ]" });
    } finally {
      await k.stop();
      rmSync(project, { recursive: true, force: true });
    }
  }, 25 * MINUTE);

  test("globally (npm i -g, in a temporary prefix): examples, run, install", () => {
    const prefix = join(tmp, "global");
    const out = npm(["i", "-g", "--prefix", prefix, tarball], tmp, 10 * MINUTE);
    expect(out).not.toContain("EBADENGINE");
    const bin = process.platform === "win32" ? join(prefix, "optlab.cmd") : join(prefix, "bin", "optlab");
    const pkgDir = process.platform === "win32" ? join(prefix, "node_modules", "optlab") : join(prefix, "lib", "node_modules", "optlab");
    try {
      checkInstalled(bin, pkgDir, join(tmp, "global-work"), "custom-model-gradcheck.ipynb");
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  }, 25 * MINUTE);

  test("through npx: optlab install warns that the kernelspec would point into npx's cache", () => {
    const cache = join(tmp, "npx-cache");
    const prefix = join(tmp, "npx-prefix");
    const r = spawnSync("npm", ["exec", "--yes", `--package=${tarball}`, "--", "optlab", "install", "--prefix", prefix], { cwd: tmp, env: env({ npm_config_cache: cache }), encoding: "utf8", timeout: 10 * MINUTE });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stderr).toMatch(/optlab install: warning: optlab runs from npx's temporary cache \(.*_npx.*\); the kernelspec would point there, and npm may delete that cache at any time/);
    expect(r.stderr).toContain("npm i -g optlab && optlab install");
    expect(r.stdout).toContain(`Installed the kernelspec optlab in ${join(prefix, "share", "jupyter", "kernels", "optlab")}`);
    rmSync(cache, { recursive: true, force: true });
  }, 15 * MINUTE);
});
