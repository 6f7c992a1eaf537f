/**
 * Eigen-decomposition of a real symmetric matrix: Householder reduction to tridiagonal form, then
 * the implicit QL method with Wilkinson shifts, eigenvectors accumulated only when asked.
 *
 * Method: the EISPACK routines tred2 and tql2 (Wilkinson & Reinsch, "Handbook for Automatic
 * Computation II: Linear Algebra", Springer 1971, contributions II/2 and II/3; Golub & Van Loan,
 * "Matrix Computations", 4th ed., §8.3), as transcribed in JAMA (NIST, public domain). Here the
 * working matrix is stored transposed, so that every inner loop runs over contiguous memory.
 * Cost ≈ (4/3)n³ flops for the eigenvalues, ≈ 9n³ with the eigenvectors (Jacobi: ~20n³ per
 * solve, several sweeps). Accuracy: eigenvalues to O(ε‖A‖) absolutely, eigenvectors orthonormal
 * to O(ε), the backward-stable standard (LAPACK's dsteqr).
 *
 * `eigSymJacobi` keeps the cyclic Jacobi method (Golub & Van Loan Alg. 8.5.2 with Rutishauser's
 * stable rotation), which is slower but accurate to high *relative* precision for every
 * eigenvalue (Demmel & Veselić 1992, "Jacobi's method is more accurate than QR", SIAM J. Matrix
 * Anal. Appl. 13(4)). `eigSym` uses it below n = 8, where it costs microseconds and a tiny
 * eigenvalue's sign (saddle or minimum) is worth the relative accuracy; the tests compare both.
 */
import { DslError } from "../errors/index.js";

export interface SymEig {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n×n matrix: vector k is `vectors[i*n + k]`, i = 0..n-1. */
  vectors: Float64Array;
  n: number;
}

/** Below this size `eigSym` uses Jacobi (relative accuracy, microseconds); from it on, tridiagonal QL. */
export const JACOBI_BELOW = 8;

/**
 * Eigenvalues and eigenvectors of the symmetric matrix `A` (row-major n×n, or number[][]).
 * Only the symmetric part (A + Aᵀ)/2 is used.
 *
 * @example
 * const { values } = eigSym([[2, 1], [1, 2]]); // values = [1, 3]
 */
export function eigSym(A: Float64Array | number[][], n?: number): SymEig {
  const { a, size } = toSymmetric(A, n);
  if (size < JACOBI_BELOW) return jacobi(a, size);
  return tridiagonalQL(a, size, true);
}

/**
 * The cyclic Jacobi method (see the module comment): eigenvalues to high relative accuracy, the
 * reference the tests compare `eigSym` with. Same input and result as `eigSym`.
 */
export function eigSymJacobi(A: Float64Array | number[][], n?: number): SymEig {
  const { a, size } = toSymmetric(A, n);
  return jacobi(a, size);
}

function jacobi(a: Float64Array, size: number): SymEig {
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  const scale = frobenius(a);
  if (scale > 0) {
    for (let sweep = 0; sweep < 100; sweep++) {
      let off = 0;
      for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) off += a[p * size + q]! ** 2;
      if (Math.sqrt(off) <= 1e-17 * scale) break;
      for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) rotate(a, v, size, p, q);
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((i, j) => a[i * size + i]! - a[j * size + j]!);
  const values = new Float64Array(size);
  const vectors = new Float64Array(size * size);
  order.forEach((src, k) => {
    values[k] = a[src * size + src]!;
    for (let i = 0; i < size; i++) vectors[i * size + k] = v[i * size + src]!;
  });
  return { values, vectors, n: size };
}

/** Eigenvalues only, ascending (no eigenvectors accumulated: about 7× less work than `eigSym`). */
export function eigvalsSym(A: Float64Array | number[][], n?: number): Float64Array {
  const { a, size } = toSymmetric(A, n);
  if (size < JACOBI_BELOW) return jacobi(a, size).values;
  return tridiagonalQL(a, size, false).values;
}

/** |a| hypot without overflow, faster than Math.hypot (which handles any number of arguments). */
function hypot2(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  if (a < b) {
    const t = a;
    a = b;
    b = t;
  }
  if (a === 0) return 0;
  const r = b / a;
  return a * Math.sqrt(1 + r * r);
}

/**
 * tred2 + tql2 on W = Vᵀ (row-major): V(r, c) is W[c·n + r]. `a` (symmetric, overwritten) is the
 * starting V. With `vectors` false, the Householder transformations are not accumulated and the
 * QL rotations not applied to them.
 */
