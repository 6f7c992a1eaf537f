/**
 * `plot.*`: charts of what the DSL returns. Each function takes the objects users have (runs,
 * comparisons, objectives, gradient-check reports, schedules, theory results) or plain data,
 * and returns a `Figure` that displays itself as an interactive Plotly chart (offline HTML, plus
 * a PNG where Chromium is available).
 *
 * @example
 * const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
 * const c = compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.02 }) }, { from: [-1.2, 1], steps: 500 });
 * plot.loss(c);                 // loss curves (log scale) + gradient norms
 * plot.contour(f, c);           // trajectories over log-spaced contours
 * plot.hessian(f, { at: [1, 1] }); // eigenvalues at the minimum: "minimum (κ = 2508)"
 */
import { registerRenderer, type Displayable } from "../src/display/index.js";
import { DslError, describe } from "../src/errors/index.js";
import {
  Figure, LiveChart, attach, basinsMap, configurePlots, convergenceRates, exprLabel, gradcheckCurve, gradcheckDisplay, hessianAlong, hessianSpectrum, landscape,
  activationStatsChart, gradNormsChart, type GradNormsOptions, type LayerStatsRow,
  liveDisplayAvailable, lossCurves, plotlyjsDisplay, resultChart, runDisplay, runsOf, scheduleChart, scheduleDisplay, setDisplayHook, surface3d, sweepHeatmap,
  type BasinsGrid, type Curvature, type DisplayHook, type EigenTrack, type ErrorSeries, type FdScheme, type FigureSpec,
  type LandscapeOptions, type LiveChartOptions, type LossCurveOptions, type LrSeries, type PlotSettings, type RatesOptions,
  type RunSeries, type ScheduleOptions, type SpectrumOptions, type Surface2, type SurfaceOptions, type SweepGrid,
  type TheoryRate, type VCurveData,
} from "../src/plots/index.js";
import {
  BASINS_OPTIONS, GRADCHECK_OPTIONS, HESSIAN_OPTIONS, LANDSCAPE_OPTIONS, LOSS_OPTIONS, RATES_OPTIONS, SCHEDULE_OPTIONS, SURFACE_OPTIONS, TITLE_OPTIONS, GRAD_NORMS_OPTIONS,
  checkBasinsGrid, checkPanels, checkPlotOptions, checkSweepGrid, type OptionSpec,
} from "./plot-options.js";
import { measuredRate, theory, type LinearRate, type Theory } from "./theory.js";
import { isTreePoint, pointIn } from "../src/optim/index.js";
import type { Problem } from "../src/problem/index.js";

export { Figure, setDisplayHook, type DisplayHook, type FigureSpec, type LiveChartOptions };
/** For the kernel's HTML renderer and runner (kernel → dsl): a chart as an HTML fragment, and closing the static-image browser. */
export { closeStaticRenderer, plotlyLoaderHtml, renderChartHtml, withoutPlotlyPayload } from "../src/plots/index.js";

/** Runs as charts take them: a run, a comparison, an array of runs, or `{ name: run }`. */
export type RunsLike = unknown;

/** A function of two variables, an objective (or any `Problem`) with at least two variables. */
export type SurfaceLike = Surface2;

/** Options of `plot.hessian`. */
export interface HessianPlotOptions extends SpectrumOptions {
  /** The point (spectrum at a point): numbers in variable order or a record by name. */
  at?: ArrayLike<number> | Readonly<Record<string, number | ArrayLike<number>>>;
  /** Points sampled along a run (default 60, evenly spaced, start and end included). */
  samples?: number;
  /** "all" eigenvalues or only the "sharpness" (see `hessianAlong`). */
  show?: "all" | "sharpness";
}

/** Options of `plot.rates`. */
export interface RatesPlotOptions extends RatesOptions {
  /** f*: the runs' errors are f(x_t) − f* (default: the theory point's value when it is stationary). */
  fStar?: number;
  /** x*: the errors are ‖x_t − x*‖ instead. */
  xStar?: ArrayLike<number>;
  /** Theory's methods to draw (default ["gd"]). */
  methods?: ("gd" | "gdOptimal" | "heavyBall" | "nesterov")[];
  /** Also draw the worst-case guarantee where it bounds the plotted error (default true). */
  guarantee?: boolean;
}

/** Options of `plot.schedule`. */
export interface SchedulePlotOptions extends ScheduleOptions {
  /** Steps to show (default: the schedule's natural horizon + 1). */
  steps?: number;
}

interface ScheduleLike {
  (step: number): number;
  name: string;
  horizon?: number;
  values?: (n?: number) => number[];
  momentum?: ScheduleLike;
  toString(): string;
}

