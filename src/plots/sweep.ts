/**
 * Sweep results as heatmaps: a hyperparameter grid (e.g. lr × momentum) coloured by an outcome
 * (final loss, steps to converge) with diverged cells marked; and basins of attraction (which
 * minimum each start point reaches).
 */
import { DslError, describe } from "../errors/index.js";
import { fmt, fmtPoint } from "./data.js";
import { Figure } from "./figure.js";
import { PALETTE } from "./palette.js";
import { axis, baseLayout, defaultConfig } from "./style.js";
import type { Series, Trace } from "./types.js";

/** One axis of a sweep: a hyperparameter and its values. */
export interface SweepAxis {
  /** Name with units where any, e.g. "lr" or "momentum β". */
  name: string;
  values: Series;
}

/** A grid of outcomes: `z[j][i]` belongs to (x.values[i], y.values[j]). */
export interface SweepGrid {
  x: SweepAxis;
  y: SweepAxis;
  z: readonly Series[];
  /** What z is, e.g. "final loss" or "steps to converge". */
  zName: string;
  /**
   * Colour scale of z: "auto" (default: log when no value is negative and the positive ones span
   * > 2 decades; zeros then sit at the bottom of the scale), true or false.
   */
  logZ?: boolean | "auto";
  /**
   * Per-cell status (`status[j][i]`); "diverged" cells are drawn empty with an ✕, other cells
   * without a finite z (e.g. steps to converge of a run that did not) are left empty. Without
   * `status`, non-finite z counts as diverged.
   */
  status?: readonly (readonly string[])[];
}

/**
 * A stability map: outcome per hyperparameter pair, diverged cells marked with ✕.
 *
 * @param g the grid; see `SweepGrid`.
 * @param o `title` to override the default.
 * @example
 * sweepHeatmap({ x: { name: "lr", values: [0.01, 0.1] }, y: { name: "momentum", values: [0, 0.9] },
 *   z: [[0.5, 0.01], [0.1, NaN]], zName: "final loss" });
 */
export function sweepHeatmap(g: SweepGrid, o: { title?: string } = {}): Figure {
  const nx = g.x.values.length, ny = g.y.values.length;
  if (g.z.length !== ny || g.z.some((row) => row.length !== nx)) {
    throw new DslError("bad-argument", `plot.sweep: z must have ${ny} rows (one per ${g.y.name}) of ${nx} values (one per ${g.x.name}), got ${describe(g.z)}`, { path: "plot.sweep.z" });
  }
  const xs = Array.from(g.x.values, fmt), ys = Array.from(g.y.values, fmt);
  const isDiverged = (v: number, j: number, i: number) => (g.status ? g.status[j]?.[i] === "diverged" : !Number.isFinite(v));
  const diverged: [string, string][] = [];
  const finite: number[] = [];
  let empty = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const v = g.z[j]![i]!;
      if (isDiverged(v, j, i)) diverged.push([xs[i]!, ys[j]!]);
      else if (Number.isFinite(v)) finite.push(v);
      else empty++;
    }
  }
  // a loop: 10⁵ cells would overflow Math.min(...finite)
  let lo = Infinity, hi = -Infinity, negative = false;
  for (const v of finite) {
    if (v < 0) negative = true;
    else if (v > 0) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  const logZ = lo <= hi && !negative && (g.logZ === true || (g.logZ !== false && hi / lo > 100));
  // log scale: exact zeros (a run that reached the minimum exactly) sit at the bottom of the scale
  const z = g.z.map((row, j) => Array.from(row, (v, i) => {
    if (!Number.isFinite(v) || isDiverged(v, j, i)) return null;
    return logZ ? Math.log10(v > 0 ? v : lo) : v;
  }));
  const text = g.z.map((row, j) => Array.from(row, (v, i) => (!Number.isFinite(v) || isDiverged(v, j, i) ? "" : fmt(v))));
  const ticks: Record<string, unknown> = {};
  if (logZ && finite.length > 0) {
    const vals: number[] = [];
    const k0 = Math.ceil(Math.log10(lo)), k1 = Math.floor(Math.log10(hi));
    const every = Math.max(1, Math.ceil((k1 - k0 + 1) / 8)); // at most ~8 labelled decades
    for (let k = k0; k <= k1; k += every) vals.push(k);
    Object.assign(ticks, { tickvals: vals, ticktext: vals.map((k) => fmt(10 ** k)) });
  }
  const data: Trace[] = [{
    type: "heatmap", name: g.zName, x: xs, y: ys, z, text, colorscale: "Viridis", reversescale: true, hoverongaps: false,
    colorbar: { title: { text: logZ ? `${g.zName} (log)` : g.zName }, thickness: 14, ...ticks },
    hovertemplate: `${g.x.name} = %{x}<br>${g.y.name} = %{y}<br>${g.zName} = %{text}<extra></extra>`,
  }];
  if (diverged.length > 0) {
    data.push({
      type: "scatter", mode: "markers", name: "diverged", x: diverged.map((d) => d[0]), y: diverged.map((d) => d[1]),
      marker: { symbol: "x-thin", size: 12, color: "#b2182b", line: { width: 2, color: "#b2182b" } },
      hovertemplate: `${g.x.name} = %{x}<br>${g.y.name} = %{y}<br>diverged<extra></extra>`,
    });
  }
  const layout = baseLayout(o.title ?? `${g.zName} over ${g.x.name} × ${g.y.name}`, {
    height: 440,
    plot_bgcolor: "#f1f1f1",
    showlegend: diverged.length > 0,
    xaxis: { ...axis(g.x.name), type: "category", showgrid: false },
    yaxis: { ...axis(g.y.name), type: "category", showgrid: false },
  });
  return new Figure({ data, layout, config: defaultConfig() },
    `sweep heatmap of ${g.zName} over ${nx} ${g.x.name}${ny === 1 && !g.y.name ? "" : ` × ${ny} ${g.y.name}`} values, ${diverged.length} diverged${empty ? `, ${empty} without a value` : ""}`);
}

