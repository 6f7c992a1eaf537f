/**
 * The in-page engine (dist/explore/engine.js, built by scripts/bundle-explore.mjs) run in Node
 * through `vm` with only the globals a page has: for the same slider values and start point it
 * must give exactly `optimize(target, optimizer(h), { from, steps })`'s numbers (checked to
 * 1e-12, and in practice bit for bit), for string, TS-function and data-backed objectives,
 * schedules, side-by-side optimizers and second-order optimizers. Needs `npm run build`.
 */
import vm from "node:vm";
import { describe, expect, test } from "vitest";
import { adam, explore, exploreEngineSource, gd, lbfgs, newton, objective, optimize, schedules, sgd } from "../../dsl/index.js";
import type { Explorable, OptimizerFn } from "../../dsl/explore.js";
import { expectDslError } from "../support/dsl-error.js";

interface PageEngine {
  Experiment: new (spec: unknown) => { run(h: Record<string, number>, from?: number[]): { name: string; xs: Float64Array; losses: Float64Array; status: string; message: string }[] };
}

/** The bundled engine in a fresh context with a page's globals (no require, process, Buffer). */
function pageEngine(): PageEngine {
  const ctx = vm.createContext({ atob, performance, console });
  vm.runInContext(exploreEngineSource(), ctx);
  return (ctx as unknown as { optlabExplore: PageEngine }).optlabExplore;
}

/** Largest |page − kernel| over trajectory and losses (and equal lengths and status). */
function compare(e: Explorable, fns: Record<string, OptimizerFn>, h: Record<string, number>, from: number[], target: Parameters<typeof optimize>[0]): number {
  const exp = new (pageEngine().Experiment)(JSON.parse(JSON.stringify(e.spec)));
  const page = exp.run(h, from);
  let worst = 0;
  Object.entries(fns).forEach(([name, fn], i) => {
    const run = optimize(target, fn(h), { from, steps: e.spec.steps, ...e.spec.options });
    const p = page[i]!;
    if (name !== "optimizer") expect(p.name).toBe(name);
    expect(p.status).toBe(run.status);
    expect(p.xs.length).toBe(run.trajectory.length);
    expect(p.losses.length).toBe(run.losses.length);
    run.trajectory.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - p.xs[k]!))));
    run.losses.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - p.losses[k]!))));
  });
  return worst;
}