interface VCurveLike {
  h: number[];
  series: { name: string; method: FdScheme; error: number[]; relError: number[] }[];
}

/**
 * Loss curves of runs (log y when positive), with gradient-norm and (when it changes)
 * learning-rate panels.
 *
 * @param runs a run, a comparison, an array of runs or `{ name: run }`.
 * @param opts `{ fStar?, xStar?, yScale?, panels?, title?, maxPoints?, height?, logX?, steps? }`:
 *   `logX: true` puts the steps on a log axis (a 5-step run beside a 1312-step one), `steps:
 *   [from, to]` draws only those steps.
 * @example
 * plot.loss(compare(f, { gd: gd({ lr: 1e-3 }), adam: adam() }, { from: [-1.2, 1], steps: 300 }), { fStar: 0 });
 * plot.loss(runs, { logX: true });          // short and long runs side by side
 * plot.loss(runs, { steps: [0, 50] });      // the first 50 steps
 */
function loss(runs: RunsLike, opts: LossCurveOptions = {}): Figure {
  checkPlotOptions("plot.loss", opts, LOSS_OPTIONS);
  checkPanels(opts.panels);
  return lossCurves(runsOf(runs, "plot.loss"), opts);
}

/**
 * An objective of two variables as contours (log-spaced levels when values span decades) with the
 * runs' trajectories on top.
 *
 * Without runs (`plot.contour(f)`, `plot.contour(f, { xRange, yRange })`) it draws f alone; the
 * default view is then the smallest square [−2ᵏ, 2ᵏ]² around the origin that holds f's lowest
 * value inside (its minimiser, when there is one nearby); with runs it frames their paths.
 *
 * @param f `(x, y) => number`, an objective, or any `Problem` (n > 2: `dims` and `at` pick the plane).
 * @param runs optional runs to draw (as for `plot.loss`).
 * @param opts `{ xRange?, yRange?, resolution?, levels?, nLevels?, kind?, minima?, dims?, at?, names?, title?, equalAspect? }`.
 * @example
 * plot.contour(f, run, { minima: [[1, 1]] });
 * plot.contour(objective("x^2 + 10*y^2"));            // no runs: around the minimiser
 * plot.contour(f, { xRange: [-2, 2], yRange: [-1, 3] });
 */
function contour(f: SurfaceLike, runs?: RunsLike, opts: LandscapeInput = {}): Figure {
  [runs, opts] = runsAndOptions("plot.contour", runs, opts, LANDSCAPE_OPTIONS);
  const paths = pathsOf(runs, "plot.contour");
  return landscape(f, { title: titled(f, paths.length ? "Trajectories over" : "Contours of"), ...flatAt(f, opts, "plot.contour"), paths });
}

/** `plot.contour` drawn as a heatmap. */
function heatmap(f: SurfaceLike, runs?: RunsLike, opts: LandscapeInput = {}): Figure {
  [runs, opts] = runsAndOptions("plot.heatmap", runs, opts, LANDSCAPE_OPTIONS);
  const paths = pathsOf(runs, "plot.heatmap");
  return landscape(f, { title: titled(f, paths.length ? "Trajectories over" : "Heatmap of"), ...flatAt(f, opts, "plot.heatmap"), kind: "heatmap", paths });
}

/** Options of `plot.contour` / `plot.heatmap`: `at` may also be a tree (a tree objective's point, a network's params). */
type LandscapeInput = Omit<LandscapeOptions, "at"> & { at?: ArrayLike<number> | object };

/** `at` given as a tree as the flat point the plane goes through. */
function flatAt(f: SurfaceLike, opts: LandscapeInput, who: string): LandscapeOptions {
  const at = opts.at;
  if (at === undefined) return opts as LandscapeOptions;
  if (typeof f !== "function" && isTreePoint(at)) return { ...opts, at: pointIn(f as unknown as Problem, at, who, "at") };
  const flat = Array.isArray(at) || ArrayBuffer.isView(at);
  if (!flat || Array.from(at as ArrayLike<unknown>).some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new DslError("bad-option", `${who}: at must be an array of finite numbers or a point tree of the objective, got ${describe(at)}`, { path: `${who}.at` });
  }
  return opts as LandscapeOptions;
}

/** "Trajectories over f = x^2 + 10*y^2" for an objective with a (short) source, else the generic title. */
function titled(f: SurfaceLike, what: string): string {
  // f may be anything here (null, undefined): landscape() says what it needs (issue 16's fuzz: a TypeError)
  const src = f !== null && typeof f === "object" ? (f as { source?: unknown }).source : undefined;
  return typeof src === "string" && src.length <= 60 ? `${what} f = ${exprLabel(src)}` : `${what} the objective`;
}

