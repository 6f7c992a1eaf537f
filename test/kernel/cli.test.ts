/**
 * The `optlab` command line, as a user runs it (dist/kernel/cli.js, built by `npm run build`, in a
 * process of its own): help on every command, typos with suggestions, bad values, missing files,
 * where executed notebooks go, --allow-errors, exit codes (0 ok, 1 a notebook failed, 2 bad
 * usage), `optlab examples`, and the npx warning of `optlab install`.
 *
 * A run of a notebook starts a kernel in the child process (a few seconds each, more on a busy
 * machine): the spawn timeout is a generous 180 s, and only the cases that must execute a
 * notebook do.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CodeCell, Notebook } from "../../kernel/notebook.js";
import { packageRoot } from "../../kernel/package-root.js";

const CLI = join(packageRoot(), "dist", "kernel", "cli.js");
let dir: string;
let jupyterData: string;

interface Result {
  code: number | null;
  out: string;
  err: string;
}

function optlab(args: string[], o: { cwd?: string; env?: Record<string, string | undefined> } = {}): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: o.cwd ?? dir,
    encoding: "utf8",
    timeout: 180_000,
    // A kernelspec written by mistake would land here, not in the user's Jupyter directories.
    env: { ...process.env, JUPYTER_DATA_DIR: jupyterData, OPTLAB_STATIC_IMAGES: "0", OPTLAB_DEBUG: undefined, ...o.env },
  });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const code = (source: string, tags?: string[]): CodeCell => ({ cell_type: "code", metadata: tags ? { tags } : {}, source, outputs: [], execution_count: null });
const notebook = (path: string, cells: Notebook["cells"]) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells } satisfies Notebook, null, 1));
};
const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Notebook;
const lines = (s: string) => s.trimEnd().split("\n");
/** A usage error: exit 2, the message, then the pointer to help; nothing on stdout, no stack. */
function expectUsageError(r: Result, message: RegExp, command = ""): void {
  expect(r.code, r.err).toBe(2);
  expect(r.out).toBe("");
  expect(lines(r.err)).toEqual([expect.stringMatching(message), `Run "optlab${command ? ` ${command}` : ""} --help" for usage.`]);
  expect(r.err).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "optlab-cli-"));
  jupyterData = join(dir, "jupyter-data");
  notebook(join(dir, "good.ipynb"), [{ cell_type: "markdown", metadata: {}, source: "# Good" }, code("40 + 2")]);
  notebook(join(dir, "bad.ipynb"), [code("const x = 1;"), code('throw new Error("boom")'), code('"after the error"')]);
  notebook(join(dir, "expected.ipynb"), [code('throw new Error("on purpose")', ["raises-exception"]), code('"still runs"')]);
  writeFileSync(join(dir, "junk.ipynb"), "not json");
  mkdirSync(join(dir, "empty"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("help", () => {
  const commands = ["run", "install", "examples", "kernel", "help"];

  test("optlab, optlab --help and optlab -h list every command", () => {
    for (const args of [[], ["--help"], ["-h"], ["help"]]) {
      const r = optlab(args);
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      for (const c of commands) expect(r.out).toMatch(new RegExp(`^  ${c} `, "m"));
    }
  });

  test.each(commands)("optlab %s --help and -h print that command's usage and do nothing else", (command) => {
    for (const flag of ["--help", "-h"]) {
      const r = optlab([command, flag]);
      expect(r.code).toBe(0);
      expect(r.err).toBe("");
      expect(r.out).toMatch(new RegExp(`^usage: optlab ${command}\\b`));
    }
    if (command !== "help") expect(optlab(["help", command]).out).toBe(optlab([command, "--help"]).out);
  });

  test("help wins over everything else on the line: nothing is installed, copied or run", () => {
    const prefix = join(dir, "help-prefix");
    expect(optlab(["install", "--prefix", prefix, "--help"]).code).toBe(0);
    expect(optlab(["install", "-h"]).code).toBe(0);
    expect(optlab(["install", "--prefx", prefix, "-h"]).code).toBe(0);
    expect(existsSync(prefix)).toBe(false);
    expect(existsSync(jupyterData)).toBe(false);
    expect(optlab(["examples", join(dir, "help-examples"), "--help"]).code).toBe(0);
    expect(existsSync(join(dir, "help-examples"))).toBe(false);
    const before = readFileSync(join(dir, "good.ipynb"), "utf8");
    const r = optlab(["run", "good.ipynb", "--inplace", "-h"]);
    expect(r.out).toMatch(/^usage: optlab run/);
    expect(readFileSync(join(dir, "good.ipynb"), "utf8")).toBe(before);
  });

  test("--version", () => {
    const r = optlab(["--version"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`optlab ${(JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version}\n`);
  });
});

describe("bad usage: one line, a pointer to help, exit 2", () => {
  test("unknown commands suggest the nearest", () => {
    expectUsageError(optlab(["isntall"]), /^optlab: unknown command "isntall" \(did you mean install\?\)$/);
    expectUsageError(optlab(["rnu", "good.ipynb"]), /^optlab: unknown command "rnu" \(did you mean run\?\)$/);
    expectUsageError(optlab(["example", "x"]), /^optlab: unknown command "example" \(did you mean examples\?\)$/);
    expectUsageError(optlab(["frobnicate"]), /^optlab: unknown command "frobnicate"$/);
    expectUsageError(optlab(["--verison"]), /^optlab: unknown option "--verison" \(did you mean --version\?\)$/);
    expectUsageError(optlab(["help", "rn"]), /^optlab: unknown command "rn" \(did you mean run\?\)$/);
  });

  test("install --prefx DIR is an error, not a silent user install", () => {
    const prefix = join(dir, "typo-prefix");
    expectUsageError(optlab(["install", "--prefx", prefix]), /^optlab install: unknown option "--prefx" \(did you mean --prefix\?\)$/, "install");
    expectUsageError(optlab(["install", `--prefx=${prefix}`]), /^optlab install: unknown option "--prefx" \(did you mean --prefix\?\)$/, "install");
    expectUsageError(optlab(["install", "prefix", prefix]), /^optlab install: takes no arguments, got "prefix" \(did you mean --prefix\?\)$/, "install");
    expect(existsSync(prefix)).toBe(false);
    expect(existsSync(jupyterData)).toBe(false);
  });

  test("unknown flags of run, examples and kernel", () => {
    expectUsageError(optlab(["run", "good.ipynb", "--alow-errors"]), /^optlab run: unknown option "--alow-errors" \(did you mean --allow-errors\?\)$/, "run");
    expectUsageError(optlab(["run", "good.ipynb", "--in-place"]), /^optlab run: unknown option "--in-place" \(did you mean --inplace\?\)$/, "run");
    expectUsageError(optlab(["run", "good.ipynb", "-x"]), /^optlab run: unknown option "-x"$/, "run");
    expectUsageError(optlab(["examples", "x", "--froce"]), /^optlab examples: unknown option "--froce" \(did you mean --force\?\)$/, "examples");
    expectUsageError(optlab(["kernel", "--connection", "c.json"]), /^optlab kernel: unknown option "--connection" \(did you mean --connection-file\?\)$/, "kernel");
  });

  test("missing and malformed values, extra and missing arguments, conflicting flags", () => {
    expectUsageError(optlab(["run", "good.ipynb", "--timeout"]), /^optlab run: --timeout needs a value$/, "run");
    expectUsageError(optlab(["run", "good.ipynb", "--timeout", "soon"]), /^optlab run: --timeout must be a positive number of seconds, got "soon"$/, "run");
    expectUsageError(optlab(["run", "good.ipynb", "--timeout", "-1"]), /^optlab run: --timeout needs a value, got the option-like "-1"/, "run");
    expectUsageError(optlab(["run", "good.ipynb", "--html", "--out", "x"]), /^optlab run: --html needs a value$/, "run");
    expectUsageError(optlab(["run", "good.ipynb", "--inplace", "--out", "x"]), /^optlab run: --inplace and --out exclude each other/, "run");
    expectUsageError(optlab(["run"]), /^optlab run: give at least one notebook, or a directory of notebooks$/, "run");
    expectUsageError(optlab(["install", "--user=yes"]), /^optlab install: --user takes no value \(got "yes"\)$/, "install");
    expectUsageError(optlab(["install", "--user", "--prefix", "p"]), /^optlab install: choose one of --user, --sys-prefix, --prefix DIR$/, "install");
    expectUsageError(optlab(["install", "--name", "my kernel"]), /^optlab install: --name must be letters, digits/, "install");
    expectUsageError(optlab(["examples"]), /^optlab examples: give the directory to copy the notebooks into$/, "examples");
    expectUsageError(optlab(["examples", "a", "b"]), /^optlab examples: takes at most 1 argument, got "b" too$/, "examples");
    expectUsageError(optlab(["kernel"]), /^optlab kernel: give the connection file with -f FILE$/, "kernel");
    expectUsageError(optlab(["--version", "x"]), /^optlab: --version takes no arguments, got "x"$/);
  });

  test("paths that do not exist, and directories without notebooks", () => {
    expectUsageError(optlab(["run", "missing.ipynb"]), /^optlab run: missing\.ipynb: no such file or directory$/, "run");
    expectUsageError(optlab(["run", "good.ipynb", "no-such-dir"]), /^optlab run: no-such-dir: no such file or directory$/, "run");
    expectUsageError(optlab(["run", "empty"]), /^optlab run: empty: a directory with no notebooks \(\*\.ipynb\) in it$/, "run");
    expectUsageError(optlab(["kernel", "-f", "missing.json"]), /^optlab kernel: missing\.json: no such connection file$/, "kernel");
  });

  test("an output that would overwrite an input, or two inputs written to one file, is refused before anything runs", () => {
    const before = readFileSync(join(dir, "good.ipynb"), "utf8");
    expectUsageError(optlab(["run", "good.ipynb", "--out", "."]), /^optlab run: good\.ipynb: --out \. would write the executed copy over it; give --out DIR \(another directory\), or --inplace/, "run");
    expectUsageError(optlab(["run", "good.ipynb", "--html", dir]), /^optlab run: good\.ipynb: --html .* puts the executed copy next to the HTML, over it/, "run");
    notebook(join(dir, "twin", "good.ipynb"), [code("1")]);
    expectUsageError(optlab(["run", "good.ipynb", "twin/good.ipynb", "--out", "twins"]), /^optlab run: good\.ipynb and twin\/good\.ipynb would both be written to twins\/good\.ipynb/, "run");
    expect(readFileSync(join(dir, "good.ipynb"), "utf8")).toBe(before);
    expect(existsSync(join(dir, "twins"))).toBe(false);
  });
});

describe("optlab run", () => {
  test("without --out, --html or --inplace the input is left alone and the run says the copy is not saved", () => {
    const before = readFileSync(join(dir, "good.ipynb"), "utf8");
    const files = readdirSync(dir).sort();
    const r = optlab(["run", "good.ipynb"]);
    expect(r.code, r.err).toBe(0);
    expect(lines(r.err)).toEqual([expect.stringMatching(/^good\.ipynb: 1 cell in [\d.]+ s, ok → executed notebook not saved \(--out DIR, --html DIR or --inplace saves it\)$/)]);
    expect(readFileSync(join(dir, "good.ipynb"), "utf8")).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(files);
  });

  test("--inplace writes the executed notebook over its input; --html alongside writes the page", () => {
    const path = join(dir, "inplace", "nb.ipynb");
    notebook(path, [code("6 * 7")]);
    const r = optlab(["run", path, "--inplace", "--html", join(dir, "inplace-html")]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`ok → ${path}, ${join(dir, "inplace-html", "nb.html")}`);
    const cell = read(path).cells[0] as CodeCell;
    expect(cell.execution_count).toBe(1);
    expect(cell.outputs).toEqual([{ output_type: "execute_result", execution_count: 1, data: { "text/plain": ["42"] }, metadata: {} }]);
    expect(readdirSync(join(dir, "inplace-html"))).toEqual(["nb.html"]);
  });

  test("a directory with --html DIR: the pages and DIR/index.html linking each with its claim (a file alone: no index)", () => {
    notebook(join(dir, "gallery", "one.ipynb"), [{ cell_type: "markdown", metadata: {}, source: "# First\n\nIt claims one thing." }, code("1")]);
    notebook(join(dir, "gallery", "two.ipynb"), [code("2")]);
    const r = optlab(["run", "gallery", "--html", "gallery-html"]);
    expect(r.code, r.err).toBe(0);
    expect(lines(r.err)).toContain(`index of 2 pages → ${join(dir, "gallery-html", "index.html")}`);
    expect(readdirSync(join(dir, "gallery-html")).sort()).toEqual(["index.html", "one.html", "one.ipynb", "two.html", "two.ipynb"]);
    const index = readFileSync(join(dir, "gallery-html", "index.html"), "utf8");
    expect(index).toMatch(/<a href="one\.html">First<\/a>.*It claims one thing\./);
    expect(index).toMatch(/<a href="two\.html">two<\/a>/);
    const single = optlab(["run", "gallery/one.ipynb", "--html", "single-html"]);
    expect(single.code, single.err).toBe(0);
    expect(readdirSync(join(dir, "single-html")).sort()).toEqual(["one.html", "one.ipynb"]);
  });

  test("--html DIR: the executed notebook goes next to the page; --out DIR overrides where", () => {
    const r = optlab(["run", "good.ipynb", "--html", "h", "--out", "o"]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(dir, "h"))).toEqual(["good.html"]);
    expect(readdirSync(join(dir, "o"))).toEqual(["good.ipynb"]);
    expect((read(join(dir, "o", "good.ipynb")).cells[1] as CodeCell).execution_count).toBe(1);
    const r2 = optlab(["run", "good.ipynb", "--html", "h2"]);
    expect(r2.code, r2.err).toBe(0);
    expect(readdirSync(join(dir, "h2")).sort()).toEqual(["good.html", "good.ipynb"]);
  });

  test("a cell that raises fails the notebook (exit 1) and stops it; --allow-errors runs every cell and reports the error, not ok", () => {
    const failed = optlab(["run", "bad.ipynb", "--out", "failed"]);
    expect(failed.code).toBe(1);
    expect(lines(failed.err)).toEqual([expect.stringMatching(/^bad\.ipynb: 2 of 3 cells in [\d.]+ s, FAILED \(cell 2: Error: boom\) → /)]);
    expect((read(join(dir, "failed", "bad.ipynb")).cells[2] as CodeCell).outputs).toEqual([]);

    const allowed = optlab(["run", "bad.ipynb", "--out", "allowed", "--allow-errors"]);
    expect(allowed.code, allowed.err).toBe(0);
    expect(lines(allowed.err)).toEqual([expect.stringMatching(/^bad\.ipynb: 3 cells in [\d.]+ s, ERRORS allowed by --allow-errors, 1 cell raised \(cell 2: Error: boom\) → /)]);
    expect(allowed.err).not.toMatch(/, ok\b/);
    const cells = read(join(dir, "allowed", "bad.ipynb")).cells as CodeCell[];
    expect(cells[1]!.outputs[0]).toMatchObject({ output_type: "error", ename: "Error", evalue: "boom" });
    expect(cells[2]!.outputs).toEqual([{ output_type: "execute_result", execution_count: 3, data: { "text/plain": ["'after the error'"] }, metadata: {} }]);
  });

  test("a cell tagged raises-exception is expected: the notebook is ok", () => {
    const r = optlab(["run", "expected.ipynb"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^expected\.ipynb: 2 cells in [\d.]+ s, ok → /);
  });

  test("a file that is not a notebook fails that notebook in one line (exit 1); the others still run; a summary line counts them", () => {
    const r = optlab(["run", "junk.ipynb", "good.ipynb"]);
    expect(r.code).toBe(1);
    expect(lines(r.err)).toEqual([
      expect.stringMatching(/^junk\.ipynb: FAILED, not a notebook \(.*JSON.*\)$/),
      expect.stringMatching(/^good\.ipynb: 1 cell in [\d.]+ s, ok → /),
      "2 notebooks: 1 ok, 1 FAILED",
    ]);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe("optlab examples", () => {
  const shipped = () => readdirSync(join(packageRoot(), "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();

  test("copies the starter notebooks, refuses to overwrite without --force", () => {
    const to = join(dir, "examples", "nested");
    const r = optlab(["examples", to]);
    expect(r.code, r.err).toBe(0);
    expect(shipped().length).toBeGreaterThanOrEqual(3);
    expect(readdirSync(to).sort()).toEqual(shipped());
    for (const f of shipped()) expect(readFileSync(join(to, f), "utf8")).toBe(readFileSync(join(packageRoot(), "notebooks", f), "utf8"));
    expect(r.out).toContain(`Copied ${shipped().length} notebooks into ${to}`);

    writeFileSync(join(to, "rosenbrock.ipynb"), "mine");
    const again = optlab(["examples", to]);
    expect(again.code).toBe(1);
    expect(lines(again.err)).toEqual([expect.stringMatching(/^optlab examples: .*rosenbrock\.ipynb.* exist; nothing copied \(--force overwrites\)$/)]);
    expect(readFileSync(join(to, "rosenbrock.ipynb"), "utf8")).toBe("mine");

    expect(optlab(["examples", to, "--force"]).code).toBe(0);
    expect(readFileSync(join(to, "rosenbrock.ipynb"), "utf8")).toBe(readFileSync(join(packageRoot(), "notebooks", "rosenbrock.ipynb"), "utf8"));
  });

  test("a file in the way is bad usage", () => {
    expectUsageError(optlab(["examples", "junk.ipynb"]), /^optlab examples: junk\.ipynb exists and is not a directory$/, "examples");
  });
});

describe("optlab install", () => {
  test("--prefix DIR writes the kernelspec there, nothing else", () => {
    const prefix = join(dir, "prefix");
    const r = optlab(["install", "--prefix", prefix, "--name", "optlab-test", "--display-name", "T", "--no-snapshot"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe("");
    expect(r.out).toBe(`Installed the kernelspec optlab-test in ${join(prefix, "share", "jupyter", "kernels", "optlab-test")}\n`);
    const spec = JSON.parse(readFileSync(join(prefix, "share", "jupyter", "kernels", "optlab-test", "kernel.json"), "utf8"));
    expect(spec.display_name).toBe("T");
    expect(spec.argv.slice(1)).toEqual([CLI, "kernel", "-f", "{connection_file}"]);
    expect(existsSync(jupyterData)).toBe(false);
  });

  test.runIf(process.platform === "linux")("with the start-up snapshot (the default on Linux): kernel.json runs the launcher", () => {
    const prefix = join(dir, "prefix-snapshot");
    const r = optlab(["install", "--prefix", prefix]);
    expect(r.code, r.err).toBe(0);
    const where = join(prefix, "share", "jupyter", "kernels", "optlab");
    expect(r.out).toMatch(/^Built the kernel's start-up snapshot \(\d+ MB, \d+ declaration files parsed\)\nInstalled the kernelspec optlab in /);
    const spec = JSON.parse(readFileSync(join(where, "kernel.json"), "utf8"));
    expect(spec.argv).toEqual(["/bin/sh", join(where, "start-kernel.sh"), "-f", "{connection_file}"]);
    for (const f of ["kernel.blob", "kernel.blob.stamp", "start-kernel.sh"]) expect(existsSync(join(where, f))).toBe(true);
    // installing again without it removes the snapshot's files
    expect(optlab(["install", "--prefix", prefix, "--no-snapshot"]).code).toBe(0);
    for (const f of ["kernel.blob", "kernel.blob.stamp", "start-kernel.sh"]) expect(existsSync(join(where, f))).toBe(false);
  });

  test("from npm's cache (as npx runs it) it warns that the kernelspec would not last, and says how to install for good", () => {
    const prefix = join(dir, "npx-prefix");
    // The package directory inside "npm's cache": what `npx optlab install` looks like to optlab.
    const r = optlab(["install", "--prefix", prefix], { env: { npm_config_cache: dirname(packageRoot()) } });
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^optlab install: warning: optlab runs from npm's cache \(.*\); the kernelspec would point there, and npm may delete that cache at any time/);
    expect(r.err).toContain("npm i -g optlab && optlab install");
    expect(existsSync(join(prefix, "share", "jupyter", "kernels", "optlab", "kernel.json"))).toBe(true);
  });

  test("what the system refuses is one line and exit 1, no stack", () => {
    writeFileSync(join(dir, "a-file"), "");
    const r = optlab(["install", "--prefix", join(dir, "a-file")]);
    expect(r.code).toBe(1);
    expect(lines(r.err)).toEqual([expect.stringMatching(/^optlab install: (EEXIST|ENOTDIR)/)]);
    const venv = optlab(["install", "--sys-prefix"], { env: { VIRTUAL_ENV: "", CONDA_PREFIX: "" } });
    expect(venv.code).toBe(1);
    expect(lines(venv.err)).toEqual(["optlab install: no active virtualenv or conda environment ($VIRTUAL_ENV / $CONDA_PREFIX); use --user or --prefix DIR"]);
  });
});
