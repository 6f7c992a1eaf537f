/**
 * Hutchinson's stochastic trace estimator: tr(A) = E[zᵀAz] for random z with E[zzᵀ] = I.
 */
import { DslError, describe } from "../../errors/index.js";
import type { LinearOperator } from "./operator.js";
import { rng } from "./random.js";

/** Options of {@link hutchinsonTrace}. */
export interface HutchinsonOptions {
  /** Number of probe vectors (operator products), ≥ 1; default 100. */
  probes?: number;
  /** Seed of the probes, default 0. */
  seed?: number;
  /** Probe distribution: "rademacher" (default, ±1: least variance) or "gaussian". */
  distribution?: "rademacher" | "gaussian";
}

/** A trace estimate with its statistical error. */
export interface TraceEstimate {
  /** The estimate (1/m) Σ zᵀAz. */
  trace: number;
  /** Standard error of the estimate (sample standard deviation / √m; 0 for one probe). */
  stdError: number;
  /** The m samples zᵀAz. */
  samples: Float64Array;
}

/**
 * Estimates tr(A) from m products A z with Rademacher probes z ∈ {±1}ⁿ:
 *
 * $$ \widehat{\operatorname{tr}}(A) = \frac1m \sum_{j=1}^m z_j^\top A z_j, \qquad
 * \operatorname{Var} = \frac{2}{m}\Big(\lVert A\rVert_F^2 - \sum_i a_{ii}^2\Big), $$
 *
 * the least variance among probe distributions with E[zzᵀ] = I (exact for diagonal A). For a
 * Hessian, tr ∇²f is the sum of curvatures (the Laplacian of f).
 *
 * References: Hutchinson, "A stochastic estimator of the trace of the influence matrix for
 * Laplacian smoothing splines", Commun. Statist. Simul. Comput. 18 (1989); Avron & Toledo,
 * "Randomized algorithms for estimating the trace of an implicit symmetric positive semi-definite
 * matrix", J. ACM 58 (2011); Yao et al., "PyHessian", IEEE BigData 2020.
 *
 * @example
 * hutchinsonTrace(matrixOperator([[2, 1], [1, 3]]), { probes: 100 }).trace; // ≈ 5
 */
export function hutchinsonTrace(op: LinearOperator, opts: HutchinsonOptions = {}): TraceEstimate {
  const m = opts.probes ?? 100;
  if (!Number.isInteger(m) || m < 1) throw new DslError("bad-option", `hutchinsonTrace: probes must be a positive integer, got ${describe(m)}`, { path: "probes" });
  const r = rng(opts.seed ?? 0);
  const n = op.n;
  const z = new Float64Array(n);
  const Az = new Float64Array(n);
  const samples = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    if (opts.distribution === "gaussian") r.normalInto(z);
    else r.rademacherInto(z);
    op.apply(z, Az);
    let s = 0;
    for (let i = 0; i < n; i++) s += z[i]! * Az[i]!;
    samples[j] = s;
  }
  let mean = 0;
  for (const s of samples) mean += s;
  mean /= m;
  let v = 0;
  for (const s of samples) v += (s - mean) ** 2;
  const stdError = m > 1 ? Math.sqrt(v / (m - 1) / m) : 0;
  return { trace: mean, stdError, samples };
}
