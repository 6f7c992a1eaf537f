/**
 * Learning-rate schedules over steps (piecewise constant per step), with a momentum panel for
 * schedules that also cycle momentum (one-cycle).
 */
import { DslError } from "../errors/index.js";
import { decimate, escapeTemplate, fmt, lineShape, pick, stepAxis } from "./data.js";
import { Figure } from "./figure.js";
import { colorOf } from "./palette.js";
import { axis, baseLayout, defaultConfig, stackDomains } from "./style.js";
import type { Layout, Series, Trace } from "./types.js";

/** One schedule's values: `lrs[t]` is the lr after t optimizer steps. */
export interface LrSeries {
  /** Legend name, e.g. `"cosine(lr=0.1, tMax=100)"`. */
  name: string;
  lrs: Series;
  /** Cycled momentum / β₁ per step, when the schedule has one. */
  momentum?: Series;
}

export interface ScheduleOptions {
  title?: string;
  /** "linear" (default) or "log". */
  yScale?: "log" | "linear";
}

/**
 * Learning rate against step for one or more schedules.
 *
 * @param series the schedules' values.
 * @param o options; see `ScheduleOptions`.
 * @example
 * scheduleChart([{ name: "step(lr=0.1, stepSize=10, gamma=0.5)", lrs: [0.1, 0.1, 0.05] }]);
 */
export function scheduleChart(series: readonly LrSeries[], o: ScheduleOptions = {}): Figure {
  if (series.length === 0 || series.some((s) => s.lrs.length === 0)) {
    throw new DslError("bad-argument", "plot.schedule: expected at least one schedule with at least one step", { path: "plot.schedule" });
  }
  const log = o.yScale === "log";
  const withMomentum = series.some((s) => s.momentum && s.momentum.length > 0);
  const [top, bottom] = withMomentum ? stackDomains(2, 0.62, 0.1) : [[0, 1] as [number, number]];
  const data: Trace[] = [];
  for (const s of series) {
    const color = colorOf(s.name);
    const steps = decimate(s.lrs.length, s.lrs);
    data.push({
      type: "scatter", mode: s.lrs.length <= 60 ? "lines+markers" : "lines", name: s.name, legendgroup: s.name,
      ...stepAxis(steps), y: pick(s.lrs, steps, log), line: { color, width: 2, shape: lineShape(s.lrs) }, marker: { color, size: 4 },
      hovertemplate: `${escapeTemplate(s.name)}<br>step %{x}<br>lr = %{y:.6g}<extra></extra>`,
    });
    if (withMomentum && s.momentum && s.momentum.length > 0) {
      const ms = decimate(s.momentum.length, s.momentum);
      data.push({
        type: "scatter", mode: "lines", name: `${s.name}: momentum`, legendgroup: s.name, showlegend: false, xaxis: "x2", yaxis: "y2",
        ...stepAxis(ms), y: pick(s.momentum, ms), line: { color, width: 1.5, shape: lineShape(s.momentum), dash: "dot" },
        hovertemplate: `${escapeTemplate(s.name)}<br>step %{x}<br>momentum = %{y:.4g}<extra></extra>`,
      });
    }
  }
  const layout: Layout = baseLayout(o.title ?? (series.length === 1 ? `Schedule ${series[0]!.name}` : "Learning-rate schedules"), {
    height: withMomentum ? 460 : 360,
    xaxis: axis(withMomentum ? "" : "step t (optimizer steps taken)", { anchor: "y", showTickLabels: !withMomentum }),
    yaxis: axis("learning rate η", { type: log ? "log" : "linear", domain: top }),
  });
  if (withMomentum) {
    layout.xaxis2 = axis("step t (optimizer steps taken)", { anchor: "y2", matches: "x" });
    layout.yaxis2 = axis("momentum / β₁", { domain: bottom, anchor: "x2" });
  }
  const parts = series.map((s) => `${s.name}: ${rangeSummary(s.lrs)}`);
  return new Figure({ data, layout, config: defaultConfig() }, `lr schedule${series.length === 1 ? "" : "s"} ${parts.join("; ")}`);
}

/**
 * `0.1 → 0 over 100 steps`, and for values that do not move one way (a cosine past its period, a
 * cycle, a warm-up) the range they cover: `0.1 → 0.0999 over 201 steps, between 0 (step 100) and
 * 0.1`, never only the two ends, which would read as "nearly constant".
 */
export function rangeSummary(v: Series): string {
  const n = v.length;
  let lo = 0, hi = 0, up = false, down = false;
  for (let i = 1; i < n; i++) {
    if (v[i]! < v[lo]!) lo = i;
    if (v[i]! > v[hi]!) hi = i;
    if (v[i]! > v[i - 1]!) up = true;
    if (v[i]! < v[i - 1]!) down = true;
  }
  const text = `${fmt(v[0]!)} → ${fmt(v[n - 1]!)} over ${n} steps`;
  if (!(up && down)) return text;
  const at = (i: number) => (i === 0 || i === n - 1 ? "" : ` (step ${i})`);
  return `${text}, between ${fmt(v[lo]!)}${at(lo)} and ${fmt(v[hi]!)}${at(hi)}`;
}
