/**
 * A second, 4× smaller step for the few coordinates a gradient check cannot settle with one step:
 * it tells a kink from high curvature, and it measures the truncation error of a difference
 * quotient instead of guessing it.
 *
 * Kinks. At a point where f is smooth the one-sided quotients differ by
 * right − left = (f(x+h) − 2f(x) + f(x−h))/h ≈ h·f''(x), which shrinks with h; at a kink (|x| at 0,
 * relu at 0, max at a tie) they differ by the jump of the derivative whatever the step. So a
 * jump that keeps more than `KINK_KEEP` of its size when h shrinks 4× (a smooth one keeps 1/4) is
 * a kink. A jump must also stand clear of rounding (`KINK_NOISE`·ε·max|f|/h) to count.
 *
 * Truncation. With D(h) = D + c·h^q + …, the pair D(h), D(h/4) measures the truncation error of
 * D(h), (4^q/(4^q − 1))·|D(h) − D(h/4)|, and gives the extrapolated value
 * R = (4^q·D(h/4) − D(h))/(4^q − 1) whose error is bounded by that of D(h/4),
 * |D(h) − D(h/4)|/(4^q − 1), plus the rounding of the smaller step (one Richardson step, see
 * `Romberg`). Whichever of D(h) and R has the smaller total error is kept: R when truncation
 * dominated, D(h) when rounding did (forward differences at √ε are already rounding-bound).
 */
import type { Line } from "./line.js";
import { LineEstimate, ROUNDING, centralAt } from "./line-derivative.js";
import { EPS } from "./step-size.js";

/** A jump that keeps more than this fraction of its size when h shrinks 4× is a kink (smooth: 1/4). */
export const KINK_KEEP = 0.7;
/** A one-sided jump must exceed KINK_NOISE·ε·max|f|/h to be told from rounding. */
export const KINK_NOISE = 2048;
/** Screening: a jump above this fraction of max(|left|, |right|) earns a second look. */
export const KINK_SCREEN = 1e-3;

/** True when the one-sided quotients of `e` differ by more than rounding can explain. */
export function jumpAboveNoise(e: LineEstimate): boolean {
  const jump = Math.abs(e.right - e.left);
  return jump > (KINK_NOISE * EPS * e.fmax) / e.step;
}

/** Screening test: one-sided quotients that differ enough to suspect a kink (or strong curvature). */
export function isKinkCandidate(e: LineEstimate): boolean {
  const jump = Math.abs(e.right - e.left);
  return jump > KINK_SCREEN * Math.max(Math.abs(e.left), Math.abs(e.right)) && jumpAboveNoise(e);
}

/** Outcome of a second look (mutable scratch). */
/**
 * One Richardson step for central differences at steps t and t/4 (error ∝ t², so the step ratio
 * gives 4² − 1 = 15): D(t/4) − (D(t) − D(t/4))/15. Shared by the gradient, Jacobian and Hessian checks.
 */
export function extrapolate4(big: number, small: number): number {
  return small - (big - small) / 15;
}

/** The error of `extrapolate4`: the measured truncation |D(t) − D(t/4)|/15 plus the small step's own error. */
export function extrapolationError4(big: number, small: number, smallError: number): number {
  return Math.abs(big - small) / 15 + smallError;
}

export class SecondLook {
  kink = false;
  /**
   * At a kink: the two one-sided derivatives of f at the point, each extrapolated from its
   * quotients at t and t/4 (a one-sided quotient's truncation error is O(t), too large to compare
   * an analytic one-sided choice with at rtol), with their estimated errors.
   */
  left = NaN;
  right = NaN;
  leftError = NaN;
  rightError = NaN;
  /** Extrapolated derivative and its error bound (smooth case, when refined). */
  value = NaN;
  error = NaN;
  refined = false;
  evals = 0;
}

/**
 * Takes the second look at step t/4 along `line`.
 *
 * @param kind how the first estimate was made: `"central"` (`first` holds the central quotient
 *   and both one-sided ones at t), `"forward"` (`first` holds the forward quotient only) or
 *   `"screen"` (`first` holds a central screening estimate; only kinks are decided).
 * @param refine whether to extrapolate the truncation error away in the smooth case.
 */
export function secondLook(line: Line, f0: number, t: number, kind: "central" | "forward" | "screen", first: LineEstimate, refine: boolean, a: LineEstimate, b: LineEstimate, out: SecondLook): SecondLook {
  out.evals = 0;
  out.refined = false;
  let one = first;
  if (kind === "forward") {
    one = centralAt(line, f0, t, a);
    out.evals += 2;
  }
  const two = centralAt(line, f0, t / 4, b);
  out.evals += 2;
  const jump1 = Math.abs(one.right - one.left);
  const jump2 = Math.abs(two.right - two.left);
  out.kink = jumpAboveNoise(one) && jump2 > KINK_KEEP * jump1;
  // One-sided quotients: D(t) = D + c·t + …, so (4·D(t/4) − D(t))/3 removes the first-order term.
  const rounding = (2 * ROUNDING * EPS * Math.max(one.fmax, two.fmax)) / two.step;
  out.left = (4 * two.left - one.left) / 3;
  out.right = (4 * two.right - one.right) / 3;
  out.leftError = Math.abs(two.left - one.left) / 3 + rounding;
  out.rightError = Math.abs(two.right - one.right) / 3 + rounding;
  if (!Number.isFinite(out.left) || !Number.isFinite(out.right)) {
    out.left = two.left;
    out.right = two.right;
  }
  out.value = NaN;
  out.error = NaN;
  if (out.kink || !refine || kind === "screen") return out;
  // Two candidates: the first estimate with its truncation now measured, or the extrapolated
  // value with the (larger) rounding of the smaller step. Keep the one with the smaller error.
  let firstError: number;
  if (kind === "central") {
    out.value = extrapolate4(one.value, two.value);
    out.error = extrapolationError4(one.value, two.value, two.error);
    firstError = first.error + (16 / 15) * Math.abs(one.value - two.value);
  } else {
    const d = first.value - two.right;
    out.value = two.right - d / 3;
    out.error = Math.abs(d) / 3 + (2 * ROUNDING * EPS * two.fmax) / two.step;
    firstError = first.error + (4 / 3) * Math.abs(d);
  }
  if (!(out.error < firstError)) {
    out.value = first.value;
    out.error = firstError;
  }
  out.refined = Number.isFinite(out.value);
  return out;
}
