/**
 * The Lanczos method with full reorthogonalization: the extreme eigenvalues of a symmetric
 * operator (a Hessian at large n) from matrix-vector products only.
 *
 * After m steps, A Q_m = Q_m T_m + β_m q_{m+1} e_mᵀ with Q_m orthonormal and T_m tridiagonal; the
 * eigenvalues θ_i of T_m (Ritz values) approach the extreme eigenvalues of A first, and the Ritz
 * pair (θ_i, Q_m s_i) has residual ‖A y_i − θ_i y_i‖ = |β_m s_{m,i}|, which is the stopping test.
 * Every new vector is orthogonalized against all previous ones twice (classical Gram–Schmidt
 * twice, "twice is enough"), so no spurious copies of converged eigenvalues appear; the price is
 * O(n·m) memory and O(n·m²) work, fine for m in the hundreds.
 *
 * References: Lanczos, "An iteration method for the solution of the eigenvalue problem of linear
 * differential and integral operators", J. Res. Nat. Bur. Standards 45 (1950); Golub & Van Loan,
 * "Matrix Computations", 4th ed., §10.1–10.3; Giraud, Langou & Rozložník, "The loss of
 * orthogonality in the Gram–Schmidt orthogonalization process", Comput. Math. Appl. 50 (2005).
 */
import { DslError, describe } from "../../errors/index.js";
import type { LinearOperator } from "./operator.js";
import { rng } from "./random.js";
import { tridiagEig } from "./tridiagonal.js";

/** The tridiagonal matrix and basis of m Lanczos steps. */
export interface LanczosBasis {
  /** Diagonal of T (length m). */
  alpha: Float64Array;
  /** Off-diagonal of T (length m; beta[m−1] is the residual norm β_m after the last step). */
  beta: Float64Array;
  /** Orthonormal Lanczos vectors q_1..q_m (only when kept). */
  Q: Float64Array[];
}

/**
 * Runs up to `steps` Lanczos steps from `start` (normalized here) with full
 * reorthogonalization. Stops early when `stop(alpha, beta, m)` returns true (checked after each
 * step) or when the Krylov space is exhausted (β ≈ 0: then, if `restart` is given, continues from
 * a fresh random vector orthogonal to the basis, leaving a zero off-diagonal in T).
 */
export function lanczosSteps(
  op: LinearOperator,
  start: Float64Array,
  steps: number,
  opts: { stop?: (alpha: Float64Array, beta: Float64Array, m: number) => boolean; restart?: () => Float64Array } = {},
): LanczosBasis {
  const n = op.n;
  const m = Math.min(steps, n);
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  const Q: Float64Array[] = [];
  let q: Float64Array = Float64Array.from(start);
  if (!normalize(q)) throw new DslError("bad-start", "lanczos: the start vector is zero", { path: "start" });
  const w = new Float64Array(n);
  let scale = 0;
  let j = 0;
  for (; j < m; j++) {
    Q.push(q);
    op.apply(q, w);
    let a = dot(q, w);
    for (let i = 0; i < n; i++) w[i] = w[i]! - a * q[i]!;
    if (j > 0) {
      const p = Q[j - 1]!;
      const b = beta[j - 1]!;
      for (let i = 0; i < n; i++) w[i] = w[i]! - b * p[i]!;
    }
    // two passes of classical Gram–Schmidt against the whole basis
    for (let pass = 0; pass < 2; pass++) {
      for (const u of Q) {
        const c = dot(u, w);
        if (u === q) a += c;
        for (let i = 0; i < n; i++) w[i] = w[i]! - c * u[i]!;
      }
    }
    alpha[j] = a;
    let b = Math.sqrt(dot(w, w));
    scale = Math.max(scale, Math.abs(a) + b + (j > 0 ? beta[j - 1]! : 0));
    if (b <= 1e-12 * scale) {
      // invariant subspace: T is exact for it
      b = 0;
      beta[j] = 0;
      if (j + 1 >= m || !opts.restart) {
        j++;
        break;
      }
      const fresh = opts.restart();
      for (let pass = 0; pass < 2; pass++) for (const u of Q) axpyInPlace(fresh, u, -dot(u, fresh));
      if (!normalize(fresh)) {
        j++;
        break;
      }
      q = fresh;
    } else {
      beta[j] = b;
      q = new Float64Array(n);
      for (let i = 0; i < n; i++) q[i] = w[i]! / b;
    }
    if (opts.stop?.(alpha.subarray(0, j + 1), beta.subarray(0, j + 1), j + 1)) {
      j++;
      break;
    }
  }
  return { alpha: alpha.slice(0, j), beta: beta.slice(0, j), Q };
}

