/**
 * The shapes a builder produces: a Plotly figure spec (`{ data, layout, config }`), plain JSON.
 *
 * We type only what our builders set; Plotly accepts many more keys, so traces and layouts stay
 * open records. Numbers that are not finite never appear: JSON has no NaN/Infinity, so builders
 * write `null` (a gap in a line, an empty cell in a heatmap) and say so where it matters.
 */

/** One Plotly trace (`scatter`, `contour`, `heatmap`, `surface`, `scatter3d`, `bar`). */
export interface Trace {
  type: string;
  name?: string;
  [key: string]: unknown;
}

/** A Plotly layout (titles, axes, legend, subplots, annotations). */
export type Layout = Record<string, unknown>;

/** Plotly's per-plot config (mode bar, responsiveness). */
export type PlotConfig = Record<string, unknown>;

/** A complete figure spec, the payload of `application/vnd.plotly.v1+json`. */
export interface FigureSpec {
  data: Trace[];
  layout: Layout;
  config?: PlotConfig;
}

/** A number series that may come as a plain array or a typed array. */
export type Series = ArrayLike<number>;

/** A trajectory: points in parameter space, each a plain or typed array. */
export type Points = ArrayLike<ArrayLike<number>>;
