import { beforeEach, describe, expect, test } from "vitest";
import { lossCurves } from "../../src/plots/loss.js";
import { colorOf, resetColors } from "../../src/plots/palette.js";
import type { Trace } from "../../src/plots/types.js";

const ys = (t: Trace) => t.y as (number | null)[];
const geometric = (n: number, r: number) => Array.from({ length: n + 1 }, (_, t) => r ** t);

describe("lossCurves", () => {
  beforeEach(() => resetColors());

  test("one trace per run and panel, named after the run, in the run's palette colour", () => {
    const fig = lossCurves([
      { name: "gd (lr=0.1)", losses: geometric(50, 0.9), gradNorms: geometric(50, 0.95) },
      { name: "adam (lr=0.01)", losses: geometric(50, 0.8), gradNorms: geometric(50, 0.85) },
    ]);
    expect(fig.data).toHaveLength(4);
    const loss = fig.data.filter((t) => t.yaxis === "y");
    const grad = fig.data.filter((t) => t.yaxis === "y2");
    expect(loss.map((t) => t.name)).toEqual(["gd (lr=0.1)", "adam (lr=0.01)"]);
    expect(grad.every((t) => t.showlegend === false)).toBe(true);
    for (const t of fig.data) {
      expect(ys(t)).toHaveLength(51);
      expect((t.line as { color: string }).color).toBe(colorOf(t.legendgroup as string));
    }
    expect(fig.layout.yaxis).toMatchObject({ type: "log", title: { text: "loss f(x)" } });
    expect(fig.layout.yaxis2).toMatchObject({ type: "log", title: { text: "‖∇f(x)‖" } });
    expect(fig.layout.xaxis2).toMatchObject({ title: { text: "step t (iterations)" }, matches: "x" });
    expect(fig.summary).toMatch(/^loss curves of 2 runs over 50 steps/);
  });

  test("linear scale when a loss is negative; log scale ignores exact zeros", () => {
    expect(lossCurves([{ name: "a", losses: [1, 0, -1] }]).layout.yaxis).toMatchObject({ type: "linear" });
    const fig = lossCurves([{ name: "newton", losses: [4, 1e-3, 0] }]);
    expect(fig.layout.yaxis).toMatchObject({ type: "log" });
    expect(ys(fig.data[0]!)).toEqual([4, 1e-3, null]);
  });

  test("fStar plots the suboptimality f − f*", () => {
    const fig = lossCurves([{ name: "gd", losses: [3, 2.5, 2.25] }], { fStar: 2 });
    expect(ys(fig.data[0]!)).toEqual([1, 0.5, 0.25]);
    expect(fig.layout.yaxis).toMatchObject({ type: "log", title: { text: "f(x) − f*" } });
    expect((fig.layout.title as { text: string }).text).toMatch(/Suboptimality/);
  });

  test("xStar adds the distance panel ‖x_t − x*‖", () => {
    const fig = lossCurves([{ name: "gd", losses: [25, 1, 0.04], xs: [[3, 4], [0.6, 0.8], [0.12, 0.16]] }], { xStar: [0, 0] });
    const dist = fig.data.find((t) => t.yaxis === "y2")!;
    expect(ys(dist).map((v) => Number(v!.toFixed(6)))).toEqual([5, 1, 0.2]);
    expect(fig.layout.yaxis2).toMatchObject({ title: { text: "‖x − x*‖" } });
  });

  test("an lr panel appears when the learning rate changes, with stairs for step decays", () => {
    const lrs = Array.from({ length: 100 }, (_, t) => 0.1 * 0.5 ** Math.floor(t / 30));
    const fig = lossCurves([{ name: "sgd", losses: geometric(100, 0.99), lrs }]);
    const lr = fig.data.find((t) => t.yaxis === "y2")!;
    expect(ys(lr)).toHaveLength(100);
    expect(lr.line).toMatchObject({ shape: "hv" });
    expect(fig.layout.yaxis2).toMatchObject({ title: { text: "learning rate η" } });
    expect(lossCurves([{ name: "sgd", losses: [1, 0.5], lrs: [0.1] }]).data).toHaveLength(1);
  });

  test("a diverged run is named so and gets an ✕ at its last finite loss", () => {
    const fig = lossCurves([{ name: "gd (lr=1)", losses: [1, 10, 1e5, Infinity, NaN], status: "diverged" }]);
    expect(fig.data[0]!.name).toBe("gd (lr=1) (diverged)");
    const mark = fig.data.find((t) => (t.marker as { symbol?: string }).symbol === "x")!;
    expect(mark.x).toEqual([2]);
    expect(mark.y).toEqual([1e5]);
  });

  test("long runs are decimated to maxPoints and the chart says so", () => {
    const fig = lossCurves([{ name: "adam", losses: geometric(200_000, 0.9999) }], { maxPoints: 500 });
    expect(ys(fig.data[0]!).length).toBeLessThanOrEqual(502);
    expect((fig.data[0]!.x as number[]).at(-1)).toBe(200_000);
    expect(JSON.stringify(fig.layout.annotations)).toMatch(/500 of 200001 points/);
  });

  test("the spec is plain JSON: no NaN or Infinity survive serialization as non-null", () => {
    const fig = lossCurves([{ name: "x", losses: [1, NaN, Infinity, 0.5], gradNorms: [NaN, 1, 2, 3] }]);
    const back = JSON.parse(JSON.stringify(fig));
    expect(back.data[0].y).toEqual([1, null, null, 0.5]);
  });

  test("rejects an empty list with a DslError", () => {
    expect(() => lossCurves([])).toThrow(expect.objectContaining({ code: "bad-argument", message: expect.stringMatching(/at least one run/) }));
  });
});

test("the summary of a run that diverged after one step says '1 step'", () => {
  expect(lossCurves([{ name: "gd", losses: [1, NaN], status: "diverged" }]).summary).toBe("loss curves of 1 run over 1 step: gd → NaN (diverged)");
});