/** Options of {@link lanczos}. */
export interface LanczosOptions {
  /** Number of eigenvalues wanted (at each end for "both"), 1 ≤ k ≤ n; default 1. */
  k?: number;
  /** Which end of the spectrum: "largest" (default), "smallest", or "both". */
  which?: "largest" | "smallest" | "both";
  /**
   * Stop when every wanted Ritz residual |β_m s_{m,i}| ≤ tol · max|θ|; default 1e-10 with exact
   * products (the eigenvalue error is then about tol² · scale / gap, well below tol), 1e-7 with
   * finite-difference ones (their own relative error is ~1e-8).
   */
  tol?: number;
  /**
   * Most Lanczos steps (= operator products), a cap: by default Lanczos iterates until the
   * residuals meet `tol`, up to `defaultMaxIter(n, k)` = min(n, max(60, 20k, 2²⁵/n)) steps (n
   * steps make the Krylov space whole, so the answer is then exact; the 2²⁵/n term bounds the
   * basis to 256 MiB). Hitting the cap before `tol` sets `converged: false` and a `warning`.
   */
  maxIter?: number;
  /** Seed of the random start vector (standard normal), default 0. */
  seed?: number;
  /** A start vector instead of a random one. */
  start?: Float64Array;
  /** Also return the Ritz vectors (unit eigenvector estimates). Default false. */
  vectors?: boolean;
}

/** What {@link lanczos} found. */
export interface LanczosResult {
  /** The wanted eigenvalue estimates: largest first for "largest", smallest first for "smallest", both lists concatenated for "both". */
  values: Float64Array;
  /** The k largest, descending (for "largest" and "both"). */
  largest?: Float64Array;
  /** The k smallest, ascending (for "smallest" and "both"). */
  smallest?: Float64Array;
  /** Residual norms ‖A y − θ y‖ of the Ritz pairs, in the order of `values`. */
  residuals: Float64Array;
  /** Ritz vectors in the order of `values` (when asked). */
  vectors?: Float64Array[];
  /** True when every wanted residual met the tolerance (or the Krylov space was exhausted). */
  converged: boolean;
  /** Lanczos steps taken (operator products). */
  iterations: number;
  /**
   * Set when the iteration cap stopped Lanczos before `tol`: how far the residuals are, and what to
   * do (the result display shows it as a warning line).
   */
  warning?: string;
}

/** The default iteration cap of {@link lanczos}: min(n, max(60, 20k, ⌊2²⁵/n⌋)). */
export function defaultMaxIter(n: number, k: number): number {
  return Math.min(n, Math.max(60, 20 * k, Math.floor(2 ** 25 / n)));
}

/**
 * The warning for a Lanczos run stopped by its cap: the largest wanted residual, relative to the
 * spectrum's scale (a Ritz value is within its residual of an eigenvalue: Golub & Van Loan §10.1).
 */
export function capWarning(maxIter: number, residuals: ArrayLike<number>, scale: number, tol: number): string {
  let worst = 0;
  for (let i = 0; i < residuals.length; i++) worst = Math.max(worst, residuals[i]!);
  const rel = worst / Math.max(scale, Number.MIN_VALUE);
  return `lanczos stopped at its cap of ${maxIter} iterations before the residual tolerance: the largest residual is ${worst.toPrecision(3)} (${rel.toPrecision(3)} of the largest |eigenvalue|, tol ${tol}), so the eigenvalues may be off by about that much; raise maxIter`;
}

/**
 * The k largest and/or smallest eigenvalues of a symmetric operator by Lanczos with full
 * reorthogonalization (see the module comment).
 *
 * @param op the operator, e.g. `hvpOperator(problem, x)` or `matrixOperator(A)`.
 * @example
 * const { values } = lanczos(matrixOperator([[2, 1], [1, 2]]), { k: 1 }); // [3]
 */
