/**
 * kernel/idle-gc.ts: a full collection after a request once the heap has grown by the threshold,
 * none before; off when asked. (The kernel's RSS over 2000 cells is measured in
 * test/bench/kernel.bench.ts.)
 */
import v8 from "node:v8";
import { expect, test } from "vitest";
import { createIdleGc } from "../../kernel/idle-gc.js";

const MB = 1024 * 1024;
const used = () => v8.getHeapStatistics().used_heap_size;
/** Runs queued immediates (the collection is scheduled with setImmediate). */
const turn = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

/** Allocates about `mb` MB that stays reachable until `drop()`. */
function garbage(mb: number): { drop(): void } {
  let keep: number[][] | null = Array.from({ length: mb * 16 }, () => Array.from({ length: 8192 }, (_, i) => i + 0.5));
  return { drop: () => void (keep = null) };
}

test("no collection while the heap has grown by less than the threshold", async () => {
  const gc = createIdleGc(1024 * MB);
  gc.afterRequest();
  await turn();
  expect(gc.collections).toBe(0);
});

test("after the heap grew by the threshold, one collection frees the garbage", async () => {
  const gc = createIdleGc(32 * MB);
  const g = garbage(64);
  g.drop();
  const before = used();
  gc.afterRequest();
  gc.afterRequest(); // a second request before it ran schedules nothing more
  await turn();
  expect(gc.collections).toBe(1);
  expect(before - used()).toBeGreaterThan(32 * MB);
  // the base moved: no new collection until the heap grows again
  gc.afterRequest();
  await turn();
  expect(gc.collections).toBe(1);
});

test("OPTLAB_IDLE_GC=0 turns it off", async () => {
  process.env.OPTLAB_IDLE_GC = "0";
  try {
    const gc = createIdleGc(1);
    garbage(8).drop();
    gc.afterRequest();
    await turn();
    expect(gc.collections).toBe(0);
  } finally {
    delete process.env.OPTLAB_IDLE_GC;
  }
});
