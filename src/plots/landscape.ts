/**
 * A 2-D objective as contours (log-spaced levels by default when values span decades) or a
 * heatmap, with the trajectories of several optimizers on top; and the same as a 3-D surface.
 */
import { DslError, describe } from "../errors/index.js";
import type { Problem } from "../problem/index.js";
import { escapeTemplate, flatOf, fmt, fmtPoint, roundSig } from "./data.js";
import { Figure } from "./figure.js";
import { colorOf } from "./palette.js";
import { axis, baseLayout, defaultConfig, legendAllowance, sharedName } from "./style.js";
import type { Points, Trace } from "./types.js";

/** f(x, y) as a plain function, or a `Problem` (sliced through `dims` / `at` when n > 2). */
export type Surface2 = ((x: number, y: number) => number) | Problem;

/** A trajectory to draw over the landscape. */
export interface PathSeries {
  /** Legend name (optimizer and hyperparameters). */
  name: string;
  /** The points x_0, x_1, ... (coordinates `dims` are drawn). */
  xs: Points;
  /** A diverged run's path is not used to choose the axis ranges. */
  status?: string;
  /** What every path of the chart shares (the legend's title), as `RunSeries.group`. */
  group?: string;
}

export interface LandscapeOptions {
  /** x range (default: around the paths and minima, 10% margin). */
  xRange?: [number, number];
  /** y range (default as for x). */
  yRange?: [number, number];
  /** Grid points per axis (default 80 for contours, 40 for surfaces; 10..400). */
  resolution?: number;
  /** Level spacing: "auto" (default: log when the lowest 2% of the grid lies two decades below the top), "log", "linear". */
  levels?: "auto" | "log" | "linear";
  /** Number of contour levels (default 24). */
  nLevels?: number;
  /** "contour" (default) or "heatmap". */
  kind?: "contour" | "heatmap";
  /** Trajectories drawn on top, each in its optimizer's colour; start ○ and end ✕ marked. */
  paths?: readonly PathSeries[];
  /** Known minimizers, marked with a star. */
  minima?: readonly ArrayLike<number>[];
  /** Which two coordinates to draw when the problem has more (default [0, 1]). */
  dims?: [number, number];
  /** The other coordinates' values when n > 2 (default: the first path's start, else 0). */
  at?: ArrayLike<number>;
  /** Axis names (default the problem's variable names, else "x" and "y"). */
  names?: [string, string];
  /** Chart title. */
  title?: string;
  /** Keep one unit the same length on both axes (default false). */
  equalAspect?: boolean;
  /** At most this many markers per path (default 300; longer paths are thinned, ends kept). */
  maxMarkers?: number;
}

interface Grid {
  xs: number[];
  ys: number[];
  /** z[j][i] = f(xs[i], ys[j]) (Plotly's row = y). */
  z: number[][];
  /** Evaluate f at (x, y) of the drawn plane. */
  f: (x: number, y: number) => number;
  names: [string, string];
  dims: [number, number];
}

/**
 * Contours (or a heatmap) of f over a rectangle with optimizer trajectories on top.
 *
 * Log levels: the filled levels are equally spaced in log₁₀(f − m + c), m the grid's smallest
 * value rounded to 3 digits and c a power of ten small next to the value range (the hover text
 * writes both out, e.g. log₁₀(f + 10⁻⁹)); the colour bar is labelled in f itself.
 *
 * Ranges: without `xRange` / `yRange`, paths, or minima, the view is the smallest square
 * [−2ᵏ, 2ᵏ]² (k = 1..10) whose inside holds the lowest value of f on a coarse grid (the
 * minimiser, when f has one near the origin).
 *
 * @param f `(x, y) => number` or a `Problem`.
 * @param o options; see `LandscapeOptions`.
 * @example
 * landscape((x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, { xRange: [-2, 2], yRange: [-1, 3] });
 */
