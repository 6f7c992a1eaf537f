/**
 * Momentum as PyTorch's SGD does it (heavy ball, optional dampening and Nesterov).
 */
import { hyperAt, type HyperValue, type Transform } from "../base.js";
import { blockOptions, flag, unit } from "./check.js";
import { ema } from "./ema.js";
import { fuse, F64, F64_SCALED, f64Hyper, f64Ready, type F64Scaled, type Kernels } from "./fused.js";
import { DslError } from "../../errors/index.js";

export interface TraceMomentumOptions {
  /** β ∈ [0, 1): the momentum factor. */
  momentum: HyperValue;
  /** τ ∈ [0, 1]: dampening of the incoming gradient (default 0). */
  dampening?: HyperValue;
  /** Use Nesterov's look-ahead form (default false). */
  nesterov?: boolean;
}

export interface TraceMomentumState<A = any> {
  /** Updates already made. */
  count: number;
  /** The momentum buffer b. */
  buf: A;
}

/**
 * Heavy-ball momentum with PyTorch's conventions:
 * $$b_1 = g_1,\quad b_t = \beta b_{t-1} + (1-\tau) g_t,\qquad u_t = \begin{cases} g_t + \beta b_t & \text{nesterov}\\ b_t & \text{otherwise.}\end{cases}$$
 *
 * Differences from optax's `trace`: the buffer starts as a copy of the first gradient (PyTorch's
 * `torch.clone(d_p)`), so dampening does not shrink the first step; with τ = 0 both agree.
 * Sutskever et al. 2013 write Nesterov's method with the look-ahead gradient; PyTorch (and this)
 * use the equivalent reformulation on the current iterate.
 *
 * Reference: B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
 * USSR Comput. Math. Math. Phys. 4(5), 1964.
 *
 * @example
 * const heavyBall = chain(traceMomentum({ momentum: 0.9 }), scaleByLearningRate(0.01));
 */
export function traceMomentum(o: TraceMomentumOptions): Transform<TraceMomentumState> {
  const { momentum, dampening, nesterov } = blockOptions<{ momentum: HyperValue | undefined; dampening: HyperValue; nesterov: boolean }>("traceMomentum", o, {
    momentum: unit(undefined, "the momentum factor β"),
    dampening: { type: "hyper", default: 0, min: 0, max: 1, what: "dampening τ of the incoming gradient" },
    nesterov: flag(false, "Nesterov momentum"),
  });
  if (momentum === undefined) throw new DslError("missing-option", "traceMomentum: momentum is required (the momentum factor β), e.g. traceMomentum({ momentum: 0.9 })", { path: "traceMomentum.momentum" });
  return fuse({
    init: (p, ops) => ({ count: 0, buf: ops.zerosLike(p) }),
    update(u, s, _p, ops) {
      const mu = hyperAt(momentum, s.count, ops);
      if (s.count === 0) {
        s.buf = ops.copy(u, s.buf);
      } else {
        const tau = hyperAt(dampening, s.count, ops);
        s.buf = ema(ops, s.buf, u, mu, ops.ssub(1, tau));
      }
      s.count++;
      return nesterov ? ops.axpy(mu, s.buf, u, u) : ops.copy(s.buf, u);
    },
  }, momentumF64(momentum, dampening, nesterov));
}

/** `traceMomentum`'s float64 kernel (see fused.ts): one loop, times `factor` last. */
function momentumF64(muh: HyperValue, tauh: HyperValue, nesterov: boolean): Kernels {
  if (!f64Ready(muh, tauh)) return {};
  const MU = f64Hyper(muh)!, TAU = f64Hyper(tauh)!;
  const scaled: F64Scaled<TraceMomentumState<Float64Array>> = (u, s, _p, f, fs) => {
    const mu = typeof MU === "number" ? MU : MU(s.count);
    const first = s.count === 0;
    const w = first ? 0 : 1 - (typeof TAU === "number" ? TAU : TAU(s.count));
    s.count++;
    const buf = s.buf;
    // the lr step's factor, read after this transform's hyperparameters (the order of the chain)
    let factor = 1;
    if (f !== null) {
      const j = fs!.count++;
      factor = f.sign * (typeof f.h === "number" ? f.h : f.h(j));
    }
    for (let i = 0; i < u.length; i++) {
      const g = u[i]!;
      const b = first ? g : mu * buf[i]! + w * g;
      buf[i] = b;
      u[i] = factor * (nesterov ? g + mu * b : b);
    }
    return u;
  };
  return { [F64]: (u: Float64Array, s: TraceMomentumState<Float64Array>, p: Float64Array) => scaled(u, s, p, null, null), [F64_SCALED]: scaled };
}
