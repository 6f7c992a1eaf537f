/**
 * One TensorFlow.js per kernel (kernel/shared-modules.ts): a cell's `import * as tf from
 * "@tensorflow/tfjs"` is optlab's instance with its backends, in a notebook directory without
 * node_modules and in one with its own (here: a fake) copy; `tensorMemory()` counts the cell's
 * tensors; optlab's tfjs runs still work after the user switches the backend. The real kernel
 * process (dist/, `npm run build`) over ZeroMQ.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { startKernel, type StartedKernel } from "./client.js";

const dirs: string[] = [];

async function kernelIn(setup: (dir: string) => void): Promise<StartedKernel> {
  const dir = mkdtempSync(join(tmpdir(), "optlab-tfjs-"));
  dirs.push(dir);
  setup(dir);
  return startKernel([process.execPath, join(packageRoot(), "dist/kernel/cli.js"), "kernel", "-f", "{connection_file}"], { env: { OPTLAB_STATIC_IMAGES: "0" }, cwd: dir, timeoutMs: 60000 });
}

/** Runs a cell that must succeed; returns its `text/plain` result ("" when it has none). */
async function value(k: StartedKernel, code: string): Promise<string> {
  const { reply, iopub } = await k.client.execute(code, {}, 60000);
  expect(reply.content, code).toMatchObject({ status: "ok" });
  const r = iopub.find((m) => m.header.msg_type === "execute_result");
  return r ? String((r.content.data as Record<string, unknown>)["text/plain"]) : "";
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("a notebook directory without node_modules", () => {
  let k: StartedKernel;
  beforeAll(async () => {
    k = await kernelIn(() => {});
  }, 90_000);
  afterAll(async () => {
    await k?.stop();
  });

  test("the import type-checks and runs; tf has a backend at once", async () => {
    await value(k, 'import * as tf from "@tensorflow/tfjs";');
    expect(await value(k, "tf.getBackend()")).toBe("'cpu'");
    expect(await value(k, "tensorMemory().backend")).toBe("'cpu'");
  }, 60_000);

  test("tensorMemory() sees the cell's tensors (count and bytes) and their disposal", async () => {
    await value(k, "const m0 = tensorMemory(); const a = tf.tensor([1, 2, 3]); const b = tf.ones([2, 2]);");
    expect(await value(k, "const m1 = tensorMemory(); [m1.numTensors - m0.numTensors, m1.numBytes - m0.numBytes]")).toBe("[ 2, 28 ]");
    expect(await value(k, "a.dispose(); b.dispose(); tensorMemory().numTensors - m0.numTensors")).toBe("0");
  }, 60_000);

  test("optlab's runs use the same TensorFlow.js: its backend is the cell's tf.getBackend(), and it frees its tensors", async () => {
    await value(k, 'const f = objective("x^2 + 10*y^2"); const before = tensorMemory().numTensors;');
    await value(k, 'const r1 = await optimize(f, adam({ lr: 0.1 }), { from: [1, 1], steps: 20, backend: "wasm" });');
    expect(await value(k, "[r1.status, r1.steps, tf.getBackend(), tensorMemory().backend, tensorMemory().numTensors - before]")).toBe("[ 'max-steps', 20, 'wasm', 'wasm', 0 ]");
    // tensors made in the cell now live on the backend optlab started
    expect(await value(k, "const c = tf.tidy(() => tf.tensor([1, 2]).mul(2)); [c.dataSync().join(), tensorMemory().numTensors - before]")).toBe("[ '2,4', 1 ]");
  }, 60_000);

  test("after the user's tf.setBackend, optlab's tfjs run still works and gives the same numbers", async () => {
    await value(k, 'await tf.setBackend("cpu");');
    expect(await value(k, "tf.getBackend()")).toBe("'cpu'");
    await value(k, 'const r2 = await optimize(f, adam({ lr: 0.1 }), { from: [1, 1], steps: 20, backend: "wasm" });');
    expect(await value(k, "[r2.status, Array.from(r2.losses).join() === Array.from(r1.losses).join()]")).toBe("[ 'max-steps', true ]");
  }, 60_000);
});

describe("a notebook directory with its own @tensorflow/tfjs", () => {
  let k: StartedKernel;
  beforeAll(async () => {
    k = await kernelIn((dir) => {
      // a stand-in for a second copy: loading it instead of optlab's would be visible at once
      const pkg = join(dir, "node_modules/@tensorflow/tfjs");
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@tensorflow/tfjs", version: "0.0.1", main: "index.js", types: "index.d.ts" }));
      writeFileSync(join(pkg, "index.js"), "exports.secondCopy = true;\n");
      writeFileSync(join(pkg, "index.d.ts"), "export declare const secondCopy: true;\n");
    });
  }, 90_000);
  afterAll(async () => {
    await k?.stop();
  });

  test("the cell gets optlab's copy, for the type checker (tf.tensor exists) and at run time", async () => {
    await value(k, 'import * as tf from "@tensorflow/tfjs";');
    expect(await value(k, '["secondCopy" in tf, typeof tf.tensor, tf.getBackend()]')).toBe("[ false, 'function', 'cpu' ]");
    expect(await value(k, "const before = tensorMemory().numTensors; const t = tf.scalar(1); tensorMemory().numTensors - before")).toBe("1");
  }, 60_000);
});
