/**
 * Loss curves of one or many runs, with optional panels underneath sharing the step axis:
 * distance to the optimum ‖x_t − x*‖, gradient norm ‖∇f(x_t)‖ and learning rate η_t.
 */
import { DslError, describe } from "../errors/index.js";
import { MAX_POINTS, decimate, distinctFormat, escapeTemplate, extent, flatOf, fmt, lineShape, pick, stepAxis } from "./data.js";
import { Figure } from "./figure.js";
import { colorOf } from "./palette.js";
import { axis, axisSuffix, baseLayout, defaultConfig, legendAllowance, note, sharedName, stackDomains } from "./style.js";
import type { Layout, Points, Series, Trace } from "./types.js";

/** One run as plain data (a `Run` of `optimize` has these fields). */
export interface RunSeries {
  /** Legend name: the optimizer and its hyperparameters, e.g. `"adam (lr=0.01)"`. */
  name: string;
  /** f(x_t) for t = 0..steps (steps+1 values). */
  losses: Series;
  /** ‖∇f(x_t)‖ per step (any length; drawn against its own index). */
  gradNorms?: Series;
  /** Learning rate used by step t (t = 0..steps−1). */
  lrs?: Series;
  /** The points x_t (needed for the distance panel). */
  xs?: Points;
  /** `"converged" | "max-steps" | "diverged"`; a diverged run gets an ✕ where it blew up. */
  status?: string;
  /** The optimizer's options (legend names and matching runs to theory use them). */
  hyperparameters?: Readonly<Record<string, unknown>>;
  /** What the run shares with every other run of the chart (the legend's title), e.g. `"adam (lr=0.01)"` for runs from several starts. */
  group?: string;
}

/** The panels a loss chart can show under the loss. */
export type LossPanel = "distance" | "gradNorm" | "lr";

export interface LossCurveOptions {
  /** Chart title (default "Loss" or "Suboptimality f − f*"). */
  title?: string;
  /** Scale of the loss axis: "auto" (default: log when every value is positive), "log", "linear". */
  yScale?: "auto" | "log" | "linear";
  /** The optimal value f*: the main panel then shows f(x_t) − f* (log scale). */
  fStar?: number;
  /** The minimizer x*: adds the panel ‖x_t − x*‖ (runs need `xs`). */
  xStar?: ArrayLike<number>;
  /**
   * Panels under the loss (default: `distance` when `xStar` is given, `gradNorm` when any run has
   * gradient norms, `lr` when some run's learning rate changes over the steps).
   */
  panels?: LossPanel[];
  /** At most this many points per curve (default 600; min/max decimation beyond, and the chart says so). */
  maxPoints?: number;
  /** Height in pixels (default grows with the number of panels). */
  height?: number;
  /**
   * Log step axis (default false): a 5-step run beside a 1312-step run takes a quarter of the
   * width instead of a sliver. Step 0 has no place on a log axis and is left out (the chart says so).
   */
  logX?: boolean;
  /** Only steps `from` to `to` (inclusive, whole numbers, 0 ≤ from < to) are drawn; the step numbers stay. */
  steps?: readonly [number, number];
}

interface Panel {
  kind: "loss" | LossPanel;
  title: string;
  values: (run: RunSeries) => Series | undefined;
  scale: "log" | "linear";
}

/**
 * Loss curves of one or many runs (log scale by default), each run in its colour from the shared
 * palette, with gradient-norm / learning-rate / distance panels sharing the step axis.
 *
 * @param runs the runs (at least one).
 * @param o options; see `LossCurveOptions`.
 * @example
 * lossCurves([{ name: "gd (lr=0.1)", losses: [1, 0.5, 0.25], gradNorms: [2, 1, 0.5] }]);
 */
