/**
 * Every alias reaches the minimum of a well-conditioned quadratic and of the Rosenbrock
 * function (lr tuned per problem, a decaying schedule where a constant lr only orbits the
 * minimum); the acceptance figures for Newton and L-BFGS; option checking.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { DslError } from "../../src/errors/index.js";
import { ALIASES, exponential, runSync, step as stepLR, type Optimizer } from "../../src/optim/index.js";
import type { Problem } from "../../src/problem/index.js";
import { beale, extendedRosenbrock, rosenbrock, saddle } from "../support/problems.js";

/** ½(x−1)² + (y+2)²: condition number 2. */
const wellConditioned: Problem = {
  n: 2,
  names: ["x", "y"],
  valueAt: (v) => 0.5 * (v[0]! - 1) ** 2 + (v[1]! + 2) ** 2,
  valueAndGradInto(v, g) {
    g[0] = v[0]! - 1;
    g[1] = 2 * (v[1]! + 2);
    return this.valueAt(v);
  },
  hessianInto(_v, H) {
    H.set([1, 0, 0, 2]);
  },
};

/** lr(k) = lr·(1 − k/T)²: lets constant-step adaptive methods settle instead of orbiting. */
const decay = (lr: number, T: number) => (k: number) => lr * Math.max(0, 1 - k / T) ** 2;

type Row = [alias: keyof typeof ALIASES, quadratic: [Record<string, unknown>, number], rosenbrock: [Record<string, unknown>, number]];
const TABLE: Row[] = [
  ["gd", [{ lr: 0.5 }, 200], [{ lr: 1e-3 }, 50000]],
  ["sgd", [{ lr: 0.1, momentum: 0.5 }, 300], [{ lr: 1e-3, momentum: 0.9 }, 5000]],
  ["momentum", [{ lr: 0.1 }, 500], [{ lr: 1e-3 }, 5000]],
  ["nesterov", [{ lr: 0.1 }, 500], [{ lr: 1e-3 }, 5000]],
  ["adagrad", [{ lr: 1 }, 500], [{ lr: 1 }, 40000]],
  ["rmsprop", [{ lr: decay(0.05, 3000) }, 3000], [{ lr: decay(2e-3, 20000) }, 20000]],
  ["adam", [{ lr: 0.1 }, 1000], [{ lr: 0.02 }, 5000]],
  ["adamw", [{ lr: 0.1, weightDecay: 0 }, 1000], [{ lr: 0.02, weightDecay: 0 }, 5000]],
  ["adamax", [{ lr: decay(0.1, 3000) }, 3000], [{ lr: decay(0.02, 10000) }, 10000]],
  ["nadam", [{ lr: 0.1 }, 1000], [{ lr: decay(0.02, 10000) }, 10000]],
  ["radam", [{ lr: 0.05, betas: [0.9, 0.99] }, 2000], [{ lr: decay(5e-3, 20000), betas: [0.9, 0.99] }, 20000]],
  ["adadelta", [{ lr: decay(20, 5000) }, 5000], [{ lr: decay(20, 80000) }, 80000]],
  ["lbfgs", [{ lineSearch: "strong-wolfe" }, 5], [{ lineSearch: "strong-wolfe", toleranceChange: 1e-14 }, 10]],
  ["newton", [{}, 5], [{}, 30]],
  ["naturalGradient", [{ fisher: "exact" }, 5], [{ fisher: "exact" }, 30]],
];

describe("every alias reaches the minimum", () => {
  for (const [alias, [oq, sq], [or, sr]] of TABLE) {
    const make = ALIASES[alias] as (o: unknown) => Optimizer;
    test(`${alias}() reaches the minimum of a well-conditioned quadratic`, () => {
      const r = runSync(wellConditioned, make(oq), { from: [3, 1], steps: sq });
      expect(r.status).not.toBe("diverged");
      expect(Math.hypot(r.x[0]! - 1, r.x[1]! + 2)).toBeLessThan(1e-4);
    });
    test(`${alias}() reaches the minimum of the Rosenbrock function`, () => {
      const r = runSync(rosenbrock, make(or), { from: [-1.2, 1], steps: sr });
      expect(r.status).not.toBe("diverged");
      expect(Math.hypot(r.x[0]! - 1, r.x[1]! - 1)).toBeLessThan(1e-3);
    });
  }
});

