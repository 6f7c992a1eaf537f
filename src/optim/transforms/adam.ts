/**
 * The Adam family: Adam (with AMSGrad), Adamax, NAdam, RAdam, with PyTorch's arithmetic.
 *
 * All map a gradient g_t to an update direction; the learning rate (and its sign) comes from
 * `scaleByLearningRate` after them. t counts from 1 on the first update.
 */
import type { Scalar } from "../../backends/ops.js";
import { hyperAt, type HyperValue, type Transform } from "../base.js";
import type { Rules } from "../options.js";
import { blockOptions, flag, nonNegative, positive, unit } from "./check.js";
import { ema, emaSq } from "./ema.js";
import { fuse, F64, F64_SCALED, f64Hyper, f64Ready, type F64Scaled, type Kernels } from "./fused.js";

export interface AdamOptions {
  /** β₁ ∈ [0, 1) (default 0.9). */
  b1?: HyperValue;
  /** β₂ ∈ [0, 1) (default 0.999). */
  b2?: HyperValue;
  /** ε > 0 added to the denominator (default 1e-8). */
  eps?: HyperValue;
  /** Keep the running maximum of the second moment (AMSGrad, default false). */
  amsgrad?: boolean;
}

export interface AdamState<A = any> {
  /** Updates already made (PyTorch's `step` before this update). */
  count: number;
  /** First moment m. */
  mu: A;
  /** Second moment v. */
  nu: A;
  /** AMSGrad's running maximum of v (zeros, unused without amsgrad). */
  nuMax: A;
}

/** β₁, β₂ and ε, checked, defaults filled in: the options every member of the family has. */
interface Moments {
  b1: HyperValue;
  b2: HyperValue;
  eps: HyperValue;
}

/** The rules of `Moments` (PyTorch's defaults), first in every member's rules. */
const MOMENT_RULES: Rules = { b1: unit(0.9, "β₁"), b2: unit(0.999, "β₂"), eps: nonNegative(1e-8, "added to the denominator; ≥ 0 as torch") };

/**
 * Adam's direction (Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015,
 * arXiv:1412.6980), as `torch.optim.Adam`:
 * $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
 *   u_t = \frac{m_t/(1-\beta_1^t)}{\sqrt{\hat v_t/(1-\beta_2^t)} + \epsilon},$$
 * with $\hat v_t = v_t$, or with AMSGrad (Reddi, Kale & Kumar, "On the Convergence of Adam and
 * Beyond", ICLR 2018) $\hat v_t = \max(\hat v_{t-1}, v_t)$ of the *uncorrected* v, as PyTorch
 * does (optax's `scale_by_amsgrad` takes the maximum of the bias-corrected v̂ instead).
 * With a scheduled β₁ (OneCycle), the bias correction uses the current β₁^t, as PyTorch does.
 *
 * @example
 * const adam = chain(scaleByAdam({ b1: 0.9, b2: 0.999 }), scaleByLearningRate(1e-3));
 */
export function scaleByAdam(o: AdamOptions = {}): Transform<AdamState> {
  const { b1: b1h, b2: b2h, eps: epsh, amsgrad } = blockOptions<Moments & { amsgrad: boolean }>("scaleByAdam", o, { ...MOMENT_RULES, amsgrad: flag(false, "AMSGrad") });
  return fuse({
    init: (p, ops) => ({ count: 0, mu: ops.zerosLike(p), nu: ops.zerosLike(p), nuMax: ops.zerosLike(p) }),
    update(u, s, _p, ops) {
      const k = s.count++;
      const t = k + 1;
      const b1 = hyperAt(b1h, k, ops);
      const b2 = hyperAt(b2h, k, ops);
      const eps = hyperAt(epsh, k, ops);
      s.mu = ema(ops, s.mu, u, b1);
      s.nu = emaSq(ops, s.nu, u, b2);
      let v = s.nu;
      if (amsgrad) v = s.nuMax = ops.maximum(s.nuMax, s.nu, s.nuMax);
      const bc1 = ops.ssub(1, ops.spow(b1, t));
      const bc2 = ops.ssub(1, ops.spow(b2, t));
      // denom = sqrt(v) / sqrt(bc2) + eps;  u = (m / denom) / bc1
      let d = ops.sqrt(v, u);
      d = ops.scale(d, ops.sdiv(1, ops.ssqrt(bc2)), d);
      d = ops.addScalar(d, eps, d);
      const r = ops.div(s.mu, d, d);
      return ops.scale(r, ops.sdiv(1, bc1), r);
    },
  }, adamF64(b1h, b2h, epsh, amsgrad));
}

/**
 * `scaleByAdam`'s float64 kernel (see fused.ts): the update above as one loop, operation for
 * operation, times `factor` last (the learning-rate step fused in).
 */
