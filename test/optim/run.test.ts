/**
 * `optimize` / `optimizeAsync` / `compare`: what a run records, how it stops, its messages and
 * warnings, its display, and the async loop (yielding, progress, abort).
 */
import { describe, expect, test } from "vitest";
import { adam, compare, compareAsync, gd, lbfgs, newton, optimize, optimizeAsync, sgd, DslError, type Run } from "../../dsl/index.js";
import { formatSync } from "../../src/display/index.js";
import type { Problem } from "../../src/problem/index.js";
import { caughtDslError } from "../support/dsl-error.js";
import { quadratic, rosenbrock, saddle } from "../support/problems.js";

const dslError = caughtDslError;

describe("optimize", () => {
  test("records steps+1 points, losses and gradient norms, and one lr per step", () => {
    const r = optimize(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 50 });
    expect(r.xs).toHaveLength(51);
    expect(r.losses).toHaveLength(51);
    expect(r.gradNorms).toHaveLength(51);
    expect(r.lrs).toHaveLength(50);
    expect(r.lrs.every((v) => v === 0.01)).toBe(true);
    expect(r.xs[0]).toEqual([-1.2, 1]);
    expect(r.losses[0]).toBeCloseTo(24.2, 12);
    expect(r.gradNorms[0]).toBeCloseTo(Math.hypot(-215.6, -88), 10);
    expect(r.status).toBe("max-steps");
    expect(r.name).toBe("adam");
    expect(r.optimizer).toMatch(/^adam\(lr=0.01, betas=\[0.9, 0.999\]/);
    expect(r.hyperparameters.lr).toBe(0.01);
    expect(r.trajectory).toHaveLength(51 * 2);
    expect(r.x).toEqual(r.xs[50]);
  });

  test("a hand-made optimizer whose update is not one number per variable is named, not a TypeError or a NaN run", () => {
    const returns = (u: unknown) => ({ init: () => ({}), update: () => u }) as never;
    const e1 = dslError(() => optimize(rosenbrock, returns(undefined), { from: [-1.2, 1], steps: 3 }));
    expect([e1.code, e1.message]).toEqual(["bad-optimizer", "optimize: the optimizer's update(updates, state, params, ops) must return the updates, one number per variable (2), got undefined at step 0"]);
    // one value for two variables used to "diverge" with loss NaN
    const e2 = dslError(() => optimize(rosenbrock, returns(new Float64Array(1)), { from: [-1.2, 1], steps: 3 }));
    expect(e2.message).toMatch(/one number per variable \(2\), got 1 values at step 0$/);
    // a number[] of the right length is fine
    expect(optimize(rosenbrock, returns([0.1, 0]), { from: [-1.2, 1], steps: 2 }).xs[2]).toEqual([-1.2 + 0.1 + 0.1, 1]);
  });

  test("a run too long to record says so before allocating (2^31 steps threw a RangeError from a typed array)", () => {
    const e = dslError(() => optimize(rosenbrock, adam(), { from: [-1.2, 1], steps: 2 ** 31 }));
    expect(e.code).toBe("bad-option");
    expect(e.message).toMatch(/^optimize: 2147483648 steps of 2 variables would record 32\.0 GiB of iterates; a run records at most 268435456 values \(\(steps \+ 1\) × variables\): take fewer steps, stop early with tol, or keep only the final point with trajectory: "final"$/);
    // the boundary: (2^27 + 1) × 2 values is just over 2^28
    expect(dslError(() => optimize(rosenbrock, adam(), { from: [-1.2, 1], steps: 2 ** 27 })).message).toMatch(/^optimize: 134217728 steps of 2 variables would record 2\.00 GiB/);
  });

  test("accepts the start as a record by variable name, and says what is wrong with a bad one", () => {
    const r = optimize(rosenbrock, gd({ lr: 1e-4 }), { from: { y: 1, x: -1.2 }, steps: 1 });
    expect(r.xs[0]).toEqual([-1.2, 1]);
    expect(dslError(() => optimize(rosenbrock, gd(), { from: { x: 1 }, steps: 1 })).message).toBe("optimize: the start point has no value for 'y' (variables: x, y)");
    expect(dslError(() => optimize(rosenbrock, gd(), { from: [1, 2, 3], steps: 1 })).message).toMatch(/has 3 values, the objective has 2 variables \(x, y\)/);
    expect(dslError(() => optimize(rosenbrock, gd(), { from: [1, 2], steps: -1 })).code).toBe("bad-option");
    const e = dslError(() => optimize(rosenbrock, gd(), { from: [1, 2], clip_norm: 1 } as never));
    expect(e.code).toBe("unknown-option");
    expect(e.message).toMatch(/did you mean "clipNorm"/);
    expect(dslError(() => optimize({} as never, gd(), { from: [1, 2] })).code).toBe("bad-objective");
    expect(dslError(() => optimize(rosenbrock, { lr: 1 } as never, { from: [1, 2] })).code).toBe("bad-optimizer");
    expect(dslError(() => optimize(rosenbrock, gd(), { from: [0, 0], backend: "gpu" })).message).toBe('optimize: backend must be one of "float64", "auto", "cpu", "wasm", "webgpu", "tensorflow", got "gpu"');
    // tfjs backends (a promise) are tested in test/dsl/optimize.test.ts
  });

  test("tol stops the run as soon as the gradient norm reaches it", () => {
    const r = optimize(quadratic, newton(), { from: [-2, 3], steps: 100, tol: 1e-9 });
    expect(r.status).toBe("converged");
    expect(r.stopReason).toBe("tol");
    expect(r.steps).toBeLessThanOrEqual(2);
    expect(r.message).toMatch(/^converged at step \d: \|∇f\| = .* ≤ tol 1e-9$/);
  });

  test("without tol every step runs; the status says whether the end point is stationary", () => {
    const r = optimize(quadratic, newton(), { from: [-2, 3], steps: 20 });
    expect(r.steps).toBe(20);
    expect(r.status).toBe("converged");
    const s = optimize(rosenbrock, gd({ lr: 1e-4 }), { from: [-1.2, 1], steps: 20 });
    expect(s.status).toBe("max-steps");
    expect(s.message).toMatch(/^took all 20 steps; \|∇f\| = .* at the end/);
  });

  test("a full-batch run whose optimizer stopped moving after making progress is converged", () => {
    // torch's L-BFGS stops moving at |∇f| ≈ 3.6e-4 on Rosenbrock (its toleranceChange test)
    const r = optimize(rosenbrock, lbfgs({ lineSearch: "strong-wolfe" }), { from: [-1.2, 1], steps: 10 });
    expect(r.steps).toBe(10);
    expect(r.status).toBe("converged");
    expect(r.message).toMatch(/the optimizer stopped moving after step 2 \(its own convergence tests\)/);
    expect(optimize(rosenbrock, gd({ lr: 0 }), { from: [-1.2, 1], steps: 3 }).status).toBe("max-steps");
  });

  test("divergence stops the run and compares the lr with 2/L at the start", () => {
    const r = optimize(rosenbrock, gd({ lr: 0.01 }), { from: [-1.2, 1], steps: 100 });
    expect(r.status).toBe("diverged");
    expect(r.steps).toBeLessThan(10);
    // L = largest eigenvalue of [[1330, 480], [480, 200]] = 765 + √(565² + 480²) ≈ 1506.4
    expect(r.message).toMatch(/^diverged at step \d: loss .*lr 0\.01 exceeds 2\/L = 0\.001328 at the start \(L = 1506, the largest Hessian eigenvalue there\)/);
    const m = optimize(rosenbrock, sgd({ lr: 0.01, momentum: 0.5 }), { from: [-1.2, 1], steps: 100 });
    // β is momentum in messages (μ is strong convexity), and the bound is stabilityThreshold's
    expect(m.message).toMatch(/exceeds 2\(1\+β\)\/L = 0\.001992 at the start \(L = 1506, the largest Hessian eigenvalue there; momentum β = 0\.5\)/);
    expect(m.message).not.toMatch(/μ/);
  });

  test("an objective unbounded below diverges with a message that says so", () => {
    const p: Problem = { n: 1, names: ["x"], valueAt: (x) => -Math.exp(x[0]!), valueAndGradInto: (x, g) => ((g[0] = -Math.exp(x[0]!)), -Math.exp(x[0]!)) };
    const r = optimize(p, gd({ lr: 1 }), { from: [0], steps: 10000 });
    expect(r.status).toBe("diverged");
    // stopped as soon as the loss fell far below the start while |∇f| grew 10⁴-fold (issue 16)
    expect(r.message).toMatch(/the loss fell to -.* the objective looks unbounded below\. No step size fixes that/);
    expect(r.message).not.toMatch(/smaller lr/);
  });

  test("a start at a saddle point warns", () => {
    const r = optimize(saddle, adam(), { from: [0, 0], steps: 5 });
    expect(r.warnings.join("\n")).toMatch(/the gradient vanishes at the start .* a saddle point or a maximum \(smallest Hessian eigenvalue -1\)/);
  });

  test("exploding gradient norms warn", () => {
    const r = optimize(rosenbrock, gd({ lr: 1.2e-3 }), { from: [-1.2, 1], steps: 30, divergenceFactor: Infinity });
    if (r.status !== "diverged" && Math.max(...r.gradNorms) > 1e4 * r.gradNorms[0]!) expect(r.warnings.join()).toMatch(/gradient norm exploded/);
    const q = optimize(quadratic, gd({ lr: 0.021 }), { from: [-2, 3], steps: 150, divergenceFactor: Infinity });
    expect(q.warnings.join()).toMatch(/the gradient norm exploded from .* at step \d+: the step is probably too large/);
  });

  test("lbfgs refuses gradient clipping (it evaluates the gradient itself)", () => {
    expect(dslError(() => optimize(rosenbrock, lbfgs(), { from: [0, 0], clipNorm: 1 })).message).toMatch(/do not apply to lbfgs/);
  });

  test("a hand-written { f, grad } objective works", () => {
    const r = optimize({ f: ([x, y]) => (x! - 1) ** 2 + (y! + 1) ** 2, grad: ([x, y]) => [2 * (x! - 1), 2 * (y! + 1)] }, gd({ lr: 0.25 }), { from: [0, 0], steps: 100 });
    expect(r.x[0]).toBeCloseTo(1, 12);
    expect(r.names).toEqual(["x0", "x1"]);
  });

  test("displays as a text summary and an HTML table", () => {
    const r = optimize(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 10 });
    const b = formatSync(r);
    expect(b["text/plain"]).toMatch(/^Run adam\(lr=0.01, .*\n  max-steps: took all 10 steps/);
    expect(b["text/html"]).toMatch(/<table class="optlab-run">.*<th style="text-align:left">x \(x, y\)<\/th>/);
    expect(JSON.parse(JSON.stringify(r)).xs).toHaveLength(11);
  });
});

