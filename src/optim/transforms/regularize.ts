/**
 * Regularization and gradient surgery: weight decay (L2 or decoupled), L1, centralization.
 */
import { hyperAt, type HyperValue, type Transform } from "../base.js";
import type { CountState } from "./scale.js";
import { hyperArg } from "./check.js";
import { fuse, F64, f64Hyper, type Kernels } from "./fused.js";

/**
 * Adds λ·x to the updates: u ← u + λx.
 *
 * Where it sits in the chain decides what it means. First (before the optimizer's scaling) it is
 * L2 regularization, PyTorch's `weight_decay` of SGD/Adam/RMSprop/...: the gradient of
 * f + (λ/2)‖x‖². After the scaling and before `scaleByLearningRate` it is *decoupled* weight
 * decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019,
 * arXiv:1711.05101), as `torch.optim.AdamW`: x ← x − η(λx + u_adam), which PyTorch computes as
 * x ← (1 − ηλ)x − η u_adam.
 *
 * @param weightDecay - λ ≥ 0.
 * @example
 * const adamw = chain(scaleByAdam(), addDecayedWeights(0.01), scaleByLearningRate(1e-3));
 */
export function addDecayedWeights(weightDecay: HyperValue): Transform<CountState> {
  weightDecay = hyperArg("addDecayedWeights", "weightDecay", weightDecay, { min: 0, what: "λ in u ← u + λx" }, "addDecayedWeights(1e-4)");
  return fuse({
    init: () => ({ count: 0 }),
    update(u, s, p, ops) {
      const wd = hyperAt(weightDecay, s.count++, ops);
      return wd === 0 ? u : ops.axpy(wd, p, u, u);
    },
  }, decayF64(weightDecay));
}

/** `addDecayedWeights`'s float64 kernel (see fused.ts). */
function decayF64(h: HyperValue): Kernels {
  const H = f64Hyper(h);
  if (H === undefined) return {};
  return {
    [F64]: (u: Float64Array, s: CountState, p: Float64Array) => {
      const k = s.count++;
      const wd = typeof H === "number" ? H : H(k);
      if (wd !== 0) for (let i = 0; i < u.length; i++) u[i] = u[i]! + wd * p[i]!;
      return u;
    },
  };
}

/**
 * Adds the L1 subgradient λ·sign(x): u ← u + λ sign(x) (sign(0) = 0), the gradient of
 * f + λ‖x‖₁ away from the axes. Not a proximal step: iterates oscillate around 0 instead of
 * landing on it; for exact sparsity use a proximal method.
 *
 * @param l1 - λ ≥ 0.
 * @example
 * chain(addL1(1e-3), scaleByLearningRate(0.1));
 */
export function addL1(l1: HyperValue): Transform<CountState & { tmp: any }> {
  l1 = hyperArg("addL1", "l1", l1, { min: 0, what: "λ in u ← u + λ·sign(x)" }, "addL1(1e-3)");
  return {
    init: (p, ops) => ({ count: 0, tmp: ops.zerosLike(p) }),
    update(u, s, p, ops) {
      const lam = hyperAt(l1, s.count++, ops);
      if (lam === 0) return u;
      return ops.axpy(lam, ops.sign(p, s.tmp), u, u);
    },
  };
}

/**
 * Gradient centralization: u ← u − mean(u), the mean over all coordinates of the (flat)
 * parameter vector (per run). Yong et al., "Gradient Centralization: A New Optimization
 * Technique for Deep Neural Networks", ECCV 2020, arXiv:2004.01461, centralize each output
 * channel of a weight tensor; our parameters are one flat vector, so the whole vector is one
 * group.
 *
 * @example
 * chain(centralize(), scaleByAdam(), scaleByLearningRate(1e-3));
 */
export function centralize(): Transform<Record<string, never>> {
  return {
    init: () => ({}),
    update: (u, _s, _p, ops) => ops.addScalar(u, ops.ssub(0, ops.mean(u)), u),
  };
}
