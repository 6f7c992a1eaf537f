/**
 * The optimizers of `torch.optim`, by name, as chains of transforms. Options and defaults are
 * PyTorch's, camelCased (`weight_decay` → `weightDecay`); every numeric hyperparameter accepts a
 * number or a `Schedule`. Each alias checks its options and says what was expected, what came,
 * and where.
 *
 * Update rules (g = ∇f(x_t), η = lr at step t; the rule of each building block is in its doc):
 * see docs/readme/optimizers.md for the full reference with LaTeX.
 */
import { DslError } from "../errors/index.js";
import type { HyperValue, Optimizer, Transform } from "./base.js";
import { chain } from "./chain.js";
import { lbfgs, naturalGradient, newton } from "./aliases-second-order.js";
import { active, BETAS, EPS, fmt, l2, LR, named, WD } from "./named.js";
import { readOptions, type Rules } from "./options.js";
import { scaleByAdam, scaleByAdamax, scaleByNadam, scaleByRadam } from "./transforms/adam.js";
import { traceMomentum } from "./transforms/momentum.js";
import { addDecayedWeights } from "./transforms/regularize.js";
import { scaleByAdagrad, scaleByAdadelta, scaleByRms } from "./transforms/rms.js";
import { scaleByLearningRate } from "./transforms/scale.js";

export { lbfgs, naturalGradient, newton, type LbfgsAliasOptions, type NaturalGradientOptions, type NewtonAliasOptions } from "./aliases-second-order.js";
export { named } from "./named.js";

/** Options of `gd`. */
export interface GdOptions {
  /** η ≥ 0 (default 1e-3, PyTorch ≥ 2.2's SGD default; 1.13 requires it). */
  lr?: HyperValue;
}

/**
 * Plain gradient descent: x ← x − η∇f(x) (`torch.optim.SGD` without momentum).
 *
 * @example
 * optimize(f, gd({ lr: 0.1 }), { from: [1, 1], steps: 100 });
 */
export function gd(options: GdOptions = {}): Optimizer {
  const o = readOptions("gd", options, { lr: LR(1e-3) });
  return named("gd", o, chain(scaleByLearningRate(o.lr as HyperValue)));
}

/** Options of `sgd` (`torch.optim.SGD`). */
export interface SgdOptions {
  /** η ≥ 0 (default 1e-3). */
  lr?: HyperValue;
  /** β ∈ [0, 1): the momentum factor (default 0). */
  momentum?: HyperValue;
  /** τ ∈ [0, 1] (default 0). */
  dampening?: HyperValue;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** λ ≥ 0: L2 penalty, g ← g + λx (default 0). */
  weightDecay?: HyperValue;
}

const SGD_RULES: Rules = {
  lr: LR(1e-3),
  momentum: { type: "hyper", default: 0, min: 0, lt: 1, what: "the momentum factor" },
  dampening: { type: "hyper", default: 0, min: 0, max: 1, what: "dampening of the gradient in the momentum buffer" },
  nesterov: { type: "boolean", default: false, what: "Nesterov momentum" },
  weightDecay: WD,
};

function sgdChain(name: string, o: Record<string, unknown>): Optimizer {
  if (o.nesterov && (!active(o.momentum) || active(o.dampening))) {
    throw new DslError("bad-option", `${name}: nesterov needs momentum > 0 and dampening 0, got momentum ${fmt(o.momentum)}, dampening ${fmt(o.dampening)}`, { path: `${name}.nesterov` });
  }
  const ts = [...l2(o.weightDecay)];
  if (active(o.momentum)) {
    ts.push(traceMomentum({ momentum: o.momentum as HyperValue, dampening: o.dampening as HyperValue, nesterov: o.nesterov as boolean }));
  }
  ts.push(scaleByLearningRate(o.lr as HyperValue));
  return named(name, o, chain(...ts));
}