export function landscape(f: Surface2, o: LandscapeOptions = {}): Figure {
  const grid = sampleGrid(f, o, o.resolution ?? 80, "plot.contour");
  const levels = chooseLevels(grid.z, o.levels ?? "auto");
  const kind = o.kind ?? "contour";
  const [nx, ny] = grid.names;
  const base: Trace = {
    type: kind,
    name: "f",
    x: grid.xs,
    y: grid.ys,
    z: levels.z,
    colorscale: LIGHT_SCALE,
    showlegend: false,
    colorbar: { title: { text: levels.log ? "f (log levels)" : "f" }, thickness: 14, ...levels.ticks },
    hovertemplate: `${nx} = %{x:.4g}<br>${ny} = %{y:.4g}<br>${levels.label} = %{z:.4g}<extra></extra>`,
  };
  if (kind === "contour") {
    const [lo, hi] = levels.range;
    const n = o.nLevels ?? 24;
    Object.assign(base, {
      autocontour: false,
      contours: { coloring: "fill", showlines: true, start: lo, end: hi, size: (hi - lo) / n || 1 },
      line: { width: 0.5, color: "rgba(60,60,60,0.35)" },
    });
  } else {
    base.zsmooth = "best";
  }
  const data: Trace[] = [base, ...pathTraces(o.paths ?? [], grid, o.maxMarkers ?? 300, false, () => 0), ...minimaTrace(o.minima, grid, false, () => 0)];
  const shared = sharedName((o.paths ?? []).map((p) => p.group));
  const title = o.title ?? (o.paths?.length ? "Trajectories over the objective" : "Objective");
  const layout = baseLayout(shared ? `${title}: ${shared}, ${o.paths!.length} starts` : title, {
    height: 480 + legendAllowance([...(o.paths ?? []).map((p) => p.name), ...(o.paths?.length ? ["start ○", "end ✕"] : []), ...(o.minima?.length ? ["minimum (1, 1)"] : [])]),
    xaxis: axis(nx, { range: [grid.xs[0]!, grid.xs[grid.xs.length - 1]!] }),
    yaxis: axis(ny, { range: [grid.ys[0]!, grid.ys[grid.ys.length - 1]!], ...(o.equalAspect ? { scaleanchor: "x" } : {}) }),
  });
  const paths = o.paths ?? [];
  const summary = `${kind === "contour" ? (levels.log ? "log-spaced contours" : "contours") : "heatmap"} of f over ${nx} ∈ ${fmtRange(grid.xs)}, ${ny} ∈ ${fmtRange(grid.ys)}` +
    (paths.length ? ` with ${paths.length} trajector${paths.length === 1 ? "y" : "ies"} (${paths.map((p) => p.name).join(", ")})` : "");
  return new Figure({ data, layout, config: defaultConfig() }, summary);
}

/** Options of `surface3d`: those of `landscape` plus the z transform. */
export interface SurfaceOptions extends LandscapeOptions {
  /**
   * z axis: "auto" (default: z = f, or log when half the grid lies three decades below the top),
   * "log" (z = log₁₀(f − m + c), both numbers written in the axis title) or "none" (z = f).
   */
  zScale?: "auto" | "log" | "none";
}

/**
 * f as a 3-D surface with the trajectories drawn on it (each point lifted to its f value).
 *
 * @param f `(x, y) => number` or a `Problem`.
 * @param o options; see `SurfaceOptions`.
 * @example
 * surface3d((x, y) => x * x - y * y, { xRange: [-1, 1], yRange: [-1, 1] });
 */
