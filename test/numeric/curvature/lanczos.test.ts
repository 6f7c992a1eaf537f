import { expect, test } from "vitest";
import { eigSym } from "../../../src/numeric/eig-sym.js";
import { hvpOperator, lanczos, matrixOperator } from "../../../src/numeric/curvature/index.js";
import { knownSpectrum, rotatedQuadratic, uniform } from "./problems.js";

test("Lanczos finds the top-5 eigenvalues of a quadratic with a known spectrum at n = 10⁴ to 1e-6", () => {
  const n = 10_000;
  const spectrum = knownSpectrum(n);
  const q = rotatedQuadratic(spectrum);
  const op = hvpOperator(q, new Float64Array(n));
  const res = lanczos(op, { k: 5 });
  expect(res.converged).toBe(true);
  const want = [60, 55, 50, 45, 40];
  res.values.forEach((v, i) => expect(Math.abs(v - want[i]!) / want[i]!).toBeLessThan(1e-6));
  expect(res.iterations).toBeLessThan(200);
  expect(op.count).toBe(res.iterations);
});

test("Lanczos finds the smallest eigenvalues, negative ones (saddle directions) included", () => {
  const n = 2000;
  const s = knownSpectrum(n).map((v) => v + 1);
  s[0] = -3;
  s[1] = -1;
  s[2] = 0.5;
  const res = lanczos(hvpOperator(rotatedQuadratic(s, 5), new Float64Array(n)), { k: 2, which: "smallest", maxIter: 300 });
  expect(res.converged).toBe(true);
  expect(res.smallest![0]).toBeCloseTo(-3, 8);
  expect(res.smallest![1]).toBeCloseTo(-1, 8);
});

test("which: 'both' gives both ends; Ritz vectors are eigenvectors", () => {
  const r = uniform(11);
  const n = 30;
  const M = Array.from({ length: n }, () => Array.from({ length: n }, () => r() - 0.5));
  const A = M.map((row, i) => row.map((_, j) => M[i]![j]! + M[j]![i]!));
  const ref = eigSym(A).values;
  const res = lanczos(matrixOperator(A), { k: 2, which: "both", vectors: true });
  expect(res.largest![0]).toBeCloseTo(ref[n - 1]!, 10);
  expect(res.largest![1]).toBeCloseTo(ref[n - 2]!, 10);
  expect(res.smallest![0]).toBeCloseTo(ref[0]!, 10);
  expect(res.smallest![1]).toBeCloseTo(ref[1]!, 10);
  const y = res.vectors![0]!;
  const Ay = A.map((row) => row.reduce((s, a, j) => s + a * y[j]!, 0));
  Ay.forEach((v, i) => expect(v).toBeCloseTo(res.values[0]! * y[i]!, 8));
});

test("an exhausted Krylov space (few distinct eigenvalues) restarts and still finds every eigenvalue asked", () => {
  const s = new Float64Array(300).map((_, i) => [1, 5, 9][i % 3]!);
  s[0] = 20;
  const res = lanczos(hvpOperator(rotatedQuadratic(s, 2), new Float64Array(300)), { k: 3 });
  expect(res.converged).toBe(true);
  expect(Array.from(res.values).map((v) => Math.round(v * 1e8) / 1e8)).toEqual([20, 9, 9]);
});

test("bad options are rejected with what was expected", () => {
  const op = matrixOperator([[1, 0], [0, 2]]);
  expect(() => lanczos(op, { k: 3 })).toThrow(/k must be an integer in \[1, 2\], got 3/);
  expect(() => lanczos(op, { which: "top" as never })).toThrow(/which must be "largest", "smallest" or "both", got "top"/);
});
