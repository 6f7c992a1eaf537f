/**
 * Every case of issue 16 ("Bad input never passes silently"), and the run statuses of issue 17:
 * each either works or throws a DslError naming the field and the value; a run's status and
 * message agree (they come from one function, `runOutcome`).
 */
import { describe, expect, test } from "vitest";
import {
  adagrad, adadelta, adam, compare, curvature, DslError, gd, gradcheck, lbfgs, naturalGradient, newton, nn, objective, optimize, rmsprop, rng, init, plot,
} from "../../dsl/index.js";
import { runOutcome } from "../../src/optim/index.js";
import { expectDslError } from "../support/dsl-error.js";

describe("names are identifiers (or documented index forms)", () => {
  test("a variable name that is not an identifier is refused, naming the field and the value", () => {
    const e = expectDslError(() => objective("x^2 + y", { vars: ["x", "y;globalThis.__pwned=3;//"] }), "bad-name", /^objective: vars\[1\] must be an identifier such as "x", an indexed name .* got "y;globalThis\.__pwned=3;\/\/"$/);
    expect(e.path).toBe("objective.vars[1]");
    expect((globalThis as { __pwned?: unknown }).__pwned).toBeUndefined();
  });
  test("a parameter name that is not an identifier is refused", () => {
    expectDslError(() => objective("(w x - y)^2", { params: ["w", "q`;"], data: { x: [1, 2], y: [1, 2] } }), "bad-name", /objective: params\[1\] must be an identifier .* got "q`;"/);
  });
  test("index forms stay accepted: x[1], W[1,2], x[1..3]", () => {
    expect(objective("sum(x[i]^2, i, 1, 3)", { vars: ["x[1..3]"] }).vars).toEqual(["x[1]", "x[2]", "x[3]"]);
    expect(objective("W[1,2]^2 + b", { vars: ["W[1,2]", "b"] }).n).toBe(2);
  });
  test("a constant or a data column with a garbage key is an error, not ignored", () => {
    expectDslError(() => objective("a x^2", { constants: { a: 1, "b c": 2 } }), "bad-name", /objective: the key "b c" of constants is not an identifier/);
    expectDslError(() => objective("(w x - y)^2", { params: ["w"], data: { x: [1, 2], y: [1, 2], "!!": [1, 2] } }), "bad-name", /the key "!!" of data is not an identifier/);
  });
  test("a parameter that is also a data column names params, not vars", () => {
    const e = expectDslError(() => objective("(w x - y)^2", { params: ["x"], data: { x: [1, 2], y: [1, 2] } }), "bad-option", /'x' is declared in params and also given as a data column/);
    expect(e.path).toBe("objective.params");
  });
  test("a matrix data column with empty rows is an error (the fuzzer found a TypeError)", () => {
    expectDslError(() => objective("(w x + b - y)^2", { params: ["w", "b"], data: { x: [[]], y: [0] } }), "bad-data", /data column 'x' is a matrix whose rows must have 1 to 10⁶ entries, got rows of 0/);
  });
});

describe("symbolic edge cases", () => {
  test("a sum whose upper bound is below its lower bound is an error, not 0 without variables", () => {
    expectDslError(() => objective("sum(x[i]^2, i, 3, 1)"), "bad-index", /sum over i from 3 to 1 is empty \(the upper bound 1 is below the lower bound 3\)/);
    expectDslError(() => objective("prod(x[i], i, 2, 1)"), "bad-index", /prod over i from 2 to 1 is empty/);
  });
  test("an inner sum from i+1 to n is empty at i = n, as usual", () => {
    expect(objective("sum(sum(x[i] x[j], j, i + 1, 3), i, 1, 3)").text()).toBe("x[1] * x[2] + x[1] * x[3] + x[2] * x[3]");
  });
  test("prod(x, i, 1, 0.5) is an indexed product with a bad bound, not a product of four factors", () => {
    expectDslError(() => objective("prod(x, i, 1, 0.5)"), "bad-index", /the upper bound of prod over i must be an integer, got 0\.5/);
    expectDslError(() => objective("prod(x[i], i, 1, 2.5)"), "bad-index", /must be an integer, got 2\.5/);
    // four symbolic arguments are still a plain sum
    expect(objective("sum(a, b, c, d)").n).toBe(4);
  });
  test("huge inputs work or give a DslError, never a RangeError", () => {
    // 3000 literal terms, 10⁵ distinct variables, a 2000-factor product, a 5-million-character string
    const cases = [
      Array.from({ length: 3000 }, (_, i) => `${i + 1}`).join(" + ") + " + x^2",
      Array.from({ length: 1e5 }, (_, i) => `v${i}^2`).join(" + "),
      Array.from({ length: 2000 }, (_, i) => `(x + ${i})`).join(" * "),
      "x + ".repeat(1.25e6) + "x",
    ];
    const ns = cases.map((src) => {
      try {
        return objective(src).n;
      } catch (e) {
        expect(e).toBeInstanceOf(DslError);
        return -1;
      }
    });
    expect(ns).toEqual([1, 1e5, 1, 1]);
    expect(objective(cases[0]!).value([0])).toBe(4501500);
  });
  test("x[1..100000] declares 10⁵ variables without a quadratic duplicate check", () => {
    expect(objective("sum(x[i]^2, i, 1, 100000)", { vars: ["x[1..100000]"] }).n).toBe(1e5);
  });
});

