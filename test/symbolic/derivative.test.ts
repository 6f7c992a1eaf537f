/**
 * Every derivative rule against central differences in float64 (a table), for first and second
 * derivatives, through both the tree interpreter and the compiled closures.
 *
 * The reference is a Richardson-extrapolated central difference, (4·D(h/2) − D(h))/3 with
 * D(h) = (f(x+h) − f(x−h))/2h, h = 1e-3·max(1, |x|): truncation O(h⁴), rounding ~1e-12, so the
 * tolerance 1e-7 (relative to max(1, |derivative|)) would catch any wrong factor, sign or term.
 */
import { describe, expect, test } from "vitest";
import {
  derivative,
  Differentiator,
  evaluateOne,
  FN_NAMES,
  freeSyms,
  parseExpression,
  SymbolicProblem,
  sym,
  type Expr,
} from "../../src/symbolic/index.js";

/** [rule, expression, variables, points] */
const TABLE: [string, string, string[], number[][]][] = [
  ["sum", "x + 3 y - 2", ["x", "y"], [[0.3, -1.2]]],
  ["product", "x y z", ["x", "y", "z"], [[0.7, -1.1, 2.3]]],
  ["quotient", "(x + 1) / (y^2 + 2)", ["x", "y"], [[0.4, -0.9]]],
  ["integer power", "x^5 - x^2", ["x"], [[-1.3], [0.8]]],
  ["negative integer power", "x^-3", ["x"], [[-1.4], [0.6]]],
  ["real power", "x^2.7 + x^(-0.5)", ["x"], [[0.8], [2.1]]],
  ["symbolic constant exponent", "x^a", ["x"], [[1.7]]],
  ["variable exponent, constant base", "2^x + 0.5^(3 y)", ["x", "y"], [[0.4, -0.6]]],
  ["variable base and exponent", "x^y", ["x", "y"], [[1.3, 0.7], [0.4, -1.6]]],
  ["e^x", "e^(x y)", ["x", "y"], [[0.5, -0.8]]],
  ["sqrt", "sqrt(x^2 + y)", ["x", "y"], [[0.6, 1.3]]],
  ["chain", "sin(exp(cos(x)))", ["x"], [[0.9]]],
  ["pi", "pi x^2", ["x"], [[1.1]]],
  ["exp", "exp(x^2 - y)", ["x", "y"], [[0.3, 0.2]]],
  ["log", "log(x^2 + y^2)", ["x", "y"], [[0.8, -0.4]]],
  ["log with base", "log(x, y)", ["x", "y"], [[3.1, 1.7]]],
  ["log2", "log2(x y)", ["x", "y"], [[0.7, 2.2]]],
  ["log10", "log10(x + 2)", ["x"], [[0.7]]],
  ["log1p", "log1p(x^2)", ["x"], [[0.002], [1.4]]],
  ["expm1", "expm1(x y)", ["x", "y"], [[0.001, 0.9]]],
  ["cbrt", "cbrt(x)", ["x"], [[2.5], [-1.7]]],
  ["abs", "abs(x - y)", ["x", "y"], [[0.3, 1.1], [1.2, -0.4]]],
  ["sign", "sign(x) x^2", ["x"], [[-0.7], [1.3]]],
  ["floor", "floor(x) x", ["x"], [[1.6]]],
  ["ceil", "ceil(x) + x", ["x"], [[1.6]]],
  ["round", "round(x) x^2", ["x"], [[1.3]]],
  ["sin", "sin(x y)", ["x", "y"], [[0.7, 1.9]]],
  ["cos", "cos(x^2)", ["x"], [[1.2]]],
  ["tan", "tan(x / 2)", ["x"], [[0.8], [-2.5]]],
  ["sec", "sec(x)", ["x"], [[0.6], [2.4]]],
  ["csc", "csc(x)", ["x"], [[0.6], [-2.4]]],
  ["cot", "cot(x)", ["x"], [[0.6], [2.4]]],
  ["asin", "asin(x)", ["x"], [[0.3], [-0.8]]],
  ["acos", "acos(x)", ["x"], [[0.3], [-0.8]]],
  ["atan", "atan(3 x)", ["x"], [[0.3], [-2]]],
  ["atan2", "atan2(y, x)", ["x", "y"], [[0.7, 1.3], [-0.7, 0.4], [-1.1, -0.6]]],
  ["sinh", "sinh(x)", ["x"], [[1.4]]],
  ["cosh", "cosh(x - y)", ["x", "y"], [[1.4, 0.2]]],
  ["tanh", "tanh(2 x)", ["x"], [[0.4], [-1.1]]],
  ["asinh", "asinh(x)", ["x"], [[-2.3]]],
  ["acosh", "acosh(x)", ["x"], [[1.7]]],
  ["atanh", "atanh(x)", ["x"], [[0.6]]],
  ["softmax", "softmax(2, x, 2 y, x y)", ["x", "y"], [[0.3, -0.7], [2, 1]]],
  ["cosdir", "cosdir(1, x, y - 1, 2)", ["x", "y"], [[0.3, -0.7], [2, 1]]],
  ["sech", "sech(2 x)", ["x"], [[0.4], [-1.1]]],
  ["csch", "csch(x)", ["x"], [[0.4], [-1.7]]],
  ["coth", "coth(x y)", ["x", "y"], [[0.9, 1.3], [-0.5, 1.2]]],
  ["sigmoid", "sigmoid(x y)", ["x", "y"], [[0.9, -1.4], [3, 2]]],
  ["softplus", "softplus(x)", ["x"], [[-3.2], [0.1], [4]]],
  ["logsumexp", "logsumexp(x, 2 y, x y, 1)", ["x", "y"], [[0.3, -0.7]]],
  ["erf", "erf(x)", ["x"], [[0.4], [-1.3], [2.8]]],
  ["max", "max(x, y^2, 0.5)", ["x", "y"], [[1.3, 0.4], [0.2, 1.1], [0.1, 0.3]]],
  ["min", "min(x y, y)", ["x", "y"], [[2, 1.5], [0.5, 1.5]]],
  ["hypot", "hypot(x, y, 2)", ["x", "y"], [[0.6, -1.3]]],
  ["argmaxIs", "argmaxIs(1, x, y) x^2", ["x", "y"], [[1.3, 0.4]]],
  ["argminIs", "argminIs(2, x, y) y^2", ["x", "y"], [[1.3, 0.4]]],
];