export function lanczos(op: LinearOperator, opts: LanczosOptions = {}): LanczosResult {
  const n = op.n;
  const k = opts.k ?? 1;
  const which = opts.which ?? "largest";
  if (!Number.isInteger(k) || k < 1 || k > n) throw new DslError("bad-option", `lanczos: k must be an integer in [1, ${n}], got ${describe(k)}`, { path: "k" });
  if (!["largest", "smallest", "both"].includes(which)) {
    throw new DslError("bad-option", `lanczos: which must be "largest", "smallest" or "both", got ${describe(which)}`, { path: "which" });
  }
  // Finite-difference products carry ~1e-8 relative noise: residuals cannot go far below it.
  const tol = opts.tol ?? (op.method === "exact" ? 1e-10 : 1e-7);
  const maxIter = Math.min(n, opts.maxIter ?? defaultMaxIter(n, k));
  if (maxIter < k) throw new DslError("bad-option", `lanczos: maxIter (${maxIter}) must be at least k (${k})`, { path: "maxIter" });
  const r = rng(opts.seed ?? 0);
  const start = opts.start ?? r.normalInto(new Float64Array(n));
  const restart = () => r.normalInto(new Float64Array(n));
  const wanted = (m: number): number[] => {
    const kk = Math.min(k, m);
    const lo = Array.from({ length: kk }, (_, i) => i);
    const hi = Array.from({ length: kk }, (_, i) => m - 1 - i);
    return which === "largest" ? hi : which === "smallest" ? lo : [...hi, ...lo.filter((i) => !hi.includes(i))];
  };
  let converged = false;
  const stop = (alpha: Float64Array, beta: Float64Array, m: number): boolean => {
    if (m < Math.min(which === "both" ? 2 * k : k, n)) return false;
    // At a breakdown every residual is 0, but a repeated eigenvalue may still be missing a copy:
    // go on from the restart vector.
    if (beta[m - 1] === 0 && m < maxIter) return false;
    if (m < maxIter && m % 2 === 1 && m > 2 * k + 4) return false; // check every other step once past the start
    const { values, rows } = tridiagEig(alpha, beta, [m - 1]);
    const scale = Math.max(Math.abs(values[0]!), Math.abs(values[m - 1]!), Number.MIN_VALUE);
    const bm = beta[m - 1]!;
    converged = wanted(m).every((i) => Math.abs(bm * rows[0]![i]!) <= tol * scale);
    return converged;
  };
  const basis = lanczosSteps(op, start, maxIter, { stop, restart });
  const m = basis.alpha.length;
  const eig = tridiagEig(basis.alpha, basis.beta, opts.vectors ? "all" : [m - 1]);
  const last = opts.vectors ? eig.rows[m - 1]! : eig.rows[0]!;
  const bm = basis.beta[m - 1]!;
  if (m === n || bm === 0) converged = true;
  const idx = wanted(m);
  const values = Float64Array.from(idx, (i) => eig.values[i]!);
  const residuals = Float64Array.from(idx, (i) => Math.abs(bm * last[i]!));
  const result: LanczosResult = { values, residuals, converged, iterations: m };
  if (!converged) result.warning = capWarning(maxIter, residuals, Math.max(Math.abs(eig.values[0]!), Math.abs(eig.values[m - 1]!)), tol);
  const kk = Math.min(k, m);
  if (which !== "smallest") result.largest = values.slice(0, kk);
  if (which === "smallest") result.smallest = values.slice(0, kk);
  if (which === "both") result.smallest = Float64Array.from({ length: kk }, (_, i) => eig.values[i]!);
  if (opts.vectors) {
    result.vectors = idx.map((c) => {
      const y = new Float64Array(n);
      for (let j = 0; j < m; j++) axpyInPlace(y, basis.Q[j]!, eig.rows[j]![c]!);
      normalize(y);
      return y;
    });
  }
  return result;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function axpyInPlace(y: Float64Array, x: Float64Array, s: number): void {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + s * x[i]!;
}

function normalize(v: Float64Array): boolean {
  const s = Math.sqrt(dot(v, v));
  if (!(s > 0) || !Number.isFinite(s)) return false;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / s;
  return true;
}
