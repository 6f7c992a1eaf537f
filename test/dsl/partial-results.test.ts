/**
 * Interrupted work keeps what it computed: an aborted `optimizeAsync` rejects with an error whose
 * `run` is the partial run, `compareAsync`'s error has the `comparison` so far, `sweep`'s the
 * `result` of the points that finished; `lastRun()` is the most recent run, finished or not.
 * Aborts come from the user's AbortSignal and from the kernel cell's signal (a fake kernel, as
 * kernel/hooks.ts registers it); each is triggered by the work's own progress, not a timer.
 * (The real kernel's SIGINT path is in test/kernel/partial-results.test.ts.)
 */
import { afterEach, describe, expect, test } from "vitest";
import { adam, compareAsync, gd, lastRun, momentum, objective, optimize, optimizeAsync, sweep, type Comparison, type Run, type Sweep } from "../../dsl/index.js";
import { fakeKernel, rejection, removeFakeKernel } from "../support/fake-kernel.js";

const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");
/** Far more steps than any test waits for. */
const long = { from: [-1.2, 1], steps: 50_000_000, tol: 0, live: false as const, progressEvery: 1 };

afterEach(removeFakeKernel);

describe("optimizeAsync: the partial run is on the error and in lastRun()", () => {
  test("aborted through the user's signal", async () => {
    const ac = new AbortController();
    const e = await rejection(optimizeAsync(rosen, adam({ lr: 1e-4 }), { ...long, signal: ac.signal, onProgress: () => ac.abort() }), "the run");
    expect(e.code).toBe("aborted");
    const run = (e as unknown as { run: Run }).run;
    expect(run.status).toBe("aborted");
    expect(run.steps).toBeGreaterThan(0);
    expect(run.steps).toBeLessThan(50_000_000);
    expect(run.losses.length).toBe(run.steps + 1);
    expect(e.message).toBe(`optimizeAsync: aborted after ${run.steps} steps (the partial run is in error.run)`);
    expect(lastRun()).toBe(run);
  });

  test("aborted by the kernel's interrupt of the cell", async () => {
    const k = fakeKernel();
    const e = await rejection(optimizeAsync(rosen, adam({ lr: 1e-4 }), { ...long, onProgress: () => k.interrupt() }), "the run");
    const run = (e as unknown as { run: Run }).run;
    expect(run.status).toBe("aborted");
    expect(run.message).toMatch(/^aborted after \d+ of 50000000 steps$/);
    expect(lastRun()).toBe(run);
  });

  test("a run the interrupt stopped before it got back to its loop is marked aborted", async () => {
    const k = fakeKernel();
    const p = optimizeAsync(rosen, adam({ lr: 1e-4 }), {
      ...long,
      onProgress: () => {
        k.interrupt();
        throw new Error("stopped here"); // as if the kernel had ended the cell's code at this point
      },
    });
    await expect(p).rejects.toThrow("stopped here");
    const run = lastRun()!;
    expect(run.status).toBe("aborted");
    expect(run.message).toMatch(/^interrupted after \d+ steps$/);
    expect(run.steps).toBeGreaterThan(0);
  });

  test("many runs in one cell add one abort listener to the cell's signal, not one each", async () => {
    // (Node ≥ 19.9 has it for EventTargets; this project's @types/node does not declare it yet)
    const { getEventListeners } = (await import("node:events")) as unknown as { getEventListeners(target: EventTarget, type: string): unknown[] };
    const k = fakeKernel();
    const signal = ((globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")] as { signal: AbortSignal }).signal;
    // Node warns (MaxListenersExceededWarning) past 10 listeners on one signal: 30 runs, as a sweep by hand
    for (let i = 0; i < 30; i++) optimize(rosen, gd({ lr: 1e-4 * (i + 1) }), { from: [-1.2, 1], steps: 3 });
    expect(getEventListeners(signal, "abort").length).toBe(1);
    // ... and the interrupt still marks a run that had not got back to its loop aborted
    const p = optimizeAsync(rosen, adam({ lr: 1e-4 }), { ...long, onProgress: () => { k.interrupt(); throw new Error("stopped here"); } });
    await expect(p).rejects.toThrow("stopped here");
    expect(lastRun()!.status).toBe("aborted");
    expect(getEventListeners(signal, "abort").length).toBe(0);
  });

  test("a finished run is lastRun(); a later one replaces it", async () => {
    const a = await optimizeAsync(rosen, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 20, live: false });
    expect(lastRun()).toBe(a);
    const b = optimize(rosen, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 10 });
    expect(lastRun()).toBe(b);
    expect(b.status).toBe("max-steps");
  });
});