/**
 * Stochastic gradient descent with optional momentum, as `torch.optim.SGD`:
 * $$b_t = \beta b_{t-1} + (1-\tau)g_t\ (b_1 = g_1),\quad x_{t+1} = x_t - \eta\,(g_t + \beta b_t \text{ if nesterov else } b_t).$$
 *
 * @example
 * sgd({ lr: 0.01, momentum: 0.9, nesterov: true });
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  return sgdChain("sgd", readOptions("sgd", options, SGD_RULES));
}

/** Options of `momentum` and `nesterov`. */
export interface MomentumOptions {
  /** η ≥ 0 (default 1e-3). */
  lr?: HyperValue;
  /** β ∈ [0, 1): the momentum factor (default 0.9). */
  momentum?: HyperValue;
  /** λ ≥ 0 (default 0). */
  weightDecay?: HyperValue;
}

const MOMENTUM_RULES: Rules = {
  lr: LR(1e-3),
  momentum: { type: "hyper", default: 0.9, min: 0, lt: 1, what: "the momentum factor" },
  weightDecay: WD,
};

/**
 * Heavy-ball momentum (Polyak 1964): `sgd` with momentum 0.9 by default.
 *
 * @example
 * momentum({ lr: 0.01, momentum: 0.9 });
 */
export function momentum(options: MomentumOptions = {}): Optimizer {
  const o = readOptions("momentum", options, MOMENTUM_RULES);
  return sgdChain("momentum", { ...o, dampening: 0, nesterov: false });
}

/**
 * Nesterov momentum as PyTorch writes it: `sgd` with nesterov and momentum 0.9 by default.
 *
 * @example
 * nesterov({ lr: 0.01 });
 */
export function nesterov(options: MomentumOptions = {}): Optimizer {
  const o = readOptions("nesterov", options, MOMENTUM_RULES);
  return sgdChain("nesterov", { ...o, dampening: 0, nesterov: true });
}

/** Options of `adagrad` (`torch.optim.Adagrad`). */
export interface AdagradOptions {
  lr?: HyperValue;
  lrDecay?: HyperValue;
  weightDecay?: HyperValue;
  initialAccumulatorValue?: number;
  eps?: HyperValue;
}

/**
 * AdaGrad (Duchi, Hazan & Singer 2011), as `torch.optim.Adagrad`:
 * $$s_t = s_{t-1} + g_t^2,\quad x_{t+1} = x_t - \frac{\eta}{1+(t-1)\delta}\,\frac{g_t}{\sqrt{s_t}+\epsilon}.$$
 * Defaults: lr 0.01, lrDecay 0, weightDecay 0, initialAccumulatorValue 0, eps 1e-10.
 *
 * @example
 * adagrad({ lr: 0.5 });
 */
export function adagrad(options: AdagradOptions = {}): Optimizer {
  const o = readOptions("adagrad", options, {
    lr: LR(0.01),
    lrDecay: { type: "hyper", default: 0, min: 0, what: "lr ← lr / (1 + (t−1)·lrDecay)" },
    weightDecay: WD,
    initialAccumulatorValue: { type: "number", default: 0, min: 0, what: "initial sum of squared gradients" },
    eps: EPS(1e-10),
  });
  return named("adagrad", o, chain(
    ...l2(o.weightDecay),
    scaleByAdagrad({ initialAccumulatorValue: o.initialAccumulatorValue as number, eps: o.eps as HyperValue, lrDecay: o.lrDecay as HyperValue }),
    scaleByLearningRate(o.lr as HyperValue),
  ));
}

/** Options of `rmsprop` (`torch.optim.RMSprop`). */
export interface RmspropOptions {
  lr?: HyperValue;
  alpha?: HyperValue;
  eps?: HyperValue;
  weightDecay?: HyperValue;
  momentum?: HyperValue;
  centered?: boolean;
}