/**
 * An objective of two variables as a 3-D surface with the runs' paths on it.
 *
 * @param f as for `plot.contour`.
 * @param runs optional runs (without them, the default view is as for `plot.contour(f)`).
 * @param opts as for `plot.contour`, plus `zScale: "auto" | "log" | "none"`.
 * @example
 * plot.surface(objective("x^2 - y^2"));                // a saddle, no runs
 */
function surface(f: SurfaceLike, runs?: RunsLike, opts: SurfaceOptions = {}): Figure {
  [runs, opts] = runsAndOptions("plot.surface", runs, opts, SURFACE_OPTIONS);
  return surface3d(f, { title: titled(f, "Surface of"), ...opts, ...flatAt(f, opts, "plot.surface"), paths: pathsOf(runs, "plot.surface") });
}

/**
 * The runs and the options of `plot.contour(f, runs?, opts?)`: options given in the runs' place
 * (`plot.contour(f, { xRange, yRange })`, a natural slip) are taken as options; both are checked.
 */
function runsAndOptions<O>(who: string, runs: RunsLike, opts: O, spec: OptionSpec): [RunsLike, O] {
  const r = runs as Record<string, unknown> | null;
  const looksLikeOptions = !!r && typeof r === "object" && !Array.isArray(r) && Object.keys(r).length > 0 && Object.keys(r).every((k) => k in spec) && !("losses" in r) && !("runs" in r);
  if (looksLikeOptions) {
    if (opts !== undefined && Object.keys(opts as object).length > 0) throw new DslError("bad-argument", `${who}: options given twice (as the runs and as the options); write ${who}(f, runs, { ... }) or ${who}(f, { ... })`, { path: who });
    checkPlotOptions(who, runs, spec);
    return [undefined, runs as O];
  }
  checkPlotOptions(who, opts, spec);
  return [runs, opts];
}

function pathsOf(runs: RunsLike, who: string): { name: string; xs: ArrayLike<ArrayLike<number>>; status?: string; group?: string }[] {
  if (runs === undefined || runs === null || (Array.isArray(runs) && runs.length === 0)) return [];
  return runsOf(runs, who).map((r) => {
    if (!r.xs) throw new DslError("bad-argument", `${who}: run "${r.name}" has no trajectory xs (a run made with trajectory: "final" keeps only its start and final point: run it with trajectory: "all", the default, to draw its path)`, { path: who });
    return { name: r.name, xs: r.xs, ...(r.status ? { status: r.status } : {}), ...(r.group ? { group: r.group } : {}) };
  });
}

/**
 * Hessian eigenvalues: at a point (`plot.hessian(f, { at })`, or a `theory(...)` result), or
 * along runs (`plot.hessian(f, run)`), with the critical-point classification.
 *
 * @param target an objective (with `at` or runs), a `Theory`, or eigenvalues (number[]).
 * @param runsOrOpts runs to follow, or the options.
 * @param opts `{ at?, samples?, show?, tol?, title?, yScale? }`.
 * @example
 * plot.hessian(objective("x^2 - y^2"), { at: [0, 0] }); // saddle point (1 negative eigenvalue)
 */
function hessian(target: unknown, runsOrOpts?: unknown, opts: HessianPlotOptions = {}): Figure {
  const runsGiven = runsOrOpts !== undefined && !isOptions(runsOrOpts);
  const o = (runsGiven ? opts : (runsOrOpts as HessianPlotOptions | undefined)) ?? {};
  checkPlotOptions("plot.hessian", o, HESSIAN_OPTIONS);
  if (isTheory(target)) return spectrumOf(target, o);
  if (Array.isArray(target) && target.every((v) => typeof v === "number")) return hessianSpectrum(target, o);
  if (!runsGiven) {
    if (o.at === undefined) throw new DslError("missing-option", "plot.hessian: give the point, plot.hessian(f, { at: [...] }), or runs to follow, plot.hessian(f, run)", { path: "plot.hessian.at" });
    return spectrumOf(asPlotError(() => theory(target, { at: o.at!, ...(o.tol !== undefined ? { tol: o.tol } : {}) })), o);
  }
  const samples = o.samples ?? 60;
  if (!Number.isInteger(samples) || samples < 2) throw new DslError("bad-option", `plot.hessian: samples must be an integer ≥ 2, got ${describe(o.samples)}`, { path: "plot.hessian.samples" });
  const tracks: EigenTrack[] = runsOf(runsOrOpts, "plot.hessian").map((r) => {
    if (!r.xs) throw new DslError("bad-argument", `plot.hessian: run "${r.name}" has no trajectory xs (a run made with trajectory: "final" keeps only its start and final point: run it with trajectory: "all", the default)`, { path: "plot.hessian" });
    const n = r.xs.length;
    const steps = [...new Set(Array.from({ length: Math.min(samples, n) }, (_, k) => Math.round((k * (n - 1)) / Math.max(1, Math.min(samples, n) - 1))))];
    const finite = steps.filter((t) => Array.from(r.xs![t]!).every(Number.isFinite));
    const track: EigenTrack = { name: r.name, steps: finite, eigenvalues: finite.map((t) => theory(target, { at: Array.from(r.xs![t]!) }).eigenvalues) };
    if (r.lrs && r.lrs.length > 0) track.lr = finite.map((t) => r.lrs![Math.min(t, r.lrs!.length - 1)]!);
    // which stability limit to draw (2/η, 2(1+β)/η, ...): read from the optimizer's options
    if (r.hyperparameters) track.optimizer = { hyperparameters: r.hyperparameters };
    return track;
  });
  return hessianAlong(tracks, o);
}