function adamF64(b1h: HyperValue, b2h: HyperValue, epsh: HyperValue, amsgrad: boolean): Kernels {
  if (!f64Ready(b1h, b2h, epsh)) return {};
  const B1 = f64Hyper(b1h)!, B2 = f64Hyper(b2h)!, EPS = f64Hyper(epsh)!;
  const scaled: F64Scaled<AdamState<Float64Array>> = (u, s, _p, f, fs) => {
    const k = s.count++;
    const t = k + 1;
    const b1 = typeof B1 === "number" ? B1 : B1(k);
    const b2 = typeof B2 === "number" ? B2 : B2(k);
    const eps = typeof EPS === "number" ? EPS : EPS(k);
    // the lr step's factor, read after this transform's hyperparameters (the order of the chain)
    let factor = 1;
    if (f !== null) {
      const j = fs!.count++;
      factor = f.sign * (typeof f.h === "number" ? f.h : f.h(j));
    }
    const w1 = 1 - b1, w2 = 1 - b2;
    const c2 = 1 / Math.sqrt(1 - Math.pow(b2, t));
    const c1 = 1 / (1 - Math.pow(b1, t));
    const { mu, nu, nuMax } = s;
    const n = u.length;
    for (let i = 0; i < n; i++) {
      const g = u[i]!;
      const m = b1 * mu[i]! + w1 * g;
      const v = b2 * nu[i]! + w2 * g * g;
      mu[i] = m;
      nu[i] = v;
      let vh = v;
      if (amsgrad) vh = nuMax[i] = Math.max(nuMax[i]!, v);
      u[i] = factor * (c1 * (m / (c2 * Math.sqrt(vh) + eps)));
    }
    return u;
  };
  return { [F64]: (u: Float64Array, s: AdamState<Float64Array>, p: Float64Array) => scaled(u, s, p, null, null), [F64_SCALED]: scaled };
}

export interface AdamaxState<A = any> {
  count: number;
  /** First moment m. */
  mu: A;
  /** Exponentially weighted infinity norm u. */
  inf: A;
}

/**
 * Adamax (Kingma & Ba 2015, §7.1), as `torch.optim.Adamax`:
 * $$m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad u_t^\infty = \max(\beta_2 u_{t-1}^\infty, |g_t| + \epsilon),\quad
 *   d_t = \frac{m_t}{(1-\beta_1^t)\, u_t^\infty}.$$
 * PyTorch adds ε inside the max (the paper has none; optax adds it to the denominator).
 *
 * @example
 * const adamax = chain(scaleByAdamax(), scaleByLearningRate(2e-3));
 */
export function scaleByAdamax(o: { b1?: HyperValue; b2?: HyperValue; eps?: HyperValue } = {}): Transform<AdamaxState> {
  const { b1: b1h, b2: b2h, eps: epsh } = blockOptions<Moments>("scaleByAdamax", o, MOMENT_RULES);
  return {
    init: (p, ops) => ({ count: 0, mu: ops.zerosLike(p), inf: ops.zerosLike(p) }),
    update(u, s, _p, ops) {
      const k = s.count++;
      const b1 = hyperAt(b1h, k, ops);
      const b2 = hyperAt(b2h, k, ops);
      const eps = hyperAt(epsh, k, ops);
      s.mu = ema(ops, s.mu, u, b1);
      const a = ops.addScalar(ops.abs(u, u), eps, u);
      s.inf = ops.maximum(ops.scale(s.inf, b2, s.inf), a, s.inf);
      const bc1 = ops.ssub(1, ops.spow(b1, k + 1));
      const r = ops.div(s.mu, s.inf, u);
      return ops.scale(r, ops.sdiv(1, bc1), r);
    },
  };
}

export interface NadamState<A = any> {
  count: number;
  mu: A;
  nu: A;
  /** ∏_{i ≤ t} μ_i (PyTorch's `mu_product`). */
  muProduct: Scalar<A>;
  /** Scratch for the denominator. */
  tmp: A;
}

/**
 * NAdam (Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop), as
 * `torch.optim.NAdam` of PyTorch ≥ 2.0, with the momentum schedule
 * μ_t = β₁(1 − ½·0.96^{tψ}) (ψ = `momentumDecay`):
 * $$u_t = \frac{1}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}\left(\frac{(1-\mu_t)\, g_t}{1-\prod_{i\le t}\mu_i}
 *   + \frac{\mu_{t+1}\, m_t}{1-\prod_{i\le t+1}\mu_i}\right).$$
 * PyTorch 1.13 (Debian's) computes the last product as ∏_{i≤t}μ_i · μ_t · μ_{t+1} (μ_t twice), a
 * bug fixed in PyTorch 2.0; we implement the corrected formula.
 *
 * @example
 * const nadam = chain(scaleByNadam({ momentumDecay: 4e-3 }), scaleByLearningRate(2e-3));
 */
