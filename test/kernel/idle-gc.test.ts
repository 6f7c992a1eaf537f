/**
 * kernel/idle-gc.ts: a full collection once the kernel is idle after a request, when the heap has
 * grown by the threshold, none before; a request that comes first postpones it; past the hard
 * limit it runs right after the reply; off when asked. (The kernel's RSS over 2000 cells is measured in
 * test/bench/kernel.bench.ts.)
 */
import v8 from "node:v8";
import { expect, test } from "vitest";
import { createIdleGc } from "../../kernel/idle-gc.js";

const MB = 1024 * 1024;
const used = () => v8.getHeapStatistics().used_heap_size;
/** Runs queued immediates (a collection past the hard limit is scheduled with setImmediate). */
const turn = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));
/** Quiet time of the tests' collectors (ms). */
const IDLE = 5;
/** Waits until timers of `IDLE` ms set before now have run (a later timer of a longer delay runs after them). */
const quietPassed = () => new Promise<void>((r) => setTimeout(r, IDLE + 1));
const timing = { idleMs: IDLE, hardFactor: 4 };

/** Allocates about `mb` MB that stays reachable until `drop()`. */
function garbage(mb: number): { drop(): void } {
  let keep: number[][] | null = Array.from({ length: mb * 16 }, () => Array.from({ length: 8192 }, (_, i) => i + 0.5));
  return { drop: () => void (keep = null) };
}

test("no collection while the heap has grown by less than the threshold", async () => {
  const gc = createIdleGc(1024 * MB, timing);
  garbage(8).drop();
  gc.afterRequest();
  await turn();
  await quietPassed();
  expect(gc.collections).toBe(0);
});

/** A heap whose used size the test sets (the scheduling tests do not depend on V8's own collections). */
function fakeHeap(): { used: number; heapUsed: () => number } {
  const h = { used: 100 * MB, heapUsed: () => h.used };
  return h;
}

test("after the heap grew by the threshold, no collection right after the reply", async () => {
  const heap = fakeHeap();
  const gc = createIdleGc(32 * MB, { idleMs: 60_000, hardFactor: 1000, heapUsed: heap.heapUsed });
  heap.used += 64 * MB;
  gc.afterRequest();
  await turn();
  expect(gc.collections).toBe(0);
  gc.beforeRequest(); // clears the waiting collection
});

test("after the heap grew by the threshold, one collection once idle frees the garbage", async () => {
  const gc = createIdleGc(16 * MB, { idleMs: IDLE, hardFactor: 1000 });
  const g = garbage(64);
  g.drop();
  const before = used();
  gc.afterRequest();
  gc.afterRequest(); // a second reply before it ran schedules nothing more
  await quietPassed();
  expect(gc.collections).toBe(1);
  expect(before - used()).toBeGreaterThan(32 * MB);
  // the base moved: no new collection until the heap grows again
  gc.afterRequest();
  await quietPassed();
  expect(gc.collections).toBe(1);
});

test("a request that comes before the kernel was quiet postpones the collection to after its reply", async () => {
  const heap = fakeHeap();
  const gc = createIdleGc(32 * MB, { idleMs: IDLE, hardFactor: 1000, heapUsed: heap.heapUsed });
  heap.used += 64 * MB;
  gc.afterRequest();
  gc.beforeRequest();
  await quietPassed();
  expect(gc.collections).toBe(0);
  gc.afterRequest();
  await quietPassed();
  expect(gc.collections).toBe(1);
});

test("past the hard limit the collection runs right after the reply, requests or not", async () => {
  const heap = fakeHeap();
  const gc = createIdleGc(8 * MB, { idleMs: 60_000, hardFactor: 4, heapUsed: heap.heapUsed });
  heap.used += 64 * MB;
  gc.afterRequest();
  gc.beforeRequest();
  await turn();
  expect(gc.collections).toBe(1);
});

test("OPTLAB_IDLE_GC=0 turns it off", async () => {
  process.env.OPTLAB_IDLE_GC = "0";
  try {
    const gc = createIdleGc(1, timing);
    garbage(8).drop();
    gc.afterRequest();
    await turn();
    await quietPassed();
    expect(gc.collections).toBe(0);
  } finally {
    delete process.env.OPTLAB_IDLE_GC;
  }
});
