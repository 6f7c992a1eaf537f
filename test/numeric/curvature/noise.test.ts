import { expect, test } from "vitest";
import { gradientNoise, rng } from "../../../src/numeric/curvature/index.js";
import { leastSquares, rosenbrock } from "./problems.js";

test("gradient noise from all rows: mean gradient is the full gradient; tr(Σ)/b predicts batch error", () => {
  const N = 500;
  const n = 4;
  const p = leastSquares(N, n);
  const w = new Float64Array([0.2, -0.1, 0.4, 0]);
  const gn = gradientNoise(p, w);
  expect(gn.exact).toBe(true);
  const full = new Float64Array(n);
  p.valueAndGradInto(w, full);
  full.forEach((g, j) => expect(gn.meanGrad[j]).toBeCloseTo(g, 12));
  expect(gn.gradNormSq).toBeCloseTo(full.reduce((s, g) => s + g * g, 0), 12);
  expect(gn.noiseScale).toBeCloseTo(gn.traceCov / gn.gradNormSq, 12);
  // Monte Carlo: batches of 8 rows drawn with replacement
  const b = 8;
  const r = rng(1);
  const G = new Float64Array(N * n);
  p.data!.sampleGradsInto(w, Int32Array.from({ length: N }, (_, i) => i), G);
  let err = 0;
  const trials = 4000;
  for (let t = 0; t < trials; t++) {
    const gb = new Float64Array(n);
    for (let k = 0; k < b; k++) {
      const i = Math.floor(r.uniform() * N);
      for (let j = 0; j < n; j++) gb[j] = gb[j]! + G[i * n + j]! / b;
    }
    for (let j = 0; j < n; j++) err += (gb[j]! - full[j]!) ** 2 / trials;
  }
  expect(Math.abs(err - gn.batchError(b)) / gn.batchError(b)).toBeLessThan(0.1);
});

test("from a random subset the estimates are close to the full-data ones", () => {
  const p = leastSquares(20_000, 3, 8);
  const w = new Float64Array([1, -1, 0.5]);
  const exact = gradientNoise(p, w, { maxRows: 20_000 });
  const sub = gradientNoise(p, w, { maxRows: 4000, seed: 2 });
  expect(sub.exact).toBe(false);
  expect(sub.rows).toBe(4000);
  expect(Math.abs(sub.traceCov - exact.traceCov) / exact.traceCov).toBeLessThan(0.1);
  expect(Math.abs(sub.gradNormSq - exact.gradNormSq) / exact.gradNormSq).toBeLessThan(0.1);
});

test("an objective without data is rejected with what it needs", () => {
  expect(() => gradientNoise(rosenbrock, new Float64Array(2))).toThrow(/not data-backed/);
});
