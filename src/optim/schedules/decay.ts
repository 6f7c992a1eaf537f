/**
 * Multiplicative decays: `step`, `multiStep`, `exponential`, `constant`, `linear`, `polynomial`,
 * equal to PyTorch's StepLR, MultiStepLR, ExponentialLR, ConstantLR, LinearLR and PolynomialLR.
 *
 * Each follows torch's chainable (recursive) form, `lr_k = lr_{k-1} · factor(k)`, operation for
 * operation, so the values are those `optimizer.param_groups[0]["lr"]` holds after k calls of
 * `scheduler.step()`, to the last bit up to libm differences (torch's closed forms differ from
 * them by rounding).
 */
import { readOptions, type Rules as OptionRules } from "../options.js";
import { makeSchedule, recurrence, type ScheduleFn } from "./schedule.js";

const lrRule = { type: "number", min: 0, max: 1e100, required: true, what: "the initial learning rate" } as const;

export interface StepOptions {
  /** Initial learning rate, ≥ 0 (required). */
  lr: number;
  /** Decay period in steps, a positive integer (required). */
  stepSize: number;
  /** Multiplicative factor, > 0 (default 0.1). */
  gamma?: number;
}

const stepRules: OptionRules = {
  lr: lrRule,
  stepSize: { type: "integer", min: 1, required: true, what: "the decay period in steps" },
  gamma: { type: "number", gt: 0, default: 0.1, what: "the factor applied every stepSize steps" },
};

/**
 * Step decay (PyTorch `StepLR`): multiply the lr by `gamma` every `stepSize` steps.
 *
 * $$\eta_k = \eta_0\,\gamma^{\lfloor k / s \rfloor}$$ (computed as torch does, one product per decay).
 *
 * @param o.lr initial learning rate η₀ ≥ 0.
 * @param o.stepSize s, a positive integer.
 * @param o.gamma γ > 0, default 0.1.
 * @example
 * const s = step({ lr: 0.1, stepSize: 30 });
 * s(29); // 0.1
 * s(30); // 0.01
 */
export function step(o: StepOptions): ScheduleFn<Required<StepOptions>> {
  const opts = readOptions("step", o, stepRules) as Required<StepOptions>;
  const { lr, stepSize, gamma } = opts;
  return makeSchedule({
    name: "step",
    options: opts,
    at: recurrence(lr, (k, prev) => (k % stepSize !== 0 ? prev : prev * gamma)),
    horizon: 4 * stepSize,
    rebuild: step,
  });
}

export interface MultiStepOptions {
  /** Initial learning rate, ≥ 0 (required). */
  lr: number;
  /** Steps at which to decay: non-negative integers, strictly increasing (required). */
  milestones: number[];
  /** Multiplicative factor, > 0 (default 0.1). */
  gamma?: number;
}

const multiStepRules: OptionRules = {
  lr: lrRule,
  milestones: { type: "integers", min: 0, increasing: true, required: true, what: "the steps at which the lr is multiplied by gamma" },
  gamma: { type: "number", gt: 0, default: 0.1, what: "the factor applied at each milestone" },
};

/**
 * Decay at given steps (PyTorch `MultiStepLR`).
 *
 * $$\eta_k = \eta_0\,\gamma^{\#\{m_i \le k\}}$$
 *
 * Milestones must be strictly increasing (torch also accepts a repeated milestone, meaning γ²
 * there; write `gamma` accordingly instead).
 *
 * @param o.lr initial learning rate η₀ ≥ 0.
 * @param o.milestones strictly increasing non-negative integers m₁ < m₂ < …
 * @param o.gamma γ > 0, default 0.1.
 * @example
 * const s = multiStep({ lr: 0.1, milestones: [30, 80] });
 * [s(0), s(30), s(80)]; // [0.1, 0.01, 0.001] (up to rounding)
 */
export function multiStep(o: MultiStepOptions): ScheduleFn<Required<MultiStepOptions>> {
  const opts = readOptions("multiStep", o, multiStepRules) as Required<MultiStepOptions>;
  const { lr, milestones, gamma } = opts;
  const at = new Set(milestones);
  const last = milestones.length ? milestones[milestones.length - 1]! : 0;
  return makeSchedule({
    name: "multiStep",
    options: opts,
    at: recurrence(at.has(0) ? lr * gamma : lr, (k, prev) => (at.has(k) ? prev * gamma : prev), last),
    horizon: Math.max(10, Math.ceil(last * 1.25)),
    rebuild: multiStep,
  });
}

