/**
 * Transforms one by one: first steps worked out by hand, composition, the ownership rules
 * (state written in place, updates returned), and building your own.
 */
import { describe, expect, test } from "vitest";
import { float64Ops as ops } from "../../src/backends/float64.js";
import { DslError } from "../../src/errors/index.js";
import {
  addDecayedWeights, addL1, centralize, chain, clipByGlobalNorm, clipByValue, identity, namedChain, scale, scaleByAdam,
  scaleByAdamax, scaleByLearningRate, scaleByRms, traceMomentum, type Transform,
} from "../../src/optim/index.js";

const f64 = (...v: number[]) => new Float64Array(v);

/** Runs `t` on a fixed sequence of gradients and returns the updates (copied). */
function updates(t: Transform, grads: number[][], x = f64(0, 0)): number[][] {
  const s = t.init(x, ops);
  return grads.map((g) => Array.from(t.update(f64(...g), s, x, ops)));
}

describe("transforms", () => {
  test("scaleByLearningRate flips the sign and reads its schedule at the step count", () => {
    expect(updates(scaleByLearningRate(0.1), [[1, -2]])[0]).toEqual([-0.1, 0.2]);
    const lr = (k: number) => [0.5, 0.25, 0.125][k]!;
    expect(updates(scaleByLearningRate(lr), [[1, 1], [1, 1], [1, 1]]).map((u) => u[0])).toEqual([-0.5, -0.25, -0.125]);
  });

  test("scaleByAdam: the first two steps worked out by hand", () => {
    // g1 = 2: m = 0.1·2 = 0.2, v = 0.001·4 = 0.004; m̂ = 0.2/0.1 = 2, √v̂ = √(0.004/0.001) = 2 → u = 2/(2+ε) ≈ 1.
    // g2 = 1: m = 0.9·0.2 + 0.1 = 0.28, v = 0.999·0.004 + 0.001 = 0.004996;
    //         m̂ = 0.28/0.19, v̂ = 0.004996/0.001999 → u = 1.473684.../1.580900... = 0.932180...
    const [u1, u2] = updates(scaleByAdam(), [[2], [1]], f64(0));
    expect(u1![0]).toBeCloseTo(1, 7);
    expect(u2![0]).toBeCloseTo(0.28 / 0.19 / (Math.sqrt(0.004996 / 0.001999) + 1e-8), 12);
    expect(u2![0]).toBeCloseTo(0.93218, 5);
  });

  test("scaleByAdam with amsgrad divides by the running max of v", () => {
    // v: 0.001·100 = 0.1, then 0.999·0.1 + 0.001·0 = 0.0999 < 0.1 → the max stays 0.1
    const [, u2] = updates(scaleByAdam({ amsgrad: true }), [[10], [0]], f64(0));
    const m2 = 0.9 * 1;
    expect(u2![0]).toBeCloseTo(m2 / 0.19 / (Math.sqrt(0.1 / (1 - 0.999 ** 2)) + 1e-8), 12);
  });

  test("traceMomentum: the buffer starts at the first gradient (PyTorch), with dampening after", () => {
    // b1 = g1 = 1; b2 = 0.9·1 + (1−0.5)·1 = 1.4; nesterov u = g + μ b
    expect(updates(traceMomentum({ momentum: 0.9, dampening: 0.5 }), [[1], [1]], f64(0))).toEqual([[1], [1.4]]);
    expect(updates(traceMomentum({ momentum: 0.9, nesterov: true }), [[1], [1]], f64(0))).toEqual([[1 + 0.9], [1 + 0.9 * 1.9]]);
  });

  test("scaleByRms and scaleByAdamax by hand", () => {
    // v = 0.01·4 = 0.04 → u = 2/(0.2 + 1e-8)
    expect(updates(scaleByRms(), [[2]], f64(0))[0]![0]).toBeCloseTo(2 / (0.2 + 1e-8), 12);
    // centered: v = 0.04, ḡ = 0.02 → √(0.04 − 0.0004)
    expect(updates(scaleByRms({ centered: true }), [[2]], f64(0))[0]![0]).toBeCloseTo(2 / (Math.sqrt(0.0396) + 1e-8), 12);
    // adamax: m = 0.2, u∞ = max(0, 2 + ε) → 0.2/(2+ε)/0.1
    expect(updates(scaleByAdamax(), [[2]], f64(0))[0]![0]).toBeCloseTo(0.2 / (2 + 1e-8) / 0.1, 12);
  });

  test("clipByGlobalNorm uses torch's 1e-6 and leaves small updates alone", () => {
    const [u] = updates(clipByGlobalNorm(1), [[3, 4]]);
    expect(u![0]).toBeCloseTo(3 / (5 + 1e-6), 15);
    expect(updates(clipByGlobalNorm(10), [[3, 4]])[0]).toEqual([3, 4]);
    expect(updates(clipByValue(2), [[3, -5]])[0]).toEqual([2, -2]);
  });

  test("weight decay, L1 and centralization", () => {
    const x = f64(2, -3);
    expect(updates(addDecayedWeights(0.1), [[1, 1]], x)[0]).toEqual([1.2, 0.7]);
    expect(updates(addL1(0.5), [[1, 1]], x)[0]).toEqual([1.5, 0.5]);
    expect(updates(centralize(), [[1, 3]])[0]).toEqual([-1, 1]);
  });

  test("AdamW's decoupled decay is addDecayedWeights between the scaling and the lr", () => {
    // x ← x − η(adam + λx): with g = 0 after warm state, the decay alone shrinks x by ηλ.
    const x = f64(1);
    const t = chain(scaleByAdam(), addDecayedWeights(0.1), scaleByLearningRate(0.01));
    const s = t.init(x, ops);
    const u = t.update(f64(0), s, x, ops);
    expect(u[0]).toBeCloseTo(-0.01 * 0.1, 15);
  });

  test("chain keeps a tuple of states, namedChain a record; state is written in place", () => {
    const x = f64(0, 0);
    const c = chain(scaleByAdam(), scaleByLearningRate(0.1));
    const s = c.init(x, ops);
    expect(Array.isArray(s) && s.length).toBe(2);
    const mu = (s[0] as { mu: Float64Array }).mu;
    c.update(f64(1, 2), s, x, ops);
    expect((s[0] as { mu: Float64Array }).mu).toBe(mu); // same buffer, new contents
    expect(mu[0]).toBeCloseTo(0.1, 15); // (1 − 0.9)·1, as torch's mul_(β).add_(g, alpha=1−β)
    expect(mu[1]).toBeCloseTo(0.2, 15);
    expect((s[0] as { count: number }).count).toBe(1);
    const n = namedChain({ adam: scaleByAdam(), lr: scaleByLearningRate(0.1) });
    const ns = n.init(x, ops);
    n.update(f64(1, 2), ns, x, ops);
    expect((ns.adam as { count: number }).count).toBe(1);
    expect(c.learningRate).toBe(0.1);
    expect(updates(identity(), [[1, 2]])[0]).toEqual([1, 2]);
  });

  test("a transform never hands out its own state buffer (the next one may write into it)", () => {
    const x = f64(0);
    const t = chain(traceMomentum({ momentum: 0.9 }), scale(100));
    const s = t.init(x, ops);
    t.update(f64(1), s, x, ops);
    expect(Array.from((s[0] as { buf: Float64Array }).buf)).toEqual([1]);
  });

  test("a transform of your own composes with the built-in ones", () => {
    // sign descent: u = sign(g)
    const signOf: Transform<Record<string, never>> = { init: () => ({}), update: (u, _s, _p, o) => o.sign(u, u) };
    expect(updates(chain(signOf, scaleByLearningRate(0.5)), [[3, -0.1]])[0]).toEqual([-0.5, 0.5]);
  });

  test("hyperparameters other than lr may be schedules (β₁ cycled as OneCycle does)", () => {
    const b1 = (k: number) => [0.5, 0.9][k]!;
    const [u1, u2] = updates(scaleByAdam({ b1 }), [[2], [2]], f64(0));
    expect(u1![0]).toBeCloseTo(1, 7);
    // m2 = 0.9·(0.5·2) + 0.1·2 = 1.1, bias correction with β₁ = 0.9 at t = 2 → 1.1/0.19
    const v2 = 0.999 * 0.004 + 0.004;
    expect(u2![0]).toBeCloseTo(1.1 / 0.19 / (Math.sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8), 12);
  });
});

