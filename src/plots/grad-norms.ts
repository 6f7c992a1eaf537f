/**
 * Per-leaf (per-layer) gradient norms along runs, on a log axis: vanishing gradients show as the
 * first layers' lines lying decades below the last layers', exploding ones as lines shooting up.
 *
 * One panel per run (stacked, sharing both axes, so runs compare at a glance). Depth is ordered,
 * so a leaf's colour comes from a sequential scale by its layer (dark purple for the first layer
 * through blue and green for the last), and its dash from its kind (weights `W` solid, biases `b`
 * dotted): a 16-colour palette would give `[0].W` and `[8].W` one colour. The legend lists the
 * leaves layer by layer (one group per layer: a click hides that layer in every panel) and the
 * chart grows with it instead of scrolling it.
 */
import { DslError, describe } from "../errors/index.js";
import { decimate, escapeTemplate, fmt, pick, stepAxis } from "./data.js";
import { Figure } from "./figure.js";
import { axis, axisSuffix, baseLayout, defaultConfig, stackDomains } from "./style.js";
import type { Layout, Trace } from "./types.js";

/** One run's per-leaf gradient norms: `norms[path][k]` = ‖∂L/∂leaf‖ at point k. */
export interface LeafNormSeries {
  name: string;
  norms: Readonly<Record<string, readonly number[]>>;
}

/**
 * Which leaves to draw: a path (`"[0].W"`), a layer (`"[3]"`), a kind (`"W"`, `"b"`), a list of
 * these, a regular expression on the path, or a predicate.
 */
export type LeafFilter = string | readonly string[] | RegExp | ((path: string) => boolean);

export interface GradNormsOptions {
  /** Chart title (default "Gradient norm per layer"). */
  title?: string;
  /** Only these leaves (see `LeafFilter`); default all. */
  leaves?: LeafFilter;
}

/**
 * The sequential colour scale of layers: viridis from its dark purple to its green (its last
 * fifth, yellow, is too pale on white), perceptually ordered, readable in grey and by
 * colour-blind readers.
 */
