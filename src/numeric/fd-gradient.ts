/**
 * Whole-gradient finite differences of a `Problem` in float64: forward, central, Richardson,
 * complex step, one-sided quotients and directional derivatives.
 *
 * All write into caller-owned buffers and reuse one work vector, so a gradient costs its
 * evaluations of f and nothing else. Steps follow `step-size.ts`: h_i = c·max(|x_i|, 1).
 */
import type { Problem } from "../problem/index.js";
import { DslError } from "../errors/index.js";
import { CoordLine, DirLine } from "./line.js";
import { LineEstimate, centralAt, complexAt, forwardAt, richardsonAt } from "./line-derivative.js";
import { Romberg } from "./romberg.js";
import { STEP, coordScale } from "./step-size.js";

/** The finite-difference schemes. */
export type FdMethod = "forward" | "central" | "richardson" | "complex";

/** Options shared by the gradient routines. */
export interface FdOptions {
  /** Step coefficient c: the step of coordinate i is c·max(|x_i|, 1). Default: `STEP[method]`. */
  h?: number;
}

/**
 * Forward-difference gradient: g_i ≈ (f(x + h_i e_i) − f(x))/h_i, n + 1 evaluations.
 * Truncation error h_i|∂²f/∂x_i²|/2: cheap but the least accurate (≈ √ε relative at best).
 *
 * @param x the point (not modified); `g` receives the gradient (length n).
 * @param opts.h step coefficient, default √ε ≈ 1.49e-8.
 * @returns f(x)
 * @example
 * const g = new Float64Array(2);
 * forwardGradInto(problem, Float64Array.of(1, 2), g);
 */
export function forwardGradInto(p: Problem, x: Float64Array, g: Float64Array, opts: FdOptions = {}): number {
  const c = opts.h ?? STEP.forward;
  const work = Float64Array.from(x);
  const line = new CoordLine(p, work);
  const est = new LineEstimate();
  const f0 = p.valueAt(work);
  for (let i = 0; i < x.length; i++) g[i] = forwardAt(line.select(i), f0, c * coordScale(x[i]!), est).value;
  return f0;
}

/**
 * Central-difference gradient: g_i ≈ (f(x + h_i e_i) − f(x − h_i e_i))/(2h_i), 2n evaluations.
 * Truncation error h_i²|∂³f/∂x_i³|/6, rounding ≈ ε|f|/h_i: about ε^(2/3) ≈ 4e-11 relative at the
 * default step for well-scaled f.
 *
 * @param opts.h step coefficient, default ε^(1/3) ≈ 6.06e-6.
 * @param left, right optional buffers for the one-sided quotients (f(x) − f(x − h))/h and
 *   (f(x + h) − f(x))/h, which come free with the central ones.
 * @returns f(x)
 * @example
 * const g = new Float64Array(2);
 * centralGradInto(problem, Float64Array.of(1, 2), g); // g ≈ ∇f(1, 2) to ~1e-10
 */
export function centralGradInto(p: Problem, x: Float64Array, g: Float64Array, opts: FdOptions = {}, left?: Float64Array, right?: Float64Array): number {
  const c = opts.h ?? STEP.central;
  const work = Float64Array.from(x);
  const line = new CoordLine(p, work);
  const est = new LineEstimate();
  const f0 = p.valueAt(work);
  for (let i = 0; i < x.length; i++) {
    centralAt(line.select(i), f0, c * coordScale(x[i]!), est);
    g[i] = est.value;
    if (left) left[i] = est.left;
    if (right) right[i] = est.right;
  }
  return f0;
}

/**
 * One-sided derivatives at x: left_i = (f(x) − f(x − h_i e_i))/h_i and right_i = (f(x + h_i e_i) −
 * f(x))/h_i. Where f is smooth they differ by ≈ h_i·∂²f/∂x_i²; at a kink (|x| at 0, relu at 0,
 * max at a tie) they differ by the jump of the derivative, whatever the step.
 *
 * @param opts.h step coefficient, default ε^(1/3).
 * @returns f(x)
 * @example
 * const l = new Float64Array(1), r = new Float64Array(1);
 * oneSidedInto(absProblem, Float64Array.of(0), l, r); // l = [-1], r = [1]
 */
export function oneSidedInto(p: Problem, x: Float64Array, left: Float64Array, right: Float64Array, opts: FdOptions = {}): number {
  const g = new Float64Array(x.length);
  return centralGradInto(p, x, g, opts, left, right);
}

