import { expect, test } from "vitest";
import { basinsMap, sweepHeatmap } from "../../src/plots/sweep.js";

test("stability map: a heatmap over categories, diverged cells empty and crossed", () => {
  const fig = sweepHeatmap({
    x: { name: "lr", values: [1e-3, 1e-2, 1e-1] },
    y: { name: "momentum", values: [0, 0.9] },
    z: [[1, 0.01, NaN], [0.1, 1e-4, 5]],
    zName: "final loss",
    status: [["max-steps", "converged", "diverged"], ["max-steps", "converged", "diverged"]],
  });
  const h = fig.data[0]!;
  expect(h.type).toBe("heatmap");
  expect(h.x).toEqual(["0.001", "0.01", "0.1"]);
  expect(h.y).toEqual(["0", "0.9"]);
  expect(h.z).toEqual([[0, -2, null], [-1, -4, null]]); // log10, spans 4 decades
  expect((h.colorbar as { ticktext: string[] }).ticktext).toEqual(["10⁻⁴", "0.001", "0.01", "0.1", "1"]);
  const x = fig.data[1]!;
  expect(x.name).toBe("diverged");
  expect(x.x).toEqual(["0.1", "0.1"]);
  expect(fig.summary).toMatch(/2 diverged/);
  expect(() => sweepHeatmap({ x: { name: "a", values: [1, 2] }, y: { name: "b", values: [1] }, z: [[1]], zName: "z" })).toThrow(/1 rows \(one per b\) of 2 values/);
});

test("basins: one colour per minimum, grey for none, minima starred", () => {
  const fig = basinsMap({ x: [-1, 0, 1], y: [0, 1], labels: [[0, -1, 1], [0, 1, 7]], minima: [[-1, 0], [1, 0]], names: ["left", "right"] });
  const h = fig.data[0]!;
  expect(h.z).toEqual([[0, -1, 1], [0, 1, -1]]); // an unknown label counts as none
  expect((h.colorbar as { ticktext: string[] }).ticktext).toEqual(["none", "left", "right"]);
  expect(fig.data[1]!.x).toEqual([-1, 1]);
  expect(fig.summary).toBe("basins of attraction over 3×2 starts (left: 2, right: 2, none: 2)");
});

test("stability map: a cell without a value that did not diverge (steps to tol of a slow run) stays empty, not crossed", () => {
  const fig = sweepHeatmap({
    x: { name: "lr", values: [0.01, 0.1, 1] },
    y: { name: "momentum", values: [0] },
    z: [[NaN, 40, NaN]],
    zName: "steps to tol",
    status: [["ok", "ok", "diverged"]],
  });
  expect(fig.data[0]!.z).toEqual([[null, 40, null]]);
  expect(fig.data[1]!.x).toEqual(["1"]); // only the diverged cell is crossed
  expect(fig.summary).toBe("sweep heatmap of steps to tol over 3 lr × 1 momentum values, 1 diverged, 1 without a value");
  expect(fig.data[0]!.text).toEqual([["", "40", ""]]);
});

test("stability map: losses spanning decades with exact zeros use a log scale, zeros at its bottom", () => {
  const fig = sweepHeatmap({ x: { name: "lr", values: [1, 2, 3, 4] }, y: { name: "m", values: [0] }, z: [[0, 1e-6, 1e-2, 1e4]], zName: "final loss" });
  expect(fig.data[0]!.z).toEqual([[-6, -6, -2, 4]]);
  expect((fig.data[0]!.colorbar as { title: { text: string } }).title.text).toBe("final loss (log)");
  expect(fig.data[0]!.text).toEqual([["0", "10⁻⁶", "0.01", "10000"]]);
  // a negative value keeps the linear scale
  expect(sweepHeatmap({ x: { name: "lr", values: [1, 2] }, y: { name: "m", values: [0] }, z: [[-1, 1e4]], zName: "z" }).data[0]!.z).toEqual([[-1, 1e4]]);
});

test("a one-hyperparameter strip says so without an empty second axis; basins' summary with no minima", () => {
  const strip = sweepHeatmap({ x: { name: "lr", values: [0.1, 5] }, y: { name: "", values: [0] }, z: [[0.06, NaN]], zName: "final loss" });
  expect(strip.summary).toBe("sweep heatmap of final loss over 2 lr values, 1 diverged");
  const none = basinsMap({ x: [0, 1], y: [0], labels: [[-1, -1]], minima: [] });
  expect(none.summary).toBe("basins of attraction over 2×1 starts (none: 2)");
});
