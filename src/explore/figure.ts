/**
 * The explorable's chart: contours of f with each optimizer's trajectory and the start point
 * (2 variables), and the loss curves (log y when the losses are positive), as one Plotly figure.
 * The page draws it once and then restyles its moving traces after each run; the kernel uses the
 * same function for the initial state (static image, no-script fallback). Browser-safe.
 *
 * Traces carry `meta: { role, optimizer }` (`"contour"`, `"path"`, `"start"`, `"loss"`) so that
 * tests and readers find them by role.
 */
import type { ExploreResult } from "./engine.js";
import type { WireSpec } from "./wire.js";

/** Colours of the optimizers, in order (optlab's palette). */
export const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];

/** At most this many points per line; longer runs are drawn every k-th point (ends kept). */
export const MAX_DRAWN = 20_001;

/** Indices 0..len-1 thinned to at most MAX_DRAWN, the last one kept. */
export function drawnIndices(len: number): number[] {
  const stride = Math.max(1, Math.ceil(len / MAX_DRAWN));
  const idx: number[] = [];
  for (let i = 0; i < len; i += stride) idx.push(i);
  if (idx[idx.length - 1] !== len - 1 && len > 0) idx.push(len - 1);
  return idx;
}

type Trace = Record<string, unknown>;

/** The figure for the runs `results` started at `from`. */
export function exploreFigure(spec: WireSpec, results: readonly ExploreResult[], from: readonly number[]): { data: Trace[]; layout: Trace; config: Trace } {
  const data: Trace[] = [];
  const c = spec.contour;
  const lossAxes = c ? { xaxis: "x2", yaxis: "y2" } : { xaxis: "x", yaxis: "y" };
  if (c) {
    data.push({ ...c.trace, xaxis: "x", yaxis: "y", showscale: false, meta: { role: "contour" } });
    results.forEach((r, i) => {
      const len = r.xs.length / r.n;
      const idx = drawnIndices(len);
      data.push({
        type: "scatter", mode: len <= 400 ? "lines+markers" : "lines", name: r.name, xaxis: "x", yaxis: "y",
        x: idx.map((k) => r.xs[k * r.n]!), y: idx.map((k) => r.xs[k * r.n + 1]!),
        line: { color: COLORS[i % COLORS.length], width: 2 }, marker: { size: 4, color: COLORS[i % COLORS.length] },
        showlegend: false, hovertemplate: `${r.name}<br>step %{pointNumber}<br>(%{x:.4g}, %{y:.4g})<extra></extra>`,
        meta: { role: "path", optimizer: r.name },
      });
    });
    data.push({
      type: "scatter", mode: "markers", name: "start", xaxis: "x", yaxis: "y", x: [from[0]], y: [from[1]], showlegend: false,
      marker: { size: 14, color: "#ffffff", line: { color: "#111", width: 2.5 }, symbol: "circle" },
      hovertemplate: spec.draggable ? "start (drag me)<br>(%{x:.4g}, %{y:.4g})<extra></extra>" : "start<extra></extra>",
      meta: { role: "start" },
    });
  }
  if (spec.loss) {
    results.forEach((r, i) => {
      const idx = drawnIndices(r.losses.length);
      data.push({
        type: "scatter", mode: "lines", name: r.name, ...lossAxes,
        x: idx, y: idx.map((k) => r.losses[k]!),
        line: { color: COLORS[i % COLORS.length], width: 2 },
        hovertemplate: `${r.name}<br>step %{x}<br>f = %{y:.6g}<extra></extra>`,
        meta: { role: "loss", optimizer: r.name },
      });
    });
  }
  const axisStyle = { showgrid: true, gridcolor: "#e6e6e6", zeroline: false, showline: true, linecolor: "#888", ticks: "outside", automargin: true };
  const layout: Trace = {
    height: spec.height, autosize: true, margin: { l: 64, r: 16, t: 40, b: 52 }, dragmode: false, hovermode: "closest",
    font: { family: "system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif", size: 13, color: "#222" },
    paper_bgcolor: "#ffffff", plot_bgcolor: "#ffffff", showlegend: results.length > 1 && !!spec.loss,
    legend: { orientation: "h", x: c ? 0.56 : 0, y: 1.02, yanchor: "bottom" },
    title: { text: spec.title, x: 0.01, xanchor: "left", font: { size: 15 } },
  };
  const lossAxis = (key: string) => ({ ...axisStyle, title: { text: "step" }, ...(key === "x2" ? { domain: [0.56, 1], anchor: "y2" } : {}) });
  const lossY = { ...axisStyle, title: { text: "f(xₖ)" }, type: spec.loss?.log ? "log" : "linear", exponentformat: "power" };
  if (c) {
    layout.xaxis = { ...axisStyle, title: { text: c.names[0] }, range: c.xRange, domain: [0, 0.46], anchor: "y" };
    layout.yaxis = { ...axisStyle, title: { text: c.names[1] }, range: c.yRange, anchor: "x" };
    if (spec.loss) {
      layout.xaxis2 = lossAxis("x2");
      layout.yaxis2 = { ...lossY, anchor: "x2" };
    }
  } else {
    layout.xaxis = lossAxis("x");
    layout.yaxis = lossY;
  }
  return { data, layout, config: { responsive: true, displaylogo: false, displayModeBar: false, scrollZoom: false } };
}
