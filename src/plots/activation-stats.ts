/**
 * Activation statistics per layer as bars: the saturated fraction and the dead-unit fraction of
 * each layer side by side (in %), and the activations' std on a second axis, so saturation
 * spreading from layer to layer (sigmoid nets) or dying ReLUs show at a glance.
 */
import { DslError } from "../errors/index.js";
import { Figure } from "./figure.js";
import { PALETTE } from "./palette.js";
import { axis, baseLayout, defaultConfig } from "./style.js";

/** One layer's statistics as the chart takes them. */
export interface LayerStatsRow {
  layer: number;
  activation: string;
  std: number;
  saturated: number;
  dead: number;
}

/**
 * Bars of saturated and dead fractions per layer, with the std of the activations as a line.
 *
 * @example
 * activationStatsChart([{ layer: 0, activation: "sigmoid", std: 0.1, saturated: 0.3, dead: 0 }]);
 */
export function activationStatsChart(rows: readonly LayerStatsRow[], o: { title?: string } = {}): Figure {
  if (rows.length === 0) throw new DslError("bad-argument", "plot.activations: expected statistics of at least one layer", { path: "plot.activations" });
  const x = rows.map((r) => `layer ${r.layer} (${r.activation})`);
  const data = [
    { type: "bar", name: "saturated (%)", x, y: rows.map((r) => 100 * r.saturated), marker: { color: PALETTE[0] } },
    { type: "bar", name: "dead units (%)", x, y: rows.map((r) => 100 * r.dead), marker: { color: PALETTE[1] } },
    { type: "scatter", mode: "lines+markers", name: "std of activations", x, y: rows.map((r) => r.std), yaxis: "y2", line: { color: PALETTE[2], width: 2 } },
  ];
  const layout = baseLayout(o.title ?? "Activations per layer", {
    height: 360,
    barmode: "group",
    xaxis: axis(""),
    yaxis: axis("% of entries / units", { range: [0, 100] }),
    // own round ticks (not synced to the left axis' 0..100, which gave 0.157, 0.314, ...), no second grid
    yaxis2: { ...axis("std of activations"), overlaying: "y", side: "right", rangemode: "tozero", tickmode: "auto", nticks: 6, showgrid: false },
  });
  const summary = rows.map((r) => `layer ${r.layer}: ${(100 * r.saturated).toFixed(0)}% saturated, ${(100 * r.dead).toFixed(0)}% dead`).join("; ");
  return new Figure({ data, layout, config: defaultConfig() } as never, `activation statistics: ${summary}`);
}
