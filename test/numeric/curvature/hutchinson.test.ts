import { expect, test } from "vitest";
import { hutchinsonTrace, hvpOperator, matrixOperator } from "../../../src/numeric/curvature/index.js";
import { knownSpectrum, rotatedQuadratic, uniform } from "./problems.js";

test("Hutchinson's trace is within 5% with 100 probes at n = 10⁴", () => {
  const n = 10_000;
  const s = knownSpectrum(n);
  const trace = s.reduce((a, b) => a + b, 0);
  const est = hutchinsonTrace(hvpOperator(rotatedQuadratic(s), new Float64Array(n)), { probes: 100 });
  expect(Math.abs(est.trace - trace) / trace).toBeLessThan(0.05);
  expect(est.samples.length).toBe(100);
});

test("on a dense indefinite matrix the error is within 4 standard errors, and the standard error matches theory", () => {
  const r = uniform(5);
  const n = 40;
  const M = Array.from({ length: n }, () => Array.from({ length: n }, () => r() - 0.5));
  const A = M.map((row, i) => row.map((_, j) => M[i]![j]! + M[j]![i]!));
  const trace = A.reduce((s, row, i) => s + row[i]!, 0);
  const m = 400;
  const est = hutchinsonTrace(matrixOperator(A), { probes: m, seed: 9 });
  expect(Math.abs(est.trace - trace)).toBeLessThan(4 * est.stdError);
  // Var(zᵀAz) = 2(‖A‖_F² − Σ a_ii²) for Rademacher z
  let off = 0;
  A.forEach((row, i) => row.forEach((a, j) => (off += i === j ? 0 : a * a)));
  const theory = Math.sqrt((2 * off) / m);
  expect(est.stdError / theory).toBeGreaterThan(0.8);
  expect(est.stdError / theory).toBeLessThan(1.2);
});

test("Rademacher probes are exact on a diagonal matrix", () => {
  const est = hutchinsonTrace(matrixOperator([[1, 0, 0], [0, -2, 0], [0, 0, 7]]), { probes: 3 });
  expect(est.trace).toBe(6);
  expect(() => hutchinsonTrace(matrixOperator([[1]]), { probes: 0 })).toThrow(/probes must be a positive integer, got 0/);
});
