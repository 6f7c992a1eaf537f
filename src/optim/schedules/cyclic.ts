/**
 * Cyclical schedules that also cycle the momentum: `cyclic` (PyTorch `CyclicLR`, Smith 2017) and
 * `oneCycle` (`OneCycleLR`, Smith & Topin 2019). Both are closed forms in torch (not chainable),
 * reproduced operation for operation.
 */
import { DslError } from "../../errors/index.js";
import { readOptions, type Rules as OptionRules } from "../options.js";
import { makeSchedule, type CyclingScheduleFn, type ScheduleFn } from "./schedule.js";

export interface CyclicOptions {
  /** Lower lr bound, ≥ 0 (required). */
  baseLr: number;
  /** Upper lr bound, ≥ 0 (required). */
  maxLr: number;
  /** Steps in the increasing half of a cycle, a positive integer (default 2000). */
  stepSizeUp?: number;
  /** Steps in the decreasing half, a non-negative integer (default stepSizeUp). */
  stepSizeDown?: number;
  /** Amplitude policy (default "triangular"); ignored when `scaleFn` is given. */
  mode?: "triangular" | "triangular2" | "exp_range";
  /** Base of `exp_range`'s amplitude factor gamma^step, > 0 (default 1). */
  gamma?: number;
  /** A custom amplitude factor in [0, 1]; replaces `mode`. */
  scaleFn?: (x: number) => number;
  /** What `scaleFn` receives: the cycle number (from 1) or the step (default "cycle"). */
  scaleMode?: "cycle" | "iterations";
  /** Cycle the momentum inversely to the lr (default true): see `.momentum`. */
  cycleMomentum?: boolean;
  /** Momentum at the lr's peak, in [0, 1] (default 0.8). */
  baseMomentum?: number;
  /** Momentum at the lr's trough, in [0, 1] (default 0.9). */
  maxMomentum?: number;
}

const cyclicRules: OptionRules = {
  baseLr: { type: "number", min: 0, max: 1e100, required: true, what: "the lower learning-rate bound" },
  maxLr: { type: "number", min: 0, max: 1e100, required: true, what: "the upper learning-rate bound" },
  stepSizeUp: { type: "integer", min: 1, default: 2000, what: "the steps in the increasing half of a cycle" },
  stepSizeDown: { type: "integer", min: 0, what: "the steps in the decreasing half of a cycle" },
  mode: { type: "enum", values: ["triangular", "triangular2", "exp_range"], default: "triangular", what: "the amplitude policy" },
  gamma: { type: "number", gt: 0, default: 1, what: "exp_range's amplitude factor per step" },
  scaleFn: { type: "function", what: "a custom amplitude factor" },
  scaleMode: { type: "enum", values: ["cycle", "iterations"], default: "cycle", what: "what scaleFn receives" },
  cycleMomentum: { type: "boolean", default: true, what: "whether to cycle the momentum" },
  baseMomentum: { type: "number", min: 0, max: 1, default: 0.8, what: "the momentum at the lr's peak" },
  maxMomentum: { type: "number", min: 0, max: 1, default: 0.9, what: "the momentum at the lr's trough" },
};

type ResolvedCyclic = Required<Omit<CyclicOptions, "scaleFn">> & { scaleFn?: (x: number) => number };

/**
 * Cyclical learning rate (PyTorch `CyclicLR`; Smith, "Cyclical Learning Rates for Training Neural
 * Networks", WACV 2017, arXiv:1506.01186). With $c = \lfloor 1 + k/(u+d) \rfloor$ the cycle,
 * $x = 1 + k/(u+d) - c$ the position in it and $r = u/(u+d)$:
 *
 * $$s = \begin{cases} x/r & x \le r \\ (x-1)/(r-1) & x > r\end{cases},\qquad
 * \eta_k = \eta_{base} + (\eta_{max} - \eta_{base})\,s\,\phi,\qquad
 * m_k = m_{max} - (m_{max} - m_{base})\,s\,\phi$$
 *
 * with φ = 1 (`triangular`), $2^{1-c}$ (`triangular2`) or $\gamma^k$ (`exp_range`). The momentum
 * $m_k$ is the schedule's `.momentum` (torch ≥ 2.0 also cycles Adam's β₁ with it; 1.13 only SGD's
 * momentum; the values are the same).
 *
 * @example
 * const s = cyclic({ baseLr: 0.001, maxLr: 0.006, stepSizeUp: 20 });
 * [s(0), s(20), s(40)]; // [0.001, 0.006, 0.001]
 * s.momentum!(20); // 0.8
 */
