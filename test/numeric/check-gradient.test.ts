/**
 * checkGradient on a corpus of correct gradients, realistic bugs and kinks, for every method.
 */
import { describe, expect, test } from "vitest";
import type { Problem } from "../../src/problem/index.js";
import { checkGradient, type CheckSettings } from "../../src/numeric/check-gradient.js";
import type { FdMethod } from "../../src/numeric/fd-gradient.js";
import { STEP } from "../../src/numeric/step-size.js";
import { correct, extendedRosenbrock, logistic, mixed, problemOf, rosenbrock, stiffValley, stiffValleyPoint, withBug, type TestFn } from "./corpus.js";

const METHODS: FdMethod[] = ["forward", "central", "richardson", "complex"];
/** The documented defaults of dsl/gradcheck.ts (DEFAULT_RTOL). */
const RTOL: Record<FdMethod, number> = { forward: 1e-5, central: 1e-6, richardson: 1e-9, complex: 1e-12 };

function settings(p: Problem, method: FdMethod, o: Partial<CheckSettings> = {}): CheckSettings {
  return { method, rtol: RTOL[method], atol: "auto", h: STEP[method], directions: 0, seed: 1, refine: true, names: p.names, ...o };
}

function check(fn: TestFn | Problem, at: number[], method: FdMethod, o: Partial<CheckSettings> = {}) {
  const p = "valueAt" in fn ? fn : problemOf(fn);
  return checkGradient(p, Float64Array.from(at), settings(p, method, o));
}

const each = <T>(cases: T[]) => cases.flatMap((c) => METHODS.map((m) => [m, c] as const));

