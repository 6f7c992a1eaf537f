/**
 * The gradient check: compares a problem's analytic gradient with a finite-difference one,
 * coordinate by coordinate (or along random directions in fast mode), and decides
 * pass / fail / kink.
 *
 * Test for one coordinate, with a = analytic, d = numeric:
 *
 *   ok ⇔ |a − d| ≤ tol,   tol = max(rtol·max(|a|, |d|), atol_i)
 *   relError = |a − d| / max(|a|, |d|, atol_i/rtol)        (so ok ⇔ relError ≤ rtol)
 *
 * With `atol: "auto"` (default) atol_i = max(2¹⁰ε·‖a‖∞, err_i): a coordinate is checked to rtol
 * relative to itself, but never more finely than the numeric derivative's own estimated error
 * err_i (rounding; truncation where measured; the Romberg tableau's estimate for Richardson) nor
 * than the rounding level of the gradient's largest entry. A discrepancy smaller than the numeric
 * derivative's uncertainty is no evidence of a bug. In fast mode the floor is rtol·‖g∘d‖₂, the
 * typical size of the directional derivative gᵀd along a random sign vector d.
 *
 * Coordinates that fail with one step, or whose one-sided quotients disagree, get a second look
 * at a 4× smaller step (`second-look.ts`): a kink is reported as such (the analytic value is ok
 * if it lies between the one-sided derivatives, i.e. is a valid one-sided/sub-gradient choice);
 * otherwise the truncation error is measured and extrapolated away (`refine`).
 */
import type { Problem } from "../problem/index.js";
import { DslError } from "../errors/index.js";
import type { FdMethod } from "./fd-gradient.js";
import { describeFailures } from "./gradcheck-message.js";
import { LineEstimate } from "./line-derivative.js";
import { coordinateProbes, directionProbes, firstLook, type Probe, type Scratch } from "./probe.js";
import { Romberg } from "./romberg.js";
import { SecondLook, isKinkCandidate, secondLook } from "./second-look.js";
import { EPS, STEP } from "./step-size.js";
import { ROUNDING } from "./line-derivative.js";
import { measureNoise } from "./noise.js";

/**
 * The rounding level of a gradient entry, in units of ε·‖g‖∞: an analytic formula whose terms are
 * of the gradient's size may cancel to anything below ~2¹⁰ε·‖g‖∞ ≈ 2.3e-13·‖g‖∞.
 */
export const GRAD_ROUNDING = 1024;

/**
 * Margin on a measured noise floor σ: one evaluation is taken to round by up to 4σ (σ is a
 * standard deviation, measured; ROUNDING's 16 is a margin on a guess).
 */
export const NOISE_MARGIN = 4;
/** A noise floor grows the step by at most this factor (the second look then measures truncation). */
export const MAX_GROW = 1000;

/** A numeric error below WEAK_SCALE·rtol·‖g‖∞ never makes a row "uncertain" (weak). */
export const WEAK_SCALE = 1e-3;

/**
 * A row is "uncertain" (weak) only when its numeric error exceeds WEAK_FACTOR·rtol of its own
 * scale: a bug 10× the tolerance could hide there. A numeric derivative good to 2·rtol still
 * verifies the entry to 2·rtol, and calling that weak on ordinary correct models taught users to
 * ignore the word.
 */
export const WEAK_FACTOR = 10;

/** The outcome of a gradient check. */
export type Verdict = "pass" | "fail" | "kink";

/** Resolved settings of a check (the DSL fills in defaults and validates). */
export interface CheckSettings {
  method: FdMethod;
  /** Relative tolerance. */
  rtol: number;
  /** Absolute tolerance, or "auto" (see the module comment). */
  atol: number | "auto";
  /** Step coefficient (step of coordinate i: h·max(|x_i|, 1)). */
  h: number;
  /** 0: check every coordinate; k > 0: fast mode with k random sign directions. */
  directions: number;
  /** Seed of the fast-mode directions. */
  seed: number;
  /** Extrapolate away the truncation error of coordinates that fail with one step. */
  refine: boolean;
  /** Coordinate names (length n). */
  names: readonly string[];
  /**
   * The precision f is computed in (default 64). With 32, f's rounding is taken as float32's
   * (ε₃₂ = 2⁻²³ relative), or the noise floor measured at the point when that is larger: the
   * rounding estimates, the kink test's noise level and the gradient's rounding floor all follow.
   */
  precision?: 32 | 64;
}

