/**
 * Eigen-decomposition of a symmetric tridiagonal matrix by the implicit QL method with Wilkinson
 * shifts (EISPACK's tql2, as in JAMA's public-domain Java port): the small eigenproblem inside
 * every Lanczos iteration.
 *
 * Lanczos needs only a few rows of the eigenvector matrix while it runs (the last row gives the
 * Ritz residuals |β_m s_{m,i}|, the first the quadrature weights of stochastic Lanczos
 * quadrature), so the rotations can be applied to selected rows: O(m²) instead of O(m³).
 *
 * Reference: Bowdler, Martin, Reinsch & Wilkinson, "The QR and QL algorithms for symmetric
 * matrices", Numer. Math. 11 (1968); Golub & Van Loan, "Matrix Computations", 4th ed., §8.3.
 */

/** Eigenvalues (ascending) and the requested rows of the eigenvector matrix. */
export interface TridiagEig {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /**
   * `rows[r][k]` = component `rowIndex[r]` of eigenvector k (eigenvectors are columns, in the
   * order of `values`).
   */
  rows: Float64Array[];
  /** Which rows of the eigenvector matrix `rows` holds. */
  rowIndex: number[];
}

/**
 * Eigenvalues of the symmetric tridiagonal T with diagonal `alpha` (length m) and off-diagonal
 * `beta` (length ≥ m−1, T[i][i+1] = beta[i]), with the eigenvector rows listed in `wantRows`
 * (`"all"` for the full matrix; default none).
 *
 * @example
 * tridiagEig([2, 2], [1]).values; // [1, 3]
 */
export function tridiagEig(alpha: ArrayLike<number>, beta: ArrayLike<number>, wantRows: readonly number[] | "all" = []): TridiagEig {
  const m = alpha.length;
  const d = Float64Array.from(alpha);
  const e = new Float64Array(m);
  for (let i = 0; i < m - 1; i++) e[i] = beta[i]!;
  const rowIndex = wantRows === "all" ? Array.from({ length: m }, (_, i) => i) : [...wantRows];
  const V = rowIndex.map((r) => {
    const row = new Float64Array(m);
    row[r] = 1;
    return row;
  });
  ql(d, e, V);
  // sort ascending, carrying the eigenvector columns along
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => d[a]! - d[b]!);
  const values = Float64Array.from(order, (i) => d[i]!);
  const rows = V.map((row) => Float64Array.from(order, (i) => row[i]!));
  return { values, rows, rowIndex };
}

/**
 * In-place implicit QL on diagonal d and off-diagonal e (e[i] couples i and i+1; e[m−1] unused),
 * applying every rotation to the rows in V.
 */
function ql(d: Float64Array, e: Float64Array, V: Float64Array[]): void {
  const m = d.length;
  const eps = 2 ** -52;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < m; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let k = l;
    while (k < m - 1 && Math.abs(e[k]!) > eps * tst1) k++;
    if (k > l) {
      for (let iter = 0; iter < 60 * m; iter++) {
        // Wilkinson-style shift from the leading 2×2 block
        const g0 = d[l]!;
        let p = (d[l + 1]! - g0) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g0 - d[l]!;
        for (let i = l + 2; i < m; i++) d[i]! -= h;
        f += h;
        // implicit QL sweep from k up to l
        p = d[k]!;
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = k - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (const row of V) {
            const a = row[i + 1]!;
            row[i + 1] = s * row[i]! + c * a;
            row[i] = c * row[i]! - s * a;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(Math.abs(e[l]!) > eps * tst1)) break;
      }
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}
