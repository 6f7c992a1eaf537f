import { describe, expect, test } from "vitest";
import { DslError } from "../../src/errors/index.js";
import { evaluateOne, parseFunction, toText } from "../../src/symbolic/index.js";
import { expectDslError } from "../support/dsl-error.js";

const fails = (src: string, code: string, re: RegExp): DslError => expectDslError(() => parseFunction(src), code, re);

describe("parseFunction: TypeScript arrow functions", () => {
  test("Rosenbrock as an arrow function becomes the same expression as the mathjs string", () => {
    const p = parseFunction((x: number, y: number) => (1 - x) ** 2 + 100 * (y - x ** 2) ** 2);
    expect(p.params).toEqual(["x", "y"]);
    expect(toText(p.expr)).toBe("(1 - x)^2 + 100 * (y - x^2)^2");
  });

  test("typed source text, Math functions and constants, unary minus, Math.pow", () => {
    const p = parseFunction("(x: number, y: number): number => -Math.exp(-x) * Math.cos(Math.PI * y) + Math.pow(x, 3) / Math.SQRT2 + Math.LN2");
    const v = evaluateOne(p.expr, { x: 0.3, y: 0.7 });
    expect(v).toBeCloseTo(-Math.exp(-0.3) * Math.cos(Math.PI * 0.7) + 0.027 / Math.SQRT2 + Math.LN2, 14);
  });

  test("block bodies with const declarations and one return; function expressions", () => {
    const p = parseFunction("function (x, y) { const u = y - x * x; const v = 1 - x; return v * v + 100 * u * u; }");
    expect(evaluateOne(p.expr, { x: -1.2, y: 1 })).toBeCloseTo(24.2, 12);
  });

  test("destructured and vector parameters", () => {
    expect(parseFunction("([a, b]) => a * b").params).toEqual(["a", "b"]);
    const v = parseFunction("(w) => w[0] * w[1] + w[2 - 1] ** 2");
    expect(v.order).toEqual(["w[0]", "w[1]"]);
    expect(v.vectors.has("w")).toBe(true);
  });

  test("a method's source (no `function` keyword) reads as a function; errors keep its columns", () => {
    const m = { f(x: number, y: number) { return x * x * y; } };
    const p = parseFunction(m.f);
    expect(p.params).toEqual(["x", "y"]);
    expect(evaluateOne(p.expr, { x: 2, y: 3 })).toBe(12);
    fails("f(x) { return x % 2; }", "unsupported-syntax", /operator '%' is not supported in objective functions; use \+ - \* \/ \*\* \(line 1, col 17\)/);
  });

  test("the IR's own functions can be called by name; constants come from opts", () => {
    const p = parseFunction("(z) => sigmoid(a * z) + softplus(z) + logsumexp(z, 0)", { a: 2 });
    expect(p.order).toEqual(["a", "z"]);
  });
});

describe("parseFunction: numeric literals keep their value", () => {
  // ts-morph's getLiteralValue() is parseInt(text) unless the text has a "." — 1e-8 became 1,
  // 1e21 became 1 (silently wrong objectives).
  test.each([
    ["1e-8", 1e-8],
    ["2.5e-12", 2.5e-12],
    ["1e21", 1e21],
    ["1e308", 1e308],
    ["1E5", 1e5],
    ["0x10", 16],
    ["0b11", 3],
    ["1_000", 1000],
    [".5", 0.5],
  ])("%s", (lit, value) => {
    const p = parseFunction(`(x) => ${lit} * x`);
    expect(evaluateOne(p.expr, { x: 1 })).toBe(value);
  });

  test("an eps in a denominator stays an eps", () => {
    const p = parseFunction("(x) => x / (1e-8 + x * x)");
    expect(evaluateOne(p.expr, { x: 0.5 })).toBeCloseTo(0.5 / (1e-8 + 0.25), 15);
  });
});

describe("parseFunction: errors name the construct and where", () => {
  test("`for` loops, with line and column", () => {
    const e = fails("(x) => {\n  let s = 0;\n  for (let i = 0; i < 3; i++) s += x;\n  return s;\n}", "unsupported-syntax", /`for` loops are not supported in objective functions \(line 3, col 3\)/);
    expect(e.message).toContain("\n    for (let i = 0; i < 3; i++) s += x;\n    ^");
    fails("(x) => { for (const k of [1]) {} return x; }", "unsupported-syntax", /`for` loops are not supported in objective functions \(line 1, col 10\)/);
  });

  test("async and generator functions (they return no number)", () => {
    fails("async (x) => x * x", "unsupported-syntax", /async functions are not supported: an objective function returns a number \(line 1, col 1\)/);
    fails("function* (x) { return x; }", "unsupported-syntax", /generator functions are not supported/);
  });

  test("conditionals, if, comparisons, %", () => {
    fails("(x) => x > 0 ? x : -x", "unsupported-syntax", /conditional expressions \(a \? b : c\) are not supported .*\(line 1, col 8\)/);
    fails("(x) => { if (x > 0) return x; return -x; }", "unsupported-syntax", /`if` statements are not supported/);
    fails("(x) => x % 2", "unsupported-syntax", /operator '%' is not supported/);
  });

  test("unknown names (closures) and functions", () => {
    fails("(x) => k * x", "unknown-symbol", /unknown name 'k' .*opts\.constants/);
    fails("(x) => Math.sinn(x)", "unknown-function", /unknown function 'sinn' \(did you mean .*sin/);
    fails("(w) => w * 2 + w[0]", "unsupported-syntax", /vector parameter 'w' must be indexed/);
  });

  test("syntax errors and non-functions", () => {
    fails("(x) => x +", "parse", /cannot parse the function/);
    fails("x + 1 =>", "parse", /cannot parse the function/);
    fails("42", "unsupported-syntax", /expected an arrow function/);
  });
});