export function cyclic(o: CyclicOptions): CyclingScheduleFn<ResolvedCyclic> {
  const opts = readOptions("cyclic", o, cyclicRules) as ResolvedCyclic;
  opts.stepSizeDown ??= opts.stepSizeUp;
  const { baseLr, maxLr, stepSizeUp, stepSizeDown, mode, gamma, scaleFn, cycleMomentum, baseMomentum, maxMomentum } = opts;
  const totalSize = stepSizeUp + stepSizeDown;
  const stepRatio = stepSizeUp / totalSize;
  // torch: mode decides the scale function and (for the built-in ones) the scale mode.
  const scaleMode = scaleFn ? opts.scaleMode : mode === "exp_range" ? "iterations" : "cycle";
  const scale: (x: number) => number =
    scaleFn ?? (mode === "triangular" ? () => 1.0 : mode === "triangular2" ? (x) => 1 / 2.0 ** (x - 1) : (x) => Math.pow(gamma, x));
  // Both lr and momentum use the same position in the cycle and amplitude factor at step k
  // (two functions rather than one returning a pair: a schedule is read every optimizer step).
  const cycleOf = (k: number): number => Math.floor(1 + k / totalSize);
  const position = (k: number): number => {
    const x = 1.0 + k / totalSize - cycleOf(k);
    return x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
  };
  const amplitude: (k: number) => number = scaleMode === "cycle" ? (k) => scale(cycleOf(k)) : scale;
  const lrAt = (k: number) => baseLr + (maxLr - baseLr) * position(k) * amplitude(k);
  const momentumAt = (k: number) => maxMomentum - (maxMomentum - baseMomentum) * position(k) * amplitude(k);
  const horizon = 2 * totalSize;
  const momentum = cycleMomentum
    ? makeSchedule({ name: "cyclic.momentum", options: opts, at: momentumAt, horizon, rebuild: (p) => cyclic(p).momentum! })
    : undefined;
  return makeSchedule({ name: "cyclic", options: opts, at: lrAt, horizon, rebuild: cyclic, momentum }) as CyclingScheduleFn<ResolvedCyclic>;
}

export interface OneCycleOptions {
  /** Peak learning rate, ≥ 0 (required). */
  maxLr: number;
  /** Length of the cycle in steps, a positive integer (required unless epochs and stepsPerEpoch are given). */
  totalSteps?: number;
  /** With `stepsPerEpoch`: totalSteps = epochs · stepsPerEpoch. */
  epochs?: number;
  /** With `epochs`: totalSteps = epochs · stepsPerEpoch. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr, in [0, 1] (default 0.3). */
  pctStart?: number;
  /** Shape of each phase (default "cos"). */
  annealStrategy?: "cos" | "linear";
  /** Cycle the momentum inversely to the lr (default true): see `.momentum`. */
  cycleMomentum?: boolean;
  /** Momentum at the lr's peak, in [0, 1] (default 0.85). */
  baseMomentum?: number;
  /** Momentum at the start and end, in [0, 1] (default 0.95). */
  maxMomentum?: number;
  /** Initial lr = maxLr / divFactor, > 0 (default 25). */
  divFactor?: number;
  /** Final lr = initial lr / finalDivFactor, > 0 (default 1e4). */
  finalDivFactor?: number;
  /** Paper's three phases (up, down to the initial lr, then annihilation) instead of fastai's two (default false). */
  threePhase?: boolean;
}

const oneCycleRules: OptionRules = {
  maxLr: { type: "number", min: 0, max: 1e100, required: true, what: "the peak learning rate" },
  totalSteps: { type: "integer", min: 1, what: "the length of the cycle in steps" },
  epochs: { type: "integer", min: 1, what: "epochs; totalSteps = epochs · stepsPerEpoch" },
  stepsPerEpoch: { type: "integer", min: 1, what: "steps per epoch; totalSteps = epochs · stepsPerEpoch" },
  pctStart: { type: "number", min: 0, max: 1, default: 0.3, what: "the fraction of the cycle spent increasing the lr" },
  annealStrategy: { type: "enum", values: ["cos", "linear"], default: "cos", what: "the shape of each phase" },
  cycleMomentum: { type: "boolean", default: true, what: "whether to cycle the momentum" },
  baseMomentum: { type: "number", min: 0, max: 1, default: 0.85, what: "the momentum at the lr's peak" },
  maxMomentum: { type: "number", min: 0, max: 1, default: 0.95, what: "the momentum at the start and the end" },
  divFactor: { type: "number", gt: 0, default: 25, what: "initial lr = maxLr / divFactor" },
  finalDivFactor: { type: "number", gt: 0, default: 1e4, what: "final lr = maxLr / divFactor / finalDivFactor" },
  threePhase: { type: "boolean", default: false, what: "whether to use the paper's three phases" },
};