/** Basins of attraction: which minimum each start point on a grid reaches. */
export interface BasinsGrid {
  /** Start-point coordinates along x and y (uniform grid). */
  x: Series;
  y: Series;
  /** `labels[j][i]`: index into `minima` reached from (x[i], y[j]), or −1 for none (diverged / not converged). */
  labels: readonly Series[];
  /** The minima (points), in label order. */
  minima: readonly ArrayLike<number>[];
  /** Names of the minima (default their coordinates). */
  names?: readonly string[];
  /** Axis names (default "x₀" and "y₀": start coordinates). */
  axisNames?: [string, string];
}

/**
 * Basins of attraction as a categorical heatmap: one colour per minimum reached, grey for
 * starts that reached none, with the minima starred.
 *
 * @param b the grid; see `BasinsGrid`.
 * @param o `title` to override the default.
 * @example
 * basinsMap({ x: [-1, 1], y: [0], labels: [[0, 1]], minima: [[-1, 0], [1, 0]] });
 */
export function basinsMap(b: BasinsGrid, o: { title?: string } = {}): Figure {
  const k = b.minima.length;
  const nx = b.x.length, ny = b.y.length;
  if (b.labels.length !== ny || b.labels.some((r) => r.length !== nx)) {
    throw new DslError("bad-argument", `plot.basins: labels must have ${ny} rows of ${nx} values`, { path: "plot.basins.labels" });
  }
  const names = b.names ?? b.minima.map((m) => fmtPoint(m));
  const colors = ["#bdbdbd", ...Array.from({ length: k }, (_, i) => PALETTE[i % PALETTE.length]!)];
  // Discrete colour scale: category c ∈ {−1, 0, .., k−1} occupies [(c+1)/(k+1), (c+2)/(k+1)].
  const colorscale: [number, string][] = [];
  colors.forEach((c, i) => colorscale.push([i / (k + 1), c], [(i + 1) / (k + 1), c]));
  const counts = new Array<number>(k + 1).fill(0);
  const z = b.labels.map((row) => Array.from(row, (l) => {
    const c = Number.isInteger(l) && l >= 0 && l < k ? l : -1;
    counts[c + 1]!++;
    return c;
  }));
  const [ax, ay] = b.axisNames ?? ["x₀ (start)", "y₀ (start)"];
  const data: Trace[] = [{
    type: "heatmap", name: "basins", x: Array.from(b.x), y: Array.from(b.y), z, zmin: -1.5, zmax: k - 0.5, colorscale,
    colorbar: { title: { text: "minimum reached" }, tickvals: Array.from({ length: k + 1 }, (_, i) => i - 1), ticktext: ["none", ...names], thickness: 14 },
    text: z.map((row) => row.map((c) => (c < 0 ? "none" : names[c]!))),
    hovertemplate: `${ax} = %{x:.4g}<br>${ay} = %{y:.4g}<br>reaches %{text}<extra></extra>`,
  }];
  if (k > 0) {
    data.push({
      type: "scatter", mode: "markers", name: "minima", x: b.minima.map((m) => m[0]!), y: b.minima.map((m) => m[1]!), text: names,
      marker: { symbol: "star", size: 16, color: "#111", line: { color: "#fff", width: 1 } },
      hovertemplate: "minimum %{text}<extra></extra>",
    });
  }
  const layout = baseLayout(o.title ?? "Basins of attraction", {
    height: 460,
    xaxis: axis(ax),
    yaxis: axis(ay),
    showlegend: false,
  });
  const share = [...names.map((n, i) => `${n}: ${counts[i + 1]}`), `none: ${counts[0]}`].join(", ");
  return new Figure({ data, layout, config: defaultConfig() }, `basins of attraction over ${nx}×${ny} starts (${share})`);
}