/** ε₃₂/ε₆₄ = 2²⁹: how much coarser float32 rounds than float64. */
export const FLOAT32_RATIO = 2 ** 29;

/** One row of the report: a coordinate (or, in fast mode, a direction). */
export interface GradRow {
  /** Coordinate index (direction index in fast mode). */
  index: number;
  /** Coordinate name (`x[1]`, `y`; `dir[0]` in fast mode). */
  name: string;
  /** The gradient under test (∂f/∂x_i; gᵀd in fast mode). */
  analytic: number;
  /** The finite-difference estimate. */
  numeric: number;
  /** |analytic − numeric|. */
  absError: number;
  /** |analytic − numeric| / max(|analytic|, |numeric|, atol_i/rtol). */
  relError: number;
  /** Whether this row agrees (for a kink: analytic lies between the one-sided derivatives). */
  ok: boolean;
  /** The absolute tolerance applied: max(rtol·max(|a|, |d|), atol_i). */
  tol: number;
  /** Estimated absolute error of `numeric`. */
  numericError: number;
  /** Step used (first step for Richardson, imaginary step for complex). */
  h: number;
  /** One-sided derivatives disagree here: f has no derivative at the point along this axis. */
  kink: boolean;
  /** One-sided derivatives (set where they were computed; at a kink, the two derivatives). */
  left?: number;
  right?: number;
  /** A second, 4× smaller step measured the truncation error (and removed it where that helped). */
  refined: boolean;
  /** The numeric derivative is less accurate than rtol here, so the check is weaker. */
  uncertain: boolean;
  /** f was not finite at x ± h (the edge of its domain): the step was divided by 16 until it was. */
  reducedStep?: boolean;
  /** A guess at the kind of bug ("sign flipped?", "swapped with y?"). */
  hint?: string;
  /** f is noisier than |f| suggests (terms that cancel): the measured noise floor σ of one evaluation, used for this row's step and tolerance. */
  noise?: number;
}

/** Plain-data result of `checkGradient`. */
export interface GradCheckResult {
  ok: boolean;
  verdict: Verdict;
  method: FdMethod;
  rtol: number;
  atol: number | "auto";
  /** Step coefficient used. */
  h: number;
  rows: GradRow[];
  /** Largest relError over rows that are not kinks (0 when there are none). */
  maxRelError: number;
  /** Row positions that fail. */
  failures: number[];
  /** Row positions at a kink. */
  kinks: number[];
  /** f at the point. */
  value: number;
  /** The analytic gradient at the point. */
  gradient: Float64Array;
  /** Evaluations of f spent (the gradient is evaluated once). */
  evaluations: number;
  /** Fast mode: number of random directions (0 when every coordinate was checked). */
  directions: number;
  seed: number;
  message: string;
  warnings: string[];
}


/**
 * Checks `p`'s analytic gradient at `x` against finite differences (see the module comment).
 * Never throws for a wrong gradient; throws a `DslError` when f is not finite at `x`.
 *
 * @example
 * const r = checkGradient(problem, Float64Array.of(1, 2), { method: "central", rtol: 1e-6, atol: "auto", h: STEP.central, directions: 0, seed: 1, refine: true, names: ["x", "y"] });
 * r.verdict; // "pass"
 */