/** `theory`'s errors about the point, said as plot.hessian's (`at`). */
function asPlotError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DslError && /theory/.test(e.message)) {
      throw new DslError(e.code, e.message.replace(/theory's point/g, "plot.hessian's point `at`").replace(/^theory:/, "plot.hessian:"), { path: "plot.hessian.at", ...(e.detail ? { detail: e.detail } : {}) });
    }
    throw e;
  }
}

function spectrumOf(t: Theory, o: HessianPlotOptions): Figure {
  const classification: Curvature = t.classification;
  return hessianSpectrum(t.eigenvalues, {
    ...o, classification,
    ...(t.point ? { point: t.point.at, gradNorm: t.point.gradNorm } : {}),
  });
}

function sameParams(h: Readonly<Record<string, unknown>> | undefined, p: LinearRate["params"]): boolean {
  if (!h || typeof h.lr !== "number") return false;
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  return close(h.lr, p.lr) && close(typeof h.momentum === "number" ? h.momentum : 0, p.momentum ?? 0) && (h.nesterov === true) === (p.nesterov === true);
}

function isTheory(v: unknown): v is Theory {
  const t = v as Partial<Theory> | null;
  return !!t && typeof t === "object" && Array.isArray(t.eigenvalues) && typeof t.classification === "string" && typeof t.kappa === "number";
}

function isOptions(v: unknown): boolean {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.losses === "object" || (Array.isArray(o.names) && typeof o.runs === "object")) return false;
  return Object.keys(o).length === 0 || Object.keys(o).some((k) => ["at", "samples", "show", "tol", "title", "yScale", "point", "gradNorm"].includes(k));
}

/**
 * Measured convergence against theoretical linear rates, log scale: each run's error
 * (f(x_t) − f* or ‖x_t − x*‖, with its measured rate in the legend) and e₀·ρ^t for the methods
 * of a `theory(...)` result (tight rate on the quadratic model, and the worst-case guarantee
 * such as (1 − μ/L)^t), or for rates given as `[{ name, rate }]`.
 *
 * @param runs runs (as for `plot.loss`).
 * @param rates a `theory(f, { at: xStar })` result, or `[{ name, rate }]`.
 * @param opts `{ fStar?, xStar?, methods?, guarantee?, title?, maxPoints? }`.
 * @example
 * const t = theory(f, { at: [0, 0] });
 * plot.rates(optimize(f, gd({ lr: t.stepSizes.invL }), { from: [1, 1], steps: 300 }), t, { fStar: 0 });
 */