/**
 * RMSprop (Hinton 2012; centered: Graves 2013), as `torch.optim.RMSprop`:
 * $$v_t = \alpha v_{t-1} + (1-\alpha)g_t^2,\quad d_t = \frac{g_t}{\sqrt{v_t - \bar g_t^2}+\epsilon},\quad
 *   b_t = \beta b_{t-1} + d_t,\quad x_{t+1} = x_t - \eta\, b_t$$
 * (ḡ_t = 0 unless centered; b_t = d_t when momentum is 0). Defaults: lr 0.01, alpha 0.99,
 * eps 1e-8, weightDecay 0, momentum 0, centered false.
 *
 * @example
 * rmsprop({ lr: 0.01, centered: true, momentum: 0.9 });
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  const o = readOptions("rmsprop", options, {
    lr: LR(0.01),
    alpha: { type: "hyper", default: 0.99, min: 0, lt: 1, what: "smoothing constant of the running average of g²" },
    eps: EPS(1e-8),
    weightDecay: WD,
    momentum: { type: "hyper", default: 0, min: 0, lt: 1, what: "the momentum factor" },
    centered: { type: "boolean", default: false, what: "divide by the estimated variance instead of the second moment" },
  });
  const ts = [...l2(o.weightDecay), scaleByRms({ alpha: o.alpha as HyperValue, eps: o.eps as HyperValue, centered: o.centered as boolean })];
  if (active(o.momentum)) ts.push(traceMomentum({ momentum: o.momentum as HyperValue }));
  ts.push(scaleByLearningRate(o.lr as HyperValue));
  return named("rmsprop", o, chain(...ts));
}

/** Options of `adam` and `adamw`. */
export interface AdamOptions {
  lr?: HyperValue;
  betas?: [HyperValue, HyperValue];
  eps?: HyperValue;
  weightDecay?: HyperValue;
  amsgrad?: boolean;
}

const adamRules = (wd: number): Rules => ({
  lr: LR(1e-3),
  betas: BETAS,
  eps: EPS(1e-8),
  weightDecay: { ...WD, default: wd } as Rules[string],
  amsgrad: { type: "boolean", default: false, what: "use the running maximum of v (AMSGrad)" },
});

/**
 * Adam (Kingma & Ba 2015, arXiv:1412.6980), as `torch.optim.Adam`:
 * $$m_t = \beta_1 m_{t-1} + (1-\beta_1)g_t,\ v_t = \beta_2 v_{t-1} + (1-\beta_2)g_t^2,\
 *   x_{t+1} = x_t - \eta\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)}+\epsilon}.$$
 * weightDecay is L2 (added to g); amsgrad uses max(v) (of the uncorrected v, as PyTorch).
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, amsgrad false.
 *
 * @example
 * adam({ lr: 0.01, betas: [0.9, 0.99] });
 */
export function adam(options: AdamOptions = {}): Optimizer {
  const o = readOptions("adam", options, adamRules(0));
  const [b1, b2] = o.betas as [HyperValue, HyperValue];
  return named("adam", o, chain(
    ...l2(o.weightDecay),
    scaleByAdam({ b1, b2, eps: o.eps as HyperValue, amsgrad: o.amsgrad as boolean }),
    scaleByLearningRate(o.lr as HyperValue),
  ));
}

/**
 * AdamW (Loshchilov & Hutter 2019, arXiv:1711.05101), as `torch.optim.AdamW`: Adam with
 * decoupled weight decay, x_{t+1} = (1 − ηλ)x_t − η·adam_t. Default weightDecay 1e-2.
 *
 * @example
 * adamw({ lr: 1e-3, weightDecay: 0.01 });
 */
export function adamw(options: AdamOptions = {}): Optimizer {
  const o = readOptions("adamw", options, adamRules(1e-2));
  const [b1, b2] = o.betas as [HyperValue, HyperValue];
  const ts: Transform[] = [scaleByAdam({ b1, b2, eps: o.eps as HyperValue, amsgrad: o.amsgrad as boolean })];
  if (active(o.weightDecay)) ts.push(addDecayedWeights(o.weightDecay as HyperValue));
  ts.push(scaleByLearningRate(o.lr as HyperValue));
  return named("adamw", o, chain(...ts));
}

/** Options of `adamax` and `radam`. */
export interface AdamaxOptions {
  lr?: HyperValue;
  betas?: [HyperValue, HyperValue];
  eps?: HyperValue;
  weightDecay?: HyperValue;
}

