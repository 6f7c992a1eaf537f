/**
 * Two figures side by side in one chart (one Plotly spec, so one output that every front end
 * draws the same way): the left figure's axes keep their ids, the right figure's are renumbered
 * after them, every x axis domain is squeezed into its column, and references to axes (traces'
 * `xaxis`/`yaxis`, axes' `anchor`/`matches`/`scaleanchor`/`overlaying`, annotations' and shapes'
 * `xref`/`yref`) follow. A colour bar of the left figure moves next to its column. Legend
 * entries repeated across the two (a run's path and its loss curve share a `legendgroup`) show
 * once; clicking one toggles both.
 *
 * Only 2-D cartesian figures compose (no 3-D scenes, polar or ternary subplots).
 */
import { DslError } from "../errors/index.js";
import { Figure } from "./figure.js";
import { isHouseStyle, markHouseStyle } from "./style.js";
import type { FigureSpec, Layout, Trace } from "./types.js";

export interface SideBySideOptions {
  /** Chart title (default: the right figure's). */
  title?: string;
  /** Where the left column (with its colour bar) ends, as a share of the width (default 0.4). */
  split?: number;
  /** The `text/plain` summary (default: both figures' summaries). */
  summary?: string;
  /** Height in CSS pixels (default: the taller figure's). */
  height?: number;
}

const AXIS_KEY = /^([xy])axis(\d*)$/;
const AXIS_REF = /^([xy])(\d*)( domain)?$/;

/**
 * The two figures as one: `left` in the left column (with its colour bar), `right` in the right
 * column; each figure's own title becomes a small heading over its column.
 *
 * @param left e.g. trajectories over contours.
 * @param right e.g. loss curves with stacked panels.
 * @param o options; see `SideBySideOptions`.
 * @example
 * sideBySide(landscape(f, { paths }), lossCurves(runs), { title: "adam vs gd" });
 */
export function sideBySide(left: FigureSpec, right: FigureSpec, o: SideBySideOptions = {}): Figure {
  for (const f of [left, right]) {
    if (f.data.some((t) => /3d|surface|mesh|polar|ternary|geo|pie/.test(t.type)) || f.layout.scene) {
      throw new DslError("bad-argument", "sideBySide: only 2-D cartesian charts can be placed side by side", { path: "plot" });
    }
  }
  const split = o.split ?? 0.4;
  const colorbar = left.data.some(hasColorbar);
  // [left column, right column] in paper coordinates: room for the left colour bar (with its tick
  // labels) and for the right column's y-axis ticks and title, which automargin cannot push
  // into the other column.
  const cols: [number, number][] = [[0, colorbar ? split - 0.07 : split], [split + (colorbar ? 0.15 : 0.1), 1]];
  const offsets = { x: maxAxis(left, "x"), y: maxAxis(left, "y") };
  const rename = [(id: string) => id, (id: string) => shift(id, offsets)];

  const layout: Layout = { ...right.layout };
  for (const k of Object.keys(layout)) if (AXIS_KEY.test(k)) delete layout[k];
  const data: Trace[] = [];
  const annotations: unknown[] = [];
  const shapes: unknown[] = [];
  [left, right].forEach((fig, side) => {
    const ren = rename[side]!;
    const col = cols[side]!;
    for (const [key, value] of Object.entries(fig.layout)) {
      const m = AXIS_KEY.exec(key);
      if (!m) continue;
      const axis = { ...(value as Record<string, unknown>) };
      for (const ref of ["anchor", "matches", "scaleanchor", "overlaying"]) {
        if (typeof axis[ref] === "string" && axis[ref] !== "free") axis[ref] = ren(axis[ref] as string);
      }
      if (m[1] === "x") axis.domain = squeeze((axis.domain as [number, number] | undefined) ?? [0, 1], col);
      layout[`${m[1]}axis${suffix(ren(`${m[1]}${m[2]}`))}`] = axis;
    }
    if (!hasAxis(fig, "x")) layout[`xaxis${suffix(ren("x"))}`] = { domain: col, anchor: ren("y") };
    for (const t of fig.data) {
      const c: Trace = { ...t, xaxis: ren((t.xaxis as string | undefined) ?? "x"), yaxis: ren((t.yaxis as string | undefined) ?? "y") };
      if (side === 0 && hasColorbar(t)) c.colorbar = { ...((t.colorbar as object | undefined) ?? {}), x: col[1] + 0.01, xanchor: "left", len: 1, y: 0.5, yanchor: "middle" };
      data.push(c);
    }
    for (const a of (fig.layout.annotations as Record<string, unknown>[] | undefined) ?? []) annotations.push(relocate(a, ren, col));
    for (const s of (fig.layout.shapes as Record<string, unknown>[] | undefined) ?? []) shapes.push(relocate(s, ren, col));
    const heading = titleText(fig.layout);
    if (heading) {
      annotations.push({
        text: heading, xref: "paper", yref: "paper", x: col[0], y: 1, xanchor: "left", yanchor: "bottom", yshift: 8,
        showarrow: false, font: { size: 13, color: "#444" },
      });
    }
  });
  dedupeLegend(data);
  layout.title = { ...((right.layout.title as object | undefined) ?? {}), text: o.title ?? titleText(right.layout) ?? "" };
  layout.height = o.height ?? Math.max(Number(left.layout.height) || 0, Number(right.layout.height) || 0) + 24;
  layout.margin = { ...((right.layout.margin as object | undefined) ?? {}), t: 84 };
  if (annotations.length) layout.annotations = annotations;
  else delete layout.annotations;
  if (shapes.length) layout.shapes = shapes;
  const summary = o.summary ?? [left, right].map((f) => (f instanceof Figure ? f.summary : titleText(f.layout) ?? "chart")).join("; ");
  // house style when both halves are (legend placement over the combined entries, labels)
  if (isHouseStyle(left.layout) || isHouseStyle(right.layout)) markHouseStyle(layout);
  return new Figure({ data, layout, config: right.config ?? left.config ?? {} }, summary);
}