function rates(runs: RunsLike, rates: Theory | readonly TheoryRate[], opts: RatesPlotOptions = {}): Figure {
  checkPlotOptions("plot.rates", opts, RATES_OPTIONS);
  if (!isTheory(rates) && !(Array.isArray(rates) && rates.every((r) => r && typeof r.name === "string" && typeof r.rate === "number"))) {
    throw new DslError("bad-argument", `plot.rates: expected the rates as a theory(...) result or [{ name, rate }], got ${describe(rates)}`, { path: "plot.rates" });
  }
  const list = runsOf(runs, "plot.rates");
  const th = isTheory(rates) ? rates : undefined;
  const xStar = opts.xStar;
  const fStar = opts.fStar ?? (xStar === undefined && th?.point?.stationary ? th.point.value : undefined);
  if (fStar === undefined && xStar === undefined) {
    throw new DslError("missing-option", "plot.rates: give fStar (errors f − f*) or xStar (errors ‖x − x*‖), or a theory(...) taken at the minimizer", { path: "plot.rates.fStar" });
  }
  const measure: "f" | "x" = xStar !== undefined ? "x" : "f";
  const errors: ErrorSeries[] = list.map((r) => {
    if (measure === "x" && !r.xs) throw new DslError("bad-argument", `plot.rates: run "${r.name}" has no iterates xs for ‖x − x*‖ (a run made with trajectory: "final" keeps only its start and final point): give fStar to draw f − f*, or run it with trajectory: "all", the default`, { path: "plot.rates.xStar" });
    const values = measure === "f" ? Array.from(r.losses, (v) => v - fStar!) : Array.from(r.xs ?? [], (x) => Math.hypot(...Array.from(x, (v, i) => v - xStar![i]!)));
    const e: ErrorSeries = { name: r.name, values };
    try {
      e.rate = measuredRate(r, measure === "f" ? { fStar } : { xStar }).rate;
    } catch { /* too few usable steps: no measured rate in the legend */ }
    return e;
  });
  const lines: TheoryRate[] = th ? theoryLines(th, measure, opts, list) : Array.from(rates as readonly TheoryRate[]);
  return convergenceRates(errors, lines, { ...opts, measure });
}

function theoryLines(t: Theory, measure: "f" | "x", o: RatesPlotOptions, runs: RunSeries[]): TheoryRate[] {
  const out: TheoryRate[] = [];
  for (const m of o.methods ?? ["gd"]) {
    const r: LinearRate = t.rates[m];
    if (!Number.isFinite(r.rate)) continue;
    // Start each method's line from the run that used its parameters, when there is one.
    const run = runs.find((x) => sameParams(x.hyperparameters, r.params))?.name;
    out.push({ name: `${r.method} (quadratic model)`, rate: measure === "f" ? r.valueRate : r.rate, ...(run ? { run } : {}) });
    const g = r.guarantee;
    const bounds = measure === "f" ? g.of === "f − f*" : g.of.startsWith("‖x − x*‖");
    if ((o.guarantee ?? true) && bounds && Number.isFinite(g.factor) && g.factor !== (measure === "f" ? r.valueRate : r.rate)) {
      out.push({ name: `${r.method}: worst-case bound`, rate: g.factor, ...(run ? { run } : {}) });
    }
  }
  if (out.length === 0) throw new DslError("no-rate", `plot.rates: the theory point is not a strict minimum (${t.classification}), so there are no linear rates to draw`, { path: "plot.rates" });
  return out;
}

/**
 * The gradient check's error-versus-step "V curve" per coordinate (log-log), forward and
 * central differences, with the rounding and truncation slopes.
 *
 * @param report a `gradcheck(...)` report (its `vcurve()` is computed), or V-curve data.
 * @param opts `{ indices?, relative?, title? }`.
 * @example
 * plot.gradcheck(gradcheck(f, { at: [-1.2, 1] }));
 */
function gradcheckPlot(report: unknown, opts: { indices?: number[]; relative?: boolean; title?: string } = {}): Figure {
  checkPlotOptions("plot.gradcheck", opts, GRADCHECK_OPTIONS);
  const r = report as { vcurve?: (o?: { indices?: number[] }) => VCurveLike } & Partial<VCurveLike>;
  const v: VCurveLike | undefined = typeof r?.vcurve === "function" ? r.vcurve(opts.indices ? { indices: opts.indices } : {}) : Array.isArray(r?.h) && Array.isArray(r?.series) ? (r as VCurveLike) : undefined;
  if (!v) throw new DslError("bad-argument", `plot.gradcheck: expected a gradcheck(...) report or its vcurve() data, got ${describe(report)}`, { path: "plot.gradcheck" });
  const data: VCurveData = {
    hs: v.h,
    curves: v.series.map((s) => ({ name: s.name, method: s.method, values: opts.relative ? s.relError : s.error })),
    errorKind: opts.relative ? "relative" : "absolute",
  };
  return gradcheckCurve(data, opts.title ? { title: opts.title } : {});
}

/**
 * Learning rate against step for one or more schedules (and the cycled momentum of one-cycle).
 *
 * @param s a schedule, an array of them, or `{ name: schedule }`.
 * @param opts `{ steps?, yScale?, title? }`.
 * @example
 * plot.schedule([schedules.cosine({ lr: 0.1, tMax: 100 }), schedules.step({ lr: 0.1, stepSize: 30 })]);
 */
