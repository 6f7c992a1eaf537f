/**
 * The run option `trajectory: "all" | "final"`: a run that keeps only its start and final point
 * records the same losses, gradient norms, learning rates, status and final point as a run that
 * keeps every point; what it did not keep is refused with a DslError "trajectory-not-kept".
 */
import { describe, expect, test } from "vitest";
import { adam, compare, curvature, explore, gd, lbfgs, measuredRate, newton, nn, objective, optimize, optimizeAsync, plot, sgd, sweep, DslError, type Run } from "../../dsl/index.js";
import { formatSync } from "../../src/display/index.js";
import { F32NetProblem } from "../../src/nn/index.js";
import { resultChart } from "../../src/plots/index.js";
import { caughtDslError } from "../support/dsl-error.js";
import { quadratic, rosenbrock } from "../support/problems.js";

const dslError = caughtDslError;

/** Everything but the iterates agrees, bit for bit. */
function expectSameRecord(kept: Run, all: Run): void {
  expect(kept.trajectoryKept).toBe("final");
  expect(all.trajectoryKept).toBe("all");
  expect(kept.steps).toBe(all.steps);
  expect(kept.losses).toEqual(all.losses);
  expect(kept.gradNorms).toEqual(all.gradNorms);
  expect(kept.lrs).toEqual(all.lrs);
  expect(kept.leafGradNorms).toEqual(all.leafGradNorms);
  expect(kept.status).toBe(all.status);
  expect(kept.message).toBe(all.message);
  expect(kept.warnings).toEqual(all.warnings);
  expect(kept.evaluations).toBe(all.evaluations);
  expect(kept.x).toEqual(all.x);
  expect(kept.params).toEqual(all.params);
  expect(kept.paramsAt(0)).toEqual(all.paramsAt(0));
  expect(kept.convergedAt).toBe(all.convergedAt);
}

