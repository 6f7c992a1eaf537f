import { describe, expect, test } from "vitest";
import { eigSym, eigSymJacobi, eigvalsSym, JACOBI_BELOW } from "../../src/numeric/eig-sym.js";

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

/** A deterministic uniform generator in [−0.5, 0.5). */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
}

/** A random orthogonal Q (row-major) from Householder reflections of random vectors. */
function orthogonal(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let h = 0; h < 3; h++) {
    const u = Float64Array.from({ length: n }, () => r());
    const nu = Math.hypot(...u);
    for (let i = 0; i < n; i++) u[i] = u[i]! / nu;
    // Q ← Q (I − 2uuᵀ)
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += Q[i * n + k]! * u[k]!;
      for (let k = 0; k < n; k++) Q[i * n + k] = Q[i * n + k]! - 2 * d * u[k]!;
    }
  }
  return Q;
}

/** Q diag(spectrum) Qᵀ: a symmetric matrix with exactly (up to rounding) that spectrum. */
function withSpectrum(spectrum: number[], seed = 5): Float64Array {
  const n = spectrum.length;
  const Q = orthogonal(n, seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Q[i * n + k]! * spectrum[k]! * Q[j * n + k]!;
      A[i * n + j] = A[j * n + i] = s;
    }
  return A;
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = r();
  return A;
}

/** max |A v_k − λ_k v_k| and max |VᵀV − I|, both relative to ‖A‖_max. */
function residuals(A: Float64Array, n: number, values: Float64Array, V: Float64Array): { av: number; orth: number } {
  let scale = 0;
  for (const a of A) scale = Math.max(scale, Math.abs(a));
  let av = 0;
  let orth = 0;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j]! * V[j * n + k]!;
      av = Math.max(av, Math.abs(s - values[k]! * V[i * n + k]!));
    }
    for (let l = k; l < n; l++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += V[i * n + k]! * V[i * n + l]!;
      orth = Math.max(orth, Math.abs(d - (k === l ? 1 : 0)));
    }
  }
  return { av: av / Math.max(scale, Number.MIN_VALUE), orth };
}

const maxGap = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let g = 0;
  for (let i = 0; i < a.length; i++) g = Math.max(g, Math.abs(a[i]! - b[i]!));
  return g;
};

describe("eigSym: Householder tridiagonalisation + implicit QL with Wilkinson shifts", () => {
  test.each([8, 20, 50, 120])("random symmetric n = %i: agrees with Jacobi to 1e-13·‖A‖, A v = λ v, VᵀV = I", (n) => {
    const A = randomSymmetric(n, 11 + n);
    const ql = eigSym(A, n);
    const jac = eigSymJacobi(A, n);
    expect(maxGap(ql.values, jac.values)).toBeLessThan(1e-13 * n);
    const { av, orth } = residuals(A, n, ql.values, ql.vectors);
    expect(av).toBeLessThan(1e-13 * n);
    expect(orth).toBeLessThan(1e-13 * n);
    expect(maxGap(eigvalsSym(A, n), ql.values)).toBeLessThan(1e-14 * n);
    for (let k = 1; k < n; k++) expect(ql.values[k]!).toBeGreaterThanOrEqual(ql.values[k - 1]!);
  });

  test("known spectra: the 1-D Laplacian tridiag(−1, 2, −1), n = 100, λ_k = 2 − 2cos(kπ/(n+1))", () => {
    const n = 100;
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      A[i * n + i] = 2;
      if (i + 1 < n) A[i * n + i + 1] = A[(i + 1) * n + i] = -1;
    }
    const want = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    expect(maxGap(eigvalsSym(A, n), want)).toBeLessThan(1e-13);
    const { values, vectors } = eigSym(A, n);
    expect(maxGap(values, want)).toBeLessThan(1e-13);
    expect(residuals(A, n, values, vectors).orth).toBeLessThan(1e-12);
  });

  test.each([
    ["degenerate: 0 (×10), 1 (×20), 3 (×10)", [...Array(10).fill(0), ...Array(20).fill(1), ...Array(10).fill(3)]],
    ["clustered: 1, 1 + 1e-10, 1 + 2e-10 among 2…50", [1, 1 + 1e-10, 1 + 2e-10, ...Array.from({ length: 47 }, (_, i) => 2 + i)]],
    ["indefinite with zeros: −5 … 5 step 0.25", Array.from({ length: 41 }, (_, i) => -5 + 0.25 * i)],
    ["graded: 10^-k, k = 0 … 29", Array.from({ length: 30 }, (_, k) => 10 ** -k)],
  ] as const)("exact spectrum, %s: every eigenvalue to 1e-13·‖A‖; orthonormal vectors even when repeated", (_name, spectrum) => {
    const n = spectrum.length;
    const sorted = [...spectrum].sort((a, b) => a - b);
    const A = withSpectrum([...spectrum]);
    const scale = Math.max(...spectrum.map(Math.abs));
    const { values, vectors } = eigSym(A, n);
    expect(maxGap(values, sorted) / scale).toBeLessThan(1e-13);
    expect(maxGap(eigvalsSym(A, n), sorted) / scale).toBeLessThan(1e-13);
    const { av, orth } = residuals(A, n, values, vectors);
    expect(av).toBeLessThan(1e-13);
    expect(orth).toBeLessThan(1e-13);
  });

  test("the zero matrix, the identity, a diagonal matrix and 1×1", () => {
    const n = 12;
    expect(Array.from(eigvalsSym(new Float64Array(n * n), n))).toEqual(new Array(n).fill(0));
    const I = new Float64Array(n * n);
    for (let i = 0; i < n; i++) I[i * n + i] = 1;
    const e = eigSym(I, n);
    expect(Array.from(e.values)).toEqual(new Array(n).fill(1));
    expect(residuals(I, n, e.values, e.vectors).orth).toBeLessThan(1e-15);
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++) D[i * n + i] = (i * 7) % n - 5;
    expect(Array.from(eigvalsSym(D, n))).toEqual(Array.from({ length: n }, (_, i) => (i * 7) % n - 5).sort((a, b) => a - b));
    expect(Array.from(eigSym([[4]]).values)).toEqual([4]);
  });

  test(`below n = ${JACOBI_BELOW} eigSym is Jacobi (relative accuracy for tiny eigenvalues); from there on QL`, () => {
    const A = withSpectrum([1e-14, 1, 2, 3, 4, 5, 6].slice(0, JACOBI_BELOW - 1));
    const n = JACOBI_BELOW - 1;
    expect(Array.from(eigSym(A, n).values)).toEqual(Array.from(eigSymJacobi(A, n).values));
  });

  test("a non-finite off-diagonal entry gives NaN (a diverging Newton step stops), not a hang", () => {
    const n = 10;
    const A = randomSymmetric(n, 3);
    A[1] = A[n] = NaN;
    expect(Array.from(eigvalsSym(A, n)).every(Number.isNaN)).toBe(true);
    expect(Array.from(eigSym(A, n).vectors).every(Number.isNaN)).toBe(true);
  });
});