function schedule(s: unknown, opts: SchedulePlotOptions = {}): Figure {
  checkPlotOptions("plot.schedule", opts, SCHEDULE_OPTIONS);
  const entries: [string, ScheduleLike][] = typeof s === "function" ? [[compact(String(s)), s as ScheduleLike]]
    : Array.isArray(s) ? s.map((x) => [compact(String(x)), x as ScheduleLike])
    : s && typeof s === "object" ? Object.entries(s as Record<string, ScheduleLike>) : [];
  if (entries.length === 0 || entries.some(([, f]) => typeof f !== "function")) {
    throw new DslError("bad-argument", `plot.schedule: expected a schedule such as schedules.cosine({ lr: 0.1, tMax: 100 }), an array of them or { name: schedule }, got ${describe(s)}`, { path: "plot.schedule" });
  }
  // ≤ 10⁶ (issue 16): 2e15 steps was a "RangeError: Invalid array length"
  if (opts.steps !== undefined && !(Number.isInteger(opts.steps) && opts.steps >= 1 && opts.steps <= 1e6)) {
    throw new DslError("bad-option", `plot.schedule: steps must be a positive integer ≤ 1000000 (points of the chart), got ${describe(opts.steps)}`, { path: "plot.schedule.steps" });
  }
  const series: LrSeries[] = entries.map(([name, f]) => {
    const n = opts.steps ?? (typeof f.horizon === "number" && Number.isFinite(f.horizon) ? f.horizon + 1 : 100);
    const lrs = typeof f.values === "function" ? f.values(n) : Array.from({ length: n }, (_, k) => f(k));
    const m = f.momentum;
    return { name, lrs, ...(typeof m === "function" ? { momentum: typeof m.values === "function" ? m.values(n) : Array.from({ length: n }, (_, k) => m(k)) } : {}) };
  });
  return scheduleChart(series, opts);
}

/** A schedule's signature cut to its first options when long: `oneCycle(maxLr=0.1, totalSteps=200, …)`. */
function compact(signature: string, max = 44): string {
  if (signature.length <= max) return signature;
  const open = signature.indexOf("(");
  const args = signature.slice(open + 1, -1).split(/, (?=[A-Za-z]+=)/);
  let out = signature.slice(0, open + 1);
  for (const a of args) {
    if (out.length + a.length > max) break;
    out += (out.endsWith("(") ? "" : ", ") + a;
  }
  return `${out}, …)`;
}

/**
 * Outcomes over a hyperparameter grid (a stability map), diverged cells marked: from plain arrays
 * (`{ x, y, z, zName, status? }`), or from a `sweep(...)` result (its `heatmap()`).
 */
function sweep(grid: SweepGrid | { heatmap(): Figure }, opts: { title?: string } = {}): Figure {
  checkPlotOptions("plot.sweep", opts, TITLE_OPTIONS);
  if (typeof (grid as { heatmap?: unknown } | null)?.heatmap === "function") {
    const fig = (grid as { heatmap(): Figure }).heatmap();
    return opts.title ? fig.withLayout({ title: { text: opts.title } }) : fig;
  }
  checkSweepGrid(grid);
  return sweepHeatmap(grid as SweepGrid, opts);
}

/**
 * Basins of attraction: which minimum each start on a grid reaches, from plain arrays
 * (`{ x, y, labels, minima }`) or from a `sweep(...)` over a grid of starts (its `basins()`).
 */
function basins(grid: BasinsGrid | { basins(o?: object): Figure }, opts: { title?: string; minima?: readonly (readonly number[])[] } = {}): Figure {
  checkPlotOptions("plot.basins", opts, BASINS_OPTIONS);
  if (typeof (grid as { basins?: unknown } | null)?.basins === "function") {
    const fig = (grid as { basins(o?: object): Figure }).basins(opts.minima ? { minima: opts.minima } : {});
    return opts.title ? fig.withLayout({ title: { text: opts.title } }) : fig;
  }
  checkBasinsGrid(grid);
  return basinsMap(grid as BasinsGrid, opts);
}

/**
 * Any Plotly figure spec as a displayable chart (`{ data, layout, config? }`).
 * @example
 * plot.figure({ data: [{ type: "scatter", y: [1, 3, 2] }], layout: { title: { text: "mine" } } });
 */
function figure(spec: { data: FigureSpec["data"]; layout?: FigureSpec["layout"]; config?: FigureSpec["config"] }, summary?: string): Figure {
  if (!spec || !Array.isArray(spec.data)) throw new DslError("bad-argument", `plot.figure: expected { data: [...], layout?: {...} }, got ${describe(spec)}`, { path: "plot.figure" });
  return new Figure({ data: spec.data, layout: spec.layout ?? {}, config: spec.config ?? {} }, summary ?? `Plotly chart with ${spec.data.length} trace${spec.data.length === 1 ? "" : "s"}`);
}

