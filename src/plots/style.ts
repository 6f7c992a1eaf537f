/**
 * The house style every builder shares: fonts, margins, grid, legend, the Plotly config, and
 * axis and subplot helpers. One place, so all charts read alike.
 */
import type { FigureSpec, Layout, PlotConfig, Trace } from "./types.js";
import { superscript } from "./data.js";

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Default chart size: width follows the output area (autosize); height in CSS pixels. */
export const DEFAULT_HEIGHT = 420;

/** The Plotly config of every chart: responsive, no Plotly logo, no lasso/select tools. */
export function defaultConfig(): PlotConfig {
  return { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
}

/** A layout with our title, font, margins and legend, merged with the builder's own keys. */
export function baseLayout(title: string, extra: Layout = {}): Layout {
  const layout: Layout = {
    title: titleLayout(title),
    font: { family: FONT, size: 13, color: "#222" },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    margin: { l: 72, r: 24, t: 56, b: 56 },
    height: DEFAULT_HEIGHT,
    autosize: true,
    hovermode: "closest",
    // Under the chart, left-aligned: long legend names (optimizer + hyperparameters) wrap
    // instead of squeezing the plot from the right.
    legend: { orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom" },
    ...extra,
  };
  houseLayouts.add(layout);
  return layout;
}

/**
 * Where a chart title sits: left-aligned with the plot area (`xref: "paper"`, x = 0), not with the
 * page, so it starts right of the y axis's (rotated) title and tick labels and never runs into
 * them, however tall the y title or small the plot; and in the top margin, a fixed distance from
 * the top of the chart (`yref: "container"`), above the plot and everything around it.
 */
export function titleLayout(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { text, ...extra, ...TITLE_PLACE };
}

/** The title's place (see `titleLayout`); `applyStyle` puts every house-style title there. */
const TITLE_PLACE = { xref: "paper", x: 0, xanchor: "left", yref: "container", y: 1, yanchor: "top", pad: { t: 14 }, font: { size: 16 } } as const;

/** Layouts made by `baseLayout` (and `compose`): `Figure` applies `applyStyle` to their figures. */
const houseLayouts = new WeakSet<object>();

/** Mark `layout` as a house-style layout (a builder that makes its own, such as `compose`). */
export function markHouseStyle(layout: Layout): Layout {
  houseLayouts.add(layout);
  return layout;
}

/** True for layouts from `baseLayout` / `markHouseStyle`. */
export function isHouseStyle(layout: Layout): boolean {
  return houseLayouts.has(layout);
}

export interface AxisOptions {
  /** "log" or "linear" (default: Plotly picks from the data, e.g. "category" for labels). */
  type?: "log" | "linear";
  /** Domain within the plot area, for stacked panels. */
  domain?: [number, number];
  /** Axis this one's position is tied to ("x", "y2", ...). */
  anchor?: string;
  /** Id of an axis whose range this one follows (shared zoom across panels). */
  matches?: string;
  showTickLabels?: boolean;
  range?: [number, number];
  /** Rough number of ticks (small panels want few). */
  nticks?: number;
  /** Same scale as another axis (`"x"` keeps circles round on contour plots). */
  scaleanchor?: string;
  /** Draw the line at 0 (default false). */
  zeroline?: boolean;
  /** Ticks at these values (with `ticktext` as their labels). */
  tickvals?: number[];
  /** Labels of `tickvals`. */
  ticktext?: string[];
}

/** An axis with a title (with units where there are any), grid lines and outside ticks. */
export function axis(title: string, o: AxisOptions = {}): Record<string, unknown> {
  const a: Record<string, unknown> = {
    title: { text: title },
    showgrid: true,
    gridcolor: "#e6e6e6",
    zeroline: false,
    showline: true,
    linecolor: "#888",
    ticks: "outside",
    tickcolor: "#888",
    automargin: true,
  };
  if (o.type) a.type = o.type;
  a.exponentformat = "power";
  if (o.domain) a.domain = o.domain;
  if (o.anchor) a.anchor = o.anchor;
  if (o.matches) a.matches = o.matches;
  if (o.showTickLabels === false) a.showticklabels = false;
  if (o.range) a.range = o.range;
  if (o.nticks) a.nticks = o.nticks;
  if (o.scaleanchor) a.scaleanchor = o.scaleanchor;
  if (o.zeroline !== undefined) a.zeroline = o.zeroline;
  if (o.tickvals) a.tickvals = o.tickvals;
  if (o.ticktext) a.ticktext = o.ticktext;
  return a;
}

/**
 * Vertical domains for `n` stacked panels, the first (top) one `mainShare` of the height and the
 * others sharing the rest equally, with a gap between panels.
 * @returns domains from top to bottom.
 */
export function stackDomains(n: number, mainShare = 0.55, gap = 0.06): [number, number][] {
  if (n === 1) return [[0, 1]];
  const rest = (1 - mainShare - gap * (n - 1)) / (n - 1);
  const out: [number, number][] = [];
  let top = 1;
  for (let i = 0; i < n; i++) {
    const h = i === 0 ? mainShare : rest;
    out.push([Math.max(0, top - h), top]);
    top -= h + gap;
  }
  return out;
}

/** Axis id suffix for panel i (0 → "", 1 → "2", ...): "x" + suffix is a trace's axis reference. */
export function axisSuffix(i: number): string {
  return i === 0 ? "" : String(i + 1);
}

/** A small grey note above the top-right corner of the plot (downsampling, clipped values). */
export function note(text: string): Record<string, unknown> {
  return {
    text, xref: "paper", yref: "paper", x: 1, y: 1, xanchor: "right", yanchor: "bottom",
    showarrow: false, font: { size: 10, color: "#888" }, yshift: 6,
  };
}

/**
 * Extra chart height (px) for a legend of `names` laid out in rows below the plot, so the plot
 * keeps its height: 22 px per row after the first, at most 4 rows counted (the legend scrolls
 * beyond). Rows are estimated for a 900 px wide chart at 7 px per character.
 */
export function legendAllowance(names: readonly string[], width = 900): number {
  if (names.length <= 1) return 0;
  let rows = 1, used = 0;
  for (const n of names) {
    const w = n.length * 7 + 48;
    if (used > 0 && used + w > width) { rows++; used = 0; }
    used += w;
  }
  return 22 * (Math.min(rows, 4) - 1);
}

/**
 * What every legend entry shares (runs of one optimizer from several starts, `RunSeries.group`),
 * for the chart's default title: the legend then names only what differs (the starts). (Not a
 * legend title: Plotly indents a horizontal legend's entries by its title's width.)
 */
export function sharedName(groups: readonly (string | undefined)[]): string | undefined {
  const g = groups[0];
  return g && groups.length > 1 && groups.every((x) => x === g) ? g : undefined;
}

/** Most legend entries drawn beside nothing: beyond this the legend goes below the plot, in rows. */
export const MAX_INLINE_LEGEND = 5;

/**
 * Math in a label with HTML subscripts, as Plotly draws them: `x_t` → x<sub>t</sub>,
 * `λ_max` → λ<sub>max</sub>, `f_{min}` → f<sub>min</sub>. Only a single letter (Latin or Greek)
 * takes a subscript, so names such as `my_run` stay as written.
 */
export function mathLabel(text: string): string {
  return text.replace(/(^|[^A-Za-z0-9_])([A-Za-zα-ωΑ-Ω])_(\{([^{}]{1,12})\}|([A-Za-z0-9]{1,3})(?![A-Za-z0-9]))/g, (_m, pre: string, base: string, _g, braced?: string, plain?: string) => `${pre}${base}<sub>${braced ?? plain}</sub>`);
}

/**
 * An expression as a chart title writes it: integer powers (and n, i) as superscripts, a minus
 * sign for a binary minus, `·` for an explicit product: `(1 - x)^2 + 100*(y - x^2)^2` →
 * `(1 − x)² + 100·(y − x²)²`. Other powers (`x^(1/2)`, `x^y`) stay as written.
 */
export function exprLabel(src: string): string {
  return src
    .replace(/\^(-?\d+|[ni])(?![\w.(])/g, (_m, e: string) => superscript(e))
    .replace(/ - /g, " − ")
    .replace(/\s*\*\s*/g, "·");
}

/**
 * The house rules, applied to every chart built on `baseLayout` when its `Figure` is made (see
 * docs/readme/charts.md):
 * - every axis writes exponents as powers (10⁻⁷, never 1e-7);
 * - a log axis spanning two decades or more labels powers of ten only (no crowded 2 and 5
 *   minor labels), every k-th decade on long ranges and short panels;
 * - labels (titles, axis and colour-bar titles, annotations, legend names, hover text) get HTML
 *   subscripts instead of literal underscores;
 * - hover text shows x, y, z in the axis's own format (powers), not d3's `.4g` (1e-7);
 * - a legend of more than five entries sits below the plot in rows and scrolls beyond a third of
 *   the chart's height, never as tall as the plot.
 *
 * @returns a new spec (the input is not changed).
 */
export function applyStyle(spec: FigureSpec): FigureSpec {
  const layout: Layout = { ...spec.layout };
  const data = spec.data.map((t) => labelTrace(t));
  for (const [key, value] of Object.entries(layout)) {
    const m = /^([xy])axis(\d*)$/.exec(key);
    if (m && isObject(value)) {
      layout[key] = styleAxis(value, axisSpan(data, m[1] as "x" | "y", m[2] ?? "", value), domainShare(value));
      if (m[1] === "y") layout[key] = fitAxisTitle(layout[key] as Record<string, unknown>, Number(layout.height) || DEFAULT_HEIGHT);
    }
  }
  for (const key of Object.keys(layout).filter((k) => /^scene\d*$/.test(k))) {
    const scene = { ...(layout[key] as Record<string, unknown>) };
    for (const ax of ["xaxis", "yaxis", "zaxis"]) {
      if (isObject(scene[ax])) scene[ax] = { exponentformat: "power", ...labelAxis(scene[ax] as Record<string, unknown>) };
    }
    layout[key] = scene;
  }
  // every title in its place, also one set by a builder's own keys or `fig.withLayout`
  if (typeof layout.title === "string") layout.title = titleLayout(mathLabel(layout.title));
  else if (isObject(layout.title)) layout.title = { ...labelText(layout.title), ...TITLE_PLACE, ...(isObject(layout.title.font) ? { font: { ...TITLE_PLACE.font, ...layout.title.font } } : {}) };
  if (Array.isArray(layout.annotations)) layout.annotations = layout.annotations.map((a) => (isObject(a) && typeof a.text === "string" ? { ...a, text: mathLabel(a.text) } : a));
  const entries = legendEntries(data);
  if (entries.length > MAX_INLINE_LEGEND && layout.showlegend !== false) {
    const legend = isObject(layout.legend) ? layout.legend : {};
    layout.legend = {
      ...legend, orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0, yanchor: "bottom",
      // a builder that makes room for all its rows (plot.gradNorms) keeps its own maxheight
      maxheight: typeof legend.maxheight === "number" ? legend.maxheight : 0.3, ...(entries.length > 12 ? { font: { size: 11 } } : {}),
    };
  }
  houseLayouts.add(layout); // still house style: applying the rules again changes nothing
  return { data, layout, ...(spec.config ? { config: spec.config } : {}) };
}

/** The names a legend shows: one per legend group, traces with `showlegend: false` left out. */
export function legendEntries(data: readonly Trace[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of data) {
    if (t.showlegend === false || typeof t.name !== "string" || t.name === "") continue;
    if (t.type === "contour" || t.type === "heatmap" || t.type === "surface") if (t.showlegend !== true) continue;
    const key = typeof t.legendgroup === "string" ? `g:${t.legendgroup}` : `n:${t.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t.name);
  }
  return out;
}

function styleAxis(a: Record<string, unknown>, span: number | null, share: number): Record<string, unknown> {
  const out = labelAxis(a);
  out.exponentformat ??= "power";
  if (out.type === "log" && out.dtick === undefined && out.tickvals === undefined && span !== null && span >= 2) {
    // decades only: at most ~6 labels on a full-height axis, ~3 on a short panel
    const most = share < 0.4 ? 3 : 6;
    out.dtick = Math.max(1, Math.ceil(span / most));
  }
  return out;
}

/**
 * A rotated y-axis title longer than its panel is tall would stick out above the plot (into the
 * chart title's row) and be cut at the top: it is broken into two lines at the space nearest its
 * middle. The panel's height is estimated from the chart's (less ~120 px of margins and legend)
 * and the axis's domain, at ~7 px a character.
 */
function fitAxisTitle(a: Record<string, unknown>, height: number): Record<string, unknown> {
  const t = a.title;
  if (!isObject(t) || typeof t.text !== "string" || t.text.includes("<br>")) return a;
  const plain = t.text.replace(/<[^>]+>/g, "");
  const panel = Math.max(60, (height - 120) * domainShare(a));
  if (plain.length * 7 <= panel) return a;
  const text = t.text;
  const mid = text.length / 2;
  let best = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== " " || insideTag(text, i)) continue;
    if (best < 0 || Math.abs(i - mid) < Math.abs(best - mid)) best = i;
  }
  return best < 0 ? a : { ...a, title: { ...t, text: `${text.slice(0, best)}<br>${text.slice(best + 1)}` } };
}

function insideTag(text: string, i: number): boolean {
  return text.lastIndexOf("<", i) > text.lastIndexOf(">", i);
}

function labelAxis(a: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  if (isObject(out.title)) out.title = labelText(out.title);
  else if (typeof out.title === "string") out.title = { text: mathLabel(out.title) };
  return out;
}

function labelText(t: Record<string, unknown>): Record<string, unknown> {
  return typeof t.text === "string" ? { ...t, text: mathLabel(t.text) } : t;
}

function labelTrace(t: Trace): Trace {
  const out: Trace = { ...t };
  if (typeof out.name === "string") out.name = mathLabel(out.name);
  // `%{y:.4g}` is d3's format (2.346e-7); a bare `%{y}` is the axis's own (2.345678×10⁻⁷, as
  // its ticks): one number format in hover text too
  if (typeof out.hovertemplate === "string") out.hovertemplate = mathLabel(out.hovertemplate).replace(/%\{([xyz]):\.\d+~?[gef]\}/g, "%{$1}");
  if (isObject(out.colorbar)) {
    const cb: Record<string, unknown> = { exponentformat: "power", ...out.colorbar };
    if (isObject(cb.title)) cb.title = labelText(cb.title);
    out.colorbar = cb;
  }
  return out;
}

/** Decades spanned by the data (or the explicit range) of the axis `xy` + `suffix`, for log axes. */
function axisSpan(data: readonly Trace[], xy: "x" | "y", suffix: string, a: Record<string, unknown>): number | null {
  if (a.type !== "log") return null;
  if (Array.isArray(a.range) && a.range.length === 2 && typeof a.range[0] === "number" && typeof a.range[1] === "number") return Math.abs(a.range[1] - a.range[0]);
  const id = xy + suffix;
  let lo = Infinity, hi = -Infinity;
  for (const t of data) {
    const ref = (t[`${xy}axis`] as string | undefined) ?? xy;
    if (ref !== id) continue;
    const values = t[xy];
    if (!Array.isArray(values) && !ArrayBuffer.isView(values)) continue;
    for (const v of Array.from(values as ArrayLike<unknown>)) {
      if (typeof v === "number" && v > 0 && Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  return lo <= hi ? Math.log10(hi / lo) : null;
}

function domainShare(a: Record<string, unknown>): number {
  const d = a.domain;
  return Array.isArray(d) && d.length === 2 ? Math.abs(Number(d[1]) - Number(d[0])) : 1;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
