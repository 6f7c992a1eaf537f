/**
 * Gradient-noise statistics of mini-batch training: how noisy a batch gradient is compared with
 * the full gradient, and the batch size beyond which larger batches stop helping.
 */
import { DslError, describe } from "../../errors/index.js";
import type { Problem } from "../../problem/index.js";
import { rng } from "./random.js";

/** Options of {@link gradientNoise}. */
export interface GradientNoiseOptions {
  /** Use at most this many data rows (a seeded random subset when there are more); default 4096. */
  maxRows?: number;
  /** Seed of the subset, default 0. */
  seed?: number;
}

/** Per-sample gradient statistics at a point. */
export interface GradientNoise {
  /** Rows used. */
  rows: number;
  /** True when every data row was used (the statistics are then exact for this data set). */
  exact: boolean;
  /** The mean per-sample gradient (the full-batch gradient of the mean loss when `exact`). */
  meanGrad: Float64Array;
  /** |G|²: squared norm of the true mean gradient (unbiased estimate from a subset). */
  gradNormSq: number;
  /** tr(Σ): total variance of one sample's gradient (sum of per-coordinate variances). */
  traceCov: number;
  /**
   * The simple gradient noise scale B_simple = tr(Σ)/|G|²: below it, progress per step grows
   * about linearly with the batch size (noise-dominated); well above it, extra samples barely
   * help. Infinite at a stationary point.
   */
  noiseScale: number;
  /** Expected squared error of a batch-b gradient, E‖g_b − G‖² = tr(Σ)/b (with replacement). */
  batchError(b: number): number;
}

/**
 * Gradient-noise statistics from per-sample gradients (`DataProblem.sampleGradsInto`) at x, for
 * the mean loss: with per-sample gradients g_i, G = E[g_i], Σ = Cov[g_i],
 *
 * $$ B_\text{simple} = \frac{\operatorname{tr}\Sigma}{\lVert G\rVert^2}, \qquad
 * \mathbb E\lVert g_B - G\rVert^2 = \frac{\operatorname{tr}\Sigma}{B}. $$
 *
 * With all N rows, G is the sample mean and Σ the population covariance (divisor N); from a random
 * subset of s rows, tr Σ uses the divisor s − 1 and |G|² = ‖ḡ‖² − trΣ/s (both unbiased).
 *
 * Reference: McCandlish, Kaplan, Amodei & the OpenAI Dota Team, "An empirical model of
 * large-batch training", arXiv:1812.06162 (2018), §2.2 and Appendix A.
 *
 * @example
 * gradientNoise(problem, x).noiseScale; // e.g. 37: batches much larger than ~37 waste samples
 */
export function gradientNoise(problem: Problem, x: Float64Array, opts: GradientNoiseOptions = {}): GradientNoise {
  const data = problem.data;
  if (!data) {
    throw new DslError("not-data-backed", "gradientNoise: the objective is not data-backed (it needs per-sample gradients: objective(summand, { data, params }))", {
      path: "objective",
    });
  }
  const N = data.samples;
  const maxRows = opts.maxRows ?? 4096;
  if (!Number.isInteger(maxRows) || maxRows < 2) throw new DslError("bad-option", `gradientNoise: maxRows must be an integer ≥ 2, got ${describe(maxRows)}`, { path: "maxRows" });
  if (N < 2) throw new DslError("too-few-samples", `gradientNoise: needs at least 2 data rows, got ${N}`, { path: "data" });
  const exact = N <= maxRows;
  const s = exact ? N : maxRows;
  const rows = new Int32Array(s);
  if (exact) for (let i = 0; i < s; i++) rows[i] = i;
  else {
    // partial Fisher–Yates: s distinct rows
    const perm = new Int32Array(N);
    for (let i = 0; i < N; i++) perm[i] = i;
    const r = rng(opts.seed ?? 0);
    for (let i = 0; i < s; i++) {
      const j = i + Math.floor(r.uniform() * (N - i));
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
      rows[i] = perm[i]!;
    }
  }
  const n = problem.n;
  const G = new Float64Array(s * n);
  data.sampleGradsInto(x, rows, G);
  const mean = new Float64Array(n);
  for (let i = 0; i < s; i++) for (let j = 0; j < n; j++) mean[j] = mean[j]! + G[i * n + j]!;
  for (let j = 0; j < n; j++) mean[j] = mean[j]! / s;
  let ss = 0;
  for (let i = 0; i < s; i++) for (let j = 0; j < n; j++) ss += (G[i * n + j]! - mean[j]!) ** 2;
  let meanSq = 0;
  for (let j = 0; j < n; j++) meanSq += mean[j]! ** 2;
  const traceCov = exact ? ss / s : ss / (s - 1);
  const gradNormSq = exact ? meanSq : Math.max(0, meanSq - traceCov / s);
  return {
    rows: s,
    exact,
    meanGrad: mean,
    gradNormSq,
    traceCov,
    noiseScale: traceCov / gradNormSq,
    batchError: (b: number) => traceCov / b,
  };
}
