import { expect, test } from "vitest";
import { Figure, sideBySide } from "../../src/plots/index.js";
import type { FigureSpec } from "../../src/plots/index.js";

const left: FigureSpec = {
  data: [
    { type: "contour", name: "f", z: [[1, 2], [3, 4]], colorbar: { title: { text: "f" } } },
    { type: "scatter", name: "run a", legendgroup: "run a", x: [0, 1], y: [0, 1] },
  ],
  layout: { title: { text: "Left" }, height: 400, xaxis: { title: { text: "x" } }, yaxis: { title: { text: "y" }, scaleanchor: "x" } },
};
const right: FigureSpec = {
  data: [
    { type: "scatter", name: "run a", legendgroup: "run a", y: [3, 2, 1], xaxis: "x", yaxis: "y" },
    { type: "scatter", name: "run a", legendgroup: "run a", showlegend: false, y: [1, 1, 1], xaxis: "x2", yaxis: "y2" },
    { type: "scatter", name: "run b", legendgroup: "run b", y: [2, 2, 2], xaxis: "x", yaxis: "y" },
  ],
  layout: {
    title: { text: "Right" }, height: 500,
    xaxis: { anchor: "y", domain: [0, 1] }, yaxis: { domain: [0.5, 1], anchor: "x" },
    xaxis2: { anchor: "y2", matches: "x" }, yaxis2: { domain: [0, 0.4], anchor: "x2" },
    annotations: [{ text: "note", xref: "paper", yref: "paper", x: 1, y: 1 }, { text: "at step 1", xref: "x2", yref: "y2", x: 1, y: 1 }],
  },
  config: { responsive: true },
};

test("sideBySide renumbers the right figure's axes after the left's and squeezes x domains into the columns", () => {
  const fig = sideBySide(left, right, { title: "Both", split: 0.4, summary: "both" });
  expect(fig).toBeInstanceOf(Figure);
  expect(fig.summary).toBe("both");
  const L = fig.layout as Record<string, any>;
  expect(Object.keys(L).filter((k) => /axis/.test(k)).sort()).toEqual(["xaxis", "xaxis2", "xaxis3", "yaxis", "yaxis2", "yaxis3"]);
  expect(L.xaxis.domain).toEqual([0, 0.33]);
  expect(L.yaxis.scaleanchor).toBe("x");
  expect(L.xaxis2.domain).toEqual([0.55, 1]);
  expect(L.xaxis2.anchor).toBe("y2");
  expect(L.xaxis3).toMatchObject({ anchor: "y3", matches: "x2", domain: [0.55, 1] });
  expect(L.yaxis3).toMatchObject({ anchor: "x3", domain: [0, 0.4] });
  expect(fig.data.map((t) => `${t.xaxis}/${t.yaxis}`)).toEqual(["x/y", "x/y", "x2/y2", "x3/y3", "x2/y2"]);
  // the colour bar sits right of the left column
  expect(fig.data[0]!.colorbar).toMatchObject({ title: { text: "f" }, x: 0.34, xanchor: "left" });
  // annotations follow their figure; each figure's title heads its column
  expect(L.annotations).toEqual([
    expect.objectContaining({ text: "Left", x: 0 }),
    { text: "note", xref: "paper", yref: "paper", x: 1, y: 1 },
    { text: "at step 1", xref: "x3", yref: "y3", x: 1, y: 1 },
    expect.objectContaining({ text: "Right", x: 0.55 }),
  ]);
  expect(L.title.text).toBe("Both");
  expect(L.height).toBe(524);
  expect(fig.config).toEqual({ responsive: true });
});

test("a run in both figures shows once in the legend; other entries are kept", () => {
  const fig = sideBySide(left, right);
  const shown = fig.data.filter((t) => t.showlegend !== false).map((t) => `${t.name}@${t.xaxis}`);
  expect(shown).toEqual(["f@x", "run a@x", "run b@x2"]);
});

test("3-D charts are refused", () => {
  expect(() => sideBySide({ data: [{ type: "surface", z: [[1]] }], layout: {} }, right)).toThrow(/only 2-D cartesian charts/);
});
