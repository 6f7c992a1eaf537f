/**
 * The spectral density of a symmetric operator (the Hessian's eigenvalue histogram) by stochastic
 * Lanczos quadrature, as PyHessian computes it for neural networks.
 *
 * For a unit probe v, m Lanczos steps give T_m = S Θ Sᵀ; the Gauss quadrature nodes θ_j with
 * weights τ_j = (S_{1j})² satisfy vᵀ f(A) v ≈ Σ_j τ_j f(θ_j), exactly for polynomials f of degree
 * ≤ 2m − 1. Averaged over probes, the weighted nodes estimate the spectral measure
 * (1/n) Σ_i δ(t − λ_i); smoothing each node with a Gaussian of width σ gives a density.
 */
import { DslError, describe } from "../../errors/index.js";
import { lanczosSteps } from "./lanczos.js";
import type { LinearOperator } from "./operator.js";
import { rng } from "./random.js";
import { tridiagEig } from "./tridiagonal.js";

/** Options of {@link spectralDensity}. */
export interface SpectralDensityOptions {
  /** Number of random probes, default 10. */
  probes?: number;
  /** Lanczos steps per probe (quadrature nodes), default min(n, 80). */
  steps?: number;
  /** Seed of the probes, default 0. */
  seed?: number;
  /** Grid points of `density`, default 1000. */
  bins?: number;
  /** Standard deviation of the Gaussian smoothing, default (λ_max − λ_min)/200 (at least 1e-12). */
  sigma?: number;
}

/** Quadrature nodes and weights per probe, and the smoothed density on a grid. */
export interface SpectralDensity {
  /** Per probe: Ritz values θ_j (ascending). */
  nodes: Float64Array[];
  /** Per probe: weights τ_j (sum to 1). */
  weights: Float64Array[];
  /** Grid of eigenvalues where `density` is evaluated. */
  grid: Float64Array;
  /** Smoothed density on `grid` (integrates to ≈ 1). */
  density: Float64Array;
  /** The smoothing width used. */
  sigma: number;
  /** Estimated extreme eigenvalues (extreme nodes over all probes). */
  min: number;
  max: number;
  /** Estimates (1/n) tr(A^p) = Σ τ_j θ_j^p averaged over probes. */
  moment(p: number): number;
}

/**
 * Spectral density by stochastic Lanczos quadrature with Rademacher probes and full
 * reorthogonalization.
 *
 * References: Lin, Saad & Yang, "Approximating spectral densities of large matrices", SIAM Review
 * 58 (2016); Ubaru, Chen & Saad, "Fast estimation of tr(f(A)) via stochastic Lanczos quadrature",
 * SIAM J. Matrix Anal. Appl. 38 (2017); Ghorbani, Krishnan & Xiao, "An investigation into neural
 * net optimization via Hessian eigenvalue density", ICML 2019; Yao, Gholami, Keutzer & Mahoney,
 * "PyHessian: Neural networks through the lens of the Hessian", IEEE BigData 2020 (PyHessian uses
 * a Gaussian variance of 1e-5·max(1, range) on 10⁴ bins; we default to σ = range/200 on 1000).
 *
 * @example
 * const sd = spectralDensity(hvpOperator(problem, x), { probes: 5, steps: 40 });
 * sd.moment(1); // ≈ tr(∇²f)/n
 */
export function spectralDensity(op: LinearOperator, opts: SpectralDensityOptions = {}): SpectralDensity {
  const n = op.n;
  const probes = opts.probes ?? 10;
  const steps = Math.min(n, opts.steps ?? 80);
  const bins = opts.bins ?? 1000;
  for (const [name, v, lo] of [["probes", probes, 1], ["steps", steps, 1], ["bins", bins, 2]] as const) {
    if (!Number.isInteger(v) || v < lo) throw new DslError("bad-option", `spectralDensity: ${name} must be an integer ≥ ${lo}, got ${describe(v)}`, { path: name });
  }
  const r = rng(opts.seed ?? 0);
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  for (let p = 0; p < probes; p++) {
    const v = r.rademacherInto(new Float64Array(n));
    const { alpha, beta } = lanczosSteps(op, v, steps);
    const eig = tridiagEig(alpha, beta, [0]);
    nodes.push(eig.values);
    weights.push(Float64Array.from(eig.rows[0]!, (s) => s * s));
  }
  let min = Infinity;
  let max = -Infinity;
  for (const t of nodes) {
    min = Math.min(min, t[0]!);
    max = Math.max(max, t[t.length - 1]!);
  }
  const range = max - min;
  const sigma = opts.sigma ?? Math.max(range / 200, 1e-12 * Math.max(1, Math.abs(max)));
  const lo = min - 4 * sigma;
  const hi = max + 4 * sigma;
  const grid = Float64Array.from({ length: bins }, (_, i) => lo + ((hi - lo) * i) / (bins - 1));
  const density = new Float64Array(bins);
  const c = 1 / (probes * sigma * Math.sqrt(2 * Math.PI));
  for (let p = 0; p < probes; p++) {
    const t = nodes[p]!;
    const w = weights[p]!;
    for (let j = 0; j < t.length; j++) {
      // only grid points within 8σ of the node contribute measurably
      const first = Math.max(0, Math.floor(((t[j]! - 8 * sigma - lo) / (hi - lo)) * (bins - 1)));
      const last = Math.min(bins - 1, Math.ceil(((t[j]! + 8 * sigma - lo) / (hi - lo)) * (bins - 1)));
      for (let i = first; i <= last; i++) density[i] = density[i]! + c * w[j]! * Math.exp(-(((grid[i]! - t[j]!) / sigma) ** 2) / 2);
    }
  }
  const moment = (pw: number): number => {
    let s = 0;
    for (let p = 0; p < probes; p++) {
      const t = nodes[p]!;
      const w = weights[p]!;
      for (let j = 0; j < t.length; j++) s += w[j]! * t[j]! ** pw;
    }
    return s / probes;
  };
  return { nodes, weights, grid, density, sigma, min, max, moment };
}