describe("explore's page engine equals optimize", () => {
  test("momentum on an ill-conditioned quadratic (string objective), several slider values", () => {
    const f = objective("(x^2 + 25*y^2)/2");
    const fn: OptimizerFn = (h) => sgd({ lr: h.lr, momentum: h.beta });
    const e = explore(f, { optimizer: fn, params: { lr: { min: 0.001, max: 0.08, value: 0.03, log: true }, beta: { min: 0, max: 0.99, value: 0.5 } }, from: [-3, 1], steps: 300 });
    for (const h of [{ lr: 0.03, beta: 0.5 }, { lr: 0.0123, beta: 0.9 }, { lr: 0.079, beta: 0.99 }]) {
      expect(compare(e, { optimizer: fn }, h, [-3, 1], f)).toBeLessThanOrEqual(1e-12);
      expect(compare(e, { optimizer: fn }, h, [2.5, -0.7], f)).toBe(0);
    }
  });

  test("Rosenbrock from a TS function, Adam with a cosine schedule, and a diverging run", () => {
    const f = objective((x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2);
    const fn: OptimizerFn = (h) => adam({ lr: schedules.cosine({ lr: h.lr, tMax: 400 }), betas: [h.b1, 0.999] });
    const e = explore(f, { optimizer: fn, params: { lr: { min: 1e-3, max: 0.5, value: 0.02, log: true }, b1: { min: 0.5, max: 0.99, value: 0.9 } }, from: [-1.2, 1], steps: 400 });
    expect(compare(e, { optimizer: fn }, { lr: 0.02, b1: 0.9 }, [-1.2, 1], f)).toBe(0);
    expect(compare(e, { optimizer: fn }, { lr: 0.31, b1: 0.6 }, [0.5, 2], f)).toBe(0);
    const g = objective("x^2 + y^2");
    const big: OptimizerFn = (h) => gd({ lr: h.lr });
    const d = explore(g, { optimizer: big, params: { lr: { min: 0.1, max: 3, value: 0.5 } }, from: [1, 1], steps: 50 });
    expect(compare(d, { optimizer: big }, { lr: 2.5 }, [1, 1], g)).toBe(0); // |1 − 2·2.5| > 1: diverges, in both
  });

  test("a diverged run's message in the page is the head of the kernel's (the bundle leaves out the hint and the warnings)", () => {
    const g = objective("x^2 + 4*y^2");
    const big: OptimizerFn = (h) => gd({ lr: h.lr });
    const d = explore(g, { optimizer: big, params: { lr: { min: 0.01, max: 1, value: 0.1 } }, from: [1, 1], steps: 200 });
    const page = new (pageEngine().Experiment)(JSON.parse(JSON.stringify(d.spec))).run({ lr: 0.6 }, [1, 1])[0]!;
    const run = optimize(g, big({ lr: 0.6 }), { from: [1, 1], steps: 200 });
    expect(page.status).toBe("diverged");
    expect(run.status).toBe("diverged");
    expect(page.message).toMatch(/^diverged at step \d+: loss .*, \|∇f\| .* \(started at loss 5\)$/);
    expect(run.message.startsWith(`${page.message}. `)).toBe(true);
    expect(run.message.length).toBeGreaterThan(page.message.length + 20); // the kernel explains (lr against 2/L)
  });

  test("a data-backed objective (least squares over 200 rows) ships its data columns", () => {
    const xs = Array.from({ length: 200 }, (_, i) => Math.sin(i) * 2);
    const ys = xs.map((x, i) => 0.7 * x - 0.3 + 0.05 * Math.cos(3 * i));
    const f = objective("(w*x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: ys }, reduce: "mean" });
    const fn: OptimizerFn = (h) => sgd({ lr: h.lr, momentum: h.m, nesterov: true });
    const e = explore(f, { optimizer: fn, params: { lr: { min: 0.01, max: 0.5, value: 0.1 }, m: { min: 0, max: 0.95, value: 0.5 } }, from: { w: 0, b: 0 }, steps: 200 });
    expect(e.spec.problem.rows).toBe(true);
    expect(compare(e, { optimizer: fn }, { lr: 0.2, m: 0.8 }, [1, -1], f)).toBe(0);
  });

  test("several optimizers side by side, and second-order ones (L-BFGS, Newton ship f and ∇²f)", () => {
    const f = objective("log(1 + x^2) + 3*(y - 0.5*x)^2 + 0.1*x^4");
    const fns: Record<string, OptimizerFn> = {
      gd: (h) => gd({ lr: h.lr }),
      lbfgs: (h) => lbfgs({ lr: h.lr * 10, lineSearch: "strong-wolfe" }),
      newton: (h) => newton({ lr: Math.min(1, h.lr * 10) }),
    };
    const e = explore(f, { optimizer: fns, params: { lr: { min: 0.01, max: 0.1, value: 0.05 } }, from: [2, -1], steps: 30 });
    expect(e.spec.problem.hessian).toBeDefined();
    expect(compare(e, fns, { lr: 0.07 }, [-1.5, 1.5], f)).toBe(0);
  });

  test("a sum compiled as a loop over its terms (index tables, straight-line rest) rebuilds in the page", () => {
    const f = objective("sum(100*(x[2*i] - x[2*i-1]^2)^2 + (1 - x[2*i-1])^2, i, 1, 50) + x[1]*x[3]");
    const fn: OptimizerFn = (h) => adam({ lr: h.lr });
    const from = Array.from({ length: 100 }, () => 0);
    const e = explore(f, { optimizer: fn, params: { lr: { min: 0.01, max: 1, value: 0.1, log: true } }, from, steps: 100 });
    expect(e.spec.contour).toBeNull();
    expect(e.spec.problem.valueGrad.params).toEqual(["R", "C", "T", "rest"]); // the loop form
    expect(compare(e, { optimizer: fn }, { lr: 0.3 }, from, f)).toBe(0);
  });
});

describe("explore's errors name what cannot be shipped", () => {
  const f = objective("x^2 + y^2");
  const params = { lr: { min: 0.01, max: 1 } };
  test("a { f, grad } closure over kernel state", () => {
    const scale = 3;
    expectDslError(() => explore({ f: (p: number[]) => scale * p[0]! ** 2, grad: (p: number[]) => [2 * scale * p[0]!] }, { optimizer: (h) => gd({ lr: h.lr }), params, from: [1], steps: 10 }), "not-serializable", /hand-written \{ f, grad \} model: its functions f and grad are closures in the kernel/);
  });
  test("an optimizer function that reads a variable of the session", () => {
    const momentumValue = 0.9;
    expectDslError(() => explore(f, { optimizer: (h) => sgd({ lr: h.lr, momentum: momentumValue }), params, from: [1, 1] }), "not-serializable", /uses 'momentumValue', which is not available in the page/);
  });
  test("a kernel cell's compiled form reads constructors through exports.*, and other exports.* names are refused", async () => {
    const { shipOptimizer } = await import("../../src/explore/index.js");
    // what a kernel cell's function looks like after tslab compiles it (see kernel/executor.ts)
    const cell = new Function("exports", "return (h) => exports.adam({ lr: exports.schedules.cosine({ lr: h.lr, tMax: 10 }) })")({ adam, schedules });
    expect(shipOptimizer(cell, "optimizer").namespaces).toEqual(["exports"]);
    const other = new Function("exports", "return (h) => exports.adam({ lr: exports.myLr })")({});
    expectDslError(() => shipOptimizer(other, "optimizer"), "not-serializable", /uses 'myLr'/);
  });
  test("bad sliders and bad return values", () => {
    expectDslError(() => explore(f, { optimizer: (h) => gd({ lr: h.lr }), params: { lr: { min: 0, max: 1, log: true } }, from: [1, 1] }), "bad-option", /explore: params.lr.min must be positive for a log slider, got 0/);
    expectDslError(() => explore(f, { optimizer: (h) => gd({ lr: h.lr }), params: { lr: { min: 0.1, max: 1, value: 2 } }, from: [1, 1] }), "bad-option", /params.lr.value must be within \[0.1, 1\], got 2/);
    expectDslError(() => explore(f, { optimizer: ((h: Record<string, number>) => h.lr) as never, params, from: [1, 1] }), "bad-optimizer", /must return an optimizer such as adam/);
  });
});

describe("explore's display", () => {
  test("text/html carries the engine, the spec, a no-script picture and a mount script; no network URL", async () => {
    const e = explore(objective("x^2 + 10*y^2"), { optimizer: (h) => adam({ lr: h.lr }), params: { lr: { min: 1e-3, max: 1, value: 0.1, log: true } }, from: [2, 1], steps: 100 });
    const html = e.html({ includePlotly: false });
    expect(html).toContain('class="ox-spec"');
    expect(html).toContain("optlabExplore");
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const b = (await (e as unknown as Record<symbol, () => Promise<Record<string, string>>>)[Symbol.for("Jupyter.display")]!()) as Record<string, string>;
    expect(b["text/plain"]).toMatch(/^Explorable: lr for adam over x, y/);
    const fig = e.figure();
    expect(fig.data.map((t) => (t.meta as { role: string }).role)).toEqual(["contour", "path", "start", "loss"]);
  });
});