export function lossCurves(runs: readonly RunSeries[], o: LossCurveOptions = {}): Figure {
  if (runs.length === 0) throw new DslError("bad-argument", "plot.loss: expected at least one run, got none", { path: "plot.loss" });
  const maxPoints = o.maxPoints ?? MAX_POINTS;
  const window = stepWindow(o);
  const gapMode = o.fStar !== undefined;
  const mainValues = gapMode ? runs.map((r) => gap(r.losses, o.fStar!)) : runs.map((r) => r.losses);
  const notes: string[] = [];
  if (gapMode && mainValues.some((v) => Array.from(v).some((x) => x < 0))) {
    notes.push(`f < f* = ${fmt(o.fStar!)} at some steps: those points are not drawn`);
  }
  const mainScale = o.yScale === "log" || o.yScale === "linear" ? o.yScale
    : gapMode || logFriendly(mainValues) ? "log" : "linear";
  const panels: Panel[] = [{
    kind: "loss",
    title: gapMode ? "f(x) − f*" : "loss f(x)",
    values: (r) => mainValues[runs.indexOf(r)],
    scale: mainScale,
  }];
  for (const kind of o.panels ?? defaultPanels(runs, o)) panels.push(panelFor(kind, runs, o));

  const domains = stackDomains(panels.length);
  const shared = sharedName(runs.map((r) => r.group));
  const layout: Layout = baseLayout(o.title ?? `${gapMode ? "Suboptimality f(x) − f*" : "Loss"}${shared ? `: ${shared}, ${runs.length} starts` : ""}`, {
    height: o.height ?? 380 + 150 * (panels.length - 1) + legendAllowance(runs.map((r) => r.name)),
  });
  const data: Trace[] = [];
  let decimated = 0;
  for (const run of runs) {
    const color = colorOf(run.name);
    const label = run.status === "diverged" ? `${run.name} (diverged)` : run.name;
    const idx = windowed(run.losses, window, maxPoints);
    const shown = Math.max(0, Math.min(window[1], run.losses.length - 1) - window[0] + 1);
    if (idx.length < shown) decimated = Math.max(decimated, shown);
    panels.forEach((p, i) => {
      const values = p.values(run);
      if (!values || values.length === 0) return;
      const ix = values.length === run.losses.length ? idx : windowed(values, window, maxPoints);
      data.push(line(run, label, color, i, ix, pick(values, ix, p.scale === "log"), p));
    });
    if (run.status === "diverged") {
      const mark = divergenceMark(run, color, mainValues[runs.indexOf(run)]!);
      const at = (mark.x as number[])[0];
      if (at !== undefined && at >= window[0] && at <= window[1]) data.push(mark);
    }
  }
  panels.forEach((p, i) => {
    const s = axisSuffix(i), bottom = i === panels.length - 1;
    layout[`yaxis${s}`] = axis(p.title, { type: p.scale, domain: domains[i], anchor: `x${s}`, ...(i > 0 ? { nticks: 4 } : {}) });
    layout[`xaxis${s}`] = axis(bottom ? "step t (iterations)" : "", {
      anchor: `y${s}`, matches: i === 0 ? undefined : "x", showTickLabels: bottom, ...(o.logX ? { type: "log" as const } : {}),
    });
  });
  if (o.logX && (o.steps?.[0] ?? 0) === 0) notes.push("log step axis: step 0 is not drawn");
  if (decimated > 0) notes.push(`long runs drawn with ${maxPoints} of ${decimated} points (min/max per bucket kept)`);
  if (notes.length > 0) layout.annotations = [note(notes.join("; "))];
  return new Figure({ data, layout, config: defaultConfig() }, summarize(runs, gapMode));
}

/** The steps drawn, [from, to] (inclusive), from `o.steps` (checked) and `o.logX` (no step 0). */
function stepWindow(o: LossCurveOptions): [number, number] {
  let from = 0, to = Infinity;
  if (o.steps !== undefined) {
    const w = o.steps as unknown;
    if (!Array.isArray(w) || w.length !== 2 || !w.every((v) => Number.isInteger(v) && v >= 0) || !(w[0] < w[1])) {
      throw new DslError("bad-option", `plot.loss: steps must be [from, to] with whole numbers 0 ≤ from < to, got ${describe(o.steps)}`, { path: "plot.loss.steps" });
    }
    [from, to] = w as [number, number];
  }
  return [o.logX ? Math.max(1, from) : from, to];
}

/** The indices of `values` to draw: those in the window, decimated to `maxPoints`. */
function windowed(values: Series, window: readonly [number, number], maxPoints: number): number[] {
  const [from, to] = window;
  const end = Math.min(values.length - 1, to);
  if (from === 0 && end === values.length - 1) return decimate(values.length, values, maxPoints);
  if (end < from) return [];
  const part = ArrayBuffer.isView(values) ? (values as Float64Array).subarray(from, end + 1) : Array.prototype.slice.call(values, from, end + 1) as number[];
  return decimate(part.length, part, maxPoints).map((i) => i + from);
}

function defaultPanels(runs: readonly RunSeries[], o: LossCurveOptions): LossPanel[] {
  const out: LossPanel[] = [];
  if (o.xStar) out.push("distance");
  if (runs.some((r) => r.gradNorms && r.gradNorms.length > 0)) out.push("gradNorm");
  if (runs.some((r) => r.lrs && varies(r.lrs))) out.push("lr");
  return out;
}

function panelFor(kind: LossPanel, runs: readonly RunSeries[], o: LossCurveOptions): Panel {
  if (kind === "gradNorm") {
    const values = (r: RunSeries) => r.gradNorms;
    return { kind, title: "‖∇f(x)‖", values, scale: logFriendly(present(runs.map(values))) ? "log" : "linear" };
  }
  if (kind === "lr") {
    const values = (r: RunSeries) => r.lrs;
    const e = extent(present(runs.map(values)));
    const scale = e && e[0] > 0 && e[1] / e[0] > 20 ? "log" : "linear";
    return { kind, title: "learning rate η", values, scale };
  }
  const xStar = o.xStar;
  if (!xStar) throw new DslError("bad-option", "plot.loss: the distance panel needs xStar (the minimizer x*)", { path: "plot.loss.xStar" });
  const cache = new Map<RunSeries, Series>();
  const values = (r: RunSeries) => {
    if (!r.xs) return undefined;
    if (!cache.has(r)) cache.set(r, distances(r.xs, xStar));
    return cache.get(r);
  };
  if (!runs.some((r) => r.xs)) throw new DslError("bad-option", "plot.loss: the distance panel needs runs with their points xs (runs made with trajectory: \"final\" keep only their start and final point: run them with trajectory: \"all\", the default)", { path: "plot.loss.panels" });
  return { kind, title: "‖x − x*‖", values, scale: "log" };
}

