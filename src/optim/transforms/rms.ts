/**
 * Per-coordinate scaling by running squared gradients: RMSprop, AdaGrad, Adadelta, with
 * PyTorch's arithmetic (ε outside the square root unless said otherwise).
 */
import { hyperAt, type HyperValue, type Transform } from "../base.js";
import { blockOptions, flag, nonNegative, positive, unit } from "./check.js";
import { ema, emaSq } from "./ema.js";
import { fuse, F64, F64_SCALED, f64Hyper, f64Ready, type F64Scaled, type Kernels } from "./fused.js";

export interface RmsState<A = any> {
  count: number;
  /** Running mean of g² (PyTorch's `square_avg`). */
  nu: A;
  /** Running mean of g (centered only; PyTorch's `grad_avg`). */
  mu: A;
  /** Scratch for the denominator. */
  tmp: A;
}

/**
 * RMSprop's direction (Hinton, Lecture 6e of "Neural Networks for Machine Learning", 2012;
 * centered variant: Graves, "Generating Sequences With Recurrent Neural Networks",
 * arXiv:1308.0850), as `torch.optim.RMSprop` before its momentum:
 * $$v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\quad \bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t,\quad
 *   u_t = \frac{g_t}{\sqrt{v_t - \bar g_t^2} + \epsilon}$$
 * (without centering, $\bar g_t = 0$). PyTorch adds ε outside the square root and starts v at 0;
 * optax's `scale_by_rms` once put ε inside and has an `initial_scale`.
 *
 * @example
 * const rmsprop = chain(scaleByRms({ alpha: 0.99, eps: 1e-8 }), scaleByLearningRate(0.01));
 */
export function scaleByRms(o: { alpha?: HyperValue; eps?: HyperValue; centered?: boolean } = {}): Transform<RmsState> {
  const { alpha: alphah, eps: epsh, centered } = blockOptions<{ alpha: HyperValue; eps: HyperValue; centered: boolean }>("scaleByRms", o, {
    alpha: unit(0.99, "smoothing constant"),
    eps: nonNegative(1e-8, "added to the denominator; ≥ 0 as torch"),
    centered: flag(false, "divide by the variance estimate"),
  });
  return fuse({
    init: (p, ops) => ({ count: 0, nu: ops.zerosLike(p), mu: ops.zerosLike(p), tmp: ops.zerosLike(p) }),
    update(u, s, _p, ops) {
      const k = s.count++;
      const alpha = hyperAt(alphah, k, ops);
      const eps = hyperAt(epsh, k, ops);
      const w = ops.ssub(1, alpha);
      s.nu = emaSq(ops, s.nu, u, alpha, w);
      let d: typeof u;
      if (centered) {
        s.mu = ema(ops, s.mu, u, alpha, w);
        d = ops.addcmul(s.nu, s.mu, s.mu, -1, s.tmp);
        d = ops.sqrt(d, d);
      } else {
        d = ops.sqrt(s.nu, s.tmp);
      }
      d = ops.addScalar(d, eps, d);
      return ops.div(u, d, u);
    },
  }, rmsF64(alphah, epsh, centered));
}

/** `scaleByRms`'s float64 kernel (see fused.ts): one loop, times `factor` last. */
function rmsF64(alphah: HyperValue, epsh: HyperValue, centered: boolean): Kernels {
  if (!f64Ready(alphah, epsh)) return {};
  const ALPHA = f64Hyper(alphah)!, EPS = f64Hyper(epsh)!;
  const scaled: F64Scaled<RmsState<Float64Array>> = (u, s, _p, f, fs) => {
    const k = s.count++;
    const alpha = typeof ALPHA === "number" ? ALPHA : ALPHA(k);
    const eps = typeof EPS === "number" ? EPS : EPS(k);
    // the lr step's factor, read after this transform's hyperparameters (the order of the chain)
    let factor = 1;
    if (f !== null) {
      const j = fs!.count++;
      factor = f.sign * (typeof f.h === "number" ? f.h : f.h(j));
    }
    const w = 1 - alpha;
    const { nu, mu } = s;
    for (let i = 0; i < u.length; i++) {
      const g = u[i]!;
      const v = alpha * nu[i]! + w * g * g;
      nu[i] = v;
      let d: number;
      if (centered) {
        const m = alpha * mu[i]! + w * g;
        mu[i] = m;
        d = Math.sqrt(v + -1 * m * m);
      } else d = Math.sqrt(v);
      u[i] = factor * (g / (d + eps));
    }
    return u;
  };
  return { [F64]: (u: Float64Array, s: RmsState<Float64Array>, p: Float64Array) => scaled(u, s, p, null, null), [F64_SCALED]: scaled };
}

