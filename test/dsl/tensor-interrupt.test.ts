/**
 * `optimize(..., { backend })` / `optimizeTensor` and interrupts: the running kernel cell's
 * AbortSignal (faked here, as kernel/hooks.ts registers it) or the user's own `signal` stops a
 * tfjs run between chunks of steps. The tfjs loops are synchronous between chunks on wasm and
 * cpu, so the run must give the event loop a turn for a SIGINT handler (here: a timer) to abort
 * the signal at all.
 */
import { afterEach, describe, expect, test } from "vitest";
import { gd, objective, optimize, optimizeTensor } from "../../dsl/index.js";
import { loadTf } from "../../src/backends/index.js";
import { fakeKernel, rejection, removeFakeKernel } from "../support/fake-kernel.js";

const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");
/** Two million steps: minutes on any tfjs backend, far longer than the test waits. */
const long = { from: [-1.2, 1], steps: 2_000_000, tol: 0 };



afterEach(removeFakeKernel);

describe("a tfjs run stops when the kernel interrupts its cell", () => {
  for (const backend of ["wasm", "cpu"] as const) {
    test(`${backend}: optimize(..., { backend }) stops between chunks, tensors freed`, async () => {
      await optimize(rosen, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 10, backend }); // start the backend first
      const tf = (await loadTf()) as unknown as { memory(): { numTensors: number } };
      const before = tf.memory().numTensors;
      const k = fakeKernel();
      const p = optimize(rosen, gd({ lr: 1e-5 }), { ...long, backend });
      setTimeout(() => k.interrupt(), 300); // fires only because the run yields to the event loop
      const e = await rejection(p, "the run");
      expect(e.code).toBe("aborted");
      const m = /^optimize: aborted after (\d+) of 2000000 steps$/.exec(e.message);
      expect(m, e.message).not.toBeNull();
      expect(+m![1]!).toBeLessThan(2_000_000);
      expect(tf.memory().numTensors).toBe(before);
    }, 60_000);
  }

  test("outside a kernel the user's own signal stops optimizeTensor", async () => {
    const c = new AbortController();
    const p = optimizeTensor(rosen, gd({ lr: 1e-5 }), { ...long, backend: "wasm", signal: c.signal });
    setTimeout(() => c.abort(), 300);
    const e = await rejection(p, "the run");
    expect(e.message).toMatch(/^optimize: aborted after \d+ of 2000000 steps$/);
  }, 60_000);

  test("not interrupted: a run in a kernel gives the run outside it", async () => {
    const o = { from: [-1.2, 1], steps: 300, backend: "wasm" as const };
    const plain = await optimize(rosen, gd({ lr: 1e-3 }), o);
    fakeKernel();
    const inKernel = await optimize(rosen, gd({ lr: 1e-3 }), o);
    expect(Array.from(inKernel.losses)).toEqual(Array.from(plain.losses));
  });
});

test("a run whose objective is not finite at the start says so with rounded numbers", async () => {
  const run = await optimize(objective("log(x) + y^2"), gd({ lr: 0.1 }), { from: [-1, 1], steps: 5, backend: "wasm" });
  expect(run.status).toBe("diverged");
  expect(run.message).toBe("the objective is not finite at the start: loss NaN, |∇f| 2.236 [wasm, float32]");
});