describe("acceptance: second-order methods", () => {
  test("newton() reaches the Rosenbrock minimum from (−1.2, 1) in at most 25 iterations", () => {
    const r = runSync(rosenbrock, ALIASES.newton(), { from: [-1.2, 1], steps: 25, tol: 1e-10 });
    expect(r.status).toBe("converged");
    expect(r.steps).toBeLessThanOrEqual(25);
    expect(r.x[0]).toBeCloseTo(1, 10);
    expect(r.x[1]).toBeCloseTo(1, 10);
    // never uphill (Armijo line search)
    for (let k = 1; k < r.losses.length; k++) expect(r.losses[k]!).toBeLessThanOrEqual(r.losses[k - 1]!);
  });

  test("newton() escapes the saddle that plain Newton walks into", () => {
    // x² + y⁴/4 − y²/2 from (1, 0.01): the Hessian is indefinite (∂²f/∂y² = −1 + 3y²).
    const plain = runSync(saddle, ALIASES.newton({ lineSearch: null, minCurvature: 1e-8 }), { from: [1, 0.01], steps: 1 });
    expect(plain.x[0]).toBeCloseTo(0, 12); // one step: x → 0, y moves away from 0 along |λ|
    const r = runSync(saddle, ALIASES.newton(), { from: [1, 0.01], steps: 30, tol: 1e-10 });
    expect(r.status).toBe("converged");
    expect(Math.abs(r.x[1]!)).toBeCloseTo(1, 8); // a minimum (0, ±1), not the saddle (0, 0)
    for (let k = 1; k < r.losses.length; k++) expect(r.losses[k]!).toBeLessThanOrEqual(r.losses[k - 1]!);
    // The textbook Newton step x − H⁻¹g from the same point heads for the saddle:
    const g = [2, 0.01 ** 3 - 0.01], h = [2, 3 * 0.01 ** 2 - 1];
    expect(Math.abs(0.01 - g[1]! / h[1]!)).toBeLessThan(1e-5);
    // ... and newton({ saddleFree: false }) is that step: it walks into the saddle and stays there
    const textbook = runSync(saddle, ALIASES.newton({ saddleFree: false, lineSearch: null }), { from: [1, 0.01], steps: 6, tol: 0 });
    expect(textbook.xs[1]![0]).toBeCloseTo(0, 12);
    expect(textbook.xs[1]![1]).toBeCloseTo(0.01 - g[1]! / h[1]!, 15);
    expect(Math.hypot(...textbook.x)).toBeLessThan(1e-30); // (0, 0): quadratic convergence to the saddle
    expect(() => ALIASES.newton({ saddleFree: 0 as unknown as boolean })).toThrow(/newton: saddleFree must be true or false/);
  });

  test("newton() on the extended Rosenbrock function (n = 5) and Beale's function", () => {
    const r5 = runSync(extendedRosenbrock(5), ALIASES.newton(), { from: [1.3, 0.7, 0.8, 1.9, 1.2], steps: 50, tol: 1e-10 });
    expect(r5.status).toBe("converged");
    for (const v of r5.x) expect(v).toBeCloseTo(1, 8);
    const rb = runSync(beale, ALIASES.newton(), { from: [2, 0.2], steps: 50, tol: 1e-10 });
    expect(rb.x[0]).toBeCloseTo(3, 8);
    expect(rb.x[1]).toBeCloseTo(0.5, 8);
  });

  test("lbfgs() with strong Wolfe needs about as many iterations as SciPy's L-BFGS-B", () => {
    const scipy = JSON.parse(readFileSync(new URL("../fixtures/scipy-lbfgs.json", import.meta.url), "utf8"));
    const nit = scipy.runs["L-BFGS-B"].nit as number; // 36 with SciPy 1.10
    // one optimize step = one iteration (maxIter 1); m = 10 pairs as SciPy; SciPy's test max |gᵢ| ≤ 1e-5
    const r = runSync(rosenbrock, ALIASES.lbfgs({ lineSearch: "strong-wolfe", maxIter: 1, historySize: 10 }), { from: [-1.2, 1], steps: 100 });
    const iters = r.xs.findIndex((_, k) => k > 0 && r.gradNorms[k]! <= 1e-5);
    expect(iters).toBeGreaterThan(0);
    expect(iters).toBeLessThanOrEqual(Math.ceil(1.25 * nit));
    expect(iters).toBeGreaterThanOrEqual(Math.floor(0.5 * nit));
  });
});

