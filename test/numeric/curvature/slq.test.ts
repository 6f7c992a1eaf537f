import { expect, test } from "vitest";
import { hvpOperator, spectralDensity } from "../../../src/numeric/curvature/index.js";
import { knownSpectrum, rotatedQuadratic } from "./problems.js";

test("stochastic Lanczos quadrature estimates the moments tr(A^p)/n and integrates to 1", () => {
  const n = 3000;
  const s = knownSpectrum(n);
  const sd = spectralDensity(hvpOperator(rotatedQuadratic(s), new Float64Array(n)), { probes: 10, steps: 60 });
  for (const p of [1, 2, 3]) {
    const exact = s.reduce((a, l) => a + l ** p, 0) / n;
    expect(Math.abs(sd.moment(p) - exact) / exact).toBeLessThan(0.05);
  }
  expect(sd.max).toBeCloseTo(60, 6); // extreme Ritz values converge
  let mass = 0;
  for (let i = 1; i < sd.grid.length; i++) mass += ((sd.density[i]! + sd.density[i - 1]!) / 2) * (sd.grid[i]! - sd.grid[i - 1]!);
  expect(mass).toBeCloseTo(1, 3);
  for (const w of sd.weights) expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
});

test("three distinct eigenvalues give three nodes with weights ≈ their multiplicities", () => {
  const n = 300;
  const s = new Float64Array(n).map((_, i) => [1, 5, 9][i % 3]!);
  const sd = spectralDensity(hvpOperator(rotatedQuadratic(s, 4), new Float64Array(n)), { probes: 20, steps: 50, sigma: 0.1 });
  for (const t of sd.nodes) {
    expect(t.length).toBe(3); // the Krylov space is exhausted after 3 steps
    [1, 5, 9].forEach((l, i) => expect(t[i]).toBeCloseTo(l, 8));
  }
  const mean = [0, 1, 2].map((i) => sd.weights.reduce((a, w) => a + w[i]!, 0) / sd.weights.length);
  mean.forEach((w) => expect(Math.abs(w - 1 / 3)).toBeLessThan(0.05));
  // the density peaks at the eigenvalues
  const at = (t: number) => sd.density[sd.grid.findIndex((g) => g >= t)]!;
  expect(at(5)).toBeGreaterThan(50 * at(3));
});
