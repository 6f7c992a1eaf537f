/**
 * Float64 implementations of the functions the IR knows that `Math` lacks (or gets wrong for our
 * purposes). Generated closures receive this object as `R`, and the tree evaluator uses it too,
 * so compiled code and interpreted code agree bit for bit.
 */
import { erf } from "../numeric/erf.js";

/** The logistic sigmoid 1/(1+e^{-x}), without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}), exact for large |x|. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * sech(x) = 1/cosh(x) = 2e^{−|x|}/(1 + e^{−2|x|}): no overflow of cosh past |x| ≈ 710, so the
 * result is the correctly scaled tiny number (it underflows only where sech itself does).
 */
export function sech(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return (2 * e) / (1 + e * e);
}

/** csch(x) = 1/sinh(x); past |x| = 20, ±2e^{−|x|}/(1 − e^{−2|x|}) (sinh overflows past 710). */
export function csch(x: number): number {
  const a = Math.abs(x);
  if (!(a > 20)) return 1 / Math.sinh(x);
  const e = Math.exp(-a);
  return (Math.sign(x) * 2 * e) / (1 - e * e);
}

/** coth(x) = 1/tanh(x) (cosh/sinh would be ∞/∞ past |x| ≈ 710). */
export function coth(x: number): number {
  return 1 / Math.tanh(x);
}

/**
 * log Σ e^{x_k}, shifted by the maximum so that it neither overflows nor underflows:
 * m + log1p(Σ_{k≠k*} e^{x_k − m}), the first maximum k* left out of the sum, so that a sum of tiny
 * terms is not lost to 1 + s (logsumexp(−40, 0) = 4.2e−18, not 0).
 */
export function logsumexp(...xs: number[]): number {
  let m = -Infinity;
  let at = -1;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k]!;
    if (x > m || Number.isNaN(x)) {
      m = x;
      at = k;
    }
  }
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let k = 0; k < xs.length; k++) if (k !== at) s += Math.exp(xs[k]! - m);
  return m + Math.log1p(s);
}

/**
 * softmax(k, x₁…xₙ) = e^{x_k}/Σ e^{x_j} (1-based k), the ∂/∂x_k of logsumexp, shifted by the
 * maximum: exact where e^{x_k − logsumexp} is not (at x = [1e300, 1e300], logsumexp rounds to
 * 1e300 and the exponent to 0).
 */
export function softmax(k: number, ...xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m || Number.isNaN(x)) m = x;
  if (m === Infinity) {
    let count = 0;
    for (const x of xs) if (x === Infinity) count++;
    return xs[k - 1] === Infinity ? 1 / count : 0;
  }
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return Math.exp(xs[k - 1]! - m) / s;
}

/** cosdir(k, x₁…xₙ) = x_k/hypot(x) (1-based k), in [−1, 1]: the gradient of hypot, without ∞/∞. */
export function cosdir(k: number, ...xs: number[]): number {
  return xs[k - 1]! / Math.hypot(...xs);
}

/** 1 when xs[k-1] is the first maximal argument (1-based k), else 0: the active branch of max. */
export function argmaxIs(k: number, ...xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best === k - 1 ? 1 : 0;
}

/** 1 when xs[k-1] is the first minimal argument (1-based k), else 0: the active branch of min. */
export function argminIs(k: number, ...xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[best]!) best = i;
  return best === k - 1 ? 1 : 0;
}

/** The runtime object handed to generated code as `R`. */
export const RUNTIME = { sigmoid, softplus, logsumexp, softmax, cosdir, argmaxIs, argminIs, erf, sech, csch, coth } as const;