export interface AdagradState<A = any> {
  count: number;
  /** Sum of squared gradients (PyTorch's `sum`). */
  sum: A;
  tmp: A;
}

/**
 * AdaGrad's direction (Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning
 * and Stochastic Optimization", JMLR 12, 2011), as `torch.optim.Adagrad`:
 * $$s_t = s_{t-1} + g_t^2,\quad u_t = \frac{g_t}{(1 + (t-1)\,\delta)\,(\sqrt{s_t} + \epsilon)},$$
 * with s₀ = `initialAccumulatorValue` and δ = `lrDecay` (PyTorch divides the lr by 1 + (t−1)δ;
 * the factor lives here so that the recorded learning rate stays the scheduled one, as in
 * PyTorch's `param_groups[0]["lr"]`). optax's `scale_by_rss` puts ε inside the square root.
 *
 * @example
 * const adagrad = chain(scaleByAdagrad({ eps: 1e-10 }), scaleByLearningRate(0.01));
 */
export function scaleByAdagrad(
  o: { initialAccumulatorValue?: number; eps?: HyperValue; lrDecay?: HyperValue } = {},
): Transform<AdagradState> {
  const { initialAccumulatorValue: init0, eps: epsh, lrDecay: decayh } = blockOptions<{ initialAccumulatorValue: number; eps: HyperValue; lrDecay: HyperValue }>("scaleByAdagrad", o, {
    initialAccumulatorValue: { type: "number", default: 0, min: 0, what: "initial sum of squared gradients" },
    eps: nonNegative(1e-10, "added to the denominator; ≥ 0 as torch"),
    lrDecay: nonNegative(0, "lr ← lr / (1 + (t−1)·lrDecay)"),
  });
  return {
    init: (p, ops) => ({ count: 0, sum: ops.fullLike(p, init0), tmp: ops.zerosLike(p) }),
    update(u, s, _p, ops) {
      const k = s.count++;
      const eps = hyperAt(epsh, k, ops);
      const decay = hyperAt(decayh, k, ops);
      s.sum = ops.addcmul(s.sum, u, u, 1, s.sum);
      let d = ops.sqrt(s.sum, s.tmp);
      d = ops.addScalar(d, eps, d);
      const r = ops.div(u, d, u);
      if (decay === 0) return r;
      return ops.scale(r, ops.sdiv(1, ops.sadd(1, ops.smul(k, decay))), r);
    },
  };
}

export interface AdadeltaState<A = any> {
  count: number;
  /** Running mean of g² (PyTorch's `square_avg`). */
  nu: A;
  /** Running mean of Δx² (PyTorch's `acc_delta`). */
  acc: A;
  tmp: A;
  tmp2: A;
}

/**
 * Adadelta's direction (Zeiler, "ADADELTA: An Adaptive Learning Rate Method", arXiv:1212.5701,
 * 2012), as `torch.optim.Adadelta`:
 * $$v_t = \rho v_{t-1} + (1-\rho) g_t^2,\quad u_t = \frac{\sqrt{a_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}\, g_t,\quad
 *   a_t = \rho a_{t-1} + (1-\rho) u_t^2.$$
 * PyTorch multiplies u_t by an lr (default 1.0); the paper has none.
 *
 * @example
 * const adadelta = chain(scaleByAdadelta({ rho: 0.9, eps: 1e-6 }), scaleByLearningRate(1));
 */
export function scaleByAdadelta(o: { rho?: HyperValue; eps?: HyperValue } = {}): Transform<AdadeltaState> {
  const { rho: rhoh, eps: epsh } = blockOptions<{ rho: HyperValue; eps: HyperValue }>("scaleByAdadelta", o, {
    rho: { type: "hyper", default: 0.9, min: 0, max: 1, what: "coefficient of the running averages" },
    eps: positive(1e-6, "added inside the square roots"),
  });
  return {
    init: (p, ops) => ({ count: 0, nu: ops.zerosLike(p), acc: ops.zerosLike(p), tmp: ops.zerosLike(p), tmp2: ops.zerosLike(p) }),
    update(u, s, _p, ops) {
      const k = s.count++;
      const rho = hyperAt(rhoh, k, ops);
      const eps = hyperAt(epsh, k, ops);
      const w = ops.ssub(1, rho);
      s.nu = emaSq(ops, s.nu, u, rho, w);
      let std = ops.addScalar(s.nu, eps, s.tmp);
      std = ops.sqrt(std, std);
      let d = ops.addScalar(s.acc, eps, s.tmp2);
      d = ops.sqrt(d, d);
      d = ops.div(d, std, d);
      const delta = ops.mul(d, u, u);
      s.acc = emaSq(ops, s.acc, delta, rho, w);
      return delta;
    },
  };
}