/** A chart that follows runs while they go (see `LiveChart`); displays nothing outside a kernel. */
function live(opts: LiveChartOptions = {}): LiveChart {
  return new LiveChart(opts);
}

/**
 * The chart namespace: `plot.loss`, `plot.contour`, `plot.heatmap`, `plot.surface`,
 * `plot.hessian`, `plot.rates`, `plot.gradcheck`, `plot.schedule`, `plot.sweep`, `plot.basins`,
 * `plot.figure`, `plot.live`, `plot.plotlyjs` (embed plotly.js again), `plot.configure`
 * (static images on/off, image size).
 */
/** A run-like object's per-leaf gradient norms, or undefined. */
function leafNormsOf(r: unknown): Record<string, readonly number[]> | undefined {
  const v = r !== null && typeof r === "object" ? (r as { leafGradNorms?: unknown }).leafGradNorms : undefined;
  return v !== null && typeof v === "object" ? (v as Record<string, readonly number[]>) : undefined;
}

/**
 * Per-leaf (per-layer) gradient norms along runs of a model, log scale: vanishing or exploding
 * gradients at a glance. Takes a run, a comparison, an array of runs or `{ name: run }`; the runs
 * must come from a model's loss (`nn.loss`), whose runs record `run.leafGradNorms`.
 *
 * One panel per run; colour by layer (a sequential scale: depth is ordered), dash by leaf kind
 * (W solid, b dotted). Options: `title`, `leaves` (a path `"[0].W"`, a layer `"[3]"`, a kind
 * `"W"`, a list of these, a RegExp or a function of the path).
 *
 * @example
 * plot.gradNorms(optimize(nn.loss(model, data, "mse"), sgd({ lr: 0.1 }), { steps: 100 }));
 * plot.gradNorms(comparison, { leaves: "W", title: "weights only" });
 */
function gradNorms(runs: unknown, opts: GradNormsOptions = {}): Figure {
  checkPlotOptions("plot.gradNorms", opts, GRAD_NORMS_OPTIONS);
  const entries: [string, unknown][] =
    leafNormsOf(runs) ? [[(runs as { name?: string }).name ?? "run", runs]]
    : runs instanceof Object && "runs" in (runs as object) && typeof (runs as { runs: unknown }).runs === "object" ? Object.entries((runs as { runs: Record<string, unknown> }).runs)
    : Array.isArray(runs) ? runs.map((r, i) => [(r as { name?: string })?.name ?? `run ${i}`, r] as [string, unknown])
    : runs !== null && typeof runs === "object" ? Object.entries(runs as Record<string, unknown>)
    : [];
  const series = entries.map(([name, r]) => {
    const norms = leafNormsOf(r);
    if (!norms) throw new DslError("bad-argument", `plot.gradNorms: ${name} has no per-leaf gradient norms (runs of a model's loss from nn.loss record them); got ${describe(r)}`, { path: "plot.gradNorms" });
    return { name, norms };
  });
  if (series.length === 0) throw new DslError("bad-argument", `plot.gradNorms: expected a run of a model (optimize(nn.loss(...), ...)), a comparison or runs by name, got ${describe(runs)}`, { path: "plot.gradNorms" });
  return gradNormsChart(series, opts);
}

/**
 * Activation statistics per layer (from `nn.activationStats(model, params, X)`) as bars of the
 * saturated and dead fractions with the activations' std.
 *
 * @example
 * plot.activations(nn.activationStats(model, model.params, X));
 */
function activations(stats: unknown, opts: { title?: string } = {}): Figure {
  checkPlotOptions("plot.activations", opts, TITLE_OPTIONS);
  const layers = stats !== null && typeof stats === "object" ? (stats as { layers?: unknown }).layers : undefined;
  if (!Array.isArray(layers)) throw new DslError("bad-argument", `plot.activations: expected nn.activationStats(model, params, X), got ${describe(stats)}`, { path: "plot.activations" });
  return activationStatsChart(layers as LayerStatsRow[], opts);
}