describe("any lr option accepts a schedule (DESIGN.md), the second-order methods too", () => {
  const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch-lbfgs-schedule.json", import.meta.url), "utf8")) as {
    cases: { id: string; lbfgs: Record<string, unknown>; schedule: "exponential" | "step"; scheduleOptions: Record<string, number>; lrs: number[]; xs: number[][] }[];
  };
  const make = { exponential, step: stepLR } as const;
  for (const c of fixture.cases) {
    test(`lbfgs with schedules.${c.schedule} follows torch's LBFGS under its lr scheduler (${c.id})`, () => {
      const lr = (make[c.schedule] as (o: never) => (k: number) => number)(c.scheduleOptions as never);
      const r = runSync(rosenbrock, ALIASES.lbfgs({ ...c.lbfgs, lr } as never), { from: [-1.2, 1], steps: c.lrs.length });
      expect(r.lrs).toEqual(c.lrs);
      r.xs.forEach((x, k) => x.forEach((v, i) => expect(Math.abs(v - c.xs[k]![i]!), `x_${k}[${i}]`).toBeLessThan(1e-9 * Math.max(1, Math.abs(c.xs[k]![i]!)))));
      // and a user's own function works the same
      const own = runSync(rosenbrock, ALIASES.lbfgs({ ...c.lbfgs, lr: (k: number) => c.lrs[k]! } as never), { from: [-1.2, 1], steps: c.lrs.length });
      expect(own.xs).toEqual(r.xs);
    });
  }

  test("newton's line search starts each step from the scheduled lr", () => {
    const lr = exponential({ lr: 1, gamma: 0.5 });
    const r = runSync(rosenbrock, ALIASES.newton({ lr }), { from: [-1.2, 1], steps: 6 });
    expect(r.lrs).toEqual([1, 0.5, 0.25, 0.125, 0.0625, 0.03125]);
    // the first trial step caps the step: never longer than lr(k) times the Newton direction
    const plain = runSync(rosenbrock, ALIASES.newton({ lr: 1 }), { from: [-1.2, 1], steps: 1 });
    expect(r.xs[1]).toEqual(plain.xs[1]);
    for (let k = 1; k < r.losses.length; k++) expect(r.losses[k]!).toBeLessThanOrEqual(r.losses[k - 1]!);
    const full = runSync(rosenbrock, ALIASES.newton({ lr: 1 }), { from: [-1.2, 1], steps: 6 });
    const differs = r.xs.findIndex((x, k) => x[0] !== full.xs[k]![0] || x[1] !== full.xs[k]![1]);
    expect(differs).toBeGreaterThan(1);
  });
});