const covered = new Set(TABLE.map((r) => r[0]));

function richardson(f: (t: number) => number, x: number): number {
  const h = 1e-3 * Math.max(1, Math.abs(x));
  const d = (k: number) => (f(x + k) - f(x - k)) / (2 * k);
  return (4 * d(h / 2) - d(h)) / 3;
}

function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-7 * Math.max(1, Math.abs(expected));
}

describe("derivative rules vs central differences", () => {
  test("the table covers every function of the IR", () => {
    expect(FN_NAMES.filter((f) => !covered.has(f))).toEqual([]);
  });

  test.each(TABLE)("%s: %s", (_rule, src, names, points) => {
    const f = parseExpression(src, { constants: { a: 1.3 } }).expr;
    const consts = { a: 1.3 };
    const vars = names.map(sym);
    const problem = new SymbolicProblem(f, vars, new Map([[sym("a"), 1.3]]));
    const n = vars.length;
    for (const p of points) {
      const env = (vals: number[]) => ({ ...consts, ...Object.fromEntries(names.map((v, i) => [v, vals[i]!])) });
      const g = new Float64Array(n);
      problem.valueAndGradInto(Float64Array.from(p), g);
      const H = new Float64Array(n * n);
      problem.hessianInto(Float64Array.from(p), H);
      for (let i = 0; i < n; i++) {
        const along = (t: number) => { const q = [...p]; q[i] = t; return q; };
        const numeric = richardson((t) => evaluateOne(f, env(along(t))), p[i]!);
        const interpreted = evaluateOne(derivative(f, vars[i]!), env(p));
        expect(close(interpreted, numeric), `∂/∂${names[i]} at ${p}: symbolic ${interpreted}, numeric ${numeric}`).toBe(true);
        expect(close(g[i]!, numeric), `compiled ∂/∂${names[i]} at ${p}: ${g[i]} vs ${numeric}`).toBe(true);
        // Second derivatives: central differences of the compiled gradient.
        for (let j = 0; j < n; j++) {
          const gj = new Float64Array(n);
          const hij = richardson((t) => (problem.valueAndGradInto(Float64Array.from(along(t)), gj), gj[j]!), p[i]!);
          expect(close(H[i * n + j]!, hij), `∂²/∂${names[i]}∂${names[j]} at ${p}: ${H[i * n + j]} vs ${hij}`).toBe(true);
        }
      }
    }
  });

  test("the Hessian is exactly symmetric: one node per pair (i, j)", () => {
    const f = parseExpression("x^3 y + sin(x z) + exp(y z) / (1 + x^2)").expr;
    const vars = ["x", "y", "z"].map(sym);
    const d = new Differentiator();
    const H = d.hessian(d.gradient(f, vars), vars);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(H[i]![j]).toBe(H[j]![i]);
  });

  test("a sum is differentiated term by term: ∂/∂x₇ of a long sum only touches x₇'s terms", () => {
    const f = parseExpression("sum((x[i] - i)^2 x[i+1], i, 1, 200)").expr;
    const g = derivative(f, sym("x[7]"));
    // (x6 − 6)² from term 6 and 2(x7 − 7)·x8 from term 7, nothing else.
    expect([...freeSyms(g)].map((s) => s.name).sort()).toEqual(["x[6]", "x[7]", "x[8]"]);
    const at: Record<string, number> = { "x[6]": 5, "x[7]": 8, "x[8]": 3 };
    expect(evaluateOne(g, at)).toBe(1 + 2 * 1 * 3);
  });

  test("derivative of a constant expression is 0, and of a symbol not present is 0", () => {
    const f: Expr = parseExpression("sin(pi / 3) + y").expr;
    expect(derivative(f, sym("x"))).toMatchObject({ kind: "num", value: 0 });
  });
});