export function checkGradient(p: Problem, x: Float64Array, s: CheckSettings): GradCheckResult {
  if (s.method === "complex" && !p.valueComplex)
    throw new DslError("unsupported", 'gradcheck: method "complex" needs an objective with a complex evaluation path (symbolic objectives have one); use "central" or "richardson"', { path: "method" });
  const work = Float64Array.from(x);
  const f0 = p.valueAt(work);
  if (!Number.isFinite(f0)) throw new DslError("non-finite", `gradcheck: f is ${f0} at the point, so its gradient cannot be checked there`, { path: "at" });
  const g = new Float64Array(p.n);
  p.valueAndGradInto(work, g);
  work.set(x);
  const probes = s.directions > 0 ? directionProbes(p, x, g, s) : coordinateProbes(p, work, g, s);
  // float32: f rounds like a float64 function of magnitude 2²⁹·|f| (or its measured noise floor).
  let baseMagnitude = 0;
  let noiseEvals = 0;
  if (s.precision === 32 && probes.length > 0) {
    const noise = measureNoise(probes[0]!.line, f0, probes[0]!.scale);
    noiseEvals = noise.evals;
    baseMagnitude = Math.max(FLOAT32_RATIO * Math.abs(f0), (NOISE_MARGIN * noise.sigma) / (ROUNDING * EPS));
    for (const q of probes) q.line.magnitude = baseMagnitude;
  }
  const gradRounding = GRAD_ROUNDING * EPS * (s.precision === 32 ? FLOAT32_RATIO / 16 : 1);
  let gmax = 0;
  for (const q of probes) if (Number.isFinite(q.analytic)) gmax = Math.max(gmax, Math.abs(q.analytic));
  const rows: GradRow[] = [];
  let evaluations = 1 + noiseEvals;
  const est = new LineEstimate();
  const scr = [new LineEstimate(), new LineEstimate(), new LineEstimate()] as const;
  const look = new SecondLook();
  const tab = new Romberg();
  for (let k = 0; k < probes.length; k++) {
    const q = probes[k]!;
    // The absolute floor of the automatic atol: in fast mode rtol of the typical size of a
    // random-sign sum; per coordinate only the rounding level of a gradient entry.
    const floor = s.directions > 0 ? s.rtol * q.gscale : gradRounding * gmax;
    const row = checkProbe(q, k, f0, s, floor, s.directions > 0 ? q.gscale : gmax, est, scr, look, tab);
    evaluations += row.evals;
    rows.push(row.row);
  }
  // Rows that fail or look like kinks: is f noisier than |f| suggests (terms that cancel)? Then
  // judge them again with the measured noise floor and the step it calls for.
  const doubtful = rows.filter((r) => (!r.ok || r.kink) && Number.isFinite(r.numeric)).map((r) => r.index);
  if (doubtful.length > 0 && s.method !== "complex" && s.precision !== 32) {
    const q0 = probes[doubtful[0]!]!;
    const noise = measureNoise(q0.line, f0, q0.scale);
    evaluations += noise.evals;
    if (noise.sigma > ROUNDING * EPS * Math.abs(f0)) {
      const magnitude = (NOISE_MARGIN * noise.sigma) / (ROUNDING * EPS);
      const ratio = noise.sigma / (EPS * Math.max(Math.abs(f0), Number.MIN_VALUE));
      const grow = s.method === "central" ? Math.cbrt(ratio) : s.method === "forward" ? Math.sqrt(ratio) : 1;
      const s2 = { ...s, h: s.h * Math.min(Math.max(grow, 1), MAX_GROW) };
      for (const k of doubtful) {
        const q = probes[k]!;
        const line = q.line;
        line.magnitude = magnitude;
        const floor = s.directions > 0 ? s.rtol * q.gscale : gradRounding * gmax;
        const again = checkProbe(q, k, f0, s2, floor, s.directions > 0 ? q.gscale : gmax, est, scr, look, tab);
        line.magnitude = baseMagnitude;
        evaluations += again.evals;
        again.row.noise = noise.sigma;
        rows[k] = again.row;
      }
    }
  }
  for (const q of probes) q.line.magnitude = 0;
  return summarize(rows, s, f0, g, evaluations);
}

/** The settled numeric derivative of one probe. */
interface Settled {
  value: number;
  error: number;
  left: number | undefined;
  right: number | undefined;
  /** Estimated error of the one-sided derivatives at a kink. */
  sideError: number;
  kink: boolean;
  refined: boolean;
  /** Step used. */
  t: number;
  reduced: boolean;
  evals: number;
}

