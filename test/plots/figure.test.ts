import { expect, test } from "vitest";
import { inspect } from "node:util";
import { Figure } from "../../src/plots/figure.js";
import { configurePlots, resetPlotlyDocument } from "../../src/plots/bundle.js";
import { format } from "../../src/display/index.js";

test("a Figure displays as the chart bundle with its summary as text/plain", async () => {
  configurePlots({ staticImage: false });
  resetPlotlyDocument();
  const fig = new Figure({ data: [{ type: "scatter", y: [1, 2] }], layout: { height: 300 } }, "two points");
  const b = await format(fig);
  expect(b["text/plain"]).toBe("two points");
  expect(b["application/vnd.plotly.v1+json"]).toEqual({ data: fig.data, layout: fig.layout, config: {} });
  expect(b["text/html"]).toMatch(/^<div class="optlab-chart"/);
  expect(inspect(fig)).toBe("Figure(two points)");
  expect(JSON.parse(JSON.stringify(fig))).toEqual({ data: fig.data, layout: fig.layout, config: {} });
});

test("withLayout merges nested keys without touching the original", () => {
  const fig = new Figure({ data: [], layout: { title: { text: "a", x: 0 }, height: 300 } }, "s");
  const g = fig.withLayout({ title: { text: "b" }, width: 500 });
  expect(g.layout).toEqual({ title: { text: "b", x: 0 }, height: 300, width: 500 });
  expect(fig.layout).toEqual({ title: { text: "a", x: 0 }, height: 300 });
  expect(g.summary).toBe("s");
});

test("toHTML gives a standalone fragment on request", () => {
  const fig = new Figure({ data: [], layout: {} }, "s");
  expect(fig.toHTML({ includePlotly: true }).includes('class="optlab-plotlyjs"')).toBe(true);
  expect(fig.toHTML().includes('class="optlab-plotlyjs"')).toBe(false);
});