export interface ExponentialOptions {
  /** Initial learning rate, ≥ 0 (required). */
  lr: number;
  /** Factor per step, > 0 (required, as in torch). */
  gamma: number;
}

const exponentialRules: OptionRules = {
  lr: lrRule,
  gamma: { type: "number", gt: 0, required: true, what: "the factor applied every step" },
};

/**
 * Exponential decay (PyTorch `ExponentialLR`): $$\eta_k = \eta_0\,\gamma^k$$, computed as k
 * successive products like torch. γ > 1 gives the growing lr of an lr range test.
 *
 * @param o.lr initial learning rate η₀ ≥ 0.
 * @param o.gamma γ > 0 (required).
 * @example
 * exponential({ lr: 0.1, gamma: 0.95 })(2); // 0.09025
 */
export function exponential(o: ExponentialOptions): ScheduleFn<Required<ExponentialOptions>> {
  const opts = readOptions("exponential", o, exponentialRules) as Required<ExponentialOptions>;
  const { lr, gamma } = opts;
  // Show the schedule until it has changed by a factor 100 (at most 10⁴ steps).
  const horizon = gamma === 1 ? 100 : Math.min(10_000, Math.max(10, Math.ceil(Math.log(100) / Math.abs(Math.log(gamma)))));
  return makeSchedule({
    name: "exponential",
    options: opts,
    at: recurrence(lr, (_k, prev) => prev * gamma),
    horizon,
    rebuild: exponential,
  });
}

export interface ConstantOptions {
  /** The learning rate after the first `totalIters` steps, ≥ 0 (required). */
  lr: number;
  /** Factor applied during the first `totalIters` steps, in (0, 1] (default 1/3). */
  factor?: number;
  /** Number of steps at the reduced lr, a positive integer (default 5). */
  totalIters?: number;
}

const constantRules: OptionRules = {
  lr: lrRule,
  factor: { type: "number", gt: 0, max: 1, default: 1 / 3, what: "the factor applied to lr for the first totalIters steps" },
  totalIters: { type: "integer", min: 1, default: 5, what: "the number of steps at the reduced lr" },
};

/**
 * A constant warm-up factor (PyTorch `ConstantLR`): lr·factor for the first `totalIters` steps,
 * then lr. Torch computes the switch back as `(lr·factor)·(1/factor)`, which may differ from lr in
 * the last bit; so does this.
 *
 * $$\eta_k = \eta_0 \cdot \begin{cases} f & k < T \\ 1 & k \ge T \end{cases}$$
 *
 * Differences from torch: `factor` must be > 0 (torch accepts 0, then divides by zero at step
 * T) and `totalIters` ≥ 1 (torch's 0 keeps the reduced lr forever).
 *
 * @param o.lr η₀ ≥ 0.
 * @param o.factor f ∈ (0, 1], default 1/3.
 * @param o.totalIters T ≥ 1, default 5.
 * @example
 * const s = constant({ lr: 0.05, factor: 0.5, totalIters: 4 });
 * [s(0), s(3), s(4)]; // [0.025, 0.025, 0.05]
 */
export function constant(o: ConstantOptions): ScheduleFn<Required<ConstantOptions>> {
  const opts = readOptions("constant", o, constantRules) as Required<ConstantOptions>;
  const { lr, factor, totalIters } = opts;
  return makeSchedule({
    name: "constant",
    options: opts,
    // torch's (lr·factor)·(1/factor); lr itself where that fails (a factor of 1e-320 underflows lr·factor to 0 and 1/factor to ∞: 0·∞ = NaN)
    at: recurrence(lr * factor, (k, prev) => (k !== totalIters ? prev : finiteOr(prev * (1.0 / factor), prev !== 0 || lr === 0, lr)), totalIters),
    horizon: totalIters + Math.max(2, Math.ceil(totalIters / 4)),
    rebuild: constant,
  });
}

export interface LinearOptions {
  /** The base learning rate, ≥ 0 (required). */
  lr: number;
  /** Factor at step 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from step `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps over which the factor moves, a positive integer (default 5). */
  totalIters?: number;
}

