/**
 * Cosine annealing: `cosine` (PyTorch `CosineAnnealingLR`) and `warmRestarts`
 * (`CosineAnnealingWarmRestarts`), from Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent
 * with Warm Restarts", ICLR 2017, arXiv:1608.03983.
 */
import { readOptions, type Rules as OptionRules } from "../options.js";
import { makeSchedule, recurrence, type ScheduleFn } from "./schedule.js";

export interface CosineOptions {
  /** The initial (largest) learning rate η_max, ≥ 0 (required). */
  lr: number;
  /** Half-period in steps, a positive integer (required). */
  tMax: number;
  /** The learning rate reached at step tMax, ≥ 0 (default 0). */
  etaMin?: number;
}

const cosineRules: OptionRules = {
  lr: { type: "number", min: 0, max: 1e100, required: true, what: "the initial learning rate" },
  tMax: { type: "integer", min: 1, required: true, what: "the number of steps from lr down to etaMin" },
  etaMin: { type: "number", min: 0, max: 1e100, default: 0, what: "the learning rate at step tMax" },
};

/**
 * Cosine annealing (PyTorch `CosineAnnealingLR`), without restarts:
 *
 * $$\eta_k = \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})\left(1 + \cos\frac{k\pi}{T_{\max}}\right)$$
 *
 * computed, like torch, by its recursion
 * $\eta_k = \eta_{\min} + (\eta_{k-1} - \eta_{\min})\,\frac{1 + \cos(k\pi/T_{\max})}{1 + \cos((k-1)\pi/T_{\max})}$,
 * with the step after each trough, $k = T_{\max} + 1 + 2jT_{\max}$, taken as
 * $\eta_k = \eta_{k-1} + \tfrac12(\eta_{\max} - \eta_{\min})(1 - \cos(\pi/T_{\max}))$.
 * Past `tMax` the lr therefore does not stay at `etaMin`: it climbs back to `lr` at 2·tMax and
 * keeps oscillating with period 2·tMax, exactly as in torch (use `sequential` to hold a value).
 *
 * @param o.lr η_max ≥ 0.
 * @param o.tMax T_max ≥ 1.
 * @param o.etaMin η_min ≥ 0, default 0 (may exceed lr: the lr then rises).
 * @example
 * const s = cosine({ lr: 0.1, tMax: 100 });
 * [s(0), s(50), s(100)]; // [0.1, 0.05, 0] (up to rounding)
 */
export function cosine(o: CosineOptions): ScheduleFn<Required<CosineOptions>> {
  const opts = readOptions("cosine", o, cosineRules) as Required<CosineOptions>;
  const { lr, tMax: T, etaMin } = opts;
  // 1 + cos(π k / T) for the last k computed: the next step's denominator is the same number,
  // so stepping in order costs one cosine per step (values unchanged: Math.cos is deterministic).
  let lastK = -1;
  let lastC = NaN;
  const onePlusCos = (k: number): number => (k === lastK ? lastC : 1 + Math.cos((Math.PI * k) / T));
  const next = (k: number, prev: number): number => {
    if ((k - 1 - T) % (2 * T) === 0) return prev + ((lr - etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
    const den = onePlusCos(k - 1);
    const num = 1 + Math.cos((Math.PI * k) / T);
    lastK = k;
    lastC = num;
    return (num / den) * (prev - etaMin) + etaMin;
  };
  return makeSchedule({ name: "cosine", options: opts, at: recurrence(lr, next), horizon: T, rebuild: cosine });
}

export interface WarmRestartsOptions {
  /** The learning rate at each restart η_max, ≥ 0 (required). */
  lr: number;
  /** Length of the first period in steps, a positive integer (required). */
  t0: number;
  /** Factor by which each period is longer than the previous one, a positive integer (default 1). */
  tMult?: number;
  /** The learning rate approached at the end of each period, ≥ 0 (default 0). */
  etaMin?: number;
}

const warmRestartsRules: OptionRules = {
  lr: { type: "number", min: 0, max: 1e100, required: true, what: "the learning rate at each restart" },
  t0: { type: "integer", min: 1, required: true, what: "the length of the first period in steps" },
  tMult: { type: "integer", min: 1, default: 1, what: "the growth factor of the period after each restart" },
  etaMin: { type: "number", min: 0, max: 1e100, default: 0, what: "the learning rate approached at the end of each period" },
};

/**
 * Cosine annealing with warm restarts, SGDR (PyTorch `CosineAnnealingWarmRestarts`, stepped once
 * per optimizer step):
 *
 * $$\eta_k = \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})\left(1 + \cos\frac{\pi T_{cur}}{T_i}\right)$$
 *
 * where $T_i = t_0\,t_{mult}^{\,i}$ is the length of the current period and $T_{cur}$ the steps
 * since the last restart (back to η_max at every restart).
 *
 * @param o.lr η_max ≥ 0.
 * @param o.t0 t₀ ≥ 1.
 * @param o.tMult t_mult ≥ 1 (integer), default 1.
 * @param o.etaMin η_min ≥ 0, default 0.
 * @example
 * const s = warmRestarts({ lr: 0.1, t0: 10 });
 * [s(0), s(5), s(10)]; // [0.1, 0.05, 0.1] (a restart every 10 steps)
 */
export function warmRestarts(o: WarmRestartsOptions): ScheduleFn<Required<WarmRestartsOptions>> {
  const opts = readOptions("warmRestarts", o, warmRestartsRules) as Required<WarmRestartsOptions>;
  const { lr, t0, tMult, etaMin } = opts;
  const at = (k: number): number => {
    let tCur = k;
    let tI = t0;
    if (tMult === 1) tCur = k % t0;
    else
      while (tCur >= tI) {
        tCur -= tI;
        tI *= tMult;
      }
    return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  };
  const horizon = t0 * (1 + tMult + tMult * tMult);
  return makeSchedule({ name: "warmRestarts", options: opts, at, horizon, rebuild: warmRestarts });
}