describe("checkGradient: correct gradients pass", () => {
  test.each(each(correct).map(([m, c]) => [c.fn.name, c.at, m, c] as const))("%s at %j with %s", (_n, at, method, c) => {
    const r = check(c.fn, at, method);
    expect(r.verdict, r.message).toBe("pass");
    expect(r.ok).toBe(true);
    expect(r.failures).toEqual([]);
    expect(r.maxRelError).toBeLessThanOrEqual(RTOL[method]);
    expect(r.rows.map((row) => row.ok)).toEqual(at.map(() => true));
    expect(r.message).toMatch(/^gradcheck: pass/);
  });

  test("the point of high curvature: forward differences alone mislead (refine off), central/Richardson/complex do not", () => {
    const forward = check(stiffValley, stiffValleyPoint, "forward", { refine: false });
    expect(forward.verdict).toBe("fail");
    expect(forward.failures).toEqual([0, 1]); // h·f''/2 ≈ 3e-5 relative on x, 1.5e-3 on y
    expect(forward.message).toMatch(/at y \(/);
    for (const m of ["central", "richardson", "complex"] as const) expect(check(stiffValley, stiffValleyPoint, m, { refine: false }).verdict).toBe("pass");
    // With the default second look, forward measures its own h·f''/2 error and extrapolates it away.
    const refined = check(stiffValley, stiffValleyPoint, "forward");
    expect(refined.verdict).toBe("pass");
    expect(refined.rows[1]!.refined).toBe(true);
  });

  test("at Rosenbrock's minimum (gradient exactly 0) central differences' 400h² error is measured, not called a bug", () => {
    const r = check(rosenbrock, [1, 1], "central", { refine: false });
    expect(r.verdict).toBe("fail"); // one step alone: numeric 1.5e-8 vs analytic 0
    const refined = check(rosenbrock, [1, 1], "central");
    expect(refined.verdict).toBe("pass");
    expect(refined.rows[0]!.refined).toBe(true);
  });
});

/** Realistic bugs: each changes the gradient of a corpus function at known coordinates. */
const bugs: { fn: TestFn; at: number[]; bad: number[]; names: RegExp[] }[] = [
  {
    // −2(1 − x) written as −(1 − x): a missing factor of 2 in ∂f/∂x.
    fn: withBug(rosenbrock, "missing factor 2", (g, [x, y]) => [-(1 - x!) - 400 * x! * (y! - x! * x!), g[1]!]),
    at: [-1.2, 1],
    bad: [0],
    names: [/at x \(/],
  },
  {
    fn: withBug(mixed, "missing factor 2 in d log(1+z²)", (g, [x, y, z]) => [g[0]!, g[1]!, z! / (1 + z! * z!) + x! * y!]),
    at: [0.3, -1.1, 2.5],
    bad: [2],
    names: [/at z \(/],
  },
  {
    fn: withBug(mixed, "sign error in d sin", (g, [x, y, z]) => [g[0]!, -Math.exp(x!) * Math.cos(y!) + x! * z!, g[2]!]),
    at: [0.3, -1.1, 2.5],
    bad: [1],
    names: [/at y \(/],
  },
  {
    fn: withBug(rosenbrock, "sign error", (g) => [g[0]!, -g[1]!]),
    at: [0.5, 0.8],
    bad: [1],
    names: [/sign flipped/],
  },
  {
    fn: withBug(extendedRosenbrock(10), "swapped coordinates", (g) => ([g[2], g[3]] = [g[3]!, g[2]!], g)),
    at: [-1.2, 1, 0.5, 0.3, 2, -1, 1, 1, -0.1, 0.2],
    bad: [2, 3],
    names: [/x\[2\]/, /x\[3\]/, /swapped/],
  },
  {
    fn: withBug(logistic, "swapped coordinates", (g) => [g[1]!, g[0]!, g[2]!, g[3]!]),
    at: [0.1, -0.2, 0.3, 0.05],
    bad: [0, 1],
    names: [/x\[0\]/, /x\[1\]/],
  },
  {
    fn: withBug(mixed, "1e-4 relative error", (g) => [g[0]! * (1 + 1e-4), g[1]!, g[2]!]),
    at: [0.3, -1.1, 2.5],
    bad: [0],
    names: [/relative error 1e-4 at x \(/],
  },
  {
    fn: withBug(logistic, "1e-4 relative error", (g) => [g[0]!, g[1]!, g[2]!, g[3]! * (1 - 1e-4)]),
    at: [0.1, -0.2, 0.3, 0.05],
    bad: [3],
    names: [/at x\[3\]/],
  },
  {
    fn: withBug(extendedRosenbrock(10), "1e-4 relative error", (g) => ((g[9] = g[9]! * (1 + 1e-4)), g)),
    at: [-1.2, 1, 0.5, 0.3, 2, -1, 1, 1, -0.1, 0.2],
    bad: [9],
    names: [/at x\[9\]/],
  },
];

/** At the stiff point forward differences are 1.5e-3 off on y; central, Richardson and complex still find a 1e-4 bug. */
const stiffBug = withBug(stiffValley, "1e-4 relative error at high curvature", (g) => [g[0]!, g[1]! * (1 + 1e-4)]);

describe("checkGradient: bugs fail, naming the coordinates at fault", () => {
  test.each(each(bugs).map(([m, b]) => [b.fn.name, m, b] as const))("%s with %s", (_n, method, b) => {
    const r = check(b.fn, b.at, method);
    expect(r.verdict, r.message).toBe("fail");
    expect(r.ok).toBe(false);
    expect(r.failures.map((k) => r.rows[k]!.index)).toEqual(b.bad);
    for (const re of b.names) expect(r.message).toMatch(re);
    expect(r.message).toMatch(/is above tol/);
    expect(r.kinks).toEqual([]);
  });

  test.each(["central", "richardson", "complex"] as const)("a 1e-4 bug at the point of high curvature fails with %s", (method) => {
    const r = check(stiffBug, stiffValleyPoint, method);
    expect(r.verdict).toBe("fail");
    expect(r.failures).toEqual([1]);
  });

  test("forward differences cannot resolve 1e-4 there: the row passes but is flagged uncertain, with a warning", () => {
    const r = check(stiffBug, stiffValleyPoint, "forward");
    expect(r.rows[1]!.uncertain).toBe(true);
    expect(r.warnings.join(" ")).toMatch(/less accurate than rtol at y .* try method "richardson" or "complex"/);
    // a pass that rests on it says so in the message itself
    expect(r.verdict).toBe("pass");
    expect(r.message).toMatch(/^gradcheck: pass — .*, but weak: the numeric derivative is less accurate than rtol at y/);
  });


  test("the message reads like the style guide's example", () => {
    const r = check(bugs[0]!.fn, bugs[0]!.at, "central");
    expect(r.message).toBe("gradcheck: relative error 1e-2 at x (analytic -213, numeric -216) is above tol 1e-6 (central differences)");
  });

  test("hints name the kind of bug", () => {
    expect(check(bugs[0]!.fn, bugs[0]!.at, "central").rows[0]!.hint).toBeUndefined(); // −(1−x) is not a clean factor of the whole
    const half = withBug(rosenbrock, "half", (g) => [g[0]! / 2, g[1]!]);
    expect(check(half, [-1.2, 1], "central").rows[0]!.hint).toMatch(/half the numeric: a factor 2 missing/);
    expect(check(bugs[3]!.fn, bugs[3]!.at, "central").rows[1]!.hint).toBe("sign flipped?");
    expect(check(bugs[4]!.fn, bugs[4]!.at, "central").rows[2]!.hint).toBe("looks swapped with x[3]");
    const dropped = withBug(mixed, "dropped term", (g) => [g[0]!, 0, g[2]!]);
    expect(check(dropped, [0.3, -1.1, 2.5], "central").rows[1]!.hint).toMatch(/missing term/);
  });

  test("more than four failing coordinates are summarized", () => {
    const wrong = withBug(extendedRosenbrock(10), "all doubled", (g) => g.map((v) => 2 * v));
    const r = check(wrong, [-1.2, 1, 0.5, 0.3, 2, -1, 1.1, 0.9, -0.1, 0.2], "central");
    expect(r.failures.length).toBe(10);
    expect(r.message).toMatch(/^gradcheck: 10 of 10 coordinates fail/);
    expect(r.message).toMatch(/and 6 more \(x\[4\], x\[5\]/);
  });

  test("a NaN analytic derivative fails and says so", () => {
    const nan = withBug(rosenbrock, "NaN", (g) => [g[0]!, NaN]);
    const r = check(nan, [0.5, 0.5], "central");
    expect(r.verdict).toBe("fail");
    expect(r.message).toMatch(/analytic derivative at y is NaN/);
  });

  test("an explicit atol replaces the automatic floor", () => {
    const tiny = withBug(rosenbrock, "tiny bug", (g) => [g[0]! + 1e-3, g[1]!]);
    expect(check(tiny, [-1.2, 1], "central").verdict).toBe("fail");
    expect(check(tiny, [-1.2, 1], "central", { atol: 1e-2 }).verdict).toBe("pass");
    const r = check(rosenbrock, [1, 1], "central", { atol: 0, refine: false });
    expect(r.verdict).toBe("fail"); // no floor at all: 1.5e-8 against an exact 0
  });
});

/** Kinks written by hand with a complex branch (for complex step), gradients using sign(0) = 0, relu'(0) = 0, max picks the first. */
function kinkProblem(n: number, names: string[], f: (x: number[]) => number, g: (x: number[]) => number[], fc: (re: number[], im: number[]) => [number, number]): Problem {
  return {
    n,
    names,
    valueAt: (x) => f(Array.from(x)),
    valueAndGradInto: (x, out) => (out.set(g(Array.from(x))), f(Array.from(x))),
    valueComplex: (re, im) => fc(Array.from(re), Array.from(im)),
  };
}
/** |z| on the branch of sign(Re z) (the usual complex-step extension), with sign(0) = +. */
const cabs = (re: number, im: number): [number, number] => (re >= 0 ? [re, im] : [-re, -im]);

const absK = kinkProblem(
  2,
  ["x", "y"],
  ([x, y]) => Math.abs(x!) + y! * y!,
  ([x, y]) => [Math.sign(x!), 2 * y!],
  ([x, y], [a, b]) => {
    const [r, i] = cabs(x!, a!);
    return [r + y! * y! - b! * b!, i + 2 * y! * b!];
  },
);
const reluK = kinkProblem(
  3,
  ["w", "b", "c"],
  ([w, b, c]) => 3 * Math.max(w!, 0) + Math.max(b!, 0) + Math.sin(c!),
  ([w, b, c]) => [w! > 0 ? 3 : 0, b! > 0 ? 1 : 0, Math.cos(c!)],
  ([w, b, c], [i0, i1, i2]) => [3 * (w! > 0 ? w! : 0) + (b! > 0 ? b! : 0) + Math.sin(c!) * Math.cosh(i2!), 3 * (w! > 0 ? i0! : 0) + (b! > 0 ? i1! : 0) + Math.cos(c!) * Math.sinh(i2!)],
);
const maxK = kinkProblem(
  3,
  ["u", "v", "z"],
  ([u, v, z]) => Math.max(u!, v!) + z! * z!,
  ([u, v, z]) => (u! >= v! ? [1, 0, 2 * z!] : [0, 1, 2 * z!]),
  ([u, v, z], [a, b, c]) => (u! >= v! ? [u! + z! * z! - c! * c!, a! + 2 * z! * c!] : [v! + z! * z! - c! * c!, b! + 2 * z! * c!]),
);

const kinks: { name: string; p: Problem; at: number[]; kinks: number[]; forwardKinks: number[] }[] = [
  { name: "|x| at 0", p: absK, at: [0, 1.5], kinks: [0], forwardKinks: [0] },
  { name: "relu at 0", p: reluK, at: [0, 0.5, 1], kinks: [0], forwardKinks: [0] },
  // Forward differences see max's right derivative 1 for u, equal to the analytic 1: no second look there.
  { name: "max at a tie", p: maxK, at: [0.7, 0.7, -0.3], kinks: [0, 1], forwardKinks: [1] },
];

describe("checkGradient: kinks are reported as kinks, not bugs", () => {
  test.each(each(kinks).map(([m, k]) => [k.name, m, k] as const))("%s with %s", (_n, method, k) => {
    const r = check(k.p, k.at, method);
    expect(r.verdict, r.message).toBe("kink");
    expect(r.ok).toBe(false);
    expect(r.failures).toEqual([]);
    expect(r.kinks).toEqual(method === "forward" ? k.forwardKinks : k.kinks);
    for (const i of r.kinks) {
      const row = r.rows[i]!;
      expect(row.kink).toBe(true);
      expect(row.ok).toBe(true);
      expect(Math.min(row.left!, row.right!)).toBeLessThanOrEqual(row.analytic + 1e-9);
      expect(Math.max(row.left!, row.right!)).toBeGreaterThanOrEqual(row.analytic - 1e-9);
      expect(r.message).toMatch(new RegExp(`kink at ${row.name}: one-sided derivatives`));
    }
    expect(r.message).toMatch(/^gradcheck: kink — .*no bug found/);
  });

  test("|x| at 0: the one-sided derivatives are -1 and 1", () => {
    const row = check(absK, [0, 1.5], "central").rows[0]!;
    expect(row.left).toBeCloseTo(-1, 9);
    expect(row.right).toBeCloseTo(1, 9);
  });

  test("an analytic value outside the one-sided derivatives at a kink is a bug", () => {
    const wrong = kinkProblem(1, ["x"], ([x]) => Math.abs(x!), () => [2], ([x], [a]) => cabs(x!, a!));
    for (const m of METHODS) {
      const r = check(wrong, [0], m);
      expect(r.verdict).toBe("fail");
      expect(r.message).toMatch(/at x f has a kink .* analytic 2.00 is not between them/);
    }
  });

  test("a bug elsewhere still fails when there is also a kink", () => {
    const p = kinkProblem(2, ["x", "y"], ([x, y]) => Math.abs(x!) + y! * y!, ([x, y]) => [Math.sign(x!), y!], ([x, y], [a, b]) => {
      const [r, i] = cabs(x!, a!);
      return [r + y! * y! - b! * b!, i + 2 * y! * b!];
    });
    const r = check(p, [0, 1.5], "central");
    expect(r.verdict).toBe("fail");
    expect(r.failures).toEqual([1]);
    expect(r.kinks).toEqual([0]);
    expect(r.message).toMatch(/at y .*; kink at x|at y[\s\S]*kink at x/);
  });

  test("away from the kink |x| is smooth and passes", () => {
    expect(check(absK, [0.3, 1.5], "central").verdict).toBe("pass");
    expect(check(absK, [-1e-3, 1.5], "richardson").verdict).toBe("pass");
  });
});

describe("checkGradient: fast mode (random directional derivatives)", () => {
  const n = 200;
  const fn = extendedRosenbrock(n);
  const at = Array.from({ length: n }, (_, i) => 1.2 * Math.sin(i));

  test.each(METHODS)("a correct gradient passes with %s, in a handful of evaluations", (method) => {
    const p = problemOf(fn);
    p.evals = 0;
    const r = check(p, at, method, { directions: 4 });
    expect(r.verdict, r.message).toBe("pass");
    expect(r.rows.length).toBe(4);
    expect(r.rows.map((x) => x.name)).toEqual(["dir[0]", "dir[1]", "dir[2]", "dir[3]"]);
    if (method === "central") expect(p.evals).toBe(2 * 4 + 1);
    expect(r.message).toMatch(/4 random directions agree/);
  });

  test.each(METHODS)("a 1e-3 relative bug in one of 200 coordinates fails with %s", (method) => {
    const bug = withBug(fn, "one coordinate", (g) => ((g[137] = g[137]! * (1 + 1e-3)), g));
    const r = check(bug, at, method, { directions: 4 });
    expect(r.verdict).toBe("fail");
    expect(r.message).toMatch(/run without `fast` to name the coordinates/);
  });

  test("the directions depend on the seed and only on the seed", () => {
    const a = check(fn, at, "central", { directions: 2, seed: 5 });
    const b = check(fn, at, "central", { directions: 2, seed: 5 });
    const c = check(fn, at, "central", { directions: 2, seed: 6 });
    expect(a.rows.map((r) => r.analytic)).toEqual(b.rows.map((r) => r.analytic));
    expect(a.rows[0]!.analytic).not.toBe(c.rows[0]!.analytic);
  });

  test("a relu kink along the random directions is a kink", () => {
    const p: Problem = {
      n: 50,
      names: Array.from({ length: 50 }, (_, i) => `w[${i}]`),
      valueAt: (x) => x.reduce((s, v) => s + Math.max(v, 0), 0),
      valueAndGradInto: (x, g) => (x.forEach((v, i) => (g[i] = v > 0 ? 1 : 0)), 0),
    };
    const x = Array.from({ length: 50 }, (_, i) => (i === 10 ? 0 : Math.cos(i)));
    const r = check(p, x, "central", { directions: 3 });
    expect(r.verdict).toBe("kink");
  });
});

describe("checkGradient: input it cannot use", () => {
  test("f not finite at the point is a DslError", () => {
    const p = problemOf({ ...rosenbrock, f: (A, x) => A.log(A.sub(x[0]!, A.k(5))) });
    expect(() => check(p, [1, 1], "central")).toThrow(/gradcheck: f is NaN at the point/);
  });

  test("complex step without a complex path is a DslError", () => {
    expect(() => check(problemOf(rosenbrock, { complex: false }), [1, 1], "complex")).toThrow(/needs an objective with a complex evaluation path/);
  });

  test("f not finite near the point (domain edge) fails with a warning instead of a wrong verdict", () => {
    const p = problemOf({ ...rosenbrock, n: 1, names: ["x"], f: (A, [x]) => A.sqrt(x!), grad: ([x]) => [0.5 / Math.sqrt(x!)] }, { complex: false });
    const r = check(p, [0], "central");
    expect(r.verdict).toBe("fail");
    expect(r.warnings.join(" ")).toMatch(/not finite at a perturbed point along x/);
  });
});

describe("checkGradient: near the edge of f's domain", () => {
  const log: Problem = { n: 1, names: ["x"], valueAt: (x) => Math.log(x[0]!), valueAndGradInto: (x, g) => ((g[0] = 1 / x[0]!), Math.log(x[0]!)) };

  test.each(["central", "richardson"] as const)("log x at 1e-6 (closer to 0 than the step) passes with %s, and says the step was reduced", (method) => {
    const r = check(log, [1e-6], method);
    expect(r.verdict, r.message).toBe("pass");
    expect(r.rows[0]!.reducedStep).toBe(true);
    expect(r.rows[0]!.h).toBeLessThan(1e-6);
    expect(r.warnings.join(" ")).toMatch(/f is not finite at x ± h along x \(the edge of its domain\?\): the step was reduced/);
  });

  // Found by a user: log x at 1e-9 said "fail" (numeric NaN) for a correct gradient, because
  // the step was shrunk at most 3 times (6e-6 → 1.5e-9, still past the edge).
  test.each([
    ["central", 1e-9],
    ["central", 1e-13],
    ["richardson", 1e-9],
    ["richardson", 1e-13],
  ] as const)("log x very close to 0 passes too (%s at %s)", (method, at) => {
    const r = check(log, [at], method);
    expect(r.verdict, r.message).toBe("pass");
    expect(r.rows[0]!.reducedStep).toBe(true);
    expect(r.rows[0]!.h).toBeLessThan(at);
  });

  test("a wrong derivative there still fails", () => {
    const wrong: Problem = { ...log, valueAndGradInto: (x, g) => ((g[0] = 2 / x[0]!), 0) };
    expect(check(wrong, [1e-6], "central").verdict).toBe("fail");
    expect(check(wrong, [1e-6], "richardson").verdict).toBe("fail");
    expect(check(wrong, [1e-9], "central").verdict).toBe("fail");
    expect(check(wrong, [1e-9], "richardson").verdict).toBe("fail");
  });
});