describe('optimize(..., { trajectory: "final" })', () => {
  test("records every loss, gradient norm and lr, and the same final point as the default run", () => {
    const all = optimize(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 60 });
    const kept = optimize(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 60, trajectory: "final" });
    expect(all.xs).toHaveLength(61); // the default still keeps steps + 1 points
    expectSameRecord(kept, all);
    expect(kept.paramsAt(60)).toEqual(all.xs[60]);
    expect(kept.paramsAt(-1)).toEqual(all.xs[60]);
    expect(kept.paramsAt(0)).toEqual([-1.2, 1]);
    // an explicit "all" is the default
    expect(optimize(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 60, trajectory: "all" }).xs).toEqual(all.xs);
  });

  test("refuses the points it did not keep with a DslError that names the option", () => {
    const run = optimize(rosenbrock, sgd({ lr: 1e-3, momentum: 0.9 }), { from: [-1.2, 1], steps: 20, trajectory: "final" });
    for (const [what, read] of [["run.xs", () => run.xs], ["run.trajectory", () => run.trajectory], ["run.paramsAt(5)", () => run.paramsAt(5)], ["run.paramsAt(-2)", () => run.paramsAt(-2)]] as const) {
      const e = dslError(read);
      expect(e.code, what).toBe("trajectory-not-kept");
      expect(e.path).toBe(what);
      expect(e.message).toContain(`${what}: this run kept only its start and final point (run option trajectory: "final")`);
      expect(e.message).toContain('Run with trajectory: "all" (the default) to keep every point');
    }
    // out-of-range steps are still a bad argument, as on a default run
    expect(dslError(() => run.paramsAt(21)).code).toBe("bad-argument");
    // the views charts read: no path, the losses as usual
    const v = run.views();
    expect(v.kept).toBe("final");
    expect(v.trajectory).toHaveLength(0);
    expect(v.losses).toHaveLength(21);
    // JSON: the start and the final point instead of xs
    const json = run.toJSON();
    expect(json.xs).toBeUndefined();
    expect(json).toMatchObject({ trajectory: "final", start: [-1.2, 1], x: run.x });
    // the display (table and loss curves) works
    expect(formatSync(run)["text/plain"]).toMatch(/^Run sgd/);
  });

  test("a run of no steps keeps its start as its final point", () => {
    const run = optimize(quadratic, gd({ lr: 0.1 }), { from: [1, 1], steps: 0, trajectory: "final" });
    expect(run.steps).toBe(0);
    expect(run.params).toEqual([1, 1]);
    expect(run.paramsAt(0)).toEqual([1, 1]);
  });

  test("convergedAt and the status use the runner's own record of the last move (no consecutive iterates to compare)", () => {
    const cases = [
      [quadratic, newton(), { from: [1, 1], steps: 50 }],
      [quadratic, gd({ lr: 1 / 50.5 }), { from: [1, 1], steps: 3000 }],
      [quadratic, gd({ lr: 0.01 }), { from: [1, 1], steps: 30, tol: 1e-3 }],
      [rosenbrock, lbfgs({ lineSearch: "strong-wolfe" }), { from: [-1.2, 1], steps: 200 }],
      [rosenbrock, newton(), { from: [-1.2, 1], steps: 100 }],
    ] as const;
    for (const [f, opt, opts] of cases) {
      const all = optimize(f, opt, opts);
      const kept = optimize(f, opt, { ...opts, trajectory: "final" });
      expectSameRecord(kept, all);
    }
    // L-BFGS (20 inner iterations per step) stops moving after a few steps while |∇f| stays above
    // 1e-6: convergedAt comes from the last step that changed the point, not from the gradient test
    const lb = optimize(rosenbrock, lbfgs({ lineSearch: "strong-wolfe" }), { from: [-1.2, 1], steps: 200, trajectory: "final" });
    expect(lb.status).toBe("converged");
    expect(lb.gradNorms.at(-1)).toBeGreaterThan(1e-6);
    expect(lb.convergedAt).toBeLessThan(10);
    const newtonRun = optimize(quadratic, newton(), { from: [1, 1], steps: 50, trajectory: "final" });
    expect(newtonRun.status).toBe("converged");
    expect(newtonRun.convergedAt).toBeLessThan(50);
  });

  test("a data-backed run with mini-batches and a validation split records the same", () => {
    const xs = Array.from({ length: 40 }, (_, i) => i / 10);
    const L = objective("(w * x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: xs.map((v) => 2 * v - 1 + 0.1 * Math.sin(7 * v)) } });
    const opts = { from: [0, 0], epochs: 6, batchSize: 8, seed: 4, validation: 0.25, patience: 3 };
    const all = optimize(L, adam({ lr: 0.05 }), opts);
    const kept = optimize(L, adam({ lr: 0.05 }), { ...opts, trajectory: "final" });
    expectSameRecord(kept, all);
    expect(kept.batchLosses).toEqual(all.batchLosses);
    expect(kept.valLosses).toEqual(all.valLosses);
    expect(kept.best).toEqual(all.best);
  });

  test("a network's run keeps per-leaf gradient norms every step and returns params as a tree", () => {
    const model = nn.mlp([3, 8, 2], { activation: "tanh", seed: 2 });
    const x = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(i), i / 12]);
    const L = nn.loss(model, { x, y: x.map((_, i) => i % 2) }, "cross-entropy");
    const all = optimize(L, adam({ lr: 0.01 }), { steps: 15 });
    const kept = optimize(L, adam({ lr: 0.01 }), { steps: 15, trajectory: "final" });
    expectSameRecord(kept, all);
    expect(Object.keys(kept.leafGradNorms!)).toEqual(["[0].W", "[0].b", "[1].W", "[1].b"]);
    expect(kept.leafGradNorms!["[0].W"]).toHaveLength(16);
    expect(kept.params[1].b).toHaveLength(2);
    expect(kept.paramsAt(0)).toEqual(model.params);
    expect(() => plot.gradNorms(kept)).not.toThrow(); // per-layer norms chart: every step
    // |∇f| and the per-leaf norms (summed in one pass over the gradient) are those of a plain loop, bit for bit
    const problem = L as unknown as { n: number; valueAndGradInto(x: Float64Array, g: Float64Array): number };
    const g = new Float64Array(problem.n);
    for (const k of [0, 1, 7, 15]) {
      problem.valueAndGradInto(Float64Array.from(all.xs[k]!), g);
      let ss = 0;
      for (let j = 0; j < g.length; j++) ss += g[j]! * g[j]!;
      expect(all.gradNorms[k]).toBe(Math.sqrt(ss));
      let sw = 0;
      for (let j = 0; j < 24; j++) sw += g[j]! * g[j]!; // [0].W: 8 × 3, the first leaf
      expect(all.leafGradNorms!["[0].W"]![k]).toBe(Math.sqrt(sw));
    }
  });

  test("takes runs whose every point would not fit in memory (the record is 2 × n)", () => {
    const n = 2 ** 20;
    const flat = { f: () => 0, grad: () => new Float64Array(n) };
    const from = new Float64Array(n).fill(1);
    const e = dslError(() => optimize(flat, gd({ lr: 0.1 }), { from, steps: 300, tol: 0 }));
    expect(e.code).toBe("bad-option");
    expect(e.message).toContain('keep only the final point with trajectory: "final"');
    const run = optimize(flat, gd({ lr: 0.1 }), { from, steps: 300, tol: 0, trajectory: "final" });
    expect(run.status).toBe("converged");
    expect(run.steps).toBe(0);
    expect(run.params).toHaveLength(n);
    // the per-step record (a loss, |∇f| and lr per step) still has its limit
    const long = dslError(() => optimize(rosenbrock, adam(), { from: [-1.2, 1], steps: 2 ** 31, trajectory: "final" }));
    expect(long.code).toBe("bad-option");
    expect(long.message).toBe("optimize: 2147483648 steps would record 16.0 GiB of losses (and as much of gradient norms); a run records at most 268435456 steps: take fewer steps, or stop early with tol");
  });

  test("bad values and misspellings are refused with suggestions", () => {
    const bad = dslError(() => optimize(quadratic, gd({ lr: 0.1 }), { from: [1, 1], trajectory: "fnal" as never }));
    expect(bad.code).toBe("bad-option");
    expect(bad.path).toBe("optimize.trajectory");
    expect(bad.message).toBe('optimize: trajectory must be one of "all", "final" (did you mean "final"?), got "fnal"');
    const unknown = dslError(() => optimize(quadratic, gd({ lr: 0.1 }), { from: [1, 1], trajectroy: "final" } as never));
    expect(unknown.code).toBe("unknown-option");
    expect(unknown.message).toContain('did you mean "trajectory"?');
    expect(dslError(() => compare(quadratic, { a: gd({ lr: 0.1 }) }, { from: [1, 1], trajectory: 2 as never })).path).toBe("compare.trajectory");
  });
});