const LAYER_SCALE = ["#440154", "#482878", "#3e4a89", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#a2d93a"];

/** Dash per leaf kind: weights solid, biases dotted, others in turn. */
const KIND_DASH: Readonly<Record<string, string>> = { W: "solid", w: "solid", weight: "solid", b: "dot", bias: "dot" };
const OTHER_DASHES = ["dash", "dashdot", "longdash"];

/** Height of one run's panel (px) and of one legend row. */
const PANEL_HEIGHT = 250;
const LEGEND_ROW = 22;

/** The colour of layer `k` of `n` layers (depth order) on the sequential scale. */
export function layerColor(k: number, n: number): string {
  const t = n <= 1 ? 0 : k / (n - 1);
  const pos = t * (LAYER_SCALE.length - 1);
  const i = Math.min(LAYER_SCALE.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = hex(LAYER_SCALE[i]!), b = hex(LAYER_SCALE[i + 1]!);
  return "#" + a.map((c, j) => Math.round(c + (b[j]! - c) * f).toString(16).padStart(2, "0")).join("");
}

/** A leaf path's layer (its first index: `[3].W` → 3, `layers.2.bias` → 2) and kind (`W`, `b`). */
export function leafParts(path: string): { layer: number | null; kind: string } {
  const m = /\d+/.exec(path);
  const kind = /([A-Za-z_]\w*)\W*$/.exec(path)?.[1] ?? path;
  return { layer: m ? Number(m[0]) : null, kind };
}

/**
 * Log-y lines of every leaf's gradient norm against the step, one panel per run.
 *
 * @param series the runs (at least one), each with per-leaf norms.
 * @param o `title`, `leaves` (a filter).
 * @example
 * gradNormsChart([{ name: "sgd", norms: { "[0].W": [1e-3, 2e-3], "[1].W": [0.5, 0.4] } }], { leaves: "W" });
 */
export function gradNormsChart(series: readonly LeafNormSeries[], o: GradNormsOptions = {}): Figure {
  if (series.length === 0 || series.some((s) => Object.keys(s.norms).length === 0)) {
    throw new DslError("bad-argument", "plot.gradNorms: expected at least one run with per-leaf gradient norms", { path: "plot.gradNorms" });
  }
  const all = [...new Set(series.flatMap((s) => Object.keys(s.norms)))];
  const keep = leafFilter(o.leaves);
  const paths = all.filter(keep);
  if (paths.length === 0) {
    throw new DslError("bad-option", `plot.gradNorms: leaves ${describe(o.leaves)} matches none of the leaves ${all.join(", ")}`, { path: "plot.gradNorms.leaves" });
  }
  // depth order: by layer, then in the order the model lists them (W before b)
  const parts = new Map(paths.map((p) => [p, leafParts(p)]));
  const order = (p: string) => parts.get(p)!.layer ?? Infinity;
  paths.sort((a, b) => order(a) - order(b) || all.indexOf(a) - all.indexOf(b));
  const layers = [...new Set(paths.map((p) => parts.get(p)!.layer))];
  const kinds = [...new Set(paths.map((p) => parts.get(p)!.kind))];
  const dashOf = (kind: string) => KIND_DASH[kind] ?? OTHER_DASHES[kinds.filter((k) => !(k in KIND_DASH)).indexOf(kind) % OTHER_DASHES.length]!;

  const n = series.length;
  const gap = 0.08;
  const domains = stackDomains(n, (1 - gap * (n - 1)) / n, gap);
  const data: Trace[] = [];
  series.forEach((s, r) => {
    const suffix = axisSuffix(r);
    for (const path of paths) {
      const v = s.norms[path];
      if (!v || v.length === 0) continue;
      const { layer, kind } = parts.get(path)!;
      const color = layerColor(layers.indexOf(layer), layers.length);
      const idx = decimate(v.length, v);
      const group = layer === null ? path : `layer ${layer}`;
      data.push({
        type: "scatter", mode: v.length <= 60 ? "lines+markers" : "lines", name: path,
        legendgroup: group, showlegend: r === 0 || !series.slice(0, r).some((q) => q.norms[path]?.length),
        ...stepAxis(idx), y: pick(v, idx, true), xaxis: `x${suffix}`, yaxis: `y${suffix}`,
        line: { color, width: 2, dash: dashOf(kind) }, marker: { color, size: 4 },
        hovertemplate: `${escapeTemplate(s.name)}: ${escapeTemplate(path)}<br>step %{x}<br>‖∇‖ = %{y}<extra></extra>`,
      });
    }
  });
  // The legend's rows (groups of a layer's leaves side by side, ~900 px wide): the chart grows
  // by them, so neither the legend scrolls nor the panels shrink.
  const rows = legendRows(paths, parts);
  const layout: Layout = baseLayout(o.title ?? `Gradient norm per layer${n > 1 ? `: ${series.map((s) => s.name).join(" vs ")}` : ""}`, {
    height: 110 + PANEL_HEIGHT * n + LEGEND_ROW * rows,
    legend: {
      orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom",
      traceorder: "grouped", tracegroupgap: 14, maxheight: 1, groupclick: "togglegroup",
    },
    annotations: [
      ...(n > 1 ? series.map((s, r) => ({
        text: `<b>${escapeHtml(s.name)}</b>`, xref: "paper", yref: "paper", x: 0, y: domains[r]![1], xanchor: "left", yanchor: "bottom",
        showarrow: false, font: { size: 13, color: "#333" },
      })) : []),
      {
        text: `colour: layer (${layers.length > 1 ? "dark = first, green = last" : "one layer"}); line: ${kinds.map((k) => `${k} ${dashName(dashOf(k))}`).join(", ")}`,
        xref: "paper", yref: "paper", x: 1, y: 1, xanchor: "right", yanchor: "bottom", yshift: n > 1 ? 18 : 4, showarrow: false, font: { size: 10, color: "#888" },
      },
    ],
  });
  series.forEach((_, r) => {
    const suffix = axisSuffix(r), bottom = r === n - 1;
    layout[`xaxis${suffix}`] = axis(bottom ? "step t (iterations)" : "", { anchor: `y${suffix}`, ...(r > 0 ? { matches: "x" } : {}), showTickLabels: bottom });
    layout[`yaxis${suffix}`] = axis(n > 1 ? "‖∂L/∂θ‖" : "‖∂L/∂θ‖ per leaf", { type: "log", domain: domains[r], anchor: `x${suffix}`, ...(r > 0 ? { matches: "y" } : {}) });
  });
  return new Figure({ data, layout, config: defaultConfig() }, summarize(series, paths));
}

/** One clause per run: the leaves' norms at the start and at the end, smallest and largest. */
function summarize(series: readonly LeafNormSeries[], paths: readonly string[]): string {
  const clauses = series.map((s) => {
    const at = (k: "first" | "last") => paths
      .filter((p) => s.norms[p]?.length)
      .map((p) => ({ p, v: k === "first" ? s.norms[p]![0]! : s.norms[p]!.at(-1)! }))
      .filter((e) => Number.isFinite(e.v));
    const span = (k: "first" | "last") => {
      const e = at(k);
      if (e.length === 0) return "no finite norms";
      const lo = e.reduce((a, b) => (b.v < a.v ? b : a)), hi = e.reduce((a, b) => (b.v > a.v ? b : a));
      return `${fmt(lo.v)} (${lo.p}) to ${fmt(hi.v)} (${hi.p})`;
    };
    const steps = Math.max(0, ...paths.map((p) => (s.norms[p]?.length ?? 0) - 1));
    return `${s.name} (${steps} step${steps === 1 ? "" : "s"}): at the start ${span("first")}, at the end ${span("last")}`;
  });
  return `gradient norms of ${paths.length} leaves per run; ${clauses.join("; ")}`;
}

function leafFilter(f: LeafFilter | undefined): (path: string) => boolean {
  if (f === undefined) return () => true;
  if (typeof f === "function") return (p) => Boolean((f as (path: string) => boolean)(p));
  if (f instanceof RegExp) return (p) => f.test(p);
  const list = typeof f === "string" ? [f] : f;
  if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) {
    throw new DslError("bad-option", `plot.gradNorms: leaves must be a leaf path ("[0].W"), a layer ("[3]"), a kind ("W"), a list of these, a RegExp or a function, got ${describe(f)}`, { path: "plot.gradNorms.leaves" });
  }
  return (p) => list.some((s) => p === s || leafParts(p).kind === s || p.startsWith(/[\].]$/.test(s) ? s : `${s}.`));
}

/**
 * Text rows of the horizontal legend of `paths` grouped by layer: Plotly sets the groups side by
 * side (~860 px wide, ~7 px a character) with a group's leaves stacked, so a row of groups is
 * as tall as its largest group.
 */
function legendRows(paths: readonly string[], parts: Map<string, { layer: number | null }>): number {
  const groups = new Map<string, string[]>();
  for (const p of paths) {
    const key = String(parts.get(p)!.layer ?? p);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  let rows = 0, tallest = 0, used = 0;
  for (const g of groups.values()) {
    const w = Math.max(...g.map((p) => p.length)) * 7 + 58;
    if (used > 0 && used + w > 860) { rows += tallest; tallest = 0; used = 0; }
    used += w;
    tallest = Math.max(tallest, g.length);
  }
  return rows + tallest;
}

function dashName(d: string): string {
  return d === "solid" ? "solid" : d === "dot" ? "dotted" : d === "dash" ? "dashed" : d;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function hex(c: string): number[] {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
