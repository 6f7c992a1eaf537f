import { expect, test } from "vitest";
import { configurePlots } from "../../src/plots/index.js";
import { twentyChartNotebook } from "./twenty-charts.js";

test("a notebook with 20 charts stays under 3 MB: plotly.js is embedded once, not per chart", async () => {
  configurePlots({ staticImage: false });
  const { notebook } = await twentyChartNotebook();
  const text = JSON.stringify(notebook, null, 1); // Jupyter writes indent=1
  const cells = (notebook as { cells: { outputs: { data: Record<string, unknown> }[] }[] }).cells;
  expect(cells).toHaveLength(20);
  expect(cells.every((c) => c.outputs[0]!.data["application/vnd.plotly.v1+json"])).toBe(true);
  const carriers = cells.filter((c) => String(c.outputs[0]!.data["text/html"]).includes('class="optlab-plotlyjs"'));
  expect(carriers).toHaveLength(1);
  expect(cells.indexOf(carriers[0]!)).toBe(0);
  const mb = Buffer.byteLength(text) / 1e6;
  console.log(`20-chart notebook: ${mb.toFixed(2)} MB`);
  expect(mb).toBeLessThan(3);
});
