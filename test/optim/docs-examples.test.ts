/**
 * The examples of docs/readme/optimizers.md, run as written (with the symbolic `objective` and
 * `schedules.*` of the other areas), and the claims made next to them.
 */
import { describe, expect, test } from "vitest";
import {
  adam, addDecayedWeights, centralize, chain, clipByGlobalNorm, compare, gd, lbfgs, momentum, newton, objective, optimize,
  scaleByAdam, scaleByLearningRate, schedules, sgd, type Transform,
} from "../../dsl/index.js";

const f = objective("(1 - x)^2 + 100*(y - x^2)^2");

describe("docs/readme/optimizers.md", () => {
  test("quick start", () => {
    const run = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 2000 });
    expect(["max-steps", "converged"]).toContain(run.status);
    expect(run.xs).toHaveLength(2001);
    expect(run.lrs).toHaveLength(2000);
    expect(optimize(f, newton(), { from: [-1.2, 1], steps: 25, tol: 1e-10 }).steps).toBe(22);
    const c = compare(f, {
      gd: gd({ lr: 1e-3 }),
      heavyBall: momentum({ lr: 1e-3, momentum: 0.9 }),
      adam: adam({ lr: 0.02 }),
      lbfgs: lbfgs({ lineSearch: "strong-wolfe" }),
    }, { from: [-1.2, 1], steps: 200 });
    expect(c.best()!.name).toBe("lbfgs");
  });

  test("schedules as hyperparameters", () => {
    const r = optimize(f, sgd({ lr: schedules.cosine({ lr: 0.1, tMax: 500 }), momentum: 0.9 }), { from: [0, 0], steps: 500 });
    expect(r.lrs[0]).toBe(0.1);
    const cycle = schedules.oneCycle({ maxLr: 0.01, totalSteps: 1000 });
    const o = adam({ lr: cycle, betas: [cycle.momentum!, 0.999] });
    const run = optimize(f, o, { from: [-1.2, 1], steps: 1000 });
    expect(run.lrs[500]).toBeCloseTo(cycle(500), 15);
  });

  test("error messages", () => {
    expect(() => adam({ lr: -0.1 })).toThrow("adam: lr must be a number ≥ 0 or a schedule (the learning rate), got -0.1");
    expect(() => adam({ weight_decay: 0.1 } as never)).toThrow('adam: unknown option "weight_decay" (did you mean "weightDecay"?); options are lr, betas, eps, weightDecay, amsgrad');
    expect(() => adam({ betas: [0.9, 1] })).toThrow("adam: betas[1] must be a number in [0, 1) or a schedule, got 1");
    const d = optimize(f, gd({ lr: 0.01 }), { from: [-1.2, 1], steps: 100 });
    expect(d.message).toMatch(/^diverged at step 3: loss 2\.53e\+12, \|∇f\| 2\.54e\+10 \(started at loss 24\.2\)\. lr 0\.01 exceeds 2\/L = 0\.001328 at the start \(L = 1506, the largest Hessian eigenvalue there\), so the iteration is unstable; try lr ≤ 6\.64e-4 \(= 1\/L\)$/);
  });

  test("data-backed training", () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], ys = xs.map((x) => 2 * x + 1 + 0.1 * Math.sin(7 * x));
    const fit = objective("(w*x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: ys } });
    const s = optimize(fit, sgd({ lr: 0.01 }), { from: [0, 0], epochs: 20, batchSize: 1, seed: 1 });
    expect(s.steps).toBe(200);
    const e = optimize(fit, adam({ lr: 0.05 }), { from: [0, 0], epochs: 500, batchSize: 4, validation: 0.2, patience: 5 });
    expect(e.valLosses!.length).toBeGreaterThan(1);
    expect(e.best).toBeDefined();
  });

  test("transforms of your own", () => {
    const mine = chain(clipByGlobalNorm(1), centralize(), scaleByAdam({ b1: 0.9, b2: 0.99 }), addDecayedWeights(1e-4), scaleByLearningRate(3e-3));
    expect(optimize(f, mine, { from: [0, 0], steps: 500 }).xs).toHaveLength(501);
    const signDescent: Transform<{}> = { init: () => ({}), update: (u, _state, _params, ops) => ops.sign(u, u) };
    const r = optimize(f, chain(signDescent, scaleByLearningRate(1e-3)), { from: [-1.2, 1], steps: 100 });
    expect(r.x[0]).toBeCloseTo(-1.2 + 0.1, 10); // ∂f/∂x < 0 along the way: x grows by lr per step
  });
});
