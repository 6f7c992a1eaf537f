import { describe, expect, test } from "vitest";
import { adam, compare, gd, gradcheck, newton, objective, optimize, plot, schedules, sgd, theory } from "../../dsl/index.js";
import type { Trace } from "../../src/plots/types.js";

const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");
const cmp = compare(rosen, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.02 }), newton: newton() }, { from: [-1.2, 1], steps: 300 });
const names = (ts: Trace[]) => ts.map((t) => t.name);

describe("plot.*", () => {
  test("plot.loss of a comparison: one loss and one gradient-norm trace per run, legends with hyperparameters", () => {
    const fig = plot.loss(cmp);
    expect(names(fig.data.filter((t) => t.yaxis === "y"))).toEqual(["gd (lr=0.001)", "adam (lr=0.02)", "newton (lr=1)"]);
    expect(fig.data.filter((t) => t.yaxis === "y2")).toHaveLength(3);
    expect((fig.data[0]!.y as unknown[]).length).toBe(301);
    expect(fig.layout.yaxis).toMatchObject({ type: "log" });
  });

  test("plot.loss of one run, with f* and x*", () => {
    const fig = plot.loss(cmp.runs.newton!, { fStar: 0, xStar: [1, 1] });
    expect(names(fig.data)).toEqual(["newton (lr=1)", "newton (lr=1)", "newton (lr=1)"]);
    expect(fig.layout.yaxis2).toMatchObject({ title: { text: "‖x − x*‖" } });
  });

  test("plot.contour and plot.surface draw the objective with each run's path", () => {
    const c = plot.contour(rosen, cmp, { minima: [[1, 1]] });
    expect((c.layout.title as { text: string }).text).toBe("Trajectories over f = (1 − x)² + 100·(y − x²)²");
    expect(names(c.data.filter((t) => t.mode === "lines+markers"))).toEqual(["gd (lr=0.001)", "adam (lr=0.02)", "newton (lr=1)"]);
    const s = plot.surface(rosen, cmp.runs.adam!);
    expect(s.data.map((t) => t.type)).toEqual(["surface", "scatter3d", "scatter3d", "scatter3d"]);
    expect(plot.heatmap((x: number, y: number) => x * y, undefined, { xRange: [0, 1], yRange: [0, 1] }).data[0]!.type).toBe("heatmap");
  });

  test("plot.hessian at a point (via theory), of a theory result, and along a run", () => {
    const saddle = plot.hessian(objective("x^2 - y^2"), { at: [0, 0] });
    expect((saddle.layout.title as { text: string }).text).toBe("Hessian eigenvalues at (0, 0): saddle point (1 negative eigenvalue)");
    const t = theory(rosen, { at: [1, 1] });
    expect(plot.hessian(t).data[0]!.y).toEqual(t.eigenvalues);
    const along = plot.hessian(rosen, cmp.runs.gd!, { samples: 10 });
    expect(names(along.data).slice(0, 4)).toEqual(["λ₁", "λ<sub>max</sub> (sharpness)", "2/η (gd (lr=0.001))", "gd (lr=0.001): curvature"]);
    expect(along.data[1]!.x).toHaveLength(10);
    expect(() => plot.hessian(rosen)).toThrow(expect.objectContaining({ code: "missing-option" }));
  });

  test("plot.rates: measured rate against theory's (1 − μ/L)^t on a quadratic", () => {
    const q = objective("x^2 + 10*y^2");
    const t = theory(q, { at: [0, 0] });
    const run = optimize(q, gd({ lr: t.stepSizes.invL }), { from: [1, 1], steps: 100 });
    const fig = plot.rates(run, t);
    const n = names(fig.data);
    expect(n[0]).toMatch(/^gd \(lr=0\.05\) \(measured ρ ≈ 0\.81\)$/);
    expect(n.slice(1)).toEqual(["theory GD, lr = 1/L (quadratic model): ρ = 0.81", "theory GD, lr = 1/L: worst-case bound: ρ = 0.9"]);
    expect(() => plot.rates(run, [{ name: "r", rate: 0.5 }])).toThrow(/give fStar/);
  });

  test("plot.gradcheck: the V curve of a report, forward and central per coordinate", () => {
    const fig = plot.gradcheck(gradcheck(rosen, { at: [-1.2, 1] }));
    expect(names(fig.data.filter((t) => t.mode === "lines+markers"))).toEqual(["x (forward)", "x (central)", "y (forward)", "y (central)"]);
    expect((fig.data[0]!.x as number[]).length).toBe((fig.data[0]!.y as number[]).length);
  });

  test("plot.schedule of one or several schedules; one-cycle shows its momentum", () => {
    const fig = plot.schedule([schedules.cosine({ lr: 0.1, tMax: 100 }), schedules.step({ lr: 0.1, stepSize: 30, gamma: 0.5 })], { steps: 120 });
    expect(names(fig.data)).toEqual(["cosine(lr=0.1, tMax=100, etaMin=0)", "step(lr=0.1, stepSize=30, gamma=0.5)"]);
    expect(fig.data[0]!.y).toHaveLength(120);
    const one = plot.schedule(schedules.oneCycle({ maxLr: 0.1, totalSteps: 200 }));
    expect(one.data).toHaveLength(2);
    expect(one.data[0]!.name).toBe("oneCycle(maxLr=0.1, totalSteps=200, …)");
    expect(() => plot.schedule(3)).toThrow(/expected a schedule/);
  });

  test("plot.sweep and plot.basins take plain grids or a sweep result's own charts", () => {
    const grid = { x: { name: "lr", values: [0.1, 1] }, y: { name: "m", values: [0] }, z: [[1, NaN]], zName: "loss" };
    expect(plot.sweep(grid).data.map((t) => t.name)).toEqual(["loss", "diverged"]);
    const own = plot.sweep(grid);
    const result = { heatmap: () => own, basins: () => own };
    expect(plot.sweep(result)).toBe(own);
    expect((plot.basins(result, { title: "mine" }).layout.title as { text: string }).text).toBe("mine");
  });

  test("plot.figure wraps a raw spec; bad input says what was expected", () => {
    expect(plot.figure({ data: [{ type: "bar", y: [1] }], layout: {} }).summary).toBe("Plotly chart with 1 trace");
    expect(() => plot.figure({} as never)).toThrow(/expected \{ data: \[\.\.\.\]/);
    expect(() => plot.loss("nope")).toThrow(/plot\.loss: expected a run/);
    expect(() => plot.contour(rosen, sgd({ lr: 1 }) as never)).toThrow(/plot\.contour: expected a run/);
  });
});

describe("plot.* check their options and plain data at the edge (found by a user)", () => {
  const fails = (fn: () => unknown, code: string, re: RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err, String(re)).toBeInstanceOf(Error);
    expect((err as { code?: string }).code).toBe(code);
    expect((err as Error).message).toMatch(re);
  };
  const run = cmp.runs.adam!;

  test("unknown options are errors with the close name (they were ignored: { yscale } drew a linear chart)", () => {
    fails(() => plot.loss(run, { yscale: "log" } as never), "unknown-option", /^plot\.loss: unknown option "yscale" \(did you mean "yScale"\?\); options are title, yScale, fStar, xStar, panels, maxPoints, height, logX, steps$/);
    fails(() => plot.contour(rosen, run, { xrange: [-1, 1] } as never), "unknown-option", /did you mean "xRange"/);
    fails(() => plot.surface(rosen, run, { zscale: "log" } as never), "unknown-option", /did you mean "zScale"/);
    fails(() => plot.hessian(rosen, run, { sample: 10 } as never), "unknown-option", /did you mean "samples"/);
    fails(() => plot.schedule(schedules.cosine({ lr: 0.1, tMax: 10 }), { step: 5 } as never), "unknown-option", /did you mean "steps"/);
    fails(() => plot.gradcheck(gradcheck(rosen, { at: [1, 2] }), { relativ: true } as never), "unknown-option", /did you mean "relative"/);
  });

  test("values of the wrong kind say what was expected", () => {
    fails(() => plot.loss(run, { yScale: "logg" as never }), "bad-option", /^plot\.loss: yScale must be one of "auto", "log", "linear", got "logg"$/);
    fails(() => plot.loss(run, { fStar: "0" as never }), "bad-option", /^plot\.loss: fStar must be a finite number, got "0"$/);
    fails(() => plot.loss(run, { maxPoints: 0 }), "bad-option", /maxPoints must be an integer ≥ 2, got 0/);
    // an unknown panel said "the distance panel needs xStar"
    fails(() => plot.loss(run, { panels: ["grad" as never] }), "bad-option", /^plot\.loss: panels must be an array of "distance", "gradNorm", "lr", got \["grad"\] \(did you mean "gradNorm"\?\)$/);
    fails(() => plot.contour(rosen, run, { levels: "logarithmic" as never }), "bad-option", /levels must be one of "auto", "log", "linear"/);
    fails(() => plot.rates(run, 0.9 as never, { fStar: 0 }), "bad-argument", /^plot\.rates: expected the rates as a theory\(\.\.\.\) result or \[\{ name, rate \}\], got 0\.9$/);
  });

  test("plot.hessian's point errors name plot.hessian, not theory", () => {
    fails(() => plot.hessian(rosen, { at: [1] }), "bad-length", /plot\.hessian's point `at` must have 2 values \(x, y\), got 1/);
  });

  test("options in the runs' place are taken as options; given twice, an error", () => {
    const byOptions = plot.contour((x: number, y: number) => x * x + y * y, { xRange: [-1, 1], yRange: [-1, 1] });
    expect(byOptions.data[0]!.type).toBe("contour");
    fails(() => plot.contour((x: number, y: number) => x * y, { xRange: [-1, 1], yRange: [-1, 1] }, { title: "t" }), "bad-argument", /options given twice/);
  });

  test("plain grids of plot.sweep and plot.basins are checked (a garbled message, a TypeError)", () => {
    fails(() => plot.sweep({ x: [1], y: [1], z: [[1]] } as never), "bad-argument", /^plot\.sweep: expected a sweep\(\.\.\.\) result or a grid .* but x is \[1\] \(expected \{ name: "lr", values: \[\.\.\.\] \}\)$/);
    fails(() => plot.basins({} as never), "bad-argument", /^plot\.basins: expected .* but x is undefined/);
    fails(() => plot.basins(null as never), "bad-argument", /got null/);
    expect(plot.basins({ x: [0, 1], y: [0], labels: [[0, -1]], minima: [[1, 1]] }).data.length).toBeGreaterThan(0);
  });
});

describe("plot.* with odd plain grids", () => {
  test("plot.sweep with an empty axis is an error naming the field", () => {
    expect(() => plot.sweep({ x: { name: "lr", values: [] }, y: { name: "m", values: [0] }, z: [[]], zName: "loss" })).toThrow(/^plot\.sweep: .* but x\.values is empty/);
  });
  test("plot.basins: empty starts, a label that names no minimum, a minimum that is not a point", () => {
    expect(() => plot.basins({ x: [], y: [], labels: [], minima: [] })).toThrow(/^plot\.basins: .* but x is empty/);
    expect(() => plot.basins({ x: [0, 1], y: [0], labels: [[0, 5]], minima: [[0, 0]] })).toThrow(/but labels\[0\]\[1\] is 5 \(expected the index of a minimum, 0\.\.0, or −1 for none\)/);
    expect(() => plot.basins({ x: [0, 1], y: [0], labels: [[0, -1]], minima: [[0]] })).toThrow(/but minima\[0\] is \[0\] \(expected a point \[x, y\]\)/);
    expect(plot.basins({ x: [0, 1], y: [0], labels: [[0, -1]], minima: [[0, 0]] }).summary).toBe("basins of attraction over 2×1 starts ((0, 0): 1, none: 1)");
  });
  test("plot.figure takes a spec without a layout (the type says layout is optional)", () => {
    const fig = plot.figure({ data: [{ type: "scatter", y: [1, 2] }] });
    expect(fig.summary).toBe("Plotly chart with 1 trace");
  });
});
