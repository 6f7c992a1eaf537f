import { describe, expect, test } from "vitest";
import { eigSym, eigvalsSym } from "../../src/numeric/eig-sym.js";

function matmulCheck(A: number[][], values: Float64Array, vectors: Float64Array): number {
  const n = A.length;
  let worst = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += A[i]![j]! * vectors[j * n + k]!;
      worst = Math.max(worst, Math.abs(av - values[k]! * vectors[i * n + k]!));
    }
  }
  return worst;
}

describe("eigSym", () => {
  test("eigenvalues of [[2,1],[1,2]] are 1 and 3", () => {
    const v = eigvalsSym([[2, 1], [1, 2]]);
    expect(v[0]).toBeCloseTo(1, 14);
    expect(v[1]).toBeCloseTo(3, 14);
  });

  test("Rosenbrock Hessian at (1,1) has eigenvalues 1001 ± sqrt(1001² - 400)", () => {
    // H = [[802, -400], [-400, 200]]: trace 1002, det 400.
    const v = eigvalsSym([[802, -400], [-400, 200]]);
    const disc = Math.sqrt(501 * 501 - 400);
    expect(v[0]! / (501 - disc)).toBeCloseTo(1, 12);
    expect(v[1]! / (501 + disc)).toBeCloseTo(1, 12);
  });

  test("random symmetric 12×12: A v = λ v and orthonormal vectors", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const n = 12;
    const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i]![j] = A[j]![i] = rnd();
    const { values, vectors } = eigSym(A);
    expect(matmulCheck(A, values, vectors)).toBeLessThan(1e-13);
    for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
    for (let a = 0; a < n; a++)
      for (let b = 0; b < n; b++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += vectors[i * n + a]! * vectors[i * n + b]!;
        expect(Math.abs(d - (a === b ? 1 : 0))).toBeLessThan(1e-13);
      }
  });

  test("tiny eigenvalue of a graded matrix keeps its sign and relative accuracy", () => {
    // diag(1, 1e-12) rotated by 45°: eigenvalues 1 and 1e-12 exactly.
    const e = 1e-12;
    const A = [[(1 + e) / 2, (1 - e) / 2], [(1 - e) / 2, (1 + e) / 2]];
    const v = eigvalsSym(A);
    expect(v[0]!).toBeGreaterThan(0);
    expect(Math.abs(v[0]! - e)).toBeLessThan(1e-16);
  });

  test("a non-square matrix is rejected with a clear message", () => {
    expect(() => eigSym([[1, 2], [3]])).toThrow(/square 2×2 matrix, row 1 has 1 entries/);
  });
});
