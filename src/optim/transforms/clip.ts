/**
 * Gradient clipping, with PyTorch's `clip_grad_norm_` / `clip_grad_value_` arithmetic.
 */
import { hyperAt, type HyperValue, type Transform } from "../base.js";
import type { CountState } from "./scale.js";
import { hyperArg } from "./check.js";

/**
 * Rescales the updates when their global L2 norm exceeds `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_`:
 * $$u \leftarrow u \cdot \min\!\left(1, \frac{c}{\lVert u\rVert_2 + 10^{-6}}\right).$$
 * The 10⁻⁶ is PyTorch's; optax's `clip_by_global_norm` has none and leaves u alone when
 * ‖u‖ < c (so the two differ by a factor 1 − 10⁻⁶/‖u‖ near the threshold).
 *
 * @param maxNorm - c > 0.
 * @example
 * chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3));
 */
export function clipByGlobalNorm(maxNorm: HyperValue): Transform<CountState> {
  maxNorm = hyperArg("clipByGlobalNorm", "maxNorm", maxNorm, { gt: 0, what: "the largest norm of the updates" }, "clipByGlobalNorm(1)");
  return {
    init: () => ({ count: 0 }),
    update(u, s, _p, ops) {
      const c = hyperAt(maxNorm, s.count++, ops);
      const coef = ops.smin(ops.sdiv(c, ops.sadd(ops.norm(u), 1e-6)), 1);
      return ops.scale(u, coef, u);
    },
  };
}

/**
 * Clamps every coordinate of the updates to [−c, c], as `torch.nn.utils.clip_grad_value_`.
 *
 * @param maxValue - c > 0.
 * @example
 * chain(clipByValue(0.5), scaleByLearningRate(0.1));
 */
export function clipByValue(maxValue: HyperValue): Transform<CountState> {
  maxValue = hyperArg("clipByValue", "maxValue", maxValue, { gt: 0, what: "the largest |update coordinate|" }, "clipByValue(1)");
  return {
    init: () => ({ count: 0 }),
    update(u, s, _p, ops) {
      const c = hyperAt(maxValue, s.count++, ops);
      return ops.clip(u, ops.ssub(0, c), c, u);
    },
  };
}