export const plot = {
  // One-line docs on each member: a cell's inspect (Shift+Tab) on `plot.loss` shows them.
  /** Loss curves of runs (log y when positive), with gradient-norm and learning-rate panels: `plot.loss(runs, { fStar?, yScale?, panels? })`. */
  loss,
  /** A 2-variable objective as contours with the runs' trajectories on top: `plot.contour(f, runs?, { xRange?, yRange?, levels? })`. */
  contour,
  /** `plot.contour` drawn as a heatmap. */
  heatmap,
  /** A 2-variable objective as a 3-D surface with the runs' paths: `plot.surface(f, runs?, opts?)`. */
  surface,
  /** Hessian eigenvalues at a point (`plot.hessian(f, { at })`) or along runs (`plot.hessian(f, run)`), with the critical-point kind. */
  hessian,
  /** Measured convergence against theoretical linear rates, log scale: `plot.rates(runs, theory(f, { at }))`. */
  rates,
  /** A gradient check's error-versus-step "V curve" per coordinate (log-log): `plot.gradcheck(gradcheck(f, { at }))`. */
  gradcheck: gradcheckPlot,
  /** Learning rate against step for one or more schedules: `plot.schedule(s, { steps? })`. */
  schedule,
  /** A stability map over a hyperparameter grid, diverged cells marked: `plot.sweep(sweepResult)` or plain `{ x, y, z }`. */
  sweep,
  /** Basins of attraction: which minimum each start on a grid reaches: `plot.basins(sweepResult)` or plain `{ x, y, labels, minima }`. */
  basins,
  /** Per-layer gradient norms along runs of a model (log y): `plot.gradNorms(run | comparison | runs)`. */
  gradNorms,
  /** Activation statistics per layer (saturated / dead fractions, std): `plot.activations(nn.activationStats(model, params, X))`. */
  activations,
  /** Any Plotly figure spec as a displayable chart: `plot.figure({ data, layout?, config? })`. */
  figure,
  /** A chart that follows runs while they go (see `LiveChart`); displays nothing outside a kernel. */
  live,
  /** An output carrying plotly.js, for a saved notebook whose first chart (which carried it) is gone. */
  plotlyjs: plotlyjsDisplay as () => Displayable, // a named type: a cell can keep it in a const
  /** Chart output settings: `{ staticImage: "auto" | true | false, imageSize: { width, height, scale } }`. */
  configure: (patch: Partial<PlotSettings>): PlotSettings => configurePlots(patch),
};

/**
 * Runs `start` (an async run taking an `onProgress`) with a live chart when a display is
 * available (a running Jupyter kernel, or a hook installed with `setDisplayHook`), ending with
 * the interactive chart the result's own display would show (loss curves; for a comparison of a
 * 2-variable objective also the trajectories over its contours), after which the result
 * displays without repeating it. `optimizeAsync` / `compareAsync` call it:
 * `withLiveChart(opts, (onProgress) => runAsync(problem, t, { ...opts, onProgress }))`.
 * The user's own `onProgress` still runs. On abort (a DslError carrying `detail.run`), the
 * chart ends with the partial run and the error goes on.
 *
 * @param opts `{ live?: boolean | LiveChartOptions, onProgress?, steps? }`: `live` defaults to
 *   true, which shows a chart only where a display is available; false never does.
 * @param start starts the work with the progress callback to use.
 */
export async function withLiveChart<T extends object>(
  opts: { live?: boolean | LiveChartOptions; onProgress?: (run: never) => void; steps?: number; title?: string },
  start: (onProgress: (run: RunSeries) => void) => Promise<T>,
): Promise<T> {
  const user = opts.onProgress as ((run: RunSeries) => void) | undefined;
  if (opts.live === false || !liveDisplayAvailable()) return start((r) => user?.(r));
  const chart = new LiveChart({
    ...(typeof opts.steps === "number" ? { totalSteps: opts.steps } : {}),
    ...(opts.title ? { title: opts.title } : {}),
    ...(typeof opts.live === "object" ? opts.live : {}),
  });
  const onProgress = (r: RunSeries) => {
    chart.progress(r);
    user?.(r);
  };
  try {
    const result = await start(onProgress);
    await chart.finish(resultChart(result), result);
    return result;
  } catch (e) {
    const partial = (e as { detail?: { run?: unknown } })?.detail?.run;
    if (partial) await chart.finish(lossCurves(runsOf(partial, "live chart"), { title: "Loss (aborted)" })).catch(() => undefined);
    throw e;
  }
}

/**
 * Charts as the default display of result objects: the renderers of the display registry
 * (src/display), registered when this module loads, so `import "optlab"` (and the kernel's
 * prelude) shows a run's loss curves, a comparison's loss curves and trajectories, a schedule's
 * lr curve, a failing gradient check's V curve and a theory result's eigenvalues. The engine's
 * classes ask for them with `renderWith(kind, ...)`; without this module they show text and tables.
 */
registerRenderer("run", runDisplay);
registerRenderer("comparison", runDisplay);
registerRenderer("schedule", scheduleDisplay);
registerRenderer("gradcheck", gradcheckDisplay);
registerRenderer<Theory>("theory", (t, own) => attach(own, spectrumOf(t, {})));
