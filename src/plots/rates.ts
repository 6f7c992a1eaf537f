/**
 * Measured convergence against theoretical linear rates on a log scale: a run's error e_t
 * (f(x_t) − f* or ‖x_t − x*‖) next to the bound e_0·ρ^t of each rate ρ, e.g. 1 − μ/L for
 * gradient descent with step 1/L on an L-smooth μ-strongly convex function.
 */
import { DslError, describe } from "../errors/index.js";
import { MAX_POINTS, decimate, escapeTemplate, fmt, pick, stepAxis } from "./data.js";
import { Figure } from "./figure.js";
import { colorOf } from "./palette.js";
import { axis, baseLayout, defaultConfig } from "./style.js";
import type { Series, Trace } from "./types.js";

/** A run's error sequence. */
export interface ErrorSeries {
  /** Legend name of the run. */
  name: string;
  /** e_t for t = 0, 1, ... (f(x_t) − f* or ‖x_t − x*‖); values ≤ 0 are not drawn. */
  values: Series;
  /** The run's measured rate (e.g. from the optimizer theory helpers), shown in the legend. */
  rate?: number;
}

/** A theoretical rate ρ per step. */
export interface TheoryRate {
  /** How the rate reads, e.g. "1 − μ/L" or "(κ−1)/(κ+1)". */
  name: string;
  /** ρ in (0, 1]: the bound is e_t ≤ c · e_0 · ρ^t. */
  rate: number;
  /** Run whose e_0 anchors the line (default: the first run). */
  run?: string;
  /** Constant c of the bound (default 1). */
  c?: number;
}

export interface RatesOptions {
  title?: string;
  /** What the values are: "f" (f(x_t) − f*, default) or "x" (‖x_t − x*‖); sets the axis title. */
  measure?: "f" | "x";
  /** At most this many points per curve (default 600). */
  maxPoints?: number;
  /** Height in px (default 420, taller with many curves: the legend under the chart takes a row per one or two curves). */
  height?: number;
}

const DASHES = ["dash", "dot", "dashdot", "longdash", "longdashdot"];

/**
 * Measured error curves with theoretical rate lines e_0·ρ^t, log y.
 *
 * @param runs measured error sequences.
 * @param theory rates to compare with (each drawn dashed from its run's e_0).
 * @param o options; see `RatesOptions`.
 * @example
 * convergenceRates([{ name: "gd 1/L", values: [1, 0.5, 0.25], rate: 0.5 }], [{ name: "1 − μ/L", rate: 0.5 }]);
 */
export function convergenceRates(runs: readonly ErrorSeries[], theory: readonly TheoryRate[], o: RatesOptions = {}): Figure {
  if (runs.length === 0) throw new DslError("bad-argument", "plot.rates: expected at least one run", { path: "plot.rates" });
  const data: Trace[] = [];
  let floor = Infinity, steps = 0;
  for (const r of runs) {
    const idx = decimate(r.values.length, r.values, o.maxPoints ?? MAX_POINTS);
    const y = pick(r.values, idx, true);
    for (const v of y) if (v !== null && v < floor) floor = v;
    steps = Math.max(steps, r.values.length - 1);
    const color = colorOf(r.name);
    data.push({
      type: "scatter", mode: r.values.length <= 60 ? "lines+markers" : "lines",
      name: r.rate !== undefined ? `${r.name} (measured ρ ≈ ${fmt(r.rate)})` : r.name, legendgroup: r.name,
      ...stepAxis(idx), y, line: { color, width: 2.5 }, marker: { color, size: 5 },
      hovertemplate: `${escapeTemplate(r.name)}<br>step %{x}<br>e = %{y:.6g}<extra></extra>`,
    });
  }
  theory.forEach((th, k) => {
    if (!(th.rate > 0 && th.rate <= 1)) {
      throw new DslError("bad-argument", `plot.rates: rate "${th.name}" must be in (0, 1], got ${describe(th.rate)}`, { path: `plot.rates.theory[${k}]` });
    }
    const anchor = th.run === undefined ? runs[0]! : runs.find((r) => r.name === th.run);
    if (!anchor) throw new DslError("bad-argument", `plot.rates: rate "${th.name}" names run "${th.run}", which is not among ${runs.map((r) => r.name).join(", ")}`, { path: `plot.rates.theory[${k}].run` });
    const e0 = (th.c ?? 1) * anchor.values[0]!;
    if (!(e0 > 0)) return;
    // A straight line on a log axis: two ends suffice; stop where it falls far below the data.
    const lowest = Number.isFinite(floor) ? floor * 1e-2 : e0 * 1e-16;
    const tEnd = th.rate < 1 ? Math.min(steps, Math.log(lowest / e0) / Math.log(th.rate)) : steps;
    data.push({
      type: "scatter", mode: "lines", name: `theory ${th.name}: ρ = ${fmt(th.rate)}`,
      x: [0, tEnd], y: [e0, e0 * th.rate ** tEnd],
      line: { color: runs.length === 1 ? "#333" : colorOf(anchor.name), width: 1.5, dash: DASHES[k % DASHES.length] },
      hovertemplate: `${escapeTemplate(th.name)}: e₀·ρ^t<br>t = %{x:.0f}<br>%{y:.3g}<extra></extra>`,
    });
  });
  const yTitle = o.measure === "x" ? "‖x_t − x*‖" : "f(x_t) − f*";
  const layout = baseLayout(o.title ?? "Measured convergence vs theoretical rates", {
    height: o.height ?? Math.max(420, 300 + 28 * data.length),
    xaxis: axis("step t (iterations)"),
    yaxis: axis(yTitle, { type: "log" }),
  });
  const parts = [...runs.map((r) => (r.rate !== undefined ? `${r.name} ρ≈${fmt(r.rate)}` : r.name)), ...theory.map((t) => `${t.name} ρ=${fmt(t.rate)}`)];
  return new Figure({ data, layout, config: defaultConfig() }, `convergence vs theory: ${parts.join(", ")}`);
}
