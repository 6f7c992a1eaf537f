/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method.
 *
 * Jacobi is slower than QR for large n but accurate to high relative precision for every
 * eigenvalue (Demmel & Veselić 1992, "Jacobi's method is more accurate than QR", SIAM J. Matrix
 * Anal. Appl. 13(4)), which is what a Hessian of a small optimization problem needs: the sign of a
 * tiny eigenvalue decides saddle versus minimum. For n in the hundreds and above use Lanczos.
 *
 * Method: Golub & Van Loan, "Matrix Computations" (4th ed.), Alg. 8.5.2 (cyclic Jacobi), with the
 * stable rotation of Rutishauser (Numer. Math. 9, 1966).
 */
import { DslError } from "../errors/index.js";

export interface SymEig {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n×n matrix: vector k is `vectors[i*n + k]`, i = 0..n-1. */
  vectors: Float64Array;
  n: number;
}

/**
 * Eigenvalues and eigenvectors of the symmetric matrix `A` (row-major n×n, or number[][]).
 * Only the symmetric part (A + Aᵀ)/2 is used.
 *
 * @example
 * const { values } = eigSym([[2, 1], [1, 2]]); // values = [1, 3]
 */
export function eigSym(A: Float64Array | number[][], n?: number): SymEig {
  const { a, size } = toSymmetric(A, n);
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

/** Eigenvalues only, ascending. */
export function eigvalsSym(A: Float64Array | number[][], n?: number): Float64Array {
  return eigSym(A, n).values;
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