export function surface3d(f: Surface2, o: SurfaceOptions = {}): Figure {
  // 80 points a side: a narrow valley (Rosenbrock's) sampled coarser shows as a saw-tooth
  const grid = sampleGrid(f, o, o.resolution ?? 80, "plot.surface");
  const scale = o.zScale ?? "auto";
  // A log z turns a narrow valley's smooth floor into a sharp crease that a grid samples
  // unevenly, row by row: a saw-tooth. So "auto" keeps z = f unless half the plane lies three
  // decades below the top (a spike would flatten everything else), and a log z adds c ≥ 1% of
  // the range, which rounds the crease.
  const levels = chooseLevels(grid.z, scale === "none" ? "linear" : scale === "log" ? "log" : "auto", 1e-2, 0.5, 1000);
  const zTitle = levels.log ? levels.label : "f";
  const [nx, ny] = grid.names;
  const zOf = (x: number, y: number) => levels.transform(grid.f(x, y));
  const lift = (levels.range[1] - levels.range[0]) * 0.01;
  const data: Trace[] = [
    {
      type: "surface", name: "f", x: grid.xs, y: grid.ys, z: levels.z, colorscale: LIGHT_SCALE, opacity: 0.92,
      // the colour is z itself, and the colour bar says so in z's own title and units
      showscale: true, showlegend: false, cmin: levels.range[0], cmax: levels.range[1],
      colorbar: { title: { text: zTitle, side: "right" }, thickness: 14, len: 0.75, exponentformat: "power" },
      // level lines on the surface itself, thin and grey (projected copies on the floor and
      // colour-mapped lines read as jagged edges)
      contours: { z: { show: true, usecolormap: false, color: "rgba(60,60,60,0.35)", width: 1 } },
      lighting: { ambient: 0.75, diffuse: 0.5, specular: 0.05 },
      hovertemplate: `${nx} = %{x:.4g}<br>${ny} = %{y:.4g}<br>${zTitle} = %{z:.4g}<extra></extra>`,
    },
    ...pathTraces(o.paths ?? [], grid, o.maxMarkers ?? 300, true, (x, y) => zOf(x, y) + lift),
    ...minimaTrace(o.minima, grid, true, (x, y) => zOf(x, y) + lift),
  ];
  const layout = baseLayout(o.title ?? "Objective surface", {
    height: 560,
    scene: {
      // few ticks: a 3-D axis seen at an angle packs its labels (the z labels ran into x's)
      xaxis: { title: { text: nx }, nticks: 6 }, yaxis: { title: { text: ny }, nticks: 6 }, zaxis: { title: { text: zTitle }, nticks: 5, range: zRange(levels.range) },
      camera: { eye: { x: 1.25, y: -1.35, z: 0.85 } }, aspectmode: "manual", aspectratio: { x: 1, y: 1, z: 0.6 },
    },
    margin: { l: 10, r: 10, t: 56, b: 10 },
  });
  const paths = o.paths ?? [];
  const summary = `surface of f over ${nx} ∈ ${fmtRange(grid.xs)}, ${ny} ∈ ${fmtRange(grid.ys)}${levels.log ? " (log z)" : ""}` +
    (paths.length ? ` with ${paths.length} path${paths.length === 1 ? "" : "s"} (${paths.map((p) => p.name).join(", ")})` : "");
  return new Figure({ data, layout, config: defaultConfig() }, summary);
}

/**
 * The z range with 8% room below and above (the paths are lifted 1% above the surface), so the
 * lowest z tick is not drawn on the corner where the x and y tick labels meet.
 */