describe("compareAsync: the comparison so far is on the error", () => {
  for (const how of ["signal", "kernel"] as const) {
    test(`aborted during the first run (${how})`, async () => {
      const ac = new AbortController();
      const k = how === "kernel" ? fakeKernel() : undefined;
      const stop = () => (k ? k.interrupt() : ac.abort());
      const p = compareAsync(rosen, { quick: gd({ lr: 1e-3 }), slow: adam({ lr: 1e-4 }) }, {
        from: [-1.2, 1], steps: 50_000_000, tol: 0, live: false, progressEvery: 1,
        ...(k ? {} : { signal: ac.signal }),
        onProgress: () => stop(),
      });
      const e = await rejection(p, "the comparison");
      const c = (e as unknown as { comparison: Comparison }).comparison;
      // the first run was the one interrupted: it is in the comparison, aborted
      expect(c.names).toEqual(["quick"]);
      expect(c.runs.quick!.status).toBe("aborted");
      expect(lastRun()).toBe(c.runs.quick);
    });
  }

  test("runs that finished before the abort are kept as they ended", async () => {
    const ac = new AbortController();
    const p = compareAsync(rosen, { quick: { optimizer: gd({ lr: 1e-3 }), steps: 30 }, slow: adam({ lr: 1e-4 }) }, {
      from: [-1.2, 1], steps: 50_000_000, tol: 0, live: false, progressEvery: 1, signal: ac.signal,
      onProgress: (r: Run) => {
        if (r.name === "slow") ac.abort();
      },
    });
    const e = await rejection(p, "the comparison");
    const c = (e as unknown as { comparison: Comparison }).comparison;
    expect(c.names).toEqual(["quick", "slow"]);
    expect(c.runs.quick!.steps).toBe(30);
    expect(c.runs.quick!.status).not.toBe("aborted");
    expect(c.runs.slow!.status).toBe("aborted");
    expect(lastRun()).toBe(c.runs.slow);
  });
});

describe("sweep: the points that finished are on the error", () => {
  for (const how of ["signal", "kernel"] as const) {
    test(`float64, aborted while the fourth point starts (${how})`, async () => {
      const ac = new AbortController();
      const k = how === "kernel" ? fakeKernel() : undefined;
      const lrs = [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4];
      const p = sweep(rosen, {
        // the factory runs when a point starts: abort as the fourth one does
        optimizer: (h: { lr: number }) => {
          if (h.lr === 4e-4) (k ? k.interrupt() : ac.abort());
          return momentum({ lr: h.lr, momentum: 0.9 });
        },
        grid: { lr: lrs },
        from: [-1.2, 1],
        steps: 200,
        backend: "float64",
        ...(k ? {} : { signal: ac.signal }),
      } as never);
      const e = await rejection(p, "the sweep");
      expect(e.code).toBe("aborted");
      const s = (e as unknown as { result: Sweep }).result;
      expect(s.size).toBe(3);
      expect(s.results.map((r) => r.h.lr)).toEqual([1e-4, 2e-4, 3e-4]);
      removeFakeKernel();
      // the same numbers as a sweep of those three points alone
      const full = await sweep(rosen, { optimizer: (h: { lr: number }) => momentum({ lr: h.lr, momentum: 0.9 }), grid: { lr: lrs.slice(0, 3) }, from: [-1.2, 1], steps: 200, backend: "float64" } as never);
      expect(s.results.map((r) => r.finalLoss)).toEqual(full.results.map((r) => r.finalLoss));
      expect(s.info.grid).toBeUndefined();
    });
  }
});

describe("tfjs backends", () => {
  test("an interrupted tfjs run leaves no record: lastRun() is undefined, not an older run", async () => {
    optimize(rosen, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 5 });
    expect(lastRun()).toBeDefined();
    await optimizeAsync(rosen, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 10, backend: "wasm" }); // start the backend
    const k = fakeKernel();
    const p = optimizeAsync(rosen, gd({ lr: 1e-5 }), { from: [-1.2, 1], steps: 2_000_000, tol: 0, backend: "wasm" });
    setTimeout(() => k.interrupt(), 300); // fires only because the run yields to the event loop
    const e = await rejection(p, "the run");
    expect(e.code).toBe("aborted");
    expect(lastRun()).toBeUndefined();
    removeFakeKernel();
    const done = await optimizeAsync(rosen, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 10, backend: "wasm" });
    expect(lastRun()).toBe(done);
  }, 60_000);
});
