/**
 * Per-leaf (per-layer) gradient norms along a run, one line per leaf on a log axis: vanishing
 * gradients show as the first layers' lines lying decades below the last layers', exploding ones
 * as lines shooting up. With several runs, each run gets its own dash pattern and the leaves keep
 * their colors.
 */
import { DslError } from "../errors/index.js";
import { decimate, escapeTemplate, fmt, pick, stepAxis } from "./data.js";
import { Figure } from "./figure.js";
import { PALETTE } from "./palette.js";
import { axis, baseLayout, defaultConfig } from "./style.js";
import type { Trace } from "./types.js";

/** One run's per-leaf gradient norms: `norms[path][k]` = ‖∂L/∂leaf‖ at point k. */
export interface LeafNormSeries {
  name: string;
  norms: Readonly<Record<string, readonly number[]>>;
}

export interface GradNormsOptions {
  title?: string;
}

const DASHES = ["solid", "dash", "dot", "dashdot", "longdash"];

/**
 * Log-y lines of every leaf's gradient norm against the step.
 *
 * @example
 * gradNormsChart([{ name: "sgd", norms: { "[0].W": [1e-3, 2e-3], "[1].W": [0.5, 0.4] } }]);
 */
export function gradNormsChart(series: readonly LeafNormSeries[], o: GradNormsOptions = {}): Figure {
  if (series.length === 0 || series.some((s) => Object.keys(s.norms).length === 0)) {
    throw new DslError("bad-argument", "plot.gradNorms: expected at least one run with per-leaf gradient norms", { path: "plot.gradNorms" });
  }
  const paths = [...new Set(series.flatMap((s) => Object.keys(s.norms)))];
  const data: Trace[] = [];
  series.forEach((s, r) => {
    paths.forEach((path, i) => {
      const v = s.norms[path];
      if (!v || v.length === 0) return;
      const color = PALETTE[i % PALETTE.length]!;
      const idx = decimate(v.length, v);
      const label = series.length > 1 ? `${s.name}: ${path}` : path;
      data.push({
        type: "scatter", mode: v.length <= 60 ? "lines+markers" : "lines", name: label, legendgroup: path,
        ...stepAxis(idx), y: pick(v, idx, true), line: { color, width: 2, dash: DASHES[r % DASHES.length] }, marker: { color, size: 4 },
        hovertemplate: `${escapeTemplate(label)}<br>step %{x}<br>‖∇‖ = %{y:.4g}<extra></extra>`,
      });
    });
  });
  const layout = baseLayout(o.title ?? "Gradient norm per layer", {
    height: 380,
    xaxis: axis("step"),
    yaxis: axis("‖∂L/∂θ‖ per leaf", { type: "log" }),
  });
  const first = series[0]!;
  const ends = paths.filter((p) => first.norms[p]?.length).map((p) => `${p} ${fmt(first.norms[p]![0]!)} → ${fmt(first.norms[p]!.at(-1)!)}`);
  return new Figure({ data, layout, config: defaultConfig() }, `gradient norms per leaf (${first.name}): ${ends.join(", ")}`);
}