function zRange([lo, hi]: [number, number]): [number, number] {
  const pad = 0.08 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

/** Pale at low values (where paths end up) so every palette colour stays readable on top. */
const LIGHT_SCALE = [
  [0, "#fdfdf4"], [0.2, "#eef4d6"], [0.4, "#d2e8c9"], [0.6, "#a9d4cb"], [0.8, "#7db4c9"], [1, "#5a86b2"],
];

function sampleGrid(f: Surface2, o: LandscapeOptions, defaultRes: number, where: string): Grid {
  const res = o.resolution ?? defaultRes;
  if (!Number.isInteger(res) || res < 10 || res > 400) {
    throw new DslError("bad-option", `${where}: resolution must be an integer in 10..400, got ${describe(o.resolution)}`, { path: `${where}.resolution` });
  }
  const { fn, names, dims } = planeOf(f, o, where);
  const [xr, yr] = ranges(o, dims, where, fn);
  const xs = linspace(xr[0], xr[1], res), ys = linspace(yr[0], yr[1], res);
  const z = ys.map((y) => xs.map((x) => fn(x, y)));
  return { xs, ys, z, f: fn, names: o.names ?? names, dims };
}

function planeOf(f: Surface2, o: LandscapeOptions, where: string): { fn: (x: number, y: number) => number; names: [string, string]; dims: [number, number] } {
  if (typeof f === "function") {
    if (f.length > 2) {
      throw new DslError("bad-argument", `${where}: expected a function (x, y) => number, got a function of ${f.length} parameters (for more variables, give an objective with dims and at)`, { path: where });
    }
    if (o.dims && (o.dims[0] !== 0 || o.dims[1] !== 1)) {
      throw new DslError("bad-option", `${where}: dims applies to a Problem with more than two variables, not to a function (x, y) => number`, { path: `${where}.dims` });
    }
    return { fn: (x, y) => Number(f(x, y)), names: ["x", "y"], dims: [0, 1] };
  }
  if (!f || typeof f.valueAt !== "function" || !(f.n >= 2)) {
    throw new DslError("bad-argument", `${where}: expected a function (x, y) => number or an objective of at least two variables, got ${describe(f)}`, { path: where });
  }
  const dims = o.dims ?? [0, 1];
  if (dims.some((d) => !Number.isInteger(d) || d < 0 || d >= f.n) || dims[0] === dims[1]) {
    throw new DslError("bad-option", `${where}: dims must be two different variable indices below ${f.n}, got ${describe(dims)}`, { path: `${where}.dims` });
  }
  const point = new Float64Array(f.n);
  const at = o.at ?? o.paths?.[0]?.xs[0];
  if (at) {
    if (at.length !== f.n) throw new DslError("bad-option", `${where}: at has ${at.length} coordinates, the objective has ${f.n}`, { path: `${where}.at` });
    for (let i = 0; i < f.n; i++) point[i] = at[i]!;
  }
  const [i, j] = dims;
  return {
    fn: (x, y) => { point[i] = x; point[j] = y; return f.valueAt(point); },
    names: [f.names[i] ?? `x${i}`, f.names[j] ?? `x${j}`],
    dims,
  };
}

function ranges(o: LandscapeOptions, dims: [number, number], where: string, fn: (x: number, y: number) => number): [[number, number], [number, number]] {
  // Smallest and largest finite coordinate per drawn axis, in loops (long paths: 10⁷ points of a
  // Run come as a flat array, see flatPoints; no per-point arrays, no Math.min(...v), which
  // overflows the argument stack).
  const lows = [Infinity, Infinity], highs = [-Infinity, -Infinity];
  const see = (k: 0 | 1, x: number) => {
    if (!Number.isFinite(x)) return;
    if (x < lows[k]!) lows[k] = x;
    if (x > highs[k]!) highs[k] = x;
  };
  for (const p of o.paths ?? []) {
    const n = p.xs.length;
    // A diverged path would stretch the view to infinity: only its start counts.
    const last = p.status === "diverged" ? Math.min(n, 1) : n;
    const flat = flatOf(p.xs);
    for (let t = 0; t < last; t++) {
      if (flat) {
        see(0, flat.data[t * flat.n + dims[0]]!);
        see(1, flat.data[t * flat.n + dims[1]]!);
      } else {
        const x = p.xs[t]!;
        see(0, x[dims[0]]!);
        see(1, x[dims[1]]!);
      }
    }
  }
  for (const m of o.minima ?? []) {
    see(0, m[dims[0]]!);
    see(1, m[dims[1]]!);
  }
  const auto = (k: 0 | 1): [number, number] | undefined => {
    let lo = lows[k]!, hi = highs[k]!;
    if (lo > hi) return undefined;
    const span = hi - lo || Math.max(1, Math.abs(lo));
    lo -= 0.1 * span; hi += 0.1 * span;
    return [lo, hi];
  };
  let xr = o.xRange ?? auto(0), yr = o.yRange ?? auto(1);
  if (!xr || !yr) {
    const box = defaultBox(fn, xr, yr);
    xr ??= box[0];
    yr ??= box[1];
  }
  for (const [r, name] of [[xr, "xRange"], [yr, "yRange"]] as const) {
    if (!(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] < r[1])) {
      throw new DslError("bad-option", `${where}: ${name} must be [lo, hi] with lo < hi, got ${describe(r)}`, { path: `${where}.${name}` });
    }
  }
  return [xr, yr];
}

/**
 * The view of a function drawn without paths or ranges: the smallest [−2ᵏ, 2ᵏ] (k = 1..10) per
 * missing axis whose inside (not its edge) holds the lowest value on a 41 × 41 grid, else [−2, 2].
 */
function defaultBox(fn: (x: number, y: number) => number, xr?: [number, number], yr?: [number, number]): [[number, number], [number, number]] {
  const n = 41;
  for (let k = 1; k <= 10; k++) {
    const r = 2 ** k;
    const bx: [number, number] = xr ?? [-r, r], by: [number, number] = yr ?? [-r, r];
    let best = Infinity, bi = -1, bj = -1;
    for (let j = 0; j < n; j++) {
      const y = by[0] + ((by[1] - by[0]) * j) / (n - 1);
      for (let i = 0; i < n; i++) {
        const v = fn(bx[0] + ((bx[1] - bx[0]) * i) / (n - 1), y);
        if (Number.isFinite(v) && v < best) { best = v; bi = i; bj = j; }
      }
    }
    const inside = (idx: number, given: boolean) => given || (idx > 0 && idx < n - 1);
    if (bi >= 0 && inside(bi, !!xr) && inside(bj, !!yr)) return [bx, by];
  }
  return [xr ?? [-2, 2], yr ?? [-2, 2]];
}