describe("numbers are numbers, integers are integers, sizes are bounded", () => {
  const f = objective("x^2 + y^2");
  test("from: [\"1\", \"2\"] is not coerced", () => {
    expectDslError(() => optimize(f, gd(), { from: ["1", "2"] as never, steps: 3 }), "bad-point", /the value of entry 0 \('x'\) must be a finite number, got "1"/);
  });
  test("a start record names the option", () => {
    const e = expectDslError(() => optimize(f, gd(), { from: {} as never, steps: 3 }), "missing-value", /the start point \(optimize\.from\) has no value for 'x'/);
    expect(e.path).toMatch(/^optimize\.from/);
  });
  test("lbfgs({ historySize: 1e308 }) and maxIter 1e308 are DslErrors, not RangeErrors or endless steps", () => {
    expectDslError(() => lbfgs({ historySize: 1e308 }), "bad-option", /^lbfgs: historySize must be a positive integer ≤ 1000000 \(number of \(s, y\) pairs kept\), got 1e\+308$/);
    expectDslError(() => lbfgs({ maxIter: 1e308 }), "bad-option", /lbfgs: maxIter must be a positive integer ≤ 1000000/);
  });
  test("an integer option past 2^53 is refused (1e308 passes Number.isInteger)", () => {
    expectDslError(() => optimize(f, gd(), { from: [1, 1], steps: 1e308 }), "bad-option", /optimize: steps must be a non-negative integer of at most 2⁵³ − 1/);
  });
  test("rng and init draws and nn.mlp sizes are bounded", () => {
    expectDslError(() => rng(0).normal([1e9]), "bad-option", /rng\.normal: the shape \[1000000000\] has 1\.00e\+9 entries; at most 16777216/);
    expectDslError(() => rng(0).permutation(1e9), "bad-option", /n must be a non-negative integer ≤ 16777216/);
    expectDslError(() => init.zeros([1e15, 0]), "bad-option", /init\.zeros: the shape .* a dimension of 1\.00e\+15/);
    expectDslError(() => nn.mlp([2, 1e9, 1]), "bad-argument", /nn\.mlp: sizes \[2, 1000000000, 1\] make 4\.00e\+9 parameters; at most 2\^24/);
  });
  test("plot.schedule steps and curvature options are checked (the fuzzer found a RangeError and a TypeError)", () => {
    expectDslError(() => plot.schedule((k: number) => 0.1 / (1 + k), { steps: 2 ** 51 }), "bad-option", /plot\.schedule: steps must be a positive integer ≤ 1000000/);
    expectDslError(() => curvature.eigenvalues(objective("x^2 + 3 y^2"), { at: [1, 1], k: 10n as never }), "bad-option", /curvature\.eigenvalues: k must be a positive integer/);
    expectDslError(() => curvature.eigenvalues(objective("x^2 + 3 y^2"), { at: [1, 1], at_: 1 } as never), "unknown-option", /unknown option "at_" \(did you mean "at"\?\)/);
  });
});

describe("ranges follow torch's (documented differences)", () => {
  test("adam({ eps: 0 }) is accepted as in torch; a 0/0 then ends the run diverged with a message naming eps", () => {
    const r = optimize(objective("x^2 + y^2"), adam({ eps: 0, lr: 0.1 }), { from: [1, 0], steps: 5 });
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/with eps = 0, a gradient coordinate that is exactly 0 gives 0\/0 in adam's update/);
    expect(() => rmsprop({ eps: 0 })).not.toThrow();
    expect(() => adagrad({ eps: 0 })).not.toThrow();
  });
  test("adadelta keeps eps > 0 (its first update would be √0/√0 in every coordinate)", () => {
    expectDslError(() => adadelta({ eps: 0 }), "bad-option", /adadelta: eps must be a number > 0/);
  });
  test("naturalGradient({ damping: 0 }) is accepted like newton's: the pseudo-inverse, no step along zero Fisher information", () => {
    expect(() => naturalGradient({ damping: 0 })).not.toThrow();
    expect(() => newton({ damping: 0 })).not.toThrow();
    const f = objective("(w x + b - y)^2", { params: ["w", "b"], data: { x: [1, 2, 3], y: [2, 4, 6] } });
    const r = optimize(f, naturalGradient({ damping: 0, fisher: "empirical" }), { from: [0, 0], steps: 5 });
    expect(r.losses.every(Number.isFinite)).toBe(true);
  });
});

