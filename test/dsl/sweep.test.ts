/**
 * `sweep` and interrupts: the running cell's AbortSignal from the kernel hooks (faked here, as
 * kernel/hooks.ts registers it) or the user's own `signal` stops a sweep between runs (float64)
 * or between chunks of steps (tfjs), with a DslError "aborted", freeing its tensors; without an
 * abort the results are those of a sweep without a signal. (The real kernel's interrupt of a long
 * sweep is in test/kernel/test_protocol.py.)
 */
import { afterEach, describe, expect, test } from "vitest";
import { momentum, objective, sweep } from "../../dsl/index.js";
import { loadTf } from "../../src/backends/index.js";
import { fakeKernel, rejection, removeFakeKernel } from "../support/fake-kernel.js";

const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");
const lrs = Array.from({ length: 40 }, (_, i) => 1e-4 * (i + 1));
const betas = Array.from({ length: 40 }, (_, i) => i / 41);
/** 1600 runs × 20000 steps: far longer than any test waits (seconds on float64, more on tfjs). */
const long = { optimizer: (h: { lr: number; m: number }) => momentum({ lr: h.lr, momentum: h.m }), grid: { lr: lrs, m: betas }, from: [-1.2, 1], steps: 20_000 };



afterEach(removeFakeKernel);

describe("sweep stops when the kernel interrupts its cell", () => {
  test("float64: between runs, after a few of the 1600", async () => {
    const k = fakeKernel();
    const p = sweep(rosen, { ...long, backend: "float64" } as never);
    setTimeout(() => k.interrupt(), 50); // a timer fires only because the sweep yields to the event loop
    const e = await rejection(p, "the sweep");
    expect(e.code).toBe("aborted");
    const m = /^sweep: aborted after (\d+) of 1600 runs$/.exec(e.message);
    expect(m, e.message).not.toBeNull();
    expect(+m![1]!).toBeLessThan(1600);
  }, 30_000);

  test("wasm: between chunks of steps, with every tensor freed", async () => {
    await sweep(rosen, { optimizer: momentum({ lr: 1e-3, momentum: 0.9 }), from: [-1.2, 1], steps: 10, backend: "wasm" }); // start the backend first
    const tf = (await loadTf()) as unknown as { memory(): { numTensors: number } };
    const before = tf.memory().numTensors;
    const k = fakeKernel();
    const p = sweep(rosen, { ...long, steps: 2_000_000, backend: "wasm" } as never);
    setTimeout(() => k.interrupt(), 300);
    const e = await rejection(p, "the sweep");
    expect(e.code).toBe("aborted");
    const m = /^sweep: aborted after (\d+) of 2000000 steps of runs 1–1600 \(of 1600\)$/.exec(e.message);
    expect(m, e.message).not.toBeNull();
    expect(+m![1]!).toBeLessThan(2_000_000);
    expect(tf.memory().numTensors).toBe(before);
    // the backend is fine afterwards: the next sweep runs to the end
    removeFakeKernel();
    const next = await sweep(rosen, { optimizer: momentum({ lr: 1e-3, momentum: 0.9 }), from: [-1.2, 1], steps: 100, backend: "wasm" });
    expect(next.results[0]!.finalLoss).toBeLessThan(24.2);
  }, 60_000);

  test("an interrupt that came before the sweep started stops it before the first run", async () => {
    const k = fakeKernel();
    k.interrupt();
    const e = await rejection(sweep(rosen, { ...long, backend: "float64" } as never));
    expect(e.message).toBe("sweep: aborted before the first run");
  });

  test("not interrupted: the same results as outside a kernel", async () => {
    const small = { optimizer: (h: { lr: number; m: number }) => momentum({ lr: h.lr, momentum: h.m }), grid: { lr: [1e-4, 1e-3, 3e-3], m: [0, 0.9] }, from: [-1.2, 1], steps: 500, backend: "float64" };
    const plain = await sweep(rosen, small as never);
    fakeKernel();
    const inKernel = await sweep(rosen, small as never);
    expect(inKernel.results.map((r) => [r.finalLoss, r.diverged, r.stepsToTol])).toEqual(plain.results.map((r) => [r.finalLoss, r.diverged, r.stepsToTol]));
  });
});

describe("sweep with the user's own signal", () => {
  test("outside a kernel, aborting the signal stops the sweep", async () => {
    const c = new AbortController();
    const p = sweep(rosen, { ...long, backend: "float64", signal: c.signal } as never);
    setTimeout(() => c.abort(), 50);
    const e = await rejection(p, "the sweep");
    expect(e.message).toMatch(/^sweep: aborted after \d+ of 1600 runs$/);
  }, 30_000);

  test("in a kernel, either the user's signal or the interrupt stops it", async () => {
    fakeKernel();
    const c = new AbortController();
    const p = sweep(rosen, { ...long, backend: "float64", signal: c.signal } as never);
    setTimeout(() => c.abort(), 50);
    expect((await rejection(p, "the sweep")).code).toBe("aborted");
  }, 30_000);

  test("a signal that is not an AbortSignal is a bad option", async () => {
    const e = await rejection(sweep(rosen, { ...long, signal: { aborted: false } } as never));
    expect(e.code).toBe("bad-option");
    expect(e.message).toMatch(/^sweep: signal must be an AbortSignal, got/);
  });
});
