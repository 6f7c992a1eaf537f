/**
 * Hessian spectra at a point: exact and dense where n is small (Jacobi on the formed Hessian),
 * Lanczos on Hessian-vector products where it is large; and the sharpness (largest Hessian
 * eigenvalue) along a trajectory.
 */
import { DslError, describe } from "../../errors/index.js";
import type { Problem } from "../../problem/index.js";
import { eigSym } from "../eig-sym.js";
import { lanczos, type LanczosOptions } from "./lanczos.js";
import { denseHessian, hvpOperator, type HvpOptions } from "./operator.js";

/** The full spectrum of a Hessian formed densely. */
export interface DenseSpectrum {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n×n matrix (vector k is `vectors[i*n + k]`). */
  vectors: Float64Array;
  n: number;
  /** "exact" (hessianInto or exact HVPs) or "finite-difference" (columns by gradient differences). */
  method: "exact" | "finite-difference";
}

/**
 * Every eigenvalue and eigenvector of ∇²f(x) by forming the Hessian (n ≤ 2000) and running the
 * Jacobi eigen-solver, accurate to high relative precision (the sign of a tiny eigenvalue decides
 * saddle or minimum).
 *
 * @example
 * hessianSpectrum(problem, new Float64Array([1, 1])).values; // Rosenbrock at (1,1): [0.399…, 1001.6…]
 */
export function hessianSpectrum(problem: Problem, x: Float64Array, opts: HvpOptions = {}): DenseSpectrum {
  const { H, method } = denseHessian(problem, x, opts);
  const { values, vectors, n } = eigSym(H, problem.n);
  return { values, vectors, n, method };
}

/** Below this n, sharpness and extreme eigenvalues use the dense spectrum. */
export const DENSE_BELOW = 64;

/** Options of {@link sharpnessAlong}. */
export interface SharpnessOptions extends Omit<LanczosOptions, "k" | "which" | "vectors" | "start">, HvpOptions {
  /** Evaluate at every `every`-th point (always including the last), default 1. */
  every?: number;
  /** Also track the smallest eigenvalue (negative: a saddle direction). Default false. */
  smallest?: boolean;
}

/** Sharpness along a trajectory. */
export interface SharpnessTrace {
  /** Indices of the points evaluated (step numbers when the points are a run's `xs`). */
  steps: number[];
  /** λ_max(∇²f) at each evaluated point. */
  sharpness: Float64Array;
  /** λ_min(∇²f) at each point (when asked). */
  smallest?: Float64Array;
  /** False where Lanczos did not meet its tolerance at some point. */
  converged: boolean;
}

/**
 * The largest Hessian eigenvalue at points along a trajectory (e.g. a run's `xs`): the quantity
 * that gradient descent with step η drives towards its stability limit 2/η ("edge of stability",
 * Cohen et al., "Gradient descent on neural networks typically occurs at the edge of stability",
 * ICLR 2021); with momentum the limit moves (2(1+β)/η for heavy ball): the formulas live in one
 * place, `stabilityThreshold` in src/optim/theory.ts.
 * Dense for n < 64, else Lanczos warm-started from the previous point's top eigenvector.
 *
 * @param points the trajectory, each a number[] or Float64Array of length n.
 * @example
 * sharpnessAlong(problem, run.xs, { every: 10 }).sharpness;
 */
export function sharpnessAlong(problem: Problem, points: readonly ArrayLike<number>[], opts: SharpnessOptions = {}): SharpnessTrace {
  const every = opts.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new DslError("bad-option", `sharpnessAlong: every must be a positive integer, got ${describe(every)}`, { path: "every" });
  const steps: number[] = [];
  for (let i = 0; i < points.length; i += every) steps.push(i);
  if (points.length && steps[steps.length - 1] !== points.length - 1) steps.push(points.length - 1);
  const top = new Float64Array(steps.length);
  const bottom = opts.smallest ? new Float64Array(steps.length) : undefined;
  let converged = true;
  let warm: Float64Array | undefined;
  steps.forEach((s, j) => {
    const x = Float64Array.from(points[s]!);
    if (problem.n < DENSE_BELOW) {
      const { values } = hessianSpectrum(problem, x, opts);
      top[j] = values[values.length - 1]!;
      if (bottom) bottom[j] = values[0]!;
      return;
    }
    const op = hvpOperator(problem, x, opts);
    const hi = lanczos(op, { ...opts, k: 1, which: "largest", vectors: true, ...(warm ? { start: warm } : {}) });
    top[j] = hi.values[0]!;
    warm = hi.vectors![0];
    converged &&= hi.converged;
    if (bottom) {
      const lo = lanczos(op, { ...opts, k: 1, which: "smallest" });
      bottom[j] = lo.values[0]!;
      converged &&= lo.converged;
    }
  });
  return { steps, sharpness: top, ...(bottom ? { smallest: bottom } : {}), converged };
}