/**
 * Adamax (Kingma & Ba 2015 §7.1), as `torch.optim.Adamax`:
 * $$u_t = \max(\beta_2 u_{t-1}, |g_t|+\epsilon),\quad x_{t+1} = x_t - \frac{\eta}{1-\beta_1^t}\frac{m_t}{u_t}.$$
 * Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 *
 * @example
 * adamax({ lr: 0.01 });
 */
export function adamax(options: AdamaxOptions = {}): Optimizer {
  const o = readOptions("adamax", options, { lr: LR(2e-3), betas: BETAS, eps: EPS(1e-8), weightDecay: WD });
  const [b1, b2] = o.betas as [HyperValue, HyperValue];
  return named("adamax", o, chain(...l2(o.weightDecay), scaleByAdamax({ b1, b2, eps: o.eps as HyperValue }), scaleByLearningRate(o.lr as HyperValue)));
}

/** Options of `nadam`. */
export interface NadamOptions extends AdamaxOptions {
  /** ψ ≥ 0 in μ_t = β₁(1 − ½·0.96^{tψ}) (default 4e-3). */
  momentumDecay?: HyperValue;
}

/**
 * NAdam (Dozat 2016), as `torch.optim.NAdam` of PyTorch ≥ 2.0 (1.13 has a bug in
 * `mu_product_next`; see `scaleByNadam`). Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8,
 * weightDecay 0, momentumDecay 4e-3.
 *
 * @example
 * nadam({ lr: 0.01 });
 */
export function nadam(options: NadamOptions = {}): Optimizer {
  const o = readOptions("nadam", options, {
    lr: LR(2e-3), betas: BETAS, eps: EPS(1e-8), weightDecay: WD,
    momentumDecay: { type: "hyper", default: 4e-3, min: 0, what: "ψ of the momentum schedule" },
  });
  const [b1, b2] = o.betas as [HyperValue, HyperValue];
  return named("nadam", o, chain(
    ...l2(o.weightDecay),
    scaleByNadam({ b1, b2, eps: o.eps as HyperValue, momentumDecay: o.momentumDecay as HyperValue }),
    scaleByLearningRate(o.lr as HyperValue),
  ));
}

/**
 * RAdam (Liu et al. 2020, arXiv:1908.03265), as `torch.optim.RAdam` (threshold ρ_t > 5).
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 *
 * @example
 * radam({ lr: 0.01 });
 */
export function radam(options: AdamaxOptions = {}): Optimizer {
  const o = readOptions("radam", options, { lr: LR(1e-3), betas: BETAS, eps: EPS(1e-8), weightDecay: WD });
  const [b1, b2] = o.betas as [HyperValue, HyperValue];
  return named("radam", o, chain(...l2(o.weightDecay), scaleByRadam({ b1, b2, eps: o.eps as HyperValue }), scaleByLearningRate(o.lr as HyperValue)));
}

/** Options of `adadelta`. */
export interface AdadeltaOptions {
  lr?: HyperValue;
  rho?: HyperValue;
  eps?: HyperValue;
  weightDecay?: HyperValue;
}

/**
 * Adadelta (Zeiler 2012, arXiv:1212.5701), as `torch.optim.Adadelta`. Defaults: lr 1.0,
 * rho 0.9, eps 1e-6, weightDecay 0.
 *
 * @example
 * adadelta({ lr: 1 });
 */
export function adadelta(options: AdadeltaOptions = {}): Optimizer {
  const o = readOptions("adadelta", options, {
    lr: LR(1), rho: { type: "hyper", default: 0.9, min: 0, max: 1, what: "coefficient of the running averages" },
    // > 0, stricter than torch on purpose: with eps = 0 adadelta's first update is √0/√0 = NaN in every coordinate
    eps: { type: "hyper", default: 1e-6, gt: 0, what: "added inside the square roots; 0 would make the first update 0/0" }, weightDecay: WD,
  });
  return named("adadelta", o, chain(...l2(o.weightDecay), scaleByAdadelta({ rho: o.rho as HyperValue, eps: o.eps as HyperValue }), scaleByLearningRate(o.lr as HyperValue)));
}

/** Every alias by name (for `compare` specs given as strings and for docs). */
export const ALIASES = { gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, adamax, nadam, radam, adadelta, lbfgs, newton, naturalGradient } as const;
