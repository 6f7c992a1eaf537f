/**
 * Fuzz: random expressions through `objective` and everything an objective does (value, grad,
 * hess, hvp, displays), token soup and arbitrary strings (issue 16). Every input works or throws
 * a DslError; a gradient that works agrees with central differences wherever those agree with
 * themselves (two step sizes), so a simplifier's sign bug cannot pass as "works".
 */
import { describe, test } from "vitest";
import { objective, optimize, gd, newton } from "../../dsl/index.js";
import { check, expectCoherentRun, fc, outcome, safe } from "./harness.js";

const VARS = ["x", "y", "z[1]", "z[2]"];
const SMOOTH = ["sin", "cos", "exp", "tanh", "atan", "softplus", "sigmoid", "square", "log1p", "sqrt", "log", "cosh", "sinh", "expm1", "cbrt", "erf", "logistic"];
const ROUGH = ["abs", "relu", "floor", "ceil", "sign", "round", "max", "min", "hypot", "atan2", "logsumexp", "pow", "nthRoot", "asin", "acos", "acosh", "atanh", "sec", "csc", "cot", "log2", "log10", "cube"];

/** Expression text from a small grammar: numbers, variables, + − · / ^, calls, indexed sums and products. */
function expr(funcs: readonly string[]): fc.Arbitrary<string> {
  const binary = funcs.filter((f) => ["max", "min", "hypot", "atan2", "pow", "logsumexp", "nthRoot"].includes(f));
  const { e } = fc.letrec<{ e: string; leaf: string }>((tie) => ({
    leaf: fc.oneof(
      fc.constantFrom(...VARS),
      fc.constantFrom("0", "1", "2", "0.5", "-1", "3", "1e-3", "1e3", "pi", "e"),
      // decimals, not subnormals: 1e-284 · 1e-41 underflows, and a derivative of it is rounding, not a bug
      fc.integer({ min: -5000, max: 5000 }).map((v) => `(${v / 1000})`),
    ),
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      tie("leaf"),
      fc.tuple(tie("e"), fc.constantFrom("+", "-", "*", "/"), tie("e")).map(([a, op, b]) => `(${a} ${op} ${b})`),
      fc.tuple(tie("e"), fc.constantFrom("2", "3", "0.5", "-1", "y")).map(([a, p]) => `(${a})^${p}`),
      fc.tuple(fc.constantFrom(...funcs), tie("e")).map(([f, a]) => `${f}(${a})`),
      fc.tuple(fc.constantFrom(...(binary.length > 0 ? binary : ["+"])), tie("e"), tie("e")).map(([f, a, b]) => (f === "+" ? `(${a} + ${b})` : `${f}(${a}, ${b})`)),
      fc.tuple(fc.constantFrom("sum", "prod"), tie("e"), fc.integer({ min: -1, max: 3 }), fc.integer({ min: -1, max: 4 })).map(([f, a, lo, hi]) => `${f}(${a} * z[i], i, ${lo}, ${hi})`),
    ),
  }));
  return e;
}

/** Tokens of the DSL and of things that are not: their soup must parse or fail with a DslError. */
const TOKENS = ["x", "y", "z", "[", "]", "(", ")", "+", "-", "*", "/", "^", ",", "1", "0.5", "sum", "prod", "i", "sin", "exp", "..", ".", "=", ";", "'", '"', "`", "$", "{", "}", "!", "e", "pi", "Infinity", "NaN", "x[1]", "x[i]", "'", "\n", " ", "ln", "f(x)", "=>", "?", ":", "<", ">", "&&", "||", "%", "√", "·", "²", "∑"];

/** A finite-difference estimate of ∂f/∂xᵢ with step h. */
function fd(f: (x: number[]) => number, x: number[], i: number, h: number): number {
  const a = x.slice(), b = x.slice();
  a[i]! += h;
  b[i]! -= h;
  return (f(a) - f(b)) / (2 * h);
}