describe("compare", () => {
  test("runs every optimizer from the same start and marks the best final loss", () => {
    const c = compare(quadratic, { gd: gd({ lr: 0.01 }), heavyBall: sgd({ lr: 0.01, momentum: 0.9 }), adam }, { from: [-2, 3], steps: 200 });
    expect(c.names).toEqual(["gd", "heavyBall", "adam"]);
    for (const n of c.names) expect(c.runs[n]!.xs[0]).toEqual([-2, 3]);
    expect(c.runs.heavyBall!.name).toBe("heavyBall");
    expect(c.best()!.name).toBe("heavyBall");
    const b = formatSync(c);
    expect(b["text/plain"]).toMatch(/^Comparison of 3 runs\nname +optimizer/);
    expect(b["text/plain"]).toMatch(/heavyBall ★/);
    expect(b["text/html"]).toMatch(/<table class="optlab-comparison">/);
  });
  test("bad specs say what was expected", () => {
    expect(dslError(() => compare(quadratic, {}, { from: [0, 0] })).message).toBe("compare: no optimizers to compare");
    expect(dslError(() => compare(quadratic, { a: 3 } as never, { from: [0, 0] })).path).toBe("compare.a");
  });
});

describe("optimizeAsync", () => {
  test("equals optimize, yields to the event loop, and reports progress on the live run", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const seen: number[] = [];
    let status = "";
    const r = await optimizeAsync(rosenbrock, adam({ lr: 1e-3 }), {
      from: [-1.2, 1], steps: 300_000, progressEvery: 5,
      onProgress: (run: Run) => { seen.push(run.steps); status = run.status; },
    });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(status).toBe("running");
    expect(seen[0]!).toBeLessThan(300_000);
    const s = optimize(rosenbrock, adam({ lr: 1e-3 }), { from: [-1.2, 1], steps: 300_000 });
    expect(r.x).toEqual(s.x);
    expect(r.losses.length).toBe(s.losses.length);
  });

  test("an AbortSignal stops it with a DslError carrying the partial run", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 5);
    const err = await optimizeAsync(rosenbrock, adam({ lr: 1e-4 }), { from: [-1.2, 1], steps: 50_000_000, signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DslError);
    expect((err as DslError).code).toBe("aborted");
    const run = (err as DslError).detail!.run as Run;
    expect(run.status).toBe("aborted");
    expect(run.steps).toBeGreaterThan(0);
    expect(run.steps).toBeLessThan(50_000_000);
    expect(run.xs).toHaveLength(run.steps + 1);
  });

  test("compareAsync runs each optimizer", async () => {
    const c = await compareAsync(quadratic, { a: gd({ lr: 0.01 }), b: adam({ lr: 0.1 }) }, { from: [-2, 3], steps: 100 });
    expect(c.names).toEqual(["a", "b"]);
    expect(c.runs.b!.steps).toBe(100);
  });
});

describe("non-finite at the start", () => {
  test("a NaN gradient with a finite loss is blamed on the gradient, not the objective", () => {
    const model: Problem = {
      n: 1,
      names: ["a"],
      valueAt: (x) => x[0]! ** 2,
      valueAndGradInto: (x, g) => {
        g[0] = NaN;
        return x[0]! ** 2;
      },
    };
    const run = optimize(model, gd({ lr: 0.1 }), { from: [1.5], steps: 10 });
    expect(run.status).toBe("diverged");
    expect(run.message).toBe("the gradient is not finite at the start (|∇f| = NaN, loss 2.25): check the gradient at the start point");
  });
});