describe("curvature the second-order methods cannot use", () => {
  // f = x^1.5 + y² at (0, 1): f and ∇f are finite, ∂²f/∂x² = ∞.
  const cusp: Problem = {
    n: 2,
    names: ["x", "y"],
    valueAt: (x) => Math.abs(x[0]!) ** 1.5 + x[1]! ** 2,
    valueAndGradInto: (x, g) => ((g[0] = 1.5 * Math.sqrt(Math.abs(x[0]!)) * Math.sign(x[0]!)), (g[1] = 2 * x[1]!), Math.abs(x[0]!) ** 1.5 + x[1]! ** 2),
    hessianInto: (x, H) => H.set([0.75 / Math.sqrt(Math.abs(x[0]!)), 0, 0, 2]),
  };
  const err = (fn: () => unknown): DslError => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(DslError);
      return e as DslError;
    }
    throw new Error("expected a DslError");
  };

  test("a non-finite Hessian is named with the step and the point (not the eigen-solver's message)", () => {
    const e = err(() => runSync(cusp, ALIASES.newton(), { from: [0, 1], steps: 3 }));
    expect(e.code).toBe("non-finite");
    expect(e.message).toBe("newton: the Hessian at step 0 has a non-finite entry [x, x] = Infinity at (x = 0, y = 1); newton needs finite curvature there: start elsewhere, or use a first-order method (lbfgs, adam)");
    expect(err(() => runSync(cusp, ALIASES.naturalGradient({ fisher: "exact" }), { from: [0, 1], steps: 3 })).message).toMatch(/^naturalGradient: the Hessian \(the exact Fisher\) at step 0 has a non-finite entry \[x, x\] = Infinity/);
  });

  test("a user's metric displays as a metric, not as a schedule, and is the one used", () => {
    const metric = (x: number[]) => [[2 + 0 * x[0]!, 0], [0, 2]];
    const opt = ALIASES.naturalGradient({ fisher: metric as never });
    expect(String(opt)).toBe("naturalGradient(lr=1, damping=0.0001, fisher=(x) => matrix)");
    const r = runSync(rosenbrock, opt, { from: [0, 0], steps: 1 });
    // ∇f(0, 0) of Rosenbrock is (−2, 0): x₁ = −(F + 10⁻⁴ I)⁻¹ ∇f = (2/2.0001, 0)
    expect(r.xs[1]![0]).toBe(2 / 2.0001);
    expect(r.xs[1]![1]).toBe(0);
  });

  test("a user's metric must be a finite, symmetric, positive semi-definite n×n matrix of numbers", () => {
    const run = (fisher: (x: number[]) => unknown) => err(() => runSync(rosenbrock, ALIASES.naturalGradient({ fisher: fisher as never }), { from: [0, 0], steps: 2 }));
    expect(run(() => [[1]]).message).toBe("naturalGradient: the fisher function must return a 2×2 matrix (number[][]), got [[1]]");
    expect(run(() => [["1", 0], [0, 1]]).message).toBe('naturalGradient: the fisher function must return numbers, but at step 0 F[0][0] is "1"');
    expect(run(() => [[NaN, 0], [0, 1]]).message).toMatch(/^naturalGradient: the metric \(the fisher function's value\) at step 0 has a non-finite entry \[x, x\] = NaN/);
    expect(run(() => [[1, 0.5], [0, 1]]).message).toBe("naturalGradient: the fisher function must return a symmetric matrix, but at step 0 F[0][1] = 0.5 and F[1][0] = 0");
    // −I was clipped to 0 + damping: a step of 10⁴·g that diverged without a word
    const neg = run(() => [[-1, 0], [0, -1]]);
    expect([neg.code, neg.message]).toEqual(["bad-metric", "naturalGradient: the fisher function must return a positive semi-definite matrix, but at step 0 it has the eigenvalue -1.000"]);
    // a valid metric runs
    expect(runSync(rosenbrock, ALIASES.naturalGradient({ fisher: () => [[802, -400], [-400, 200]] }), { from: [1.1, 1.2], steps: 2 }).status).not.toBe("diverged");
  });
});

