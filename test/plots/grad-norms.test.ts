/**
 * plot.gradNorms with several runs of a deep model: one panel per run, colour by layer on a
 * sequential scale (depth is ordered), dash by leaf kind, a grouped legend that does not scroll
 * (the chart grows with it), `leaves` and `title` options, and a summary of every run.
 */
import { describe, expect, test } from "vitest";
import { adam, compare, nn, plot, sgd } from "../../dsl/index.js";
import { gradNormsChart, hexToLab } from "../../src/plots/index.js";
import { layerColor, leafParts } from "../../src/plots/grad-norms.js";
import { expectDslError } from "../support/dsl-error.js";

type Obj = Record<string, unknown>;

const xs = Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
const net = nn.mlp([2, 4, 4, 4, 4, 4, 4, 4, 4, 1], { activation: "tanh", seed: 2 }); // 9 layers: 18 leaves
const L = nn.loss(net, { x: xs, y: xs.map((v) => [v[0]! - v[1]!]) }, "mse");
const runs = compare(L, { sgd: sgd({ lr: 0.05 }), adam: adam({ lr: 0.01 }) }, { steps: 12 });

describe("plot.gradNorms, 2 runs × 18 leaves", () => {
  const fig = plot.gradNorms(runs);
  const lines = fig.data as Obj[];

  test("one panel per run, sharing the step and norm axes", () => {
    expect(lines).toHaveLength(36);
    expect(new Set(lines.map((t) => `${t.xaxis}/${t.yaxis}`))).toEqual(new Set(["x/y", "x2/y2"]));
    const L = fig.layout as Obj;
    expect((L.yaxis as Obj).type).toBe("log");
    expect(L.yaxis2).toMatchObject({ type: "log", matches: "y" });
    expect(L.xaxis2).toMatchObject({ matches: "x" });
    const panelNames = ((L.annotations as Obj[]) ?? []).map((a) => a.text);
    expect(panelNames).toEqual(expect.arrayContaining(["<b>sgd</b>", "<b>adam</b>"]));
  });

  test("colour by layer on a sequential scale: ordered in lightness, [0].W and [8].W far apart; dash by kind", () => {
    const first = lines.filter((t) => t.xaxis === "x");
    const colorOf = (name: string) => ((first.find((t) => t.name === name)!.line as Obj).color as string);
    const lightness = Array.from({ length: 9 }, (_, k) => hexToLab(colorOf(`[${k}].W`))[0]);
    for (let k = 1; k < 9; k++) expect(lightness[k]!).toBeGreaterThan(lightness[k - 1]!);
    expect(colorOf("[0].W")).not.toBe(colorOf("[8].W"));
    expect(lightness[8]! - lightness[0]!).toBeGreaterThan(40);
    expect(colorOf("[3].W")).toBe(colorOf("[3].b")); // one layer, one colour
    for (const t of lines) expect((t.line as Obj).dash).toBe(String(t.name).endsWith(".W") ? "solid" : "dot");
  });

  test("the legend: one entry per leaf, grouped by layer, not scrolling; the chart grows instead", () => {
    const shown = lines.filter((t) => t.showlegend !== false);
    expect(shown).toHaveLength(18);
    expect(new Set(shown.map((t) => t.legendgroup)).size).toBe(9);
    expect((fig.layout as Obj).legend).toMatchObject({ traceorder: "grouped", maxheight: 1 });
    const one = plot.gradNorms(runs.runs.sgd!);
    expect(Number(fig.layout.height)).toBeGreaterThanOrEqual(Number(one.layout.height) + 200);
  });

  test("the summary describes every run", () => {
    expect(fig.summary).toMatch(/sgd \(12 steps\): at the start .+ \(\[\d\]\.[Wb]\) to .+, at the end/);
    expect(fig.summary).toMatch(/adam \(12 steps\): at the start/);
  });

  test("options: leaves (a kind, a layer, a list, a RegExp) and title", () => {
    const weights = plot.gradNorms(runs, { leaves: "W", title: "weights" });
    expect(new Set(weights.data.map((t) => t.name))).toEqual(new Set(Array.from({ length: 9 }, (_, k) => `[${k}].W`)));
    expect((weights.layout.title as Obj).text).toBe("weights");
    expect(new Set(plot.gradNorms(runs, { leaves: "[3]" }).data.map((t) => t.name))).toEqual(new Set(["[3].W", "[3].b"]));
    expect(new Set(plot.gradNorms(runs, { leaves: ["[0].W", "[8].b"] }).data.map((t) => t.name))).toEqual(new Set(["[0].W", "[8].b"]));
    expect(new Set(plot.gradNorms(runs, { leaves: /^\[[01]\]\.W$/ }).data.map((t) => t.name))).toEqual(new Set(["[0].W", "[1].W"]));
    expectDslError(() => plot.gradNorms(runs, { leaves: "[42]" }), "bad-option", /matches none of the leaves/);
    expectDslError(() => plot.gradNorms(runs, { leaf: "W" } as never), "unknown-option", /leaf/);
  });
});

test("layerColor and leafParts", () => {
  expect(layerColor(0, 9)).toBe("#440154");
  expect(layerColor(8, 9)).toBe("#a2d93a");
  expect(leafParts("[3].W")).toEqual({ layer: 3, kind: "W" });
  expect(leafParts("layers.2.bias")).toEqual({ layer: 2, kind: "bias" });
  const fig = gradNormsChart([{ name: "one", norms: { "[0].W": [1, 0.5], "[0].b": [0.1, 0.05] } }]);
  expect(fig.summary).toContain("one (1 step)");
});
