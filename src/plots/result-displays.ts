/**
 * The charts of result objects, as display renderers: each takes the object and the bundle it
 * already makes (text, table) and returns that bundle with its chart added. Synchronous while
 * static images are off (the default), a promise when they are on. dsl/plot.ts registers them
 * in the display registry (src/display's `registerRenderer`), from which `Run`, `Comparison`,
 * schedules and gradient-check reports ask for them (`renderWith`), so the engine never
 * imports this folder.
 *
 * @example
 * registerRenderer("run", runDisplay);
 * // in Run (src/optim/run-record.ts):
 * [DISPLAY]() { return renderWith("run", this, { "text/plain": text, "text/html": table }); }
 */
import type { MimeBundle } from "../display/index.js";
import type { Problem } from "../problem/index.js";
import { plotSettings, withChart, withChartSync } from "./bundle.js";
import { sideBySide } from "./compose.js";
import type { Figure } from "./figure.js";
import { gradcheckCurve, type FdScheme } from "./gradcheck.js";
import { landscape } from "./landscape.js";
import { wasShownLive } from "./live.js";
import { lossCurves, type RunSeries } from "./loss.js";
import { runsOf } from "./runs.js";
import { scheduleChart } from "./schedule.js";
import { note } from "./style.js";
import type { FigureSpec } from "./types.js";

/**
 * A run's or a comparison's bundle with its loss chart (loss, gradient norm, lr panels). When a
 * live chart already ended with this run's interactive chart, the bundle is returned as is.
 *
 * @param result a `Run` or a `Comparison` (read by shape: `losses`, or `names` and `runs`).
 * @param own the object's own bundle (`text/plain`, optionally `text/html`).
 */
export function runDisplay(result: object, own: MimeBundle): MimeBundle | Promise<MimeBundle> {
  if (wasShownLive(result)) return own;
  return attach(own, resultChart(result));
}

/**
 * The chart of a run or a comparison: loss curves (with gradient-norm and varying-lr panels);
 * for a comparison whose `objective` has two variables, the trajectories over its contours on the
 * left and the loss curves on the right.
 *
 * @param result a `Run`, or a `Comparison` (`names`, `runs`, optional `objective`).
 */
export function resultChart(result: object): Figure {
  const runs = runsOf(result, "display");
  const loss = lossCurves(runs);
  const objective = (result as { objective?: unknown }).objective;
  if (!Array.isArray((result as { names?: unknown }).names) || !isProblem(objective) || objective.n !== 2) return loss;
  const land = trajectories(objective, runs);
  if (typeof land === "string") {
    // say why the trajectories are missing (the loss curves still show)
    const notes = (loss.layout.annotations as unknown[] | undefined) ?? [];
    return loss.withLayout({ annotations: [...notes, { ...note(land), y: 1, yshift: 20 }] });
  }
  const src = (objective as { source?: unknown }).source;
  const of = typeof src === "string" && src.length <= 60 ? ` on f = ${src}` : "";
  return sideBySide(land, loss, { title: `Comparison of ${runs.length} run${runs.length === 1 ? "" : "s"}${of}`, summary: `${land.summary}; ${loss.summary}` });
}

/** Rows × grid points a display may spend on the contours of a data-backed objective. */
const CONTOUR_BUDGET = 4e6;
/** Milliseconds of evaluations of f a display may spend on contours (a user's model may be slow). */
const EVAL_BUDGET_MS = 300;

/**
 * Contours of a 2-variable objective with the runs' paths, or why not (a one-line note): f not
 * finite on the view, a user f that throws, or f so costly (a data-backed objective with many
 * rows, a slow hand-written model) that even a 30×30 grid passes `CONTOUR_BUDGET` row
 * evaluations or `EVAL_BUDGET_MS`. `plot.contour(f, runs)` draws them on request.
 */
