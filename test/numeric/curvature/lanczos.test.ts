import { describe, expect, test } from "vitest";
import { eigSym } from "../../../src/numeric/eig-sym.js";
import { defaultMaxIter, hvpOperator, lanczos, matrixOperator } from "../../../src/numeric/curvature/index.js";
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

describe("Lanczos iterates until its residual tolerance by default; its cap warns", () => {
  // A clustered bottom: 1, 1.001, 1.002 under a bulk on [1.01, 100] (n = 400): the three smallest
  // eigenvalues need far more than the old default of 60 steps.
  const n = 400;
  const s = new Float64Array(n).map((_, i) => (i < 3 ? 1 + 0.001 * i : 1.01 + (99 * (i - 3)) / (n - 4)));
  const op = () => hvpOperator(rotatedQuadratic(s, 7), new Float64Array(n));

  test("the three smallest of a clustered spectrum to 1e-8 of ‖H‖, converged, no warning", () => {
    const res = lanczos(op(), { k: 3, which: "smallest" });
    expect(res.converged).toBe(true);
    expect(res.warning).toBeUndefined();
    expect(res.iterations).toBeGreaterThan(60);
    expect(res.iterations).toBeLessThanOrEqual(defaultMaxIter(n, 3));
    res.smallest!.forEach((v, i) => expect(Math.abs(v - s[i]!) / 100, `λ${i}`).toBeLessThan(1e-8));
  });

  test("a cap below what the tolerance needs: converged false and a warning with the residual and what to do", () => {
    const res = lanczos(op(), { k: 3, which: "smallest", maxIter: 60 });
    expect(res.iterations).toBe(60);
    expect(res.converged).toBe(false);
    expect(res.warning).toMatch(/lanczos stopped at its cap of 60 iterations before the residual tolerance: the largest residual is \S+ \(\S+ of the largest \|eigenvalue\|, tol 1e-10\), so the eigenvalues may be off by about that much; raise maxIter/);
  });

  test("the default cap: n when the basis fits in 256 MiB, 2^25/n doubles beyond, never below max(60, 20k)", () => {
    expect(defaultMaxIter(400, 3)).toBe(400);
    expect(defaultMaxIter(1e6, 1)).toBe(60);
    expect(defaultMaxIter(1e5, 1)).toBe(335);
    expect(defaultMaxIter(1e6, 5)).toBe(100);
  });
});