describe("fuzz: expressions", () => {
  test("objective(random smooth expression): works or a DslError; gradients agree with central differences", () => {
    const point = fc.array(fc.integer({ min: -2500, max: 2500 }).map((v) => v / 1000 + 1e-4), { minLength: 4, maxLength: 4 });
    check(1500, fc.tuple(expr(SMOOTH), point), ([src, p]) => {
      const made = outcome(() => objective(src), {}, src);
      if (!made.ok) return;
      const f = made.value;
      const x = p.slice(0, f.n);
      const v = outcome(() => f.value(x), {}, { src, x });
      const g = outcome(() => f.grad(x) as number[], {}, { src, x });
      outcome(() => f.hess(x), {}, { src, x });
      outcome(() => f.hvp(x, x.map(() => 1)), {}, { src, x });
      f.latex();
      f.text();
      if (!v.ok || !g.ok || Math.abs(v.value) > 1e8) return;
      const val = (z: number[]) => {
        try {
          return f.value(z);
        } catch {
          return NaN;
        }
      };
      for (let i = 0; i < f.n; i++) {
        const h = 1e-4 * (1 + Math.abs(x[i]!));
        const a = fd(val, x, i, h), b = fd(val, x, i, h / 2);
        // only where the function is smooth enough for the differences to agree with each other
        if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a - b) > 1e-6 * (1 + Math.abs(b))) continue;
        // and not at a kink or cusp (|x|, cbrt(x²) at 0), where central differences agree on 0: one-sided ones differ there
        const up = (val(x.map((v, j) => (j === i ? v + h : v))) - val(x)) / h, down = (val(x) - val(x.map((v, j) => (j === i ? v - h : v)))) / h;
        if (!(Math.abs(up - down) <= 1e-2 * (1 + Math.abs(b)))) continue;
        const an = g.value[i]!;
        if (Math.abs(an - b) > 1e-4 * (1 + Math.abs(b))) throw new Error(`∂f/∂${f.vars[i]} of ${src} at ${safe(x)}: analytic ${an}, central differences ${b}`);
      }
    });
  });

  test("objective(random expression with kinks and domains): works or a DslError everywhere", () => {
    const point = fc.array(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, 1, -1, 1e300, -1e-300)), { minLength: 4, maxLength: 4 });
    check(1500, fc.tuple(expr([...SMOOTH, ...ROUGH]), point), ([src, p]) => {
      const made = outcome(() => objective(src), {}, src);
      if (!made.ok) return;
      const f = made.value;
      const x = p.slice(0, f.n);
      outcome(() => f.value(x), {}, { src, x });
      outcome(() => f.grad(x), {}, { src, x });
      outcome(() => f.hess(x), {}, { src, x });
      String(f);
    });
  });

  test("token soup and arbitrary strings parse or fail with a DslError", () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }).map((t) => t.join(""));
    check(2500, fc.oneof(soup, fc.string({ maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 12 })), (src) => {
      const made = outcome(() => objective(src), {}, src);
      if (made.ok && made.value.n > 0 && made.value.n <= 6) outcome(() => made.value.value(new Array(made.value.n).fill(0.5)), {}, src);
    });
  });

  test("what parses also optimizes coherently (gd and newton, 10 steps)", () => {
    const start = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 4, maxLength: 4 });
    check(400, fc.tuple(expr(SMOOTH), start, fc.constantFrom("gd", "newton")), ([src, p, which]) => {
      const made = outcome(() => objective(src), {}, src);
      if (!made.ok || made.value.n === 0) return;
      const f = made.value;
      const r = outcome(() => optimize(f, which === "gd" ? gd({ lr: 0.01 }) : newton(), { from: p.slice(0, f.n), steps: 10 }), {}, { src, p });
      if (r.ok) expectCoherentRun(r.value, { src, p, which });
    });
  });
});