describe("building blocks check their arguments like the aliases do (found by a user: bad input failed later, or ran uphill)", () => {
  const fails = (fn: () => unknown, code: string, message: string | RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err, String(message)).toBeInstanceOf(DslError);
    expect((err as DslError).code).toBe(code);
    if (typeof message === "string") expect((err as Error).message).toBe(message);
    else expect((err as Error).message).toMatch(message);
  };

  test("positional hyperparameters: range, type, presence", () => {
    // scaleByLearningRate(-1) used to be accepted and climb; "0.1" failed at the first step with "h.every is not a function"
    fails(() => scaleByLearningRate(-1), "bad-option", "scaleByLearningRate: lr must be a number ≥ 0 or a schedule (the learning rate), got -1");
    fails(() => scaleByLearningRate("0.1" as never), "bad-option", /^scaleByLearningRate: lr must be a number ≥ 0 or a schedule \(the learning rate\), got "0\.1"$/);
    fails(() => scaleByLearningRate(undefined as never), "missing-option", "scaleByLearningRate: lr is required (the learning rate), e.g. scaleByLearningRate(0.01)");
    fails(() => clipByGlobalNorm(-1), "bad-option", /^clipByGlobalNorm: maxNorm must be a number > 0 or a schedule/);
    fails(() => clipByValue(0), "bad-option", /^clipByValue: maxValue must be a number > 0/);
    fails(() => addDecayedWeights("a" as never), "bad-option", /^addDecayedWeights: weightDecay must be a number ≥ 0/);
    fails(() => addL1(-0.1), "bad-option", /^addL1: l1 must be a number ≥ 0/);
    fails(() => scale(NaN), "bad-option", /^scale: factor must be a number or a schedule \(the factor\), got NaN$/);
    expect(updates(scale(-2), [[1, 1]])[0]).toEqual([-2, -2]); // any finite factor
  });

  test("option objects: unknown names suggested, ranges, defaults kept", () => {
    fails(() => scaleByAdam({ b1: 2 }), "bad-option", "scaleByAdam: b1 must be a number in [0, 1) or a schedule (β₁), got 2");
    fails(() => scaleByAdam({ beta1: 0.9 } as never), "unknown-option", /^scaleByAdam: unknown option "beta1"; options are b1, b2, eps, amsgrad$/);
    fails(() => scaleByAdam({ ep: 1e-8 } as never), "unknown-option", /did you mean "eps"/);
    fails(() => scaleByAdamax({ eps: -1 }), "bad-option", /^scaleByAdamax: eps must be a number ≥ 0/); // eps = 0 is accepted, as torch (issue 16)
    fails(() => scaleByRms({ centered: "yes" as never }), "bad-option", /^scaleByRms: centered must be true or false/);
    fails(() => traceMomentum({} as never), "missing-option", "traceMomentum: momentum is required (the momentum factor β), e.g. traceMomentum({ momentum: 0.9 })");
    fails(() => traceMomentum({ momentum: 1 }), "bad-option", /^traceMomentum: momentum must be a number in \[0, 1\)/);
    fails(() => scaleByAdam(0.9 as never), "bad-options", /^scaleByAdam: expected an options object/);
    // valid input still gives the same numbers as before
    // Adam's first step is lr·g/(|g| + ε)
    const u = updates(chain(scaleByAdam(), scaleByLearningRate(0.1)), [[2, -3]])[0]!;
    expect(u[0]).toBeCloseTo(-0.1 * (2 / (2 + 1e-8)), 15);
    expect(u[1]).toBeCloseTo(0.1 * (3 / (3 + 1e-8)), 15);
  });

  test("chain and namedChain take transforms, and say so for an uncalled constructor", () => {
    fails(() => chain(5 as never), "bad-transform", "chain: argument 1 must be a transform { init, update } such as scaleByAdam() or adam({ lr: 0.01 }), got 5");
    fails(() => chain(scaleByAdam(), undefined as never), "bad-transform", /^chain: argument 2 must be a transform .*, got undefined$/);
    fails(() => chain(scaleByAdam as never, scaleByLearningRate(0.1)), "bad-transform", /got a function \(a function: call it, e\.g\. scaleByAdam\(\), to get the transform\)$/);
    fails(() => namedChain({ adam: scaleByAdam(), lr: 0.1 } as never), "bad-transform", /^namedChain: 'lr' must be a transform/);
    fails(() => namedChain([scaleByAdam()] as never), "bad-transform", /^namedChain: expected transforms by name/);
  });
});