function trajectories(f: Problem, runs: readonly RunSeries[]): Figure | string {
  const paths = runs.filter((r) => r.xs && r.xs.length > 0).map((r) => ({ name: r.name, xs: r.xs!, ...(r.status ? { status: r.status } : {}) }));
  if (paths.length === 0 && runs.length > 0) return `no trajectories: the runs kept only their start and final point (trajectory: "final"); run them with trajectory: "all" to draw their paths`;
  const rows = f.data?.samples ?? 1;
  let resolution = Math.min(80, Math.floor(Math.sqrt(CONTOUR_BUDGET / rows)));
  if (resolution < 30) return `no contours: ${rows} data rows are too many to evaluate on a grid here (plot.contour(f, runs) draws them)`;
  try {
    const ms = paths.length ? evaluationCost(f, paths[0]!.xs[0]!) : 0;
    resolution = Math.min(resolution, Math.floor(Math.sqrt(EVAL_BUDGET_MS / Math.max(ms, 1e-9))));
    if (resolution < 30) return `no contours: f takes ${ms.toPrecision(2)} ms per evaluation, too slow for a grid here (plot.contour(f, runs) draws them)`;
    return landscape(f, { paths, resolution, title: "Trajectories over the contours of f" });
  } catch (e) {
    return `no contours: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`;
  }
}

/**
 * Milliseconds per evaluation of f at `x`: a warm-up, then the fastest of up to 5 timed calls (or
 * as many as fit in 20 ms). The fastest, not the mean: on a busy machine a call that the OS
 * preempted would make a fast f look slow, and the chart would flip to "no contours".
 */
function evaluationCost(f: Problem, x: ArrayLike<number>): number {
  const p = Float64Array.from(x);
  f.valueAt(p);
  const t0 = performance.now();
  let best = Infinity;
  for (let n = 0; n < 5 && (n === 0 || performance.now() - t0 < 20); n++) {
    const t = performance.now();
    f.valueAt(p);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

function isProblem(p: unknown): p is Problem {
  return !!p && typeof p === "object" && typeof (p as Problem).valueAt === "function" && typeof (p as Problem).n === "number" && Array.isArray((p as Problem).names);
}

/** A schedule's display: its text and its chart over `values()` (and `.momentum` when it cycles one). */
export function scheduleDisplay(schedule: { (step: number): number; values(n?: number): number[]; momentum?: { values(n?: number): number[] } }, own: MimeBundle): MimeBundle | Promise<MimeBundle> {
  const lrs = schedule.values();
  const momentum = schedule.momentum?.values(lrs.length);
  // A decay over more than three decades reads better on a log axis.
  let lo = Infinity, hi = -Infinity;
  for (const v of lrs) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const yScale = lo > 0 && hi / lo > 1e3 ? "log" : "linear";
  return attach(own, scheduleChart([{ name: String(schedule), lrs, ...(momentum ? { momentum } : {}) }], { yScale }));
}

/**
 * A gradient-check report's display with the V curve of its failing coordinates, when it did not
 * pass (the curve costs about 150 evaluations of f per coordinate, so a passing check shows none).
 *
 * @param report a report with `verdict` and `vcurve()` (as `GradcheckReport`).
 * @param own the report's own bundle.
 */
export function gradcheckDisplay(
  report: { verdict: string; vcurve(): { h: number[]; referenceValues?: number[]; series: { name: string; method: FdScheme; error: number[] }[] } },
  own: MimeBundle,
): MimeBundle | Promise<MimeBundle> {
  if (report.verdict === "pass") return own;
  const v = report.vcurve();
  // the derivatives' size places a correct gradient's V under a wrong one's flat error
  const refs = (v.referenceValues ?? []).map(Math.abs).filter((r) => Number.isFinite(r) && r > 0);
  const scale = refs.length ? Math.max(...refs) : 1;
  return attach(own, gradcheckCurve({ hs: v.h, scale, curves: v.series.map((s) => ({ name: s.name, method: s.method, values: s.error })) }));
}

/**
 * `own` with `fig` added (plotly JSON, the chart's HTML after own's, a PNG when static images are
 * on): synchronous while static images are off.
 */
export function attach(own: MimeBundle, fig: FigureSpec): MimeBundle | Promise<MimeBundle> {
  return plotSettings().staticImage === false ? withChartSync(own, fig) : withChart(own, fig);
}