function hasColorbar(t: Trace): boolean {
  return (t.type === "contour" || t.type === "heatmap" || t.colorbar !== undefined) && t.showscale !== false;
}

function hasAxis(f: FigureSpec, letter: "x" | "y"): boolean {
  return Object.keys(f.layout).some((k) => AXIS_KEY.exec(k)?.[1] === letter);
}

/** The largest axis number of `letter` a figure uses (x = 1, x2 = 2, ...). */
function maxAxis(f: FigureSpec, letter: "x" | "y"): number {
  let max = 1;
  const see = (id: unknown) => {
    const m = typeof id === "string" ? AXIS_REF.exec(id) : null;
    if (m && m[1] === letter) max = Math.max(max, m[2] ? Number(m[2]) : 1);
  };
  for (const k of Object.keys(f.layout)) {
    const m = AXIS_KEY.exec(k);
    if (m && m[1] === letter) max = Math.max(max, m[2] ? Number(m[2]) : 1);
  }
  for (const t of f.data) see(t[`${letter}axis`]);
  return max;
}

/** "x2" → "x5" for offsets { x: 3 }; "x domain" → "x4 domain"; "paper" and others unchanged. */
function shift(id: string, offsets: { x: number; y: number }): string {
  const m = AXIS_REF.exec(id);
  if (!m) return id;
  const letter = m[1] as "x" | "y";
  const n = (m[2] ? Number(m[2]) : 1) + offsets[letter];
  return `${letter}${n}${m[3] ?? ""}`;
}

function suffix(id: string): string {
  const n = id.slice(1);
  return n === "" || n === "1" ? "" : n;
}

function squeeze(d: [number, number], col: [number, number]): [number, number] {
  const w = col[1] - col[0];
  return [col[0] + d[0] * w, col[0] + d[1] * w];
}

/** An annotation or shape moved with its figure: axis references renamed, paper x squeezed into the column. */
function relocate(a: Record<string, unknown>, ren: (id: string) => string, col: [number, number]): Record<string, unknown> {
  const out = { ...a };
  const xref = (a.xref as string | undefined) ?? "x";
  if (xref === "paper") {
    for (const k of ["x", "x0", "x1"]) if (typeof a[k] === "number") out[k] = col[0] + (a[k] as number) * (col[1] - col[0]);
  } else out.xref = ren(xref);
  const yref = (a.yref as string | undefined) ?? "y";
  if (yref !== "paper") out.yref = ren(yref);
  return out;
}

function titleText(layout: Layout): string | undefined {
  const t = layout.title;
  if (typeof t === "string") return t;
  const text = (t as { text?: unknown } | undefined)?.text;
  return typeof text === "string" && text ? text : undefined;
}

/** One legend entry per legend group (and per name for ungrouped traces): the first shown wins. */
function dedupeLegend(data: Trace[]): void {
  const seen = new Set<string>();
  for (const t of data) {
    if (t.showlegend === false) continue;
    const key = typeof t.legendgroup === "string" ? `group:${t.legendgroup}` : typeof t.name === "string" ? `name:${t.name}` : undefined;
    if (key === undefined) continue;
    if (seen.has(key)) t.showlegend = false;
    else seen.add(key);
  }
}