describe("options are checked", () => {
  const bad = (fn: () => unknown, code: string, re: RegExp, path?: string) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(DslError);
      expect((e as DslError).code).toBe(code);
      expect((e as Error).message).toMatch(re);
      if (path) expect((e as DslError).path).toBe(path);
      return;
    }
    throw new Error("expected a DslError");
  };
  test("a negative lr says what was expected and what came", () => {
    bad(() => ALIASES.adam({ lr: -0.1 }), "bad-option", /^adam: lr must be a number ≥ 0 or a schedule \(the learning rate\), got -0\.1$/, "adam.lr");
  });
  test("betas outside [0, 1)", () => {
    bad(() => ALIASES.adam({ betas: [0.9, 1] as never }), "bad-option", /adam: betas\[1\] must be a number in \[0, 1\) or a schedule, got 1/, "adam.betas[1]");
    bad(() => ALIASES.nadam({ betas: [-0.1, 0.9] as never }), "bad-option", /betas\[0\]/);
    bad(() => ALIASES.adamw({ betas: 0.9 as never }), "bad-option", /adamw: betas must be a pair/);
  });
  test("eps ≤ 0, momentum ≥ 1, non-integer maxIter", () => {
    // eps ≥ 0 as torch (issue 16); adadelta keeps eps > 0 (its first update would be √0/√0)
    bad(() => ALIASES.rmsprop({ eps: -1e-8 }), "bad-option", /rmsprop: eps must be a number ≥ 0/);
    expect(() => ALIASES.adam({ eps: 0 })).not.toThrow();
    bad(() => ALIASES.adadelta({ eps: 0 }), "bad-option", /adadelta: eps must be a number > 0/);
    bad(() => ALIASES.sgd({ momentum: 1 }), "bad-option", /sgd: momentum must be a number in \[0, 1\)/);
    bad(() => ALIASES.lbfgs({ maxIter: 2.5 }), "bad-option", /lbfgs: maxIter must be a positive integer/);
    bad(() => ALIASES.lbfgs({ lineSearch: "strong_wolfe" as never }), "bad-option", /did you mean "strong-wolfe"/);
  });
  test("unknown option names suggest the close one", () => {
    bad(() => ALIASES.adam({ weight_decay: 0.1 } as never), "unknown-option", /^adam: unknown option "weight_decay" \(did you mean "weightDecay"\?\)/, "adam.weight_decay");
    bad(() => ALIASES.sgd({ momentun: 0.9 } as never), "unknown-option", /did you mean "momentum"/);
    bad(() => ALIASES.rmsprop({ foo: 1 } as never), "unknown-option", /unknown option "foo"; options are lr, alpha/);
  });
  test("nesterov needs momentum and no dampening, as in PyTorch", () => {
    bad(() => ALIASES.sgd({ nesterov: true }), "bad-option", /nesterov needs momentum > 0 and dampening 0/);
  });
  test("a schedule is accepted where a number is, and a broken schedule is caught", () => {
    expect(() => ALIASES.adam({ lr: (k: number) => 0.1 / (1 + k) })).not.toThrow();
    bad(() => ALIASES.adam({ lr: () => NaN }), "bad-option", /adam: lr is a schedule, but its value at step 0 is NaN/);
  });
  test("defaults are PyTorch's", () => {
    expect(ALIASES.adam().options).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false });
    expect(ALIASES.adamw().options.weightDecay).toBe(1e-2);
    expect(ALIASES.adamax().options.lr).toBe(2e-3);
    expect(ALIASES.nadam().options).toMatchObject({ lr: 2e-3, momentumDecay: 4e-3 });
    expect(ALIASES.adagrad().options).toEqual({ lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 });
    expect(ALIASES.rmsprop().options).toEqual({ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false });
    expect(ALIASES.adadelta().options).toEqual({ lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0 });
    expect(ALIASES.lbfgs().options).toEqual({ lr: 1, maxIter: 20, maxEval: 25, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearch: null });
    expect(ALIASES.adam({ lr: 0.01 }).describe()).toBe("adam(lr=0.01, betas=[0.9, 0.999], eps=1e-8, weightDecay=0, amsgrad=false)");
  });
});
