/**
 * The linear rate a run achieved: a geometric fit e_k ≈ C·ρ^k of its error sequence, over a
 * window that skips the transient at the start and stops before rounding noise at the end.
 */
import { DISPLAY, escapeHtml, type MimeBundle } from "../display/index.js";
import { DslError, describe } from "../errors/index.js";
import { readOptions, type Rules as OptionRules } from "./options.js";
import { fmt } from "./schedules/schedule.js";

/** Which error sequence was fitted. */
export type ErrorKind = "f − f*" | "‖x − x*‖" | "f_k − f_{k+1}" | "‖x_{k+1} − x_k‖";

export interface MeasuredRateOptions {
  /** The optimal value f*: fit f_k − f*. */
  fStar?: number;
  /** The minimizer x*: fit ‖x_k − x*‖ (needs iterates). */
  xStar?: ArrayLike<number>;
  /**
   * Steps to fit: `[from, to]` (inclusive), or a count n (the last n usable steps). Default: the
   * second half of the usable steps (those before the error first reaches rounding level).
   */
  window?: number | [number, number];
  /** Errors at or below this count as rounding noise (default: 1000·ε times the size of the quantities subtracted). */
  floor?: number;
}

/** The result of `measuredRate`. */
export class MeasuredRate {
  constructor(
    /** Fitted factor per step ρ. */
    readonly rate: number,
    /** The error sequence fitted. */
    readonly of: ErrorKind,
    /** Steps used, inclusive. */
    readonly window: [number, number],
    /** Coefficient of determination of the fit of log e_k against k (1 = exactly geometric). */
    readonly r2: number,
    /** The error at every step (NaN past the data). */
    readonly errors: number[],
    /** The last step whose error is above rounding noise. */
    readonly usableUntil: number,
  ) {}

  /** Steps per decimal digit of the fitted error: −1/log₁₀ ρ. */
  get stepsPerDigit(): number {
    return -1 / Math.log10(this.rate);
  }

  toString(): string {
    const [a, b] = this.window;
    const verdict = this.rate >= 1 ? " (not converging linearly)" : `, ${fmt(this.stepsPerDigit)} steps per digit`;
    return `measured rate of ${this.of}: ${fmt(this.rate)} per step${verdict}; geometric fit over steps ${a}..${b} (R² = ${this.r2.toFixed(6)})`;
  }

  [DISPLAY](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": `<p>${escapeHtml(this.toString())}</p>` };
  }
}

const rules: OptionRules = {
  fStar: { type: "number", what: "the optimal value f*" },
  xStar: { type: "any", what: "the minimizer x*" },
  window: { type: "any", what: "the steps to fit" },
  floor: { type: "number", min: 0, what: "the rounding-noise level of the errors" },
};

/**
 * Measures the linear rate of a run: fits $\log e_k = a + k\log\rho$ by least squares, where e_k
 * is f_k − f* (losses and `fStar`), ‖x_k − x*‖ (iterates and `xStar`), or, when neither is
 * known, f_k − f_{k+1} (or ‖x_{k+1} − x_k‖), which shrink at the same rate under linear
 * convergence. Compare `f − f*` with a theory's `valueRate` and `‖x − x*‖` with its `rate`.
 *
 * The window is, by default, the second half of the steps before e_k first reaches rounding
 * level, which skips the transient (fast modes, momentum start-up) and the noise floor.
 * Differences f_k − f_{k+1} suit monotone methods; for momentum methods give fStar or xStar.
 *
 * @param run losses (`number[]`), iterates (`number[][]`), or a run `{ losses, xs }`.
 * @param opts.fStar f*, @param opts.xStar x*, @param opts.window `[from, to]` or a count, @param opts.floor noise level.
 * @example
 * measuredRate([1, 0.5, 0.25, 0.125, 0.0625], { fStar: 0 }).rate; // 0.5
 */
export function measuredRate(run: unknown, opts: MeasuredRateOptions = {}): MeasuredRate {
  const o = readOptions("measuredRate", opts, rules) as MeasuredRateOptions;
  const { losses, xs } = readRun(run, o);
  let errors: number[];
  let noise: number[];
  let of: ErrorKind;
  if (xs && (o.xStar !== undefined || !losses)) {
    const star = o.xStar === undefined ? undefined : readVector(o.xStar, xs[0]!.length);
    const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
    const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - b[i]!));
    if (star) {
      of = "‖x − x*‖";
      errors = xs.map((x) => dist(x, star));
      noise = xs.map((x) => Math.max(norm(x), norm(star)));
    } else {
      of = "‖x_{k+1} − x_k‖";
      errors = xs.slice(1).map((x, k) => dist(x, xs[k]!));
      noise = xs.slice(1).map((x, k) => Math.max(norm(x), norm(xs[k]!)));
    }
  } else if (losses && o.fStar !== undefined) {
    const fStar = o.fStar;
    of = "f − f*";
    errors = losses.map((f) => f - fStar);
    noise = losses.map((f) => Math.max(Math.abs(f), Math.abs(fStar)));
  } else if (losses) {
    of = "f_k − f_{k+1}";
    errors = losses.slice(1).map((f, k) => losses[k]! - f);
    noise = losses.slice(1).map((f, k) => Math.max(Math.abs(f), Math.abs(losses[k]!)));
  } else throw new DslError("bad-run", "measuredRate: give losses or iterates", { path: "measuredRate" });
  noise = noise.map((s) => o.floor ?? 1000 * Number.EPSILON * s);
  return fit(errors, noise, of, o.window);
}