describe("statuses and messages cannot contradict each other", () => {
  test("a run that reaches |∇f| ≤ 1e-6 without tol is converged, and its message does not say 'took all'", () => {
    const r = optimize(objective("(x - 1)^4 + y^2"), lbfgs({ maxIter: 1000 }), { from: [1, 2], steps: 20 });
    expect(r.status).toBe("converged");
    expect(r.message).toMatch(/^converged: \|∇f\| = .* ≤ 1e-6 after 20 steps \(without tol every step runs/);
  });
  test("adagrad({ lrDecay: 1e308 }) stops moving: max-steps, and the message says why, not 'converged'", () => {
    const r = optimize(objective("x^2 + y^2"), adagrad({ lrDecay: 1e308 }), { from: [1, 2], steps: 20 });
    expect(r.status).toBe("max-steps");
    expect(r.message).toMatch(/^took all 20 steps, but the point stopped moving after step \d+ with \|∇f\| = .*: the step size went to 0/);
  });
  test("a saddle start is 'stationary', not converged: the message says it is not a minimum (the Hessian's eigenvalue)", () => {
    const r = optimize(objective("x^2 - y^2"), gd({ lr: 0.1 }), { from: [0, 0], steps: 10 });
    expect(r.status).toBe("stationary");
    expect(r.message).toMatch(/^stopped at the start at a stationary point that is not a minimum: \|∇f\| = 0, but the Hessian there has the eigenvalue -2 < 0/);
    const t = optimize(objective("x^2 - y^2"), gd({ lr: 0.1 }), { from: [0, 0], steps: 10, tol: 1e-8 });
    expect(t.status).toBe("stationary");
  });
  test("a minimum start stays converged", () => {
    const r = optimize(objective("x^2 + y^2"), gd({ lr: 0.1 }), { from: [0, 0], steps: 10 });
    expect(r.status).toBe("converged");
  });
  test("GD on x² − y² diverges along y: unbounded below, not 'try a smaller lr'", () => {
    const r = optimize(objective("x^2 - y^2"), gd({ lr: 0.1 }), { from: [1, 1], steps: 300 });
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/the objective looks unbounded below \(the Hessian at the start has the eigenvalue -2 < 0/);
    expect(r.message).toMatch(/No step size fixes that/);
    expect(r.message).not.toMatch(/smaller lr/);
  });
  test("a schedule that overflows is named in the divergence message", () => {
    const r = optimize(objective("x^2 + y^2"), gd({ lr: (k: number) => 0.1 * 1e30 ** k }), { from: [1, 1], steps: 20 });
    expect(r.status).toBe("diverged");
    expect(r.message).toMatch(/schedule/);
  });
  test("runOutcome: 'max-steps' never reads converged, 'converged' never reads 'took all'", () => {
    const base = { steps: 300, message: "", g0: 1, tol: 1e-6, tolGiven: false } as const;
    expect(runOutcome({ ...base, reason: "max-steps", last: 1e-9 })).toEqual({ status: "converged", message: "converged: |∇f| = 1.00e-9 ≤ 1e-6 after 300 steps (without tol every step runs; pass tol to stop as soon as that holds)" });
    expect(runOutcome({ ...base, reason: "max-steps", last: 0.5 }).message).toBe("took all 300 steps; |∇f| = 0.5 at the end (> 1e-6)");
    expect(runOutcome({ ...base, reason: "max-steps", last: 0.5, lastMove: 120, selfStopping: true })).toMatchObject({ status: "converged", message: expect.stringMatching(/^converged: the optimizer stopped moving after step 120 \(its own convergence tests\)/) });
    expect(runOutcome({ ...base, reason: "max-steps", last: 0.5, lastMove: 120 }).status).toBe("max-steps");
    expect(runOutcome({ ...base, reason: "tol", message: "converged at step 3: …", last: 0, curvature: () => ({ min: -1, scale: 1 }) }).status).toBe("stationary");
  });
  test("compare's runs use the same statuses", () => {
    const c = compare(objective("x^2 - y^2"), { g: gd({ lr: 0.1 }), a: adam({ lr: 0.1 }) }, { from: [0, 0], steps: 5 });
    expect(Object.values(c.runs).map((r) => r.status)).toEqual(["stationary", "stationary"]);
  });
});

describe("gradcheck advice", () => {
  test("a check that already uses Richardson does not advise method 'richardson'", () => {
    // rtol 1e-13 is below Richardson's own error estimate (≈ 7e-12 here): the "weaker check" advice
    const r = gradcheck(objective("exp(x) * sin(3 y) + x^5"), { at: [0.3, 0.7], method: "richardson", rtol: 1e-13 });
    expect(r.warnings.join("\n")).toMatch(/the numeric derivative is less accurate than rtol .* Richardson extrapolation is already in use: try method "complex"/);
    expect([r.message, ...r.warnings].join("\n")).not.toMatch(/try method "richardson"/);
    const c = gradcheck(objective("exp(x) * sin(3 y) + x^5"), { at: [0.3, 0.7], method: "central", rtol: 1e-13 });
    expect(c.warnings.join("\n")).toMatch(/try method "richardson" or "complex"/);
  });
});
