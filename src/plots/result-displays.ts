/**
 * One-line hooks for the owners of result classes: each takes the object and the bundle it
 * already makes (text, table) and returns that bundle with its chart added. Synchronous while
 * static images are off (the default), a promise when they are on.
 *
 * @example
 * // in Run (src/optim/run-record.ts)
 * [DISPLAY]() { return runDisplay(this, { "text/plain": text, "text/html": table }); }
 */
import type { MimeBundle } from "../display/index.js";
import { plotSettings, withChart, withChartSync } from "./bundle.js";
import { gradcheckCurve, type FdScheme } from "./gradcheck.js";
import { wasShownLive } from "./live.js";
import { lossCurves } from "./loss.js";
import { runsOf } from "./runs.js";
import { scheduleChart } from "./schedule.js";
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
  return attach(own, lossCurves(runsOf(result, "display")));
}

/** A schedule's display: its text and its chart over `values()` (and `.momentum` when it cycles one). */
export function scheduleDisplay(schedule: { (step: number): number; values(n?: number): number[]; momentum?: { values(n?: number): number[] } }, own: MimeBundle): MimeBundle | Promise<MimeBundle> {
  const lrs = schedule.values();
  const momentum = schedule.momentum?.values(lrs.length);
  return attach(own, scheduleChart([{ name: String(schedule), lrs, ...(momentum ? { momentum } : {}) }]));
}

/**
 * A gradient-check report's display with the V curve of its failing coordinates, when it did not
 * pass (the curve costs about 150 evaluations of f per coordinate, so a passing check shows none).
 *
 * @param report a report with `verdict` and `vcurve()` (as `GradcheckReport`).
 * @param own the report's own bundle.
 */
export function gradcheckDisplay(
  report: { verdict: string; vcurve(): { h: number[]; series: { name: string; method: FdScheme; error: number[] }[] } },
  own: MimeBundle,
): MimeBundle | Promise<MimeBundle> {
  if (report.verdict === "pass") return own;
  const v = report.vcurve();
  return attach(own, gradcheckCurve({ hs: v.h, curves: v.series.map((s) => ({ name: s.name, method: s.method, values: s.error })) }));
}

function attach(own: MimeBundle, fig: FigureSpec): MimeBundle | Promise<MimeBundle> {
  return plotSettings().staticImage === false ? withChartSync(own, fig) : withChart(own, fig);
}
