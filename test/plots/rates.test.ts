import { expect, test } from "vitest";
import { convergenceRates } from "../../src/plots/rates.js";

test("measured curves and theory lines e0·ρ^t on a log axis", () => {
  const values = Array.from({ length: 101 }, (_, t) => 2 * 0.9 ** t);
  const fig = convergenceRates([{ name: "gd", values, rate: 0.9 }], [{ name: "1 − μ/L", rate: 0.95 }, { name: "exact", rate: 0.9 }]);
  expect(fig.layout.yaxis).toMatchObject({ type: "log", title: { text: "f(x<sub>t</sub>) − f*" } });
  expect(fig.data.map((t) => t.name)).toEqual(["gd (measured ρ ≈ 0.9)", "theory 1 − μ/L: ρ = 0.95", "theory exact: ρ = 0.9"]);
  expect(fig.data[0]!.y).toHaveLength(101);
  const th = fig.data[1]!;
  expect(th.x).toEqual([0, 100]);
  expect((th.y as number[])[0]).toBe(2);
  expect((th.y as number[])[1]).toBeCloseTo(2 * 0.95 ** 100, 12);
  expect((th.line as { dash: string }).dash).toBe("dash");
});

test("a fast theory line stops where it falls far below the data", () => {
  const fig = convergenceRates([{ name: "gd", values: [1, 0.5, 0.25, 0.125] }], [{ name: "fast", rate: 1e-3 }]);
  const x = fig.data[1]!.x as number[];
  expect(x[1]).toBeLessThan(3);
  expect((fig.data[1]!.y as number[])[1]).toBeCloseTo(0.125 * 1e-2, 8);
});

test("the x measure titles the axis ‖x_t − x*‖, and bad rates are rejected", () => {
  expect(convergenceRates([{ name: "a", values: [1, 0.1] }], [], { measure: "x" }).layout.yaxis).toMatchObject({ title: { text: "‖x<sub>t</sub> − x*‖" } });
  expect(() => convergenceRates([{ name: "a", values: [1] }], [{ name: "bad", rate: 1.5 }])).toThrow(/must be in \(0, 1\], got 1.5/);
  expect(() => convergenceRates([{ name: "a", values: [1] }], [{ name: "r", rate: 0.5, run: "nope" }])).toThrow(/names run "nope"/);
});

test("many curves: the chart grows with its legend (which sits under the plot), unless a height is given", () => {
  const runs = ["a", "b", "c", "d"].map((name, k) => ({ name, values: [1, 0.5 / (k + 1), 0.25 / (k + 1)], rate: 0.5 }));
  const theory = runs.flatMap((r) => [{ name: `${r.name} model`, rate: 0.5, run: r.name }, { name: `${r.name} bound`, rate: 0.9, run: r.name }]);
  expect(convergenceRates(runs.slice(0, 1), theory.slice(0, 1)).layout.height).toBe(420);
  expect(convergenceRates(runs, theory).layout.height).toBe(300 + 28 * 12);
  expect(convergenceRates(runs, theory, { height: 500 }).layout.height).toBe(500);
});
