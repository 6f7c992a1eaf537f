import { describe, expect, test } from "vitest";
import { compare, gd, momentum, objective, optimize, plot, type Run } from "../../dsl/index.js";
import { format } from "../../src/display/index.js";
import { flatOf } from "../../src/plots/data.js";
import { LiveChart } from "../../src/plots/live.js";
import { resultChart } from "../../src/plots/result-displays.js";
import { legendName, runsOf } from "../../src/plots/runs.js";
import type { Trace } from "../../src/plots/types.js";

const run = (name: string, hyper: Record<string, unknown>) => ({ name, losses: [2, 1], xs: [[0], [1]], gradNorms: [1, 0.5], lrs: [0.1], status: "max-steps", hyperparameters: hyper });

test("legend names carry the learning rate and the hyperparameters that leave their defaults", () => {
  expect(legendName("adam", { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false })).toBe("adam (lr=0.01)");
  expect(legendName("sgd", { lr: 1e-3, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-4 })).toBe("sgd (lr=0.001, momentum=0.9, nesterov, wd=10⁻⁴)");
  expect(legendName("adam", { lr: 0.1, betas: [0.5, 0.9], amsgrad: true })).toBe("adam (lr=0.1, betas=(0.5, 0.9), amsgrad)");
  expect(legendName("lbfgs", { lr: 1, lineSearch: "strong-wolfe" })).toBe("lbfgs (lr=1, strong-wolfe)");
  const cosine = Object.assign((k: number) => k, {});
  Object.defineProperty(cosine, "name", { value: "cosine" });
  expect(legendName("gd", { lr: cosine })).toBe("gd (lr=cosine)");
  expect(legendName("my adam lr=0.1", { lr: 0.1 })).toBe("my adam lr=0.1");
  expect(legendName("plain")).toBe("plain");
});

test("runsOf reads a run, an array, a comparison and a record, keeping order and names", () => {
  const a = run("adam", { lr: 0.01 }), b = run("sgd", { lr: 0.1 });
  expect(runsOf(a, "t").map((r) => r.name)).toEqual(["adam (lr=0.01)"]);
  expect(runsOf([a, b], "t").map((r) => r.name)).toEqual(["adam (lr=0.01)", "sgd (lr=0.1)"]);
  expect(runsOf({ names: ["fast", "slow"], runs: { slow: a, fast: b } }, "t").map((r) => r.name)).toEqual(["fast (lr=0.1)", "slow (lr=0.01)"]);
  expect(runsOf({ one: a, two: b }, "t").map((r) => r.name)).toEqual(["one (lr=0.01)", "two (lr=0.1)"]);
  const s = runsOf(a, "t")[0]!;
  expect(s).toMatchObject({ losses: [2, 1], gradNorms: [1, 0.5], lrs: [0.1], status: "max-steps" });
  expect(() => runsOf(42, "plot.loss")).toThrow(expect.objectContaining({ code: "bad-argument", message: expect.stringMatching(/^plot\.loss: expected a run .* got 42$/) }));
});

describe("long runs: charts read a Run's buffers and decimate, never its array getters", () => {
  // A Run's xs getter builds one number[] per point (10⁶ here), losses/gradNorms/lrs copy every
  // value: a display must not touch them. These runs throw when they are read.
  const STEPS = 1_000_000;
  const f = objective("x^2 + 10*y^2");
  const untouchable = <T extends object>(run: T): T => {
    for (const k of ["xs", "losses", "gradNorms", "lrs"]) {
      Object.defineProperty(run, k, { get: () => { throw new Error(`run.${k} was read`); }, configurable: true });
    }
    return run;
  };
  const run = untouchable(optimize(f, gd({ lr: 1e-6 }), { from: [1, 1], steps: STEPS }));
  const ys = (traces: Trace[]) => traces.map((t) => (t.y as unknown[] | undefined)?.length ?? 0);

  test("the run's display (table and loss chart) draws ~600 points per curve", async () => {
    expect(run.steps).toBe(STEPS);
    const fig = resultChart(run);
    expect(fig.data.length).toBeGreaterThanOrEqual(2); // loss and gradient norm
    for (const n of ys(fig.data)) expect(n).toBeLessThanOrEqual(602);
    expect(Math.max(...ys(fig.data))).toBeGreaterThan(500);
    const bundle = await format(run);
    expect(bundle["text/plain"]).toMatch(/1000000 steps/);
    expect(bundle["application/vnd.plotly.v1+json"]).toBeDefined();
  });

  test("a comparison's display: paths over the contours thinned, loss curves decimated", () => {
    const c = compare(f, { gd: gd({ lr: 1e-6 }), heavyBall: momentum({ lr: 1e-6, momentum: 0.9 }) }, { from: [1, 1], steps: STEPS });
    for (const name of c.names) untouchable(c.runs[name]!);
    const fig = resultChart(c);
    for (const n of ys(fig.data)) expect(n).toBeLessThanOrEqual(602);
    const paths = fig.data.filter((t) => t.mode === "lines+markers" && Array.isArray(t.customdata));
    expect(paths.map((t) => (t.customdata as number[]).at(-1))).toEqual([STEPS, STEPS]);
  });

  test("plot.loss with xStar measures the distance from the flat trajectory", () => {
    const fig = plot.loss(run, { xStar: [0, 0] });
    const dist = fig.data.find((t) => t.yaxis === "y2")!;
    expect((dist.y as number[]).length).toBeLessThanOrEqual(602);
    expect((dist.y as number[])[0]).toBeCloseTo(Math.SQRT2, 4);
  });

  test("runsOf gives Float64Array views and lazy points of a Run", () => {
    const [s] = runsOf(run, "t");
    expect(s!.losses).toBeInstanceOf(Float64Array);
    expect(s!.losses.length).toBe(STEPS + 1);
    expect(s!.lrs!.length).toBe(STEPS);
    expect(s!.xs!.length).toBe(STEPS + 1);
    expect(Array.from(s!.xs![0]!)).toEqual([1, 1]);
    expect(Array.from(s!.xs![STEPS]!)).toEqual(Array.from((run as Run).x));
    expect(s!.xs![STEPS + 1]).toBeUndefined();
    expect(flatOf(s!.xs!)!.n).toBe(2);
  });

  test("a live chart redraws a growing run from its losses buffer", () => {
    const sent: string[] = [];
    const live = new LiveChart({ throttleMs: 0 }, (b) => void sent.push(String(b["text/plain"])));
    live.progress(run as never);
    expect(sent[0]).toMatch(/step 1,000,000/);
  });
});