interface Levels {
  log: boolean;
  /** The grid in drawn units, rounded to 4 significant digits (colour resolution), non-finite → null. */
  z: (number | null)[][];
  range: [number, number];
  transform: (v: number) => number;
  /** What the drawn values are: "f", or "log₁₀(f + 10⁻⁹)" with the shift written out. */
  label: string;
  /** Colour-bar ticks labelled in f (log levels only). */
  ticks: Record<string, unknown>;
}

/**
 * @param floor smallest δ as a fraction of the value range: tiny for contours (levels may crowd
 *   the minimum), larger for surfaces (so a narrow valley sampled on a grid does not become spikes).
 * @param quantile, decades "auto" is log when the `quantile` of f − min lies `decades` (a ratio) below the top.
 */
function chooseLevels(z: number[][], mode: "auto" | "log" | "linear", floor = 1e-12, quantile = 0.02, decades = 100): Levels {
  const flat = z.flat().filter(Number.isFinite);
  if (flat.length === 0) throw new DslError("bad-argument", "plot: f is not finite anywhere on the grid", { path: "plot" });
  let lo = Infinity, hi = -Infinity;
  for (const v of flat) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const shifted = flat.map((v) => v - lo).filter((v) => v > 0).sort((a, b) => a - b);
  const delta = shifted.length ? Math.max(shifted[0]!, (hi - lo) * floor) : 1;
  const q = (p: number) => shifted[Math.min(shifted.length - 1, Math.floor(p * shifted.length))] ?? 0;
  // Log when the lowest 2% of the plane sits more than two decades below the top: a narrow
  // valley (Rosenbrock) would otherwise be one flat colour; a bowl (x² + y²) stays linear.
  const log = mode === "log" || (mode === "auto" && shifted.length > 0 && (hi - lo) / Math.max(q(quantile), shifted[0]!, (hi - lo) * 1e-12) > decades);
  if (!log) {
    const out = z.map((row) => row.map((v) => (Number.isFinite(v) ? roundSig(v, 4) : null)));
    return { log, z: out, range: [lo, hi], transform: (v) => v, label: "f", ticks: {} };
  }
  // log₁₀(f − m + c) with round numbers the label can write out: m = f's smallest value to 3
  // digits, c a power of ten at least δ (and above m's rounding, so the argument stays > 0).
  // a power of ten at or below δ; m left out (0) when it is small next to c
  const c0 = 10 ** Math.floor(Math.log10(Math.max(delta, Number.MIN_VALUE)));
  const m = Math.abs(lo) < c0 / 10 ? 0 : roundSig(lo, 3);
  const c = Math.max(c0, 10 ** Math.ceil(Math.log10(Math.max(2 * Math.abs(m - lo), Number.MIN_VALUE))));
  const transform = (v: number) => Math.log10(v - m + c);
  const label = `log₁₀(f${m === 0 ? "" : m > 0 ? ` − ${fmt(m)}` : ` + ${fmt(-m)}`} + ${fmt(c)})`;
  const out = z.map((row) => row.map((v) => (Number.isFinite(v) ? roundSig(transform(v), 4) : null)));
  const range: [number, number] = [transform(lo), transform(hi)];
  return { log, z: out, range, transform, label, ticks: logTicks(lo, hi, transform) };
}

/**
 * Colour-bar ticks for log levels, at round values of f (±10^k and 0) inside (f_min, f_max],
 * at least 0.4 level-decades apart so labels do not collide.
 */
export function logTicks(lo: number, hi: number, transform: (v: number) => number): Record<string, unknown> {
  // powers of ten first; 2× and 5× of them as well when fewer than three would be labelled
  for (const mantissas of [[1], [1, 2, 5], [1, 1.5, 2, 3, 5, 7]]) {
    const nice: number[] = [0];
    for (let k = -30; k <= 30; k++) for (const a of mantissas) nice.push(a * 10 ** k, -a * 10 ** k);
    const vals = nice.filter((v) => v >= lo && v <= hi && Number.isFinite(transform(v))).sort((a, b) => a - b);
    const kept: number[] = [];
    for (const v of vals) if (kept.length === 0 || transform(v) - transform(kept[kept.length - 1]!) >= 0.4) kept.push(v);
    if (kept.length >= 3) return { tickvals: kept.map(transform), ticktext: kept.map(fmt) };
  }
  // too narrow a range for round values of f: linear ticks at the ends
  return { tickvals: [transform(lo), transform(hi)], ticktext: [fmt(roundSig(lo, 3)), fmt(roundSig(hi, 3))] };
}