describe("docs/readme/optimizers.md, keeping only the final point", () => {
  test("the example, as written", () => {
    const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
    const light = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 2000, trajectory: "final" });
    expect(light.losses.length).toBe(2001);
    expect(light.params).toEqual(optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 2000 }).params);
    expect(dslError(() => light.paramsAt(1000))).toMatchObject({ code: "trajectory-not-kept", message: expect.stringContaining('Run with trajectory: "all" (the default)') });
  });
});

describe("the other entry points", () => {
  test("optimizeAsync passes it through", async () => {
    const all = optimize(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 40 });
    const kept = await optimizeAsync(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 40, trajectory: "final" });
    expectSameRecord(kept, all);
  });

  test("compare takes it for every entry or per entry; its display says why no path is drawn", () => {
    const c = compare(rosenbrock, { plain: gd({ lr: 1e-3 }), light: { optimizer: adam({ lr: 0.01 }), trajectory: "final" } }, { from: [-1.2, 1], steps: 30 });
    expect(c.get("plain")!.trajectoryKept).toBe("all");
    expect(c.get("light")!.trajectoryKept).toBe("final");
    const both = compare(rosenbrock, { a: gd({ lr: 1e-3 }), b: adam({ lr: 0.01 }) }, { from: [-1.2, 1], steps: 30, trajectory: "final" });
    expect(both.names.map((n) => both.get(n)!.trajectoryKept)).toEqual(["final", "final"]);
    expect(both.get("b")!.losses).toEqual(c.get("light")!.losses);
    // two variables: the display's contour panel cannot draw paths and says why
    const fig = resultChart(both);
    const notes = ((fig.layout.annotations as { text?: string }[] | undefined) ?? []).map((a) => a.text ?? "").join("\n");
    expect(notes).toContain('no trajectories: the runs kept only their start and final point (trajectory: "final")');
    expect(formatSync(both)["text/plain"]).toMatch(/^Comparison of 2 runs/);
    // with one run that kept its path, that path is drawn
    expect(() => resultChart(c)).not.toThrow();
  });

  test("charts that draw paths refuse a run without one, saying which option to change", () => {
    const run = optimize(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 10, trajectory: "final" });
    for (const draw of [() => plot.contour(rosenbrock, run), () => plot.surface(rosenbrock, run)]) {
      const e = dslError(draw);
      expect(e.code).toBe("bad-argument");
      expect(e.message).toContain('has no trajectory xs (a run made with trajectory: "final" keeps only its start and final point');
    }
    // charts of losses and gradient norms draw as usual
    expect(() => plot.loss(run)).not.toThrow();
    // rates: f − f* from the losses works, ‖x − x*‖ needs the iterates
    expect(() => plot.rates(run, [{ name: "guess", rate: 0.9 }], { fStar: 0 })).not.toThrow();
    expect(dslError(() => plot.rates(run, [{ name: "guess", rate: 0.9 }], { xStar: [1, 1] })).message).toContain('has no iterates xs for ‖x − x*‖ (a run made with trajectory: "final"');
    expect(dslError(() => plot.loss(run, { xStar: [1, 1] } as never)).message).toContain('runs made with trajectory: "final" keep only their start and final point');
  });

  test("measuredRate reads the losses of such a run; iterate-based measures say what is missing", () => {
    const all = optimize(quadratic, gd({ lr: 0.01 }), { from: [1, 1], steps: 60 });
    const kept = optimize(quadratic, gd({ lr: 0.01 }), { from: [1, 1], steps: 60, trajectory: "final" });
    expect(measuredRate(kept, { fStar: 0 }).rate).toBe(measuredRate(all, { fStar: 0 }).rate);
    expect(dslError(() => measuredRate(kept, { xStar: [0, 0] })).message).toContain('this run has no xs (it kept only its start and final point: run it with trajectory: "all", the default)');
    expect(dslError(() => curvature.sharpness(quadratic, kept)).code).toBe("trajectory-not-kept");
  });

  test("sweep and explore have no such option (they return no runs, or need every point): they refuse it", async () => {
    await expect(Promise.resolve().then(() => sweep(quadratic, { optimizer: (h: { lr: number }) => gd({ lr: h.lr }), grid: { lr: [0.01, 0.1] }, from: [1, 1], steps: 5, trajectory: "final" } as never))).rejects.toMatchObject({ code: "unknown-option" });
    expect(dslError(() => explore(quadratic, { optimizer: (h: Record<string, number>) => gd({ lr: h.lr! }), params: { lr: { min: 0.01, max: 0.1 } }, from: [1, 1], trajectory: "final" } as never)).message).toMatch(/^explore: trajectory must be one of optimizer, /);
  });
});

