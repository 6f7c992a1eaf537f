/**
 * Expressions of any size: flat sums and products of 10⁵ terms parse, differentiate and compile
 * without recursion per term; deep nesting gives a "too-deep" error that points to sum(...).
 */
import { describe, expect, test } from "vitest";
import { buildObjective, call, sym, SymbolicProblem, type Expr } from "../../src/symbolic/index.js";
import { expectDslError } from "../support/dsl-error.js";

const valueAndGrad = (src: string, x: number[]) => {
  const { problem } = buildObjective(src, {});
  const g = new Float64Array(problem.n);
  const f = problem.valueAndGradInto(Float64Array.from(x), g);
  return { f, g, problem };
};

describe("long flat sums and products", () => {
  test("3000 copies of x^2 (a RangeError before): f = 3000x², ∇f = 6000x", () => {
    const { f, g } = valueAndGrad(Array(3000).fill("x^2").join("+"), [0.5]);
    expect(f).toBe(750);
    expect(g[0]).toBe(3000);
  });

  test("10⁵ terms", () => {
    const { f, g } = valueAndGrad(Array(100_000).fill("x^2").join(" + "), [0.5]);
    expect(f).toBe(25_000);
    expect(g[0]).toBe(100_000);
  });

  test("10⁵ distinct variables: f = Σ (i+1)·x_i², ∇f_i = 2(i+1)x_i", () => {
    const n = 100_000;
    const src = Array.from({ length: n }, (_, i) => `${i + 1}*x${i}^2`).join(" + ");
    const { f, g, problem } = valueAndGrad(src, Array(n).fill(1));
    expect(problem.n).toBe(n);
    expect(f).toBe((n * (n + 1)) / 2);
    for (const i of [0, 1, 777, n - 1]) expect(g[i]).toBe(2 * (i + 1));
  }, 60_000);

  test("a 2000-factor product of one factor, and of 2000 distinct variables", () => {
    const { f, g } = valueAndGrad(Array(2000).fill("(1 + x/1000)").join(" * "), [1]);
    expect(f).toBeCloseTo(1.001 ** 2000, 9);
    expect(g[0]).toBeCloseTo(2 * 1.001 ** 1999, 9);
    const n = 2000;
    const { problem } = buildObjective(Array.from({ length: n }, (_, i) => `x${i}`).join(" * "), {});
    const x = new Float64Array(n).fill(1);
    x[5] = 3;
    expect(problem.valueAt(x)).toBe(3);
  });

  test("a TypeScript function with a 3000-term sum (TypeScript parses it left-deep too)", () => {
    const { f, g } = valueAndGrad("(x: number, y: number) => " + Array(3000).fill("x * x - y / 2").join(" + "), [0.5, 1]);
    expect(f).toBe(-750);
    expect(Array.from(g)).toEqual([3000, -1500]);
    const q = valueAndGrad("(p: number, q: number, r: number) => p - q - r * p / q / r * 2", [3, 2, 5]);
    expect(q.f).toBe(3 - 2 - ((5 * 3) / 2 / 5) * 2);
  }, 60_000);

  test("chains of − and / keep their meaning when flattened: a − b − c + d / p / q · r", () => {
    const { f } = valueAndGrad("a - b - c + d / p / q * r", [10, 1, 2, 24, 2, 3, 5]);
    expect(f).toBe(10 - 1 - 2 + (24 / 2 / 3) * 5);
  });
});

describe("deep nesting", () => {
  test("thousands of nested parentheses or calls: a too-deep error that points to sum(...)", () => {
    const paren = Array(3000).fill("(1+").join("") + "x" + ")".repeat(3000);
    expectDslError(() => buildObjective(paren, {}), "too-deep", /nested too deeply .* write a long sum as a \+ b \+ … or sum\(term, i, lo, hi\)/);
  });

  test("nesting that parses but is too deep to differentiate: a too-deep error, not a RangeError", () => {
    // Built directly (mathjs's parser stops far earlier): sin(sin(…sin(x)…)), 50 000 levels.
    const x = sym("x");
    let e: Expr = x;
    for (let i = 0; i < 50_000; i++) e = call("sin", [e]);
    const problem = new SymbolicProblem(e, [x]);
    expectDslError(() => problem.valueAndGradInto(new Float64Array([0.5]), new Float64Array(1)), "too-deep", /nested too deeply to (differentiate|compile) .* sum\(term, i, lo, hi\)/);
  });

  test("moderate nesting (a 200-level Horner polynomial) differentiates and compiles", () => {
    const horner = Array(200).fill("(1 + x*").join("") + "1" + ")".repeat(200);
    const { f, g } = valueAndGrad(horner, [0.5]);
    expect(f).toBeCloseTo(2 - 0.5 ** 200, 12);
    let d = 0;
    for (let k = 1; k <= 200; k++) d += k * 0.5 ** (k - 1);
    expect(g[0]).toBeCloseTo(d, 9);
  });
});
