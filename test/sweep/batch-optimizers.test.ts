import { expect, test } from "vitest";
import { ALIASES, chain, scaleByLearningRate, type Optimizer } from "../../src/optim/index.js";
import { batchOptimizers } from "../../src/sweep/index.js";

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

test("a swept β₁ runs as one batch: per-run arrays inside betas pass the option check", () => {
  const points = [{ lr: 0.1, b1: 0.8 }, { lr: 0.2, b1: 0.8 }, { lr: 0.1, b1: 0.9 }];
  // straight through (the fast path: one alias call) and computed from h (one call per point, merged)
  for (const make of [
    (h: Record<string, unknown>) => ALIASES.adam({ lr: h.lr as number, betas: [h.b1 as number, 0.999] }),
    (h: Record<string, unknown>) => ALIASES.adam({ lr: h.lr as number, betas: [1 - (1 - (h.b1 as number)), 0.999] }),
  ]) {
    const groups = batchOptimizers(make, points, 2);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.runs).toEqual([0, 1, 2, 3, 4, 5]);
    const [b1, b2] = opts(groups[0]!.transform).betas as [number[], number];
    expect(Array.from(b1).map((v) => Number(v.toFixed(12)))).toEqual([0.8, 0.8, 0.8, 0.8, 0.9, 0.9]);
    expect(b2).toBe(0.999);
  }
  expect(() => ALIASES.adam({ betas: [[0.9, 1.5] as never, 0.999] })).toThrow(/adam: betas\[0\] must be a number in \[0, 1\) or a schedule, got 1\.5 \(run 1 of a per-run array\)/);
});
