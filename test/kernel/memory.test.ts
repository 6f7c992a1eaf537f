/**
 * No per-cell leak in the kernel's own machinery (compiler state, compile cache, history, cell
 * records for tracebacks, display hooks): the live heap after a full collection grows by at most
 * ~20 KB per cell over 300 new cells that each declare a small value (what a cell keeps by
 * design: its value and its declaration, as IPython keeps a name). The real kernel process, with
 * `--expose-gc` so that a cell can collect before it measures. (RSS over 2000 cells against
 * IPython is measured in test/bench/kernel.bench.ts.)
 */
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { startKernel, type StartedKernel } from "./client.js";

let k: StartedKernel;

beforeAll(async () => {
  k = await startKernel([process.execPath, "--expose-gc", join(packageRoot(), "dist/kernel/cli.js"), "kernel", "-f", "{connection_file}"], { env: { OPTLAB_STATIC_IMAGES: "0" }, timeoutMs: 60000 });
}, 90_000);

afterAll(async () => {
  await k?.stop();
});

/** The live heap (MB) after two full collections, measured in the kernel. */
async function liveHeapMb(): Promise<number> {
  const { reply, iopub } = await k.client.execute("(() => { const g = (globalThis as any).gc; g(); g(); return process.memoryUsage().heapUsed / 1048576; })()", {}, 60_000);
  expect(reply.content.status).toBe("ok");
  return Number((iopub.find((m) => m.header.msg_type === "execute_result")!.content.data as Record<string, string>)["text/plain"]);
}

async function cells(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const { reply } = await k.client.execute(`const v${i} = ${i} * 2; v${i} + 1`, {}, 60_000);
    expect(reply.content.status).toBe("ok");
  }
}

test("300 new cells grow the live heap by less than 20 KB each", async () => {
  await cells(0, 100); // compiler caches, JIT, history and cell records fill up first
  const before = await liveHeapMb();
  await cells(100, 400);
  const after = await liveHeapMb();
  expect(after - before, `live heap ${before.toFixed(1)} → ${after.toFixed(1)} MB`).toBeLessThan((300 * 20) / 1024);
}, 600_000);