function pathTraces(paths: readonly PathSeries[], g: Grid, maxMarkers: number, in3d: boolean, zOf: (x: number, y: number) => number): Trace[] {
  const out: Trace[] = [];
  const [d0, d1] = g.dims;
  const [nx, ny] = g.names;
  for (const p of paths) {
    const color = colorOf(p.name);
    const n = p.xs.length;
    if (n === 0) continue;
    const stride = Math.max(1, Math.ceil(n / maxMarkers));
    const idx: number[] = [];
    for (let t = 0; t < n; t += stride) idx.push(t);
    if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
    const px = idx.map((t) => finite(p.xs[t]![d0]!)), py = idx.map((t) => finite(p.xs[t]![d1]!));
    // customdata (the step of each point) only when thinned: otherwise the point index is the step.
    const name = escapeTemplate(p.name);
    const tr: Trace = {
      type: in3d ? "scatter3d" : "scatter", mode: "lines+markers", name: p.status === "diverged" ? `${p.name} (diverged)` : p.name,
      legendgroup: p.name, x: px, y: py, ...(stride > 1 ? { customdata: idx } : {}),
      line: { color, width: in3d ? 5 : 2 }, marker: { color, size: in3d ? 2.5 : 4 },
      hovertemplate: `${name}<br>step ${stride > 1 ? "%{customdata}" : "%{pointNumber}"}<br>(${nx}, ${ny}) = (%{x:.4g}, %{y:.4g})<extra></extra>`,
    };
    if (in3d) tr.z = idx.map((_, k) => liftZ(px[k]!, py[k]!, zOf));
    out.push(tr);
    let last = n - 1;
    while (last > 0 && !(Number.isFinite(p.xs[last]![d0]!) && Number.isFinite(p.xs[last]![d1]!))) last--;
    for (const [t, symbol, what] of [[0, "circle-open", "start"], [last, "x", "end"]] as const) {
      const x = p.xs[t]![d0]!, y = p.xs[t]![d1]!;
      const m: Trace = {
        type: in3d ? "scatter3d" : "scatter", mode: "markers", name: `${p.name}: ${what}`, legendgroup: p.name, showlegend: false,
        x: [x], y: [y], marker: { color, size: in3d ? 6 : 12, symbol, line: { color, width: 2 } },
        hovertemplate: `${name} ${what} (step ${t})<br>(${nx}, ${ny}) = (%{x:.4g}, %{y:.4g})<extra></extra>`,
      };
      if (in3d) m.z = [liftZ(x, y, zOf)];
      out.push(m);
    }
  }
  if (paths.length > 0 && !in3d) {
    // Legend entries explaining the markers (they carry no data).
    out.push(legendOnly("start ○", "circle-open"), legendOnly("end ✕", "x"));
  }
  return out;
}

function minimaTrace(minima: readonly ArrayLike<number>[] | undefined, g: Grid, in3d: boolean, zOf: (x: number, y: number) => number): Trace[] {
  if (!minima || minima.length === 0) return [];
  const [d0, d1] = g.dims;
  const x = minima.map((m) => m[d0]!), y = minima.map((m) => m[d1]!);
  const t: Trace = {
    type: in3d ? "scatter3d" : "scatter", mode: "markers", name: minima.length === 1 ? `minimum ${fmtPoint([x[0]!, y[0]!])}` : "minima",
    x, y, marker: { symbol: in3d ? "diamond" : "star", size: in3d ? 6 : 15, color: "#111", line: { color: "#fff", width: 1 } },
    hovertemplate: "minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
  };
  if (in3d) t.z = x.map((xi, k) => liftZ(xi, y[k]!, zOf));
  return [t];
}

function legendOnly(name: string, symbol: string): Trace {
  return {
    type: "scatter", mode: "markers", name, x: [null], y: [null], hoverinfo: "skip",
    marker: { symbol, size: 10, color: "#444", line: { color: "#444", width: 2 } },
  };
}

function liftZ(x: number | null, y: number | null, zOf: (x: number, y: number) => number): number | null {
  if (x === null || y === null) return null;
  const z = zOf(x, y);
  return Number.isFinite(z) ? z : null;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? roundSig(v, 6) : null;
}

function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => roundSig(a + ((b - a) * i) / (n - 1), 10));
}

function fmtRange(v: number[]): string {
  return `[${fmt(v[0]!)}, ${fmt(v[v.length - 1]!)}]`;
}
