/**
 * Legend names of a comparison follow one rule for every entry: names of the user's own are kept
 * as written; optimizer names get only what differs between the runs, never an unset option
 * ("seed=none").
 */
import { describe, expect, test } from "vitest";
import { adam, compare, gd, nn, objective, plot, sgd } from "../../dsl/index.js";
import { runsOf } from "../../src/plots/index.js";

const xs = Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
const L = nn.loss(nn.mlp([2, 4, 1], { activation: "tanh", seed: 2 }), { x: xs, y: xs.map((v) => [v[0]! - v[1]!]) }, "mse");
const legend = (fig: { data: { name?: unknown; showlegend?: unknown }[] }) => fig.data.filter((t) => t.showlegend !== false).map((t) => t.name);

describe("legend names of a comparison", () => {
  test("user names stay as written, for every entry alike (the reviewer's repro)", () => {
    const runs = compare(L, { "B = 4": { optimizer: sgd({ lr: 0.02 }), batchSize: 4, seed: 1 }, "full batch": sgd({ lr: 0.02 }) }, { steps: 20 });
    const fig = plot.loss(runs);
    expect(legend(fig)).toEqual(["B = 4", "full batch"]);
    expect(new Set(fig.data.map((t) => t.name))).toEqual(new Set(["B = 4", "full batch"]));
    expect(fig.summary).not.toMatch(/none|lr=/);
  });

  test("optimizer names get only what differs, never seed=none", () => {
    const runs = compare(L, { sgd: { optimizer: sgd({ lr: 0.02 }), batchSize: 4, seed: 1 }, sgd2: sgd({ lr: 0.02 }) }, { steps: 5 });
    const names = runsOf(runs, "plot").map((r) => r.name);
    expect(names).toEqual(["sgd (batch=4, seed=1)", "sgd2 (batch=full)"]);
    for (const n of names) expect(n).not.toMatch(/lr=|none/);
  });

  test("different optimizers keep the learning rates that tell them apart; a shared one is dropped", () => {
    const f = objective("x^2 + 10*y^2");
    expect(runsOf(compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.01 }) }, { from: [1, 1], steps: 3 }), "plot").map((r) => r.name))
      .toEqual(["gd (lr=0.001)", "adam (lr=0.01)"]);
    expect(runsOf(compare(f, { gd: gd({ lr: 0.01 }), adam: adam({ lr: 0.01 }) }, { from: [1, 1], steps: 3 }), "plot").map((r) => r.name))
      .toEqual(["gd", "adam"]);
  });

  test("one run alone keeps its telling hyperparameters", () => {
    const f = objective("x^2 + 10*y^2");
    const one = compare(f, { gd: gd({ lr: 1e-3 }) }, { from: [1, 1], steps: 3 });
    expect(runsOf(one, "plot").map((r) => r.name)).toEqual(["gd (lr=0.001)"]);
  });
});
