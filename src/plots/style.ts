/**
 * The house style every builder shares: fonts, margins, grid, legend, the Plotly config, and
 * axis and subplot helpers. One place, so all charts read alike.
 */
import type { Layout, PlotConfig } from "./types.js";

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Default chart size: width follows the output area (autosize); height in CSS pixels. */
export const DEFAULT_HEIGHT = 420;

/** The Plotly config of every chart: responsive, no Plotly logo, no lasso/select tools. */
export function defaultConfig(): PlotConfig {
  return { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
}

/** A layout with our title, font, margins and legend, merged with the builder's own keys. */
export function baseLayout(title: string, extra: Layout = {}): Layout {
  return {
    title: { text: title, x: 0.01, xanchor: "left", font: { size: 16 } },
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
  if (o.type === "log") a.exponentformat = "power";
  if (o.domain) a.domain = o.domain;
  if (o.anchor) a.anchor = o.anchor;
  if (o.matches) a.matches = o.matches;
  if (o.showTickLabels === false) a.showticklabels = false;
  if (o.range) a.range = o.range;
  if (o.nticks) a.nticks = o.nticks;
  if (o.scaleanchor) a.scaleanchor = o.scaleanchor;
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