/** First look, then — for a failing or kink-suspect probe — the second look at h/4. */
function settle(q: Probe, f0: number, s: CheckSettings, atolOf: (e: number) => number, est: LineEstimate, scr: Scratch, look: SecondLook, tab: Romberg): Settled {
  const line = q.line;
  const first = firstLook(line, f0, q, s, est, scr, tab);
  const out: Settled = {
    value: est.value,
    error: est.error,
    left: Number.isFinite(est.left) ? est.left : undefined,
    right: Number.isFinite(est.right) ? est.right : undefined,
    sideError: 0,
    kink: first.kink,
    refined: false,
    t: first.t,
    reduced: first.reduced,
    evals: first.evals,
  };
  const oneStep = s.method === "central" || s.method === "forward";
  const failing = oneStep && !agrees(q.analytic, est.value, s.rtol, atolOf(est.error));
  const screen = first.screen;
  const candidate = s.method === "central" ? isKinkCandidate(est) : screen !== null && isKinkCandidate(screen);
  if (!failing && !candidate) return out;
  const kind = s.method === "central" ? "central" : s.method === "forward" ? "forward" : "screen";
  secondLook(line, f0, screen ? STEP.central * q.scale : first.t, kind, screen ?? est, s.refine, scr[0], scr[1], look);
  out.evals += look.evals;
  out.kink = look.kink;
  if (look.kink) {
    out.left = look.left;
    out.right = look.right;
    out.sideError = Math.max(look.leftError, look.rightError);
  } else if (look.refined) {
    out.value = look.value;
    out.error = look.error;
    out.refined = true;
  }
  return out;
}

function checkProbe(q: Probe, k: number, f0: number, s: CheckSettings, floor: number, scale: number, est: LineEstimate, scr: Scratch, look: SecondLook, tab: Romberg): { row: GradRow; evals: number } {
  const atolOf = (e: number) => (s.atol === "auto" ? Math.max(floor, e) : s.atol);
  const e = settle(q, f0, s, atolOf, est, scr, look, tab);
  const row = buildRow({
    index: k,
    name: q.name,
    analytic: q.analytic,
    numeric: e.value,
    error: e.error,
    rtol: s.rtol,
    atol: atolOf(e.error),
    h: e.t,
    kink: e.kink,
    left: e.left,
    right: e.right,
    refined: e.refined,
    reduced: e.reduced,
    kinkOk: (a, tol) => betweenOneSided(a, e.left!, e.right!, Math.max(tol, Number.isFinite(e.sideError) ? 2 * e.sideError : 0)),
    // Uncertain ("weak"): the numeric error exceeds 10·rtol of every scale the gradient has here (the
    // one-sided slopes keep a stationary point, where a = d = 0, from counting as uncertain), and
    // is not negligible next to the gradient's largest entry: an error below 1e-3·rtol·‖g‖∞ cannot
    // hide a bug that matters at the gradient's scale (a zero derivative measured to 1e-10 while
    // ‖g‖∞ ≈ 1 is good evidence, not weak).
    uncertain: !e.kink && e.error > floor && e.error > s.rtol * Math.max(WEAK_FACTOR * Math.max(Math.abs(e.value), Math.abs(e.left ?? 0), Math.abs(e.right ?? 0)), WEAK_SCALE * scale),
  });
  return { row, evals: e.evals };
}

/** The comparison of one analytic value a with a numeric d: the test of every gradient, Jacobian and Hessian entry. */
export interface EntryComparison {
  absError: number;
  /** |a − d| / max(|a|, |d|, atol/rtol): ok ⇔ relError ≤ rtol (Infinity for NaN). */
  relError: number;
  /** max(rtol·max(|a|, |d|), atol). */
  tol: number;
  /** |a − d| ≤ tol. */
  ok: boolean;
}

