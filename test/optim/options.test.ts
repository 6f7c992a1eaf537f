/**
 * The option checker shared by optimizer aliases, schedules, theory helpers and runs
 * (src/optim/options.ts): defaults, every rule type, codes and message shapes, suggestions.
 */
import { describe, expect, test } from "vitest";
import { DslError } from "../../src/errors/index.js";
import { cosine, readOptions, suggest, type Rules } from "../../src/optim/index.js";

const RULES: Rules = {
  lr: { type: "hyper", default: 0.1, min: 0, what: "the learning rate" },
  betas: { type: "betas", default: [0.9, 0.999], what: "averaging coefficients" },
  gamma: { type: "number", gt: 0, max: 1, default: 0.5, what: "decay factor" },
  tMax: { type: "integer", min: 1, required: true, what: "steps" },
  milestones: { type: "integers", min: 0, increasing: true, default: [10], what: "steps" },
  mode: { type: "enum", values: ["triangular", "exp_range", null], default: null, what: "" },
  centered: { type: "boolean", default: false, what: "centering" },
  at: { type: "any", what: "checked elsewhere" },
};

function fails(given: unknown, code: string, message: string | RegExp, path?: string): void {
  let err: unknown;
  try {
    readOptions("demo", given, RULES);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DslError);
  expect((err as DslError).code).toBe(code);
  if (typeof message === "string") expect((err as Error).message).toBe(message);
  else expect((err as Error).message).toMatch(message);
  if (path) expect((err as DslError).path).toBe(path);
}

describe("readOptions", () => {
  test("fills defaults in the rules' order, copies array defaults, keeps schedules and per-run arrays", () => {
    const o = readOptions("demo", { tMax: 5 }, RULES);
    expect(Object.keys(o)).toEqual(Object.keys(RULES));
    expect(o).toEqual({ lr: 0.1, betas: [0.9, 0.999], gamma: 0.5, tMax: 5, milestones: [10], mode: null, centered: false, at: undefined });
    expect(o.milestones).not.toBe((RULES.milestones as { default: number[] }).default);
    const c = cosine({ lr: 0.1, tMax: 10 });
    expect(readOptions("demo", { tMax: 1, lr: c }, RULES).lr).toBe(c);
    expect(readOptions("demo", { tMax: 1, lr: [0.1, c] }, RULES).lr).toEqual([0.1, c]);
    // a user's own function is kept behind a checking wrapper: the same values, one wrapper per function
    const s = (k: number) => 0.1 / (k + 1);
    const w = readOptions("demo", { tMax: 1, lr: s }, RULES).lr as (k: number) => number;
    expect([w(0), w(9)]).toEqual([s(0), s(9)]);
    expect(readOptions("demo", { tMax: 1, lr: s }, RULES).lr).toBe(w);
    expect(readOptions("demo", { tMax: 1, lr: w }, RULES).lr).toBe(w);
    expect((readOptions("demo", { tMax: 1, lr: [0.1, s] }, RULES).lr as unknown[])[1]).toBe(w);
  });

  test("a user's schedule is checked at every step, not only at step 0 (a hand-written decay that turns negative)", () => {
    fails({ tMax: 1, lr: () => -0.5 }, "bad-option", "demo: lr is a schedule whose value at step 0 is -0.5, but lr must be a number ≥ 0", "demo.lr");
    fails({ tMax: 1, betas: [() => 1, 0.9] }, "bad-option", "demo: betas[0] is a schedule whose value at step 0 is 1, but betas[0] must be a number in [0, 1)", "demo.betas[0]");
    const lr = readOptions("demo", { tMax: 1, lr: (k: number) => 0.1 * (1 - k / 100) }, RULES).lr as (k: number) => number;
    expect(lr(100)).toBe(0);
    let err: unknown;
    try {
      lr(101);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DslError);
    expect((err as DslError).code).toBe("bad-option");
    expect((err as Error).message).toMatch(/^demo: lr is a schedule whose value at step 101 is -0\.001\d*, but lr must be a number ≥ 0$/);
    const nan = readOptions("demo", { tMax: 1, lr: (k: number) => (k < 3 ? 0.1 : NaN) }, RULES).lr as (k: number) => number;
    expect(() => nan(3)).toThrow("demo: lr is a schedule whose value at step 3 is NaN, not a finite number");
  });

  test("schedules.* start in range too (a momentum schedule above 1)", () => {
    fails({ tMax: 1, betas: [cosine({ lr: 1.5, tMax: 10 }), 0.9] }, "bad-option", /^demo: betas\[0\] is a schedule whose value at step 0 is 1\.5, but betas\[0\] must be a number in \[0, 1\)$/);
  });

  test("each rule type says what it expected and what came", () => {
    fails({ tMax: 1, lr: -1 }, "bad-option", "demo: lr must be a number ≥ 0 or a schedule (the learning rate), got -1", "demo.lr");
    fails({ tMax: 1, lr: () => NaN }, "bad-option", "demo: lr is a schedule, but its value at step 0 is NaN, not a finite number");
    fails({ tMax: 1, betas: [0.9, 1] }, "bad-option", "demo: betas[1] must be a number in [0, 1) or a schedule, got 1", "demo.betas[1]");
    fails({ tMax: 1, betas: 0.9 }, "bad-option", "demo: betas must be a pair [β₁, β₂] (averaging coefficients), got 0.9");
    fails({ tMax: 1, gamma: "0.5" }, "bad-option", 'demo: gamma must be a finite number (decay factor), got "0.5"');
    fails({ tMax: 1, gamma: 2 }, "bad-option", "demo: gamma must be a number > 0 and ≤ 1 (decay factor), got 2");
    fails({ tMax: 0 }, "bad-option", "demo: tMax must be a positive integer (steps), got 0");
    fails({ tMax: 1, milestones: [3, 3] }, "bad-option", "demo: milestones must be strictly increasing, got [3, 3] (milestones[1] = 3 after 3)", "demo.milestones[1]");
    fails({ tMax: 1, mode: "triangle" }, "bad-option", 'demo: mode must be one of "triangular", "exp_range", null (did you mean "triangular"?), got "triangle"');
    fails({ tMax: 1, centered: 1 }, "bad-option", "demo: centered must be true or false (centering), got 1");
    fails({}, "missing-option", "demo: option tMax is required (steps)", "demo.tMax");
    fails(null, "bad-options", "demo: expected an options object such as demo({ tMax: … }), got null");
    fails({ tMax: 1, t_max: 2 }, "unknown-option", 'demo: unknown option "t_max" (did you mean "tMax"?); options are lr, betas, gamma, tMax, milestones, mode, centered, at', "demo.t_max");
  });
});

describe("suggest", () => {
  test("finds the likely typo, and nothing for an unrelated name", () => {
    const run = ["from", "steps", "epochs", "clipNorm", "tol"];
    expect(suggest("T_max", ["lr", "tMax", "etaMin"])).toBe("tMax");
    expect(suggest("weight_decay", ["lr", "weightDecay"])).toBe("weightDecay");
    expect(suggest("step", run)).toBe("steps");
    expect(suggest("tolerance", run)).toBe("tol");
    expect(suggest("clip-norm", run)).toBe("clipNorm");
    expect(suggest("epoch", run)).toBe("epochs");
    expect(suggest("momentun", ["lr", "momentum"])).toBe("momentum");
    expect(suggest("foo", ["lr", "alpha", "eps"])).toBeUndefined();
    expect(suggest("warmup", ["lr", "gamma"])).toBeUndefined();
  });
});
