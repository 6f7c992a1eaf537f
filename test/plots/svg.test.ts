import { expect, test } from "vitest";
import { lineChartSvg } from "../../src/plots/svg.js";

test("draws each series as a path with a legend entry, on a log axis with decade ticks", () => {
  const svg = lineChartSvg(
    [{ name: "adam", color: "#d62728", x: [0, 1, 2, 3], y: [1, 0.1, null, 0.001] }, { name: "a<b", color: "#1f77b4", x: [0, 1], y: [1, 0.5] }],
    { title: "Optimizing", subtitle: "step 3/100", log: true, xMax: 100 },
  );
  expect(svg.startsWith("<svg")).toBe(true);
  expect(svg.match(/<path /g)).toHaveLength(2);
  expect(svg).toContain('stroke="#d62728"');
  // The null breaks the line: a second M starts after it.
  const d = /<path d="([^"]+)"/.exec(svg)![1]!;
  expect(d.match(/M/g)).toHaveLength(2);
  expect(svg).toContain(">0.001<");
  expect(svg).toContain(">a&lt;b<");
  expect(svg).toContain(">step 3/100<");
  expect(svg).toContain(">100<"); // the x axis reaches the planned step count
});

test("survives empty and constant series", () => {
  expect(lineChartSvg([{ name: "x", color: "#000", x: [], y: [] }], { title: "t" })).toContain("<svg");
  expect(lineChartSvg([{ name: "x", color: "#000", x: [0, 1], y: [2, 2] }], { title: "t" })).toContain(">2<");
});