const linearRules: OptionRules = {
  lr: lrRule,
  startFactor: { type: "number", gt: 0, max: 1, default: 1 / 3, what: "the factor at step 0" },
  endFactor: { type: "number", min: 0, max: 1, default: 1, what: "the factor from step totalIters on" },
  totalIters: { type: "integer", min: 1, default: 5, what: "the number of steps over which the factor changes" },
};

/**
 * Linear warm-up or decay of a factor (PyTorch `LinearLR`):
 *
 * $$\eta_k = \eta_0\left(f_s + (f_e - f_s)\,\frac{\min(k, T)}{T}\right)$$
 *
 * computed with torch's recursion $\eta_k = \eta_{k-1}\bigl(1 + \frac{f_e - f_s}{T f_s + (k-1)(f_e - f_s)}\bigr)$.
 * `startFactor` must be > 0 as in torch ≥ 2.0 (torch 1.13 accepted 0 and then divided by zero).
 *
 * @param o.lr η₀ ≥ 0.
 * @param o.startFactor f_s ∈ (0, 1], default 1/3.
 * @param o.endFactor f_e ∈ [0, 1], default 1.
 * @param o.totalIters T ≥ 1, default 5.
 * @example
 * const warmup = linear({ lr: 0.1, startFactor: 0.1, totalIters: 10 });
 * [warmup(0), warmup(10)]; // [0.01, 0.1] (up to rounding)
 */
export function linear(o: LinearOptions): ScheduleFn<Required<LinearOptions>> {
  const opts = readOptions("linear", o, linearRules) as Required<LinearOptions>;
  const { lr, startFactor: fs, endFactor: fe, totalIters: T } = opts;
  // torch's recursion; the closed form where it fails (a start factor of 1e-320 underflows lr·fs to 0, then 0·∞ = NaN)
  const next = (k: number, prev: number) => (k > T ? prev : finiteOr(prev * (1.0 + (fe - fs) / (T * fs + (k - 1) * (fe - fs))), prev !== 0 || lr === 0, lr * (fs + ((fe - fs) * Math.min(k, T)) / T)));
  return makeSchedule({
    name: "linear",
    options: opts,
    at: recurrence(lr * fs, next, T),
    horizon: T + Math.max(2, Math.ceil(T / 4)),
    rebuild: linear,
  });
}

export interface PolynomialOptions {
  /** Initial learning rate, ≥ 0 (required). */
  lr: number;
  /** Steps until the lr reaches 0, a positive integer (default 5). */
  totalIters?: number;
  /** Power of the polynomial, ≥ 0 (default 1). */
  power?: number;
}

const polynomialRules: OptionRules = {
  lr: lrRule,
  totalIters: { type: "integer", min: 1, default: 5, what: "the number of steps until the lr reaches 0" },
  power: { type: "number", min: 0, default: 1, what: "the power of the polynomial" },
};

/**
 * Polynomial decay to zero (PyTorch `PolynomialLR`):
 *
 * $$\eta_k = \eta_0\left(1 - \frac{\min(k, T)}{T}\right)^p$$
 *
 * computed with torch's recursion $\eta_k = \eta_{k-1}\bigl(\frac{1 - k/T}{1 - (k-1)/T}\bigr)^p$.
 *
 * @param o.lr η₀ ≥ 0.
 * @param o.totalIters T ≥ 1, default 5.
 * @param o.power p ≥ 0, default 1.
 * @example
 * const s = polynomial({ lr: 0.001, totalIters: 4 });
 * [s(1), s(4)]; // [0.00075, 0]
 */
export function polynomial(o: PolynomialOptions): ScheduleFn<Required<PolynomialOptions>> {
  const opts = readOptions("polynomial", o, polynomialRules) as Required<PolynomialOptions>;
  const { lr, totalIters: T, power } = opts;
  const next = (k: number, prev: number) => (k > T ? prev : prev * Math.pow((1.0 - k / T) / (1.0 - (k - 1) / T), power));
  return makeSchedule({
    name: "polynomial",
    options: opts,
    at: recurrence(lr, next, T),
    horizon: T + Math.max(2, Math.ceil(T / 4)),
    rebuild: polynomial,
  });
}

/** `v` when it is finite and `trusted`, else `fallback` (a recursion that underflowed or overflowed). */
function finiteOr(v: number, trusted: boolean, fallback: number): number {
  return Number.isFinite(v) && trusted ? v : fallback;
}
