import { describe, expect, test } from "vitest";
import { adam, adamw, gd, momentum, nesterov, rmsprop, sgd } from "../../src/optim/aliases.js";
import { lbfgs } from "../../src/optim/aliases-second-order.js";
import type { Optimizer } from "../../src/optim/base.js";
import type { Problem } from "../../src/problem/index.js";
import { runSync } from "../../src/optim/run.js";
import { stabilityThreshold, theory } from "../../src/optim/theory.js";

/** f(x) = ½λx²: one eigen-direction of a quadratic. */
function quadratic1d(lambda: number): Problem {
  return {
    n: 1,
    names: ["x"],
    valueAt: (x) => 0.5 * lambda * x[0]! ** 2,
    valueAndGradInto: (x, g) => {
      g[0] = lambda * x[0]!;
      return 0.5 * lambda * x[0]! ** 2;
    },
  } as Problem;
}

describe("stabilityThreshold: closed forms", () => {
  test("GD: 2/η", () => {
    const t = stabilityThreshold(gd({ lr: 1e-3 }))!;
    expect(t.method).toBe("gd");
    expect(t.value).toBeCloseTo(2000, 9);
    expect(t.formula).toBe("2/η");
  });
  test("heavy ball with β = 0.9: 2(1+β)/η = 3800, not 2000", () => {
    for (const opt of [momentum({ lr: 1e-3, momentum: 0.9 }), sgd({ lr: 1e-3, momentum: 0.9 })]) {
      const t = stabilityThreshold(opt)!;
      expect(t.method).toBe("heavy-ball");
      expect(t.value).toBeCloseTo(3800, 9);
      expect(t.label).toBe("2(1+β)/η, β = 0.9");
    }
  });
  test("dampening τ scales the step: 2(1+β)/((1−τ)η)", () => {
    expect(stabilityThreshold(sgd({ lr: 0.01, momentum: 0.5, dampening: 0.5 }))!.value).toBeCloseTo((2 * 1.5) / 0.5 / 0.01, 9);
  });
  test("Nesterov: 2(1+β)/((1+2β)η)", () => {
    const t = stabilityThreshold(nesterov({ lr: 1e-3, momentum: 0.9 }))!;
    expect(t.method).toBe("nesterov");
    expect(t.value).toBeCloseTo((2 * 1.9) / 2.8 / 1e-3, 9);
  });
  test("coupled weight decay lowers the limit on λ by wd", () => {
    expect(stabilityThreshold(sgd({ lr: 0.1, weightDecay: 0.5 }))!.value).toBeCloseTo(20 - 0.5, 12);
  });
  test("Adam: 2(1+β₁)/((1−β₁)η) on the preconditioned sharpness", () => {
    for (const opt of [adam({ lr: 1e-3 }), adamw({ lr: 1e-3 })]) {
      const t = stabilityThreshold(opt)!;
      expect(t.of).toBe("preconditioned sharpness");
      expect(t.value).toBeCloseTo(38000, 6);
    }
  });
  test("methods without a closed form: undefined", () => {
    expect(stabilityThreshold(lbfgs())).toBeUndefined();
    expect(stabilityThreshold(rmsprop())).toBeUndefined();
  });
  test("reads a Run's optimizer text and a schedule's lr at a step", () => {
    const run = runSync(quadratic1d(1), momentum({ lr: 0.01, momentum: 0.5 }), { from: [1], steps: 3 });
    expect(stabilityThreshold(run)!.value).toBeCloseTo(300, 9);
    const sched = Object.assign((t: number) => 0.1 / (t + 1), {});
    expect(stabilityThreshold({ name: "gd", hyperparameters: { lr: sched } }, { step: 9 })!.value).toBeCloseTo(200, 9);
  });
  test("Theory.maxStableLr uses the same constants: c/L", () => {
    const t = theory([[1, 0], [0, 100]]);
    expect(t.maxStableLr(gd())).toBeCloseTo(0.02, 12);
    expect(t.maxStableLr(momentum({ momentum: 0.9 }))).toBeCloseTo(0.038, 12);
    expect(t.maxStableLr(nesterov({ momentum: 0.9 }))).toBeCloseTo(3.8 / 2.8 / 100, 12);
    expect(t.maxStableLr(adam())).toBeNaN();
  });
});

describe("stabilityThreshold: the run diverges just above the limit and converges just below", () => {
  const lambda = 100;
  const cases: [string, (lr: number) => Optimizer][] = [
    ["gd", (lr) => gd({ lr })],
    ["heavy ball β = 0.9", (lr) => momentum({ lr, momentum: 0.9 })],
    ["Nesterov β = 0.9", (lr) => nesterov({ lr, momentum: 0.9 })],
    ["sgd β = 0.5, τ = 0.5", (lr) => sgd({ lr, momentum: 0.5, dampening: 0.5 })],
  ];
  test.each(cases)("%s", (_name, make) => {
    const problem = quadratic1d(lambda);
    const lrMax = stabilityThreshold(make(1))!.constant / lambda;
    const below = runSync(problem, make(lrMax * 0.98), { from: [1], steps: 2000 });
    const above = runSync(problem, make(lrMax * 1.02), { from: [1], steps: 2000 });
    expect(Math.abs(below.x[0]!)).toBeLessThan(1e-20);
    expect(below.status).toBe("converged");
    expect(above.status).toBe("diverged");
    // and the drawn threshold at that lr sits on either side of λ
    expect(stabilityThreshold(make(lrMax * 0.98))!.value).toBeGreaterThan(lambda);
    expect(stabilityThreshold(make(lrMax * 1.02))!.value).toBeLessThan(lambda);
  });
});