function tridiagonalQL(W: Float64Array, n: number, vectors: boolean): SymEig {
  // A non-finite off-diagonal entry (the diagonal is checked on input) gives NaN throughout, as
  // Jacobi's rotations did: callers such as Newton's method then see a NaN step and stop.
  for (let k = 0; k < n * n; k++) {
    if (!Number.isFinite(W[k]!)) return { values: new Float64Array(n).fill(NaN), vectors: new Float64Array(vectors ? n * n : 0).fill(NaN), n };
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const last = n - 1;
  for (let j = 0; j < n; j++) d[j] = W[j * n + last]!;

  // Householder reduction to tridiagonal form (tred2).
  for (let i = last; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = W[j * n + i - 1]!;
        W[j * n + i] = 0;
        W[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // e = A·d on the lower triangle (rows j of W hold column j of A from the diagonal down),
      // two rows at a time: each e[k] is loaded and stored once per pair.
      let j = 0;
      for (; j + 1 < i; j += 2) {
        const r0 = j * n;
        const r1 = r0 + n;
        const f0 = d[j]!;
        const f1 = d[j + 1]!;
        W[i * n + j] = f0;
        W[i * n + j + 1] = f1;
        const w01 = W[r0 + j + 1]!;
        let g0 = e[j]! + W[r0 + j]! * f0 + w01 * f1;
        let g1 = e[j + 1]! + w01 * f0 + W[r1 + j + 1]! * f1;
        for (let k = j + 2; k < i; k++) {
          const w0 = W[r0 + k]!;
          const w1 = W[r1 + k]!;
          const dk = d[k]!;
          g0 += w0 * dk;
          g1 += w1 * dk;
          e[k] = e[k]! + w0 * f0 + w1 * f1;
        }
        e[j] = g0;
        e[j + 1] = g1;
      }
      if (j < i) {
        f = d[j]!;
        W[i * n + j] = f;
        e[j] = e[j]! + W[j * n + j]! * f;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      // A ← A − d eᵀ − e dᵀ on the lower triangle, two rows at a time (e[k], d[k] loaded once).
      for (j = 0; j + 1 < i; j += 2) {
        const r0 = j * n;
        const r1 = r0 + n;
        const f0 = d[j]!, g0 = e[j]!, f1 = d[j + 1]!, g1 = e[j + 1]!;
        W[r0 + j] = W[r0 + j]! - (f0 * g0 + g0 * f0);
        for (let k = j + 1; k < i; k++) {
          const ek = e[k]!;
          const dk = d[k]!;
          W[r0 + k] = W[r0 + k]! - (f0 * ek + g0 * dk);
          W[r1 + k] = W[r1 + k]! - (f1 * ek + g1 * dk);
        }
      }
      if (j < i) {
        const r0 = j * n;
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k < i; k++) W[r0 + k] = W[r0 + k]! - (f * e[k]! + g * d[k]!);
      }
      for (let jj = 0; jj < i; jj++) {
        d[jj] = W[jj * n + i - 1]!;
        W[jj * n + i] = 0;
      }
    }
    d[i] = h;
  }

  if (vectors) {
    // Accumulate the transformations.
    for (let i = 0; i < last; i++) {
      W[i * n + last] = W[i * n + i]!;
      W[i * n + i] = 1;
      const h = d[i + 1]!;
      const next = (i + 1) * n;
      if (h !== 0) {
        for (let k = 0; k <= i; k++) d[k] = W[next + k]! / h;
        for (let j = 0; j <= i; j++) {
          const row = j * n;
          let g = 0;
          for (let k = 0; k <= i; k++) g += W[next + k]! * W[row + k]!;
          for (let k = 0; k <= i; k++) W[row + k] = W[row + k]! - g * d[k]!;
        }
      }
      for (let k = 0; k <= i; k++) W[next + k] = 0;
    }
    for (let j = 0; j < n; j++) {
      d[j] = W[j * n + last]!;
      W[j * n + last] = 0;
    }
    W[last * n + last] = 1;
  } else {
    for (let j = 0; j < n; j++) d[j] = W[j * n + j]!;
  }
  e[0] = 0;

  // Implicit QL with Wilkinson shifts on the tridiagonal (d, e) (tql2).
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[last] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < last && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new DslError("no-convergence", `eigSym: the QL iteration did not converge for eigenvalue ${l} of ${n} (a matrix with non-finite or huge entries?)`);
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot2(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot2(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (vectors) {
            const ri = i * n;
            const rj = ri + n;
            for (let k = 0; k < n; k++) {
              const hk = W[rj + k]!;
              const wk = W[ri + k]!;
              W[rj + k] = s * wk + c * hk;
              W[ri + k] = c * wk - s * hk;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i]! - d[j]!);
  const values = Float64Array.from(order, (i) => d[i]!);
  if (!vectors) return { values, vectors: new Float64Array(0), n };
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const src = order[k]! * n;
    for (let i = 0; i < n; i++) out[i * n + k] = W[src + i]!;
  }
  return { values, vectors: out, n };
}

function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q]!;
  if (apq === 0) return;
  const app = a[p * n + p]!;
  const aqq = a[q * n + q]!;
  const theta = (aqq - app) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p]!;
    const akq = a[k * n + q]!;
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k]!;
    const aqk = a[q * n + k]!;
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  a[p * n + q] = 0;
  a[q * n + p] = 0;
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p]!;
    const vkq = v[k * n + q]!;
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

function toSymmetric(A: Float64Array | number[][], n?: number): { a: Float64Array; size: number } {
  if (Array.isArray(A)) {
    const size = A.length;
    const a = new Float64Array(size * size);
    A.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== size)
        throw new DslError("bad-matrix", `eigSym: expected a square ${size}×${size} matrix, row ${i} has ${Array.isArray(row) ? row.length : "no"} entries`);
      row.forEach((x, j) => (a[i * size + j] = x));
    });
    return { a: symmetrize(a, size), size };
  }
  const size = n ?? Math.round(Math.sqrt(A.length));
  if (size * size !== A.length) throw new DslError("bad-matrix", `eigSym: expected n*n entries, got ${A.length}`);
  return { a: symmetrize(Float64Array.from(A), size), size };
}

function symmetrize(a: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      a[i * n + j] = m;
      a[j * n + i] = m;
    }
    if (!Number.isFinite(a[i * n + i]!)) throw new DslError("non-finite", `eigSym: the matrix has a non-finite entry on the diagonal at [${i}, ${i}]`);

  }
  return a;
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (const x of a) s += x * x;
  return Math.sqrt(s);
}