describe("tfjs backends keep only the final point too", () => {
  test('a symbolic objective on backend "cpu"', async () => {
    const f = objective("(x - 1)^2 + 3 * (y + 2)^2");
    const all = await optimize(f, adam({ lr: 0.05 }), { from: [0, 0], steps: 20, backend: "cpu" });
    const kept = await optimize(f, adam({ lr: 0.05 }), { from: [0, 0], steps: 20, backend: "cpu", trajectory: "final" });
    expect(kept.trajectoryKept).toBe("final");
    expect(kept.losses).toEqual(all.losses);
    expect(kept.params).toEqual(all.xs[20]);
    expect(kept.paramsAt(0)).toEqual([0, 0]);
    expect(dslError(() => kept.xs).code).toBe("trajectory-not-kept");
  });

  test.runIf(F32NetProblem.available())('a network on backend "wasm" (optlab\'s float32 engine)', async () => {
    const model = nn.mlp([4, 16, 3], { activation: "relu", seed: 5 });
    const x = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(2 * i), i / 20, 1 - i / 20]);
    const L = nn.loss(model, { x, y: x.map((_, i) => i % 3) }, "cross-entropy");
    const all = await optimize(L, adam({ lr: 0.01 }), { steps: 12, backend: "wasm" });
    const kept = await optimize(L, adam({ lr: 0.01 }), { steps: 12, backend: "wasm", trajectory: "final" });
    expectSameRecord(kept, all);
    expect(kept.message).toMatch(/\[WebAssembly SIMD, float32\]$/);
  });
});
