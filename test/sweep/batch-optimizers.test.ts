import { expect, test } from "vitest";
import { ALIASES, chain, scaleByLearningRate, type Optimizer } from "../../src/optim/index.js";
import { PerRunValues, batchOptimizers } from "../../src/sweep/index.js";

const opts = (t: unknown) => (t as Optimizer).options;

test("h passed straight through: one alias call with per-run arrays (runs = points × starts)", () => {
  let calls = 0;
  const make = (h: Record<string, unknown>) => (calls++, ALIASES.sgd({ lr: h.lr as number, momentum: h.m as number }));
  const points = [{ lr: 0.1, m: 0 }, { lr: 0.2, m: 0.9 }];
  const [g, ...rest] = batchOptimizers(make, points, 2);
  expect(rest).toEqual([]);
  expect(g!.runs).toEqual([0, 1, 2, 3]);
  expect(Array.from(opts(g!.transform).lr as number[])).toEqual([0.1, 0.1, 0.2, 0.2]);
  expect(Array.from(opts(g!.transform).momentum as number[])).toEqual([0, 0, 0.9, 0.9]);
  expect(calls).toBeLessThanOrEqual(3); // two probes and the label, not one per point
});

test("anything else: one call per point, grouped by alias and non-numeric options", () => {
  const make = (h: Record<string, unknown>) =>
    h.opt === "adam" ? ALIASES.adam({ lr: 2 * (h.lr as number), amsgrad: h.lr === 0.1 }) : ALIASES.sgd({ lr: h.lr as number });
  const points = [{ opt: "adam", lr: 0.1 }, { opt: "sgd", lr: 0.1 }, { opt: "adam", lr: 0.2 }, { opt: "adam", lr: 0.3 }];
  const groups = batchOptimizers(make, points, 1);
  const byRuns = Object.fromEntries(groups.map((g) => [g.runs.join(","), g]));
  expect(Object.keys(byRuns).sort()).toEqual(["0", "1", "2,3"]);
  expect(Array.from(opts(byRuns["2,3"]!.transform).lr as number[])).toEqual([0.4, 0.6]);
  expect(opts(byRuns["0"]!.transform).amsgrad).toBe(true);
  expect((byRuns["1"]!.transform as Optimizer).name).toBe("sgd");
});

test("momentum() rebuilds although it records options it does not take (dampening)", () => {
  const [g] = batchOptimizers((h) => ALIASES.momentum({ lr: h.lr as number }), [{ lr: 0.1 }, { lr: 0.2 }], 1);
  expect((g!.transform as Optimizer).name).toBe("momentum");
});

test("the same transform for every point (sweeping starts only) is used as is; custom transforms per point are refused", () => {
  const t = chain(scaleByLearningRate(0.1));
  expect(batchOptimizers(() => t, [{}], 3)[0]!.transform).toBe(t);
  expect(() => batchOptimizers((h) => chain(scaleByLearningRate(h.lr as number)), [{ lr: 0.1 }, { lr: 0.2 }], 1)).toThrow(/use an alias such as adam/);
  expect(() => batchOptimizers(() => 42, [{ lr: 1 }, { lr: 2 }], 1)).toThrow(/must return an optimizer such as adam\(\{ lr: h.lr \}\), got 42 for h = \{ lr: 1 \}/);
  expect(() => batchOptimizers((h) => ALIASES.adam({ lr: h.lr as number }), [{ lr: -1 }, { lr: 0.1 }], 1)).toThrow(/adam: lr must be/);
});

test("PerRunValues keeps its identity when mapped with a function that leaves numbers alone", () => {
  const a = PerRunValues.from2([1, 2, 3]);
  expect(a.map((v) => v)).toBe(a); // first map: full pass
  expect(a.map((v) => (typeof v === "number" ? v : v(0)))).toBe(a);
  expect(Array.from(a.map((v) => (v as number) * 2))).toEqual([2, 4, 6]);
  expect(Array.isArray(a)).toBe(true);
});

test("a swept β₁ runs as one batch per β₁ value when the alias refuses per-run betas", () => {
  const groups = batchOptimizers((h) => ALIASES.adam({ lr: h.lr as number, betas: [h.b1 as number, 0.999] }), [{ lr: 0.1, b1: 0.8 }, { lr: 0.2, b1: 0.8 }, { lr: 0.1, b1: 0.9 }], 1);
  const runs = groups.map((g) => g.runs.join(",")).sort();
  // either one batch (per-run betas accepted) or one per β₁
  expect(runs).toEqual(runs.length === 1 ? ["0,1,2"] : ["0,1", "2"]);
  for (const g of groups) {
    const b = (g.transform as Optimizer).options.betas as unknown[];
    expect(b[1]).toBe(0.999);
  }
});