/** Compares a with d to rtol and atol (see the module comment). */
export function compareEntry(a: number, d: number, rtol: number, atol: number): EntryComparison {
  const absError = Math.abs(a - d);
  const big = Math.max(Math.abs(a), Math.abs(d));
  const relError = absError === 0 ? 0 : absError / Math.max(big, atol / rtol);
  return { absError, relError: Number.isNaN(relError) ? Infinity : relError, tol: Math.max(rtol * big, atol), ok: agrees(a, d, rtol, atol) };
}

/** What a report row is made of: the analytic value, the settled numeric estimate and the tolerance it is judged with. */
export interface RowInput {
  index: number;
  name: string;
  analytic: number;
  numeric: number;
  /** Estimated absolute error of `numeric`. */
  error: number;
  rtol: number;
  /** The absolute tolerance resolved for this row. */
  atol: number;
  /** Step used. */
  h: number;
  kink: boolean;
  left: number | undefined;
  right: number | undefined;
  refined: boolean;
  uncertain: boolean;
  reduced?: boolean;
  /** At a kink: whether the analytic value `a` is a valid one-sided choice, given the row's tol. */
  kinkOk: (a: number, tol: number) => boolean;
}

/** One report row (gradient coordinate, direction, Jacobian entry) from its parts: the single place rows are judged. */
export function buildRow(p: RowInput): GradRow {
  const c = compareEntry(p.analytic, p.numeric, p.rtol, p.atol);
  const row: GradRow = {
    index: p.index,
    name: p.name,
    analytic: p.analytic,
    numeric: p.numeric,
    absError: c.absError,
    relError: c.relError,
    ok: p.kink ? p.kinkOk(p.analytic, c.tol) : c.ok,
    tol: c.tol,
    numericError: p.error,
    h: p.h,
    kink: p.kink,
    refined: p.refined,
    uncertain: p.uncertain,
  };
  if (p.left !== undefined) row.left = p.left;
  if (p.right !== undefined) row.right = p.right;
  if (p.reduced) row.reducedStep = true;
  return row;
}

/** Failures, kinks, the largest relative error (kinks aside) and the verdict of a list of rows. */
export function tallyRows(rows: readonly GradRow[]): { failures: number[]; kinks: number[]; maxRelError: number; verdict: Verdict } {
  const failures: number[] = [];
  const kinks: number[] = [];
  let maxRelError = 0;
  rows.forEach((r, k) => {
    if (!r.ok) failures.push(k);
    if (r.kink) kinks.push(k);
    else maxRelError = Math.max(maxRelError, r.relError);
  });
  return { failures, kinks, maxRelError, verdict: failures.length > 0 ? "fail" : kinks.length > 0 ? "kink" : "pass" };
}

/** |a − d| ≤ max(rtol·max(|a|, |d|), atol): the test of every gradient and Hessian entry. */
export function agrees(a: number, d: number, rtol: number, atol: number): boolean {
  const diff = Math.abs(a - d);
  return diff <= Math.max(rtol * Math.max(Math.abs(a), Math.abs(d)), atol);
}

/** A valid one-sided (sub)gradient choice lies between the two one-sided derivatives. */
function betweenOneSided(a: number, left: number, right: number, tol: number): boolean {
  const lo = Math.min(left, right);
  const hi = Math.max(left, right);
  const slack = Math.max(tol, 1e-6 * (hi - lo));
  return a >= lo - slack && a <= hi + slack;
}

function summarize(rows: GradRow[], s: CheckSettings, f0: number, g: Float64Array, evaluations: number): GradCheckResult {
  const { failures, kinks, maxRelError, verdict } = tallyRows(rows);
  const { message, warnings } = describeFailures(rows, failures, kinks, s, verdict, maxRelError);
  return {
    ok: verdict === "pass",
    verdict,
    method: s.method,
    rtol: s.rtol,
    atol: s.atol,
    h: s.h,
    rows,
    maxRelError,
    failures,
    kinks,
    value: f0,
    gradient: g,
    evaluations,
    directions: s.directions,
    seed: s.seed,
    message,
    warnings,
  };
}