export function scaleByNadam(
  o: { b1?: HyperValue; b2?: HyperValue; eps?: HyperValue; momentumDecay?: HyperValue } = {},
): Transform<NadamState> {
  const { b1: b1h, b2: b2h, eps: epsh, momentumDecay: psih } = blockOptions<Moments & { momentumDecay: HyperValue }>("scaleByNadam", o, {
    ...MOMENT_RULES,
    momentumDecay: nonNegative(4e-3, "ψ of the momentum schedule"),
  });
  return {
    init: (p, ops) => ({ count: 0, mu: ops.zerosLike(p), nu: ops.zerosLike(p), muProduct: 1, tmp: ops.zerosLike(p) }),
    update(u, s, _p, ops) {
      const k = s.count++;
      const t = k + 1;
      const b1 = hyperAt(b1h, k, ops);
      const b2 = hyperAt(b2h, k, ops);
      const eps = hyperAt(epsh, k, ops);
      const psi = hyperAt(psih, k, ops);
      const bc2 = ops.ssub(1, ops.spow(b2, t));
      const muT = ops.smul(b1, ops.ssub(1, ops.smul(0.5, ops.spow(0.96, ops.smul(t, psi)))));
      const muNext = ops.smul(b1, ops.ssub(1, ops.smul(0.5, ops.spow(0.96, ops.smul(t + 1, psi)))));
      s.muProduct = ops.smul(s.muProduct, muT);
      const muProductNext = ops.smul(s.muProduct, muNext);
      s.mu = ema(ops, s.mu, u, b1);
      s.nu = emaSq(ops, s.nu, u, b2);
      // denom = sqrt(v / bc2) + eps
      let d = ops.scale(s.nu, ops.sdiv(1, bc2), s.tmp);
      d = ops.addScalar(ops.sqrt(d, d), eps, d);
      const cg = ops.sdiv(ops.ssub(1, muT), ops.ssub(1, s.muProduct));
      const cm = ops.sdiv(muNext, ops.ssub(1, muProductNext));
      let r = ops.scale(u, cg, u);
      r = ops.axpy(cm, s.mu, r, r);
      return ops.div(r, d, r);
    },
  };
}

export interface RadamState<A = any> {
  count: number;
  mu: A;
  nu: A;
  /** Scratch for the adaptive term. */
  tmp: A;
}

/**
 * RAdam (Liu et al., "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020,
 * arXiv:1908.03265), as `torch.optim.RAdam`: with ρ_∞ = 2/(1−β₂) − 1 and
 * ρ_t = ρ_∞ − 2tβ₂^t/(1−β₂^t),
 * $$u_t = \begin{cases} \hat m_t\, r_t \dfrac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon} & \rho_t > 5\\ \hat m_t & \text{otherwise,}\end{cases}\quad
 *   r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}},\ \hat m_t = \frac{m_t}{1-\beta_1^t}.$$
 * The threshold 5 is PyTorch's (the paper uses 4; optax's `threshold` defaults to 5 too).
 *
 * @example
 * const radam = chain(scaleByRadam(), scaleByLearningRate(1e-3));
 */
export function scaleByRadam(o: { b1?: HyperValue; b2?: HyperValue; eps?: HyperValue } = {}): Transform<RadamState> {
  const { b1: b1h, b2: b2h, eps: epsh } = blockOptions<Moments>("scaleByRadam", o, MOMENT_RULES);
  return {
    init: (p, ops) => ({ count: 0, mu: ops.zerosLike(p), nu: ops.zerosLike(p), tmp: ops.zerosLike(p) }),
    update(u, s, _p, ops) {
      const k = s.count++;
      const t = k + 1;
      const b1 = hyperAt(b1h, k, ops);
      const b2 = hyperAt(b2h, k, ops);
      const eps = hyperAt(epsh, k, ops);
      const bc1 = ops.ssub(1, ops.spow(b1, t));
      const b2t = ops.spow(b2, t);
      const bc2 = ops.ssub(1, b2t);
      s.mu = ema(ops, s.mu, u, b1);
      s.nu = emaSq(ops, s.nu, u, b2);
      const rhoInf = ops.ssub(ops.sdiv(2, ops.ssub(1, b2)), 1);
      const rhoT = ops.ssub(rhoInf, ops.sdiv(ops.smul(2 * t, b2t), bc2));
      const mask = ops.sgt(rhoT, 5);
      const plain = ops.scale(s.mu, ops.sdiv(1, bc1), u);
      if (typeof mask === "number" && mask === 0) return plain;
      const rect = ops.ssqrt(
        ops.sdiv(
          ops.smul(ops.smul(ops.ssub(rhoT, 4), ops.ssub(rhoT, 2)), rhoInf),
          ops.smul(ops.smul(ops.ssub(rhoInf, 4), ops.ssub(rhoInf, 2)), rhoT),
        ),
      );
      let a = ops.addScalar(ops.sqrt(s.nu, s.tmp), eps, s.tmp);
      a = ops.div(plain, a, a);
      a = ops.scale(a, ops.smul(ops.ssqrt(bc2), rect), a);
      return ops.select(mask, a, plain, u);
    },
  };
}
