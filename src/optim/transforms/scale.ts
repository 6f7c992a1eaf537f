/**
 * Scaling transforms, including the one that flips the sign: `scaleByLearningRate`.
 */
import { hyperAt, type HyperValue, type Transform } from "../base.js";
import { hyperArg } from "./check.js";
import { fuse, F64, F64_FACTOR, f64Hyper, type FactorSpec, type Kernels } from "./fused.js";

/** State of a transform whose only state is its step counter. */
export interface CountState {
  /** Updates already made. */
  count: number;
}

/**
 * Multiplies the updates by a constant (or scheduled) factor: u ← s·u. No sign flip.
 *
 * @param factor - the factor s (number, schedule of the step, or per-run values).
 * @example
 * chain(scaleByAdam(), scale(0.5), scaleByLearningRate(1e-3));
 */
export function scale(factor: HyperValue): Transform<CountState> {
  factor = hyperArg("scale", "factor", factor, { what: "the factor" }, "scale(0.5)");
  return fuse({
    init: () => ({ count: 0 }),
    update(u, s, _p, ops) {
      const k = hyperAt(factor, s.count++, ops);
      return ops.scale(u, k, u);
    },
  }, scaleF64(factor, false));
}

/**
 * The learning-rate step, and the only sign flip in the library: u ← −η_t·u, where
 * η_t = lr(t) for a schedule and t = updates already made (η_0 is the lr of the first step, as
 * PyTorch's scheduler gives before its first `scheduler.step()`).
 *
 * Place it last in a chain (as PyTorch multiplies by the lr last): transforms after it would see
 * a descent direction instead of a gradient.
 *
 * @param lr - η ≥ 0, a number, a `Schedule` (step → lr), or per-run values (sweeps).
 * @example
 * const sgd = chain(scaleByLearningRate(0.1)); // x ← x − 0.1·∇f(x)
 */
export function scaleByLearningRate(lr: HyperValue): Transform<CountState> {
  lr = hyperArg("scaleByLearningRate", "lr", lr, { min: 0, what: "the learning rate" }, "scaleByLearningRate(0.01)");
  return fuse({
    init: () => ({ count: 0 }),
    update(u, s, _p, ops) {
      const eta = hyperAt(lr, s.count++, ops);
      return ops.scale(u, typeof eta === "number" ? -eta : ops.ssub(0, eta), u);
    },
    learningRate: lr,
  }, scaleF64(lr, true));
}

/** The float64 kernels of `scale` / `scaleByLearningRate` (negated): u ← k·u, and the factor k alone. */
function scaleF64(h: HyperValue, negate: boolean): Kernels {
  const H = f64Hyper(h);
  if (H === undefined) return {};
  const spec: FactorSpec = { h: H, sign: negate ? -1 : 1 };
  return {
    [F64_FACTOR]: spec,
    [F64]: (u: Float64Array, s: CountState) => {
      const j = s.count++;
      const k = spec.sign * (typeof H === "number" ? H : H(j));
      for (let i = 0; i < u.length; i++) u[i] = k * u[i]!;
      return u;
    },
  };
}
