import { expect, test } from "vitest";
import { runDifferences } from "../../src/optim/run-differences.js";

const sgd = (lr: number) => ({ lr, momentum: 0 });

test("runDifferences names the options and, for one optimizer, the hyperparameters that differ", () => {
  const d = runDifferences([
    { settings: { from: [0, 1], clipNorm: 1, steps: 100 }, hyperparameters: sgd(0.1) },
    { settings: { from: [0, 1], steps: 100, batchSize: 8 }, hyperparameters: sgd(0.01) },
  ]);
  expect(d.options).toEqual([["clipNorm=1", "batch=full"], ["clipNorm=none", "batch=8"]]);
  expect(d.hyper).toEqual([["lr=0.1"], ["lr=0.01"]]);
});

test("runs of different optimizers: no hyperparameter differences (the optimizer column says it)", () => {
  const d = runDifferences([
    { settings: {}, hyperparameters: { lr: 0.1, betas: [0.9, 0.999] } },
    { settings: {}, hyperparameters: sgd(0.1) },
  ]);
  expect(d).toEqual({ hyper: [[], []], options: [[], []] });
});

test("starts given as trees show compactly; one run has no differences", () => {
  const d = runDifferences([
    { settings: { from: { W: [[1, 2]], b: new Float64Array([0.5]) } }, hyperparameters: {} },
    { settings: { from: { W: [[1, 2]], b: new Float64Array([0]) } }, hyperparameters: {} },
  ]);
  expect(d.options).toEqual([['start={"W":[[1,2]],"b":[0.5]}'], ['start={"W":[[1,2]],"b":[0]}']]);
  expect(runDifferences([{ settings: { clipNorm: 1 }, hyperparameters: {} }])).toEqual({ hyper: [[]], options: [[]] });
});

test("hyperparameters that differ only beyond 5 digits are still told apart, with the digits that show it", async () => {
  const { runDifferences } = await import("../../src/optim/run-differences.js");
  const d = runDifferences([
    { settings: {}, hyperparameters: { lr: 0.0100001, momentum: 0.9 } },
    { settings: {}, hyperparameters: { lr: 0.0100002, momentum: 0.9 } },
  ]);
  expect(d.hyper).toEqual([["lr=0.0100001"], ["lr=0.0100002"]]);
});

test("differing start points keep their digits (a point's coordinates are not cut to an index's worth)", async () => {
  const { runDifferences } = await import("../../src/optim/run-differences.js");
  const d = runDifferences([{ settings: { from: [-1.2, 1] }, hyperparameters: {} }, { settings: { from: [0.25, 3.5] }, hyperparameters: {} }]);
  expect(d.options).toEqual([["start=[-1.2, 1]"], ["start=[0.25, 3.5]"]]);
});
