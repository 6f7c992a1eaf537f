/**
 * The exponential moving averages the adaptive transforms share (Adam's moments, RMSprop's and
 * Adadelta's running means, SGD's momentum buffer), with PyTorch 1.13's operation order, written
 * in place into the average.
 */
import type { Ops, Scalar } from "../../backends/ops.js";

/**
 * m ← β m + w g, with w = 1 − β by default (PyTorch's `mul_(β).add_(g, alpha=w)`), written into m.
 * Pass `w` when the caller already has it (or, for momentum's dampening, when it is not 1 − β).
 */
export function ema<A>(ops: Ops<A>, m: A, g: A, beta: Scalar<A>, w: Scalar<A> = ops.ssub(1, beta)): A {
  return ops.axpy(w, g, ops.scale(m, beta, m), m);
}

/** v ← β v + w g², with w = 1 − β by default (`mul_(β).addcmul_(g, g, value=w)`), written into v. */
export function emaSq<A>(ops: Ops<A>, v: A, g: A, beta: Scalar<A>, w: Scalar<A> = ops.ssub(1, beta)): A {
  return ops.addcmul(ops.scale(v, beta, v), g, g, w, v);
}