type ResolvedOneCycle = Required<Omit<OneCycleOptions, "epochs" | "stepsPerEpoch">> & { epochs?: number; stepsPerEpoch?: number };

interface Phase {
  end: number;
  lr: [number, number];
  momentum: [number, number];
}

/**
 * The 1cycle policy (PyTorch `OneCycleLR`; Smith & Topin, "Super-Convergence: Very Fast Training
 * of Neural Networks Using Large Learning Rates", 2019, arXiv:1708.07120): from maxLr/divFactor up
 * to maxLr over the first pctStart of the cycle, then down to maxLr/divFactor/finalDivFactor
 * (two phases, fastai's default), or with `threePhase` back to the initial lr and then down.
 * Inside a phase from step $a$ to $b$ and values $v_a \to v_b$, with $p = (k - a)/(b - a)$:
 *
 * $$\text{cos: } v_b + \tfrac12(v_a - v_b)(1 + \cos \pi p),\qquad \text{linear: } v_a + (v_b - v_a)\,p$$
 *
 * Phase ends are torch's: $pT - 1$, ($2pT - 2$), $T - 1$. As in torch, step `totalSteps` still has
 * a value (extrapolated past the last phase; the lr may even be negative with "linear") and later
 * steps throw: make `totalSteps` at least the number of optimizer steps. The momentum schedule
 * goes the opposite way (maxMomentum → baseMomentum → maxMomentum) and is `.momentum`.
 *
 * @example
 * const s = oneCycle({ maxLr: 0.1, totalSteps: 100 });
 * [s(0), s(29), s(99)]; // [0.004, 0.1, 4e-7] (up to rounding)
 * s.momentum!(29); // 0.85
 */
export function oneCycle(o: OneCycleOptions): CyclingScheduleFn<ResolvedOneCycle> {
  const opts = readOptions("oneCycle", o, oneCycleRules) as ResolvedOneCycle;
  if (opts.totalSteps === undefined) {
    if (opts.epochs === undefined || opts.stepsPerEpoch === undefined)
      throw new DslError("missing-option", "oneCycle: give totalSteps, or both epochs and stepsPerEpoch (totalSteps = epochs · stepsPerEpoch)", {
        path: "oneCycle.totalSteps",
      });
    opts.totalSteps = opts.epochs * opts.stepsPerEpoch;
  }
  const T = opts.totalSteps;
  const initial = opts.maxLr / opts.divFactor;
  const min = initial / opts.finalDivFactor;
  const [mMax, mBase] = [opts.maxMomentum, opts.baseMomentum];
  const p = opts.pctStart;
  const phases: Phase[] = opts.threePhase
    ? [
        { end: p * T - 1, lr: [initial, opts.maxLr], momentum: [mMax, mBase] },
        { end: 2 * p * T - 2, lr: [opts.maxLr, initial], momentum: [mBase, mMax] },
        { end: T - 1, lr: [initial, min], momentum: [mMax, mMax] },
      ]
    : [
        { end: p * T - 1, lr: [initial, opts.maxLr], momentum: [mMax, mBase] },
        { end: T - 1, lr: [opts.maxLr, min], momentum: [mBase, mMax] },
      ];
  const anneal =
    opts.annealStrategy === "cos"
      ? (a: number, b: number, pct: number) => b + ((a - b) / 2.0) * (Math.cos(Math.PI * pct) + 1)
      : (a: number, b: number, pct: number) => (b - a) * pct + a;
  const valueAt = (k: number, which: "lr" | "momentum"): number => {
    if (k > T)
      throw new DslError("bad-step", `oneCycle: step ${k} is past totalSteps = ${T} (PyTorch raises here too); make totalSteps at least the number of optimizer steps`, {
        path: "oneCycle.totalSteps",
      });
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const ph = phases[i]!;
      if (k <= ph.end || i === phases.length - 1) {
        if (ph.end === start)
          throw new DslError("bad-step", `oneCycle: the value at step ${k} is undefined (a phase of zero length with pctStart = ${p}); PyTorch divides by zero here`, {
            path: "oneCycle.pctStart",
          });
        const [a, b] = ph[which];
        return anneal(a, b, (k - start) / (ph.end - start));
      }
      start = ph.end;
    }
    throw new Error("unreachable");
  };
  const horizon = T - 1;
  const momentum = opts.cycleMomentum
    ? makeSchedule({ name: "oneCycle.momentum", options: opts, at: (k) => valueAt(k, "momentum"), horizon, rebuild: (q) => oneCycle(q).momentum! })
    : undefined;
  return makeSchedule({ name: "oneCycle", options: opts, at: (k) => valueAt(k, "lr"), horizon, rebuild: oneCycle, momentum }) as CyclingScheduleFn<ResolvedOneCycle>;
}
