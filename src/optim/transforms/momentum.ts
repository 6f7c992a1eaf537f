/**
 * Momentum as PyTorch's SGD does it (heavy ball, optional dampening and Nesterov).
 */
import { hyperAt, type HyperValue, type Transform } from "../base.js";
import { blockOptions, flag, unit } from "./check.js";
import { ema } from "./ema.js";
import { DslError } from "../../errors/index.js";

export interface TraceMomentumOptions {
  /** μ ∈ [0, 1): the momentum factor. */
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
 * $$b_1 = g_1,\quad b_t = \mu b_{t-1} + (1-\tau) g_t,\qquad u_t = \begin{cases} g_t + \mu b_t & \text{nesterov}\\ b_t & \text{otherwise.}\end{cases}$$
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
    momentum: unit(undefined, "the momentum factor μ"),
    dampening: { type: "hyper", default: 0, min: 0, max: 1, what: "dampening τ of the incoming gradient" },
    nesterov: flag(false, "Nesterov momentum"),
  });
  if (momentum === undefined) throw new DslError("missing-option", "traceMomentum: momentum is required (the momentum factor μ), e.g. traceMomentum({ momentum: 0.9 })", { path: "traceMomentum.momentum" });
  return {
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
  };
}