function fit(errors: number[], noise: number[], of: ErrorKind, window: MeasuredRateOptions["window"]): MeasuredRate {
  let end = errors.findIndex((e, k) => !(Number.isFinite(e) && e > noise[k]!)) - 1;
  if (end < -1) end = errors.length - 1;
  let [from, to] = [Math.floor(end / 2), end];
  if (typeof window === "number") {
    if (!Number.isInteger(window) || window < 3) throw badWindow(window);
    from = Math.max(0, end - window + 1);
  } else if (window !== undefined) {
    if (!Array.isArray(window) || window.length !== 2 || !window.every((w) => Number.isInteger(w) && w >= 0) || window[0] >= window[1]) throw badWindow(window);
    [from, to] = [window[0], Math.min(window[1], end)];
  }
  if (to - from + 1 < 3) {
    const k = Math.max(0, to - Math.max(0, from) + 1);
    throw new DslError(
      "too-few-points",
      `measuredRate: only ${k} step${k === 1 ? "" : "s"} of ${of} above rounding noise in the window (${end >= 0 ? `usable steps 0..${end}` : "no usable step"}${whyEnd(errors, noise, of, end)}); run longer, or widen the window`,
      { path: "measuredRate.window", detail: { usableUntil: end } },
    );
  }
  // Least squares for log e_k = a + b·k.
  let sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
  const m = to - from + 1;
  for (let k = from; k <= to; k++) {
    const y = Math.log(errors[k]!);
    sx += k; sy += y; sxx += k * k; sxy += k * y; syy += y * y;
  }
  const cxx = sxx - (sx * sx) / m;
  const cxy = sxy - (sx * sy) / m;
  const cyy = syy - (sy * sy) / m;
  const b = cxy / cxx;
  const r2 = cyy <= 0 ? 1 : Math.min(1, (cxy * cxy) / (cxx * cyy));
  return new MeasuredRate(Math.exp(b), of, [from, to], r2, errors, end);
}

/** Why the usable errors stop after `end`: too few values, a non-finite one, f below fStar, or the noise floor. */
function whyEnd(errors: readonly number[], noise: readonly number[], of: ErrorKind, end: number): string {
  const k = end + 1;
  if (k >= errors.length) return errors.length < 3 ? `: ${errors.length} value${errors.length === 1 ? "" : "s"} of ${of} in all, at least 3 are needed` : "";
  const e = errors[k]!;
  if (!Number.isFinite(e)) return `: ${of} is ${e} at step ${k}`;
  if (e < 0 && of === "f − f*") return `: f is below fStar at step ${k} (f − f* = ${e.toPrecision(3)}); fStar must be the minimum value`;
  if (e <= 0 && of === "f_k − f_{k+1}") return `: f did not decrease at step ${k} (differences suit monotone methods; for others give fStar or xStar)`;
  return `: ${of} = ${e.toPrecision(3)} reaches the rounding level ${noise[k]!.toPrecision(3)} at step ${k}`;
}

function badWindow(w: unknown): DslError {
  return new DslError("bad-option", `measuredRate: window must be a step count ≥ 3 or [from, to] with 0 ≤ from < to, got ${describe(w)}`, { path: "measuredRate.window" });
}

function readRun(run: unknown, o: MeasuredRateOptions): { losses?: number[]; xs?: number[][] } {
  const isNums = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === "number");
  const isPoints = (a: unknown): a is ArrayLike<number>[] => Array.isArray(a) && a.length > 0 && a.every((v) => Array.isArray(v) || ArrayBuffer.isView(v));
  if (isNums(run) || run instanceof Float64Array) return { losses: Array.from(run as ArrayLike<number>) };
  if (isPoints(run)) return { xs: run.map((x) => Array.from(x)) };
  const r = run as { losses?: unknown; xs?: unknown; trajectoryKept?: unknown };
  // a Run made with trajectory: "final" kept no iterates (reading its xs throws): losses only
  const finalOnly = r !== null && typeof r === "object" && r.trajectoryKept === "final";
  if (r && typeof r === "object" && (r.losses !== undefined || (!finalOnly && r.xs !== undefined))) {
    const losses = isNums(r.losses) || r.losses instanceof Float64Array ? Array.from(r.losses as ArrayLike<number>) : undefined;
    const xs = !finalOnly && isPoints(r.xs) ? r.xs.map((x) => Array.from(x)) : undefined;
    if (o.xStar !== undefined && !xs) throw new DslError("bad-run", `measuredRate: xStar needs iterates, and this run has no xs${finalOnly ? ' (it kept only its start and final point: run it with trajectory: "all", the default)' : ""}`, { path: "measuredRate.xStar" });
    if (losses || xs) return { losses, xs };
  }
  throw new DslError("bad-run", `measuredRate: expected losses (number[]), iterates (number[][]) or a run with losses/xs, got ${describe(run)}`, { path: "measuredRate" });
}

function readVector(v: unknown, n: number): number[] {
  const arr = Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<number>) : undefined;
  if (!arr || arr.length !== n || !arr.every((x) => typeof x === "number" && Number.isFinite(x)))
    throw new DslError("bad-option", `measuredRate: xStar must be ${n} finite numbers (the size of the iterates), got ${describe(v)}`, { path: "measuredRate.xStar" });
  return arr;
}