function line(run: RunSeries, label: string, color: string, panel: number, idx: number[], y: (number | null)[], p: Panel): Trace {
  const s = axisSuffix(panel);
  const short = idx.length <= 60;
  return {
    type: "scatter",
    mode: short ? "lines+markers" : "lines",
    name: label,
    legendgroup: run.name,
    showlegend: panel === 0,
    ...stepAxis(idx),
    y,
    xaxis: `x${s}`,
    yaxis: `y${s}`,
    line: { color, width: panel === 0 ? 2 : 1.5, ...(p.kind === "lr" ? { shape: lineShape(y.filter((v): v is number => v !== null)) } : {}) },
    marker: { color, size: 5 },
    hovertemplate: `${escapeTemplate(run.name)}<br>step %{x}<br>${p.title} = %{y:.6g}<extra></extra>`,
  };
}

function divergenceMark(run: RunSeries, color: string, values: Series): Trace {
  let last = -1;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!) && values[i]! > 0) last = i;
  return {
    type: "scatter", mode: "markers", name: `${run.name}: diverged`, legendgroup: run.name, showlegend: false,
    x: last >= 0 ? [last] : [], y: last >= 0 ? [values[last]!] : [],
    marker: { symbol: "x", size: 12, color, line: { width: 2, color } },
    hovertemplate: `${escapeTemplate(run.name)} diverged after step %{x}<extra></extra>`,
  };
}

function gap(losses: Series, fStar: number): Float64Array {
  // Values within rounding of f* are "reached" (0): drawn nowhere on a log axis, which is right.
  const out = new Float64Array(losses.length);
  const tiny = 4 * Number.EPSILON * Math.max(1, Math.abs(fStar));
  for (let i = 0; i < losses.length; i++) {
    const d = losses[i]! - fStar;
    out[i] = Math.abs(d) <= tiny ? 0 : d;
  }
  return out;
}

function distances(xs: Points, xStar: ArrayLike<number>): Float64Array {
  const flat = flatOf(xs);
  if (flat) {
    // A Run's points (runSeries): one pass over its flat trajectory, no point objects.
    const { data, n } = flat;
    if (n !== xStar.length) {
      throw new DslError("bad-option", `plot.loss: xStar has ${xStar.length} coordinates but the run's points have ${n}`, { path: "plot.loss.xStar" });
    }
    const out = new Float64Array(xs.length);
    for (let t = 0; t < out.length; t++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (data[t * n + i]! - xStar[i]!) ** 2;
      out[t] = Math.sqrt(s);
    }
    return out;
  }
  const out = new Float64Array(xs.length);
  for (let t = 0; t < xs.length; t++) {
    const x = xs[t]!;
    if (x.length !== xStar.length) {
      throw new DslError("bad-option", `plot.loss: xStar has ${xStar.length} coordinates but the run's points have ${x.length}`, { path: "plot.loss.xStar" });
    }
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (x[i]! - xStar[i]!) ** 2;
    out[t] = Math.sqrt(s);
  }
  return out;
}

/**
 * Log scale suits series that are ≥ 0 with some positive value: exact zeros (a run that reached
 * the minimum exactly, as Newton does) are simply not drawn; a negative value means linear.
 */
function logFriendly(series: readonly Series[]): boolean {
  let positive = false;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (v < 0) return false;
      if (v > 0 && Number.isFinite(v)) positive = true;
    }
  }
  return positive;
}

/** True when the finite values of `s` are not all equal (NaN = "no learning rate" is ignored). */
function varies(s: Series): boolean {
  let first: number | undefined;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (!Number.isFinite(v)) continue;
    if (first === undefined) first = v;
    else if (v !== first) return true;
  }
  return false;
}

function present(list: (Series | undefined)[]): Series[] {
  return list.filter((s): s is Series => s !== undefined && s.length > 0);
}

function summarize(runs: readonly RunSeries[], gapMode: boolean): string {
  const steps = Math.max(...runs.map((r) => r.losses.length)) - 1;
  const lasts = runs.map((r) => (r.losses.length > 0 ? r.losses[r.losses.length - 1]! : NaN));
  // the shared number format, with the digits that tell the runs' final losses apart
  const f = distinctFormat(lasts);
  const parts = runs.slice(0, 4).map((r, i) => `${r.name} → ${f(lasts[i]!)}${r.status ? ` (${r.status})` : ""}`);
  if (runs.length > 4) parts.push(`… ${runs.length - 4} more`);
  const what = gapMode ? "suboptimality" : "loss";
  return `${what} curves of ${runs.length} run${runs.length === 1 ? "" : "s"} over ${steps} step${steps === 1 ? "" : "s"}: ${parts.join(", ")}`;
}
