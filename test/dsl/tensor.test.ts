import { expect, test } from "vitest";
import { format } from "../../src/display/index.js";
import { adam, backends, objective, optimize, optimizeTensor, sgd } from "../../dsl/index.js";

test("backends() lists every backend with why one cannot start", async () => {
  const t = await backends();
  expect(t.backends.map((b) => b.name)).toEqual(["float64", "cpu", "wasm", "webgpu", "tensorflow"]);
  expect(t.available).toContain("cpu");
  const text = (await format(t))["text/plain"];
  expect(text).toMatch(/^float64 +yes +float64/m);
  for (const b of t.backends) if (!b.available) expect(text).toContain(b.reason!);
});

test("optimizeTensor returns the same Run as the float64 engine, to float32 accuracy", async () => {
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const ref = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 150 });
  for (const backend of ["cpu", "wasm"]) {
    const run = await optimizeTensor(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 150, backend });
    expect(run.xs.length).toBe(151);
    expect(run.lrs.length).toBe(150);
    expect(run.status).toBe(ref.status);
    run.xs.forEach((x, k) => x.forEach((v, i) => expect(Math.abs(v - ref.xs[k]![i]!)).toBeLessThan(1e-4)));
    expect(run.message).toMatch(new RegExp(`\\[${backend}, float32\\]`));
  }
});

test("tol stops the run where the float64 runner stops; divergence is reported", async () => {
  const q = objective("(x^2 + 10*y^2)/2");
  const ref = optimize(q, sgd({ lr: 0.05 }), { from: [1, 1], steps: 500, tol: 1e-4 });
  const run = await optimizeTensor(q, sgd({ lr: 0.05 }), { from: [1, 1], steps: 500, tol: 1e-4, backend: "wasm" });
  expect(run.status).toBe("converged");
  expect(Math.abs(run.steps - ref.steps)).toBeLessThanOrEqual(1);
  const bad = await optimizeTensor(q, sgd({ lr: 0.5 }), { from: [1, 1], steps: 100, backend: "cpu" });
  expect(bad.status).toBe("diverged");
  expect(bad.message).toMatch(/diverged at step \d+/);
});

test("messages write tolerances as the float64 runner does (1e-6, not 0.000001)", async () => {
  const q = objective("(x^2 + 10*y^2)/2");
  const ref = optimize(q, sgd({ lr: 0.01 }), { from: [1, 1], steps: 5 });
  const run = await optimizeTensor(q, sgd({ lr: 0.01 }), { from: [1, 1], steps: 5, backend: "cpu" });
  expect(ref.message).toMatch(/at the end \(> 1e-6\)$/);
  expect(run.message).toMatch(/at the end \(> 1e-6\) \[cpu, float32\]$/);
  const tolRef = optimize(q, sgd({ lr: 0.05 }), { from: [1, 1], steps: 500, tol: 1e-5 });
  const tolRun = await optimizeTensor(q, sgd({ lr: 0.05 }), { from: [1, 1], steps: 500, tol: 1e-5, backend: "cpu" });
  expect(tolRef.message).toMatch(/≤ tol 1e-5$/);
  expect(tolRun.message).toMatch(/≤ tol 1e-5 \[cpu, float32\]$/);
});

test("errors: hand-written objectives, float64-only optimizers, unknown options", async () => {
  const f = objective("x^2 + y^2");
  await expect(optimizeTensor({ f: (x: number[]) => x[0]!, grad: (x: number[]) => x }, adam(), { from: [1], backend: "wasm" })).rejects.toThrow(/a hand-written \{ f, grad \} runs on backend "float64"/);
  const { lbfgs } = await import("../../dsl/index.js");
  await expect(optimizeTensor(f, lbfgs(), { from: [1, 1], backend: "cpu" })).rejects.toThrow(/runs on the float64 engine only/);
  await expect(optimizeTensor(f, adam(), { from: [1, 1], backend: "cpu", stepz: 3 } as never)).rejects.toThrow(/unknown option "stepz"/);
});
