/**
 * The kernel as `optlab install` sets it up on Linux: the kernelspec's launcher starts it from its
 * V8 start-up snapshot (kernel/snapshot.ts, kernel/snapshot-entry.ts). Over ZeroMQ: cells are
 * type-checked and run as in a plain start, the DSL and TensorFlow.js are the same instances a
 * cell imports, tracebacks name cell lines and collapse optlab's frames, interrupts stop running
 * code in both modes, and a snapshot that no longer matches its build (or a NODE_OPTIONS that V8
 * would refuse it under) starts the plain kernel.
 * (The Python stages of `npm test` — protocol, conformance, notebooks — also run this kernelspec.)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { snapshotFiles } from "../../kernel/snapshot.js";
import { startKernel, type StartedKernel } from "./client.js";

const linux = process.platform === "linux";
const prefix = mkdtempSync(join(tmpdir(), "optlab-snapshot-"));
const specDir = join(prefix, "share/jupyter/kernels/optlab");
let argv: string[] = [];
let k: StartedKernel;
let log = "";

const cell = async (code: string) => {
  const r = await k.client.execute(code, {}, 60_000);
  const shown = r.iopub.filter((m) => m.header.msg_type === "execute_result" || m.header.msg_type === "display_data").map((m) => (m.content.data as Record<string, string>)["text/plain"]);
  return { content: r.reply.content, shown, iopub: r.iopub };
};

describe.runIf(linux)("the kernel started from its start-up snapshot", () => {
  beforeAll(async () => {
    const out = execFileSync(process.execPath, [join(packageRoot(), "dist/kernel/cli.js"), "install", "--prefix", prefix], { encoding: "utf8" });
    expect(out).toMatch(/Built the kernel's start-up snapshot \(\d+ MB, \d+ declaration files parsed\)/);
    argv = (JSON.parse(readFileSync(join(specDir, "kernel.json"), "utf8")) as { argv: string[] }).argv;
    expect(argv).toEqual(["/bin/sh", snapshotFiles(specDir).launcher, "-f", "{connection_file}"]);
    k = await startKernel(argv, { env: { OPTLAB_STATIC_IMAGES: "0" }, timeoutMs: 60_000 });
    k.process.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  }, 120_000);

  afterAll(async () => {
    await k?.stop();
    rmSync(prefix, { recursive: true, force: true });
  });

  test("cells are type-checked and keep their declarations; the DSL is there", async () => {
    expect((await cell("const a: number = 20;\na + 1")).shown).toEqual(["21"]);
    const bad = await cell("const s: string = a;");
    expect(bad.content).toMatchObject({ status: "error", ename: "TSError" });
    expect(String((bad.content.traceback as string[]).join("\n"))).toMatch(/Type 'number' is not assignable to type 'string'/);
    const f = await cell('const f = objective("x^2 + 3*y^2");\nf.grad([1, 2])');
    expect(f.content.status).toBe("ok");
    expect(f.shown.join("")).toMatch(/2.*12/);
    // a name that starts with "__" (tslab used TypeScript's escaped form of it)
    expect((await cell("const __hidden = 2;\n__hidden * 2")).shown).toEqual(["4"]);
    expect(log).toBe("");
  });

  test("the launcher tunes glibc's allocator (two arenas, trim above 128 KB) unless the user set it", async () => {
    expect((await cell("[process.env.MALLOC_ARENA_MAX, process.env.MALLOC_TRIM_THRESHOLD_].join()")).shown).toEqual(["'2,131072'"]);
    const mine = await startKernel(argv, { env: { OPTLAB_STATIC_IMAGES: "0", MALLOC_ARENA_MAX: "4" }, timeoutMs: 60_000 });
    try {
      const r = await mine.client.execute("process.env.MALLOC_ARENA_MAX", {}, 60_000);
      expect(r.iopub.filter((m) => m.header.msg_type === "execute_result").map((m) => (m.content.data as Record<string, string>)["text/plain"])).toEqual(["'4'"]);
    } finally {
      await mine.stop();
    }
  }, 120_000);

  test("errors: cell lines, optlab's frames collapsed, the message of a DslError", async () => {
    const e = await cell('const failing = { f: (x: number[]) => { throw new RangeError("model fails"); }, grad: (x: number[]) => [1] };\noptimize(failing, gd(), { from: [1] });');
    const tb = (e.content.traceback as string[]).join("\n");
    expect(tb).toMatch(/at (Object\.)?f \(Cell In\[\d+\], line 1\)\n {4}… \d+ frames inside optlab\n {4}at Cell In\[\d+\], line 2/);
    const d = await cell("adam({ lr: -1 })");
    expect(d.content).toMatchObject({ status: "error", ename: "DslError" });
  });

  test("a cell's TensorFlow.js is optlab's instance", async () => {
    const r = await cell('import * as tf from "@tensorflow/tfjs";\nconst t = tf.tensor([1, 2, 3]);\n[tensorMemory().numTensors >= 1, tf.getBackend() === tensorMemory().backend]');
    expect(r.content.status).toBe("ok");
    expect(r.shown.join("")).toMatch(/\[ true, true \]/);
  });

  test("tslab's display API", async () => {
    const r = await cell('import * as tslab from "tslab";\ntslab.display.html("<i>tslab</i>");');
    expect(r.iopub.some((m) => m.header.msg_type === "display_data" && String((m.content.data as Record<string, string>)["text/html"]).includes("<i>tslab</i>"))).toBe(true);
  });

  for (const mode of ["message", "signal"] as const) {
    test(`an interrupt (${mode}) stops a synchronous loop; variables survive`, async () => {
      let running!: () => void;
      const started = new Promise<void>((r) => (running = r));
      const reply = k.client.execute('display.text("running");\nwhile (true) {}', {}, 60_000, (m) => m.header.msg_type === "display_data" && running());
      await started;
      if (mode === "signal") k.process.kill("SIGINT");
      else k.client.send("control", "interrupt_request", {});
      expect((await reply).reply.content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
      expect((await cell("a")).shown).toEqual(["20"]);
    });
  }

  test("the launcher uses the snapshot only while its stamp matches this Node.js and this build", async () => {
    const { stamp, launcher } = snapshotFiles(specDir);
    const start = (env: NodeJS.ProcessEnv = {}) => spawnSync("/bin/sh", [launcher, "-f", join(prefix, "no-such-connection.json")], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", ...env } }).stderr;
    expect(start()).toMatch(/^optlab kernel \(snapshot\): /);
    // V8 refuses a snapshot under other heap options: with NODE_OPTIONS the plain kernel starts
    const withOptions = start({ NODE_OPTIONS: "--max-old-space-size=2048" });
    expect(withOptions).toMatch(/^optlab: NODE_OPTIONS is set, and a start-up snapshot loads only without V8 options; starting the kernel without it/);
    expect(withOptions).toMatch(/optlab kernel: .*no-such-connection\.json: no such connection file/);
    const good = readFileSync(stamp, "utf8");
    writeFileSync(stamp, "0-0 0-0 ");
    try {
      const err = start();
      expect(err).toMatch(/^optlab: the kernel's start-up snapshot is missing or was built for another Node\.js or build of optlab; starting without it/);
      expect(err).toMatch(/optlab kernel: .*no-such-connection\.json: no such connection file/);
      // and that plain kernel works
      const plain = await startKernel(argv, { env: { OPTLAB_STATIC_IMAGES: "0" }, timeoutMs: 60_000 });
      try {
        expect((await plain.client.execute("1 + 1")).reply.content.status).toBe("ok");
      } finally {
        await plain.stop();
      }
    } finally {
      writeFileSync(stamp, good);
    }
    expect(start()).toMatch(/^optlab kernel \(snapshot\): /);
  });
});