/**
 * Richardson-extrapolated central differences (Ridders' method, see `Romberg`): for each
 * coordinate, central differences at h, h/2, h/4, … are extrapolated until rounding takes over.
 * Typically 6–12 evaluations per coordinate and 1e-12–1e-13 relative accuracy.
 *
 * @param err optional buffer receiving each coordinate's estimated absolute error.
 * @param opts.h first step coefficient, default 1e-2.
 * @returns f(x)
 * @example
 * const g = new Float64Array(2), err = new Float64Array(2);
 * richardsonGradInto(problem, Float64Array.of(1, 2), g, err);
 */
export function richardsonGradInto(p: Problem, x: Float64Array, g: Float64Array, err?: Float64Array, opts: FdOptions = {}): number {
  const c = opts.h ?? STEP.richardson;
  const work = Float64Array.from(x);
  const line = new CoordLine(p, work);
  const est = new LineEstimate();
  const scratch = new LineEstimate();
  const tab = new Romberg();
  const f0 = p.valueAt(work);
  for (let i = 0; i < x.length; i++) {
    richardsonAt(line.select(i), f0, c * coordScale(x[i]!), tab, est, scratch);
    g[i] = est.value;
    if (err) err[i] = est.error;
  }
  return f0;
}

/**
 * Complex-step gradient g_i = Im f(x + i·h·e_i)/h (Squire & Trapp, SIAM Review 40(1), 1998;
 * Martins, Sturdza & Alonso, "The complex-step derivative approximation", ACM TOMS 29(3), 2003).
 * No subtraction, so exact to rounding for real-analytic f; needs `p.valueComplex`.
 *
 * @param opts.h the (absolute) imaginary step, default 1e-20.
 * @returns f(x)
 * @example
 * complexStepGradInto(symbolicObjective, Float64Array.of(-1.2, 1), g); // exact to ~1e-16
 */
export function complexStepGradInto(p: Problem, x: Float64Array, g: Float64Array, opts: FdOptions = {}): number {
  if (!p.valueComplex) throw noComplex();
  const h = opts.h ?? STEP.complex;
  const work = Float64Array.from(x);
  const line = new CoordLine(p, work);
  const est = new LineEstimate();
  for (let i = 0; i < x.length; i++) g[i] = complexAt(line.select(i), h, est).value;
  return p.valueAt(work);
}

/**
 * The directional derivative ∇f(x)·v by finite differences along v (one line, a few evaluations
 * of f regardless of n). The step is h·max(‖x‖∞, 1)/‖v‖∞ for the difference methods.
 *
 * @param v the direction (not normalized; the result is linear in v).
 * @param opts.method `"central"` (default), `"forward"`, `"richardson"` or `"complex"`.
 * @param opts.h step coefficient, default `STEP[method]`.
 * @returns `{ value, error }`: the estimate and its estimated absolute error.
 * @example
 * directionalDerivative(problem, x, Float64Array.of(1, -1)).value; // ≈ ∂f/∂x − ∂f/∂y
 */
export function directionalDerivative(p: Problem, x: Float64Array, v: Float64Array, opts: FdOptions & { method?: FdMethod } = {}): { value: number; error: number } {
  const method = opts.method ?? "central";
  if (method === "complex" && !p.valueComplex) throw noComplex();
  let vmax = 0;
  let xmax = 1;
  for (let k = 0; k < v.length; k++) {
    vmax = Math.max(vmax, Math.abs(v[k]!));
    xmax = Math.max(xmax, Math.abs(x[k]!));
  }
  if (vmax === 0) return { value: 0, error: 0 };
  const line = new DirLine(p, x, new Float64Array(x.length), v);
  const est = new LineEstimate();
  const t = ((opts.h ?? STEP[method]) * (method === "complex" ? 1 : xmax)) / vmax;
  const f0 = method === "complex" ? 0 : p.valueAt(x);
  if (method === "forward") forwardAt(line, f0, t, est);
  else if (method === "central") centralAt(line, f0, t, est);
  else if (method === "richardson") richardsonAt(line, f0, t, new Romberg(), est, new LineEstimate());
  else complexAt(line, t, est);
  return { value: est.value, error: est.error };
}

function noComplex(): DslError {
  return new DslError("unsupported", "complex step needs a problem with a complex evaluation path (valueComplex), as symbolic objectives have");
}
