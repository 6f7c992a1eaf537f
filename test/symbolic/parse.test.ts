import { describe, expect, test } from "vitest";
import { DslError } from "../../src/errors/index.js";
import { evaluateOne, parseExpression, toText } from "../../src/symbolic/index.js";
import { expectDslError } from "../support/dsl-error.js";

const value = (src: string, env: Record<string, number> = {}, constants?: Record<string, number>) =>
  evaluateOne(parseExpression(src, { constants }).expr, { ...constants, ...env });

const fails = (src: string, code: string, re: RegExp, opts = {}): DslError => expectDslError(() => parseExpression(src, opts), code, re);

describe("parseExpression: mathjs syntax", () => {
  test("^ is power, log is natural, implicit multiplication, unary minus below ^", () => {
    expect(value("2^3^2")).toBe(512);
    expect(value("log(e)")).toBeCloseTo(1, 15);
    expect(value("2x y", { x: 3, y: 5 })).toBe(30);
    expect(value("-x^2", { x: 3 })).toBe(-9);
    expect(value("pi")).toBe(Math.PI);
    expect(value("E + PI")).toBe(Math.E + Math.PI);
  });

  test("symbols are listed in order of first appearance", () => {
    expect(parseExpression("b + a*c + b^2").order).toEqual(["b", "a", "c"]);
  });

  test("`e` is Euler's number unless declared as a symbol", () => {
    expect(parseExpression("e x").order).toEqual(["x"]);
    expect(parseExpression("e x", { symbols: new Set(["e"]) }).order).toEqual(["e", "x"]);
  });

  test("function aliases: sqrt, square, cube, pow, ln, log(x, b), nthRoot, relu, logSumExp, sech", () => {
    expect(value("sqrt(16) + square(3) + cube(2) + pow(2, 5)")).toBe(4 + 9 + 8 + 32);
    expect(value("ln(x) - log(x)", { x: 3 })).toBe(0);
    expect(value("log(8, 2)")).toBeCloseTo(3, 15);
    expect(value("nthRoot(-8, 3)")).toBe(-2);
    expect(value("relu(x) + relu(-x)", { x: -1.5 })).toBe(1.5);
    expect(value("logSumExp(0, 0)")).toBeCloseTo(Math.LN2, 15);
    expect(value("sech(x) cosh(x)", { x: 0.4 })).toBeCloseTo(1, 15);
  });

  test("indexed symbols: x[2i-1] with constants, named x[k]", () => {
    expect(parseExpression("x[1] + x[n]", { constants: { n: 3 } }).order).toEqual(["x[1]", "x[3]"]);
    expect(parseExpression("A[1, 2] A[2, 1]").order).toEqual(["A[1,2]", "A[2,1]"]);
  });

  test("indexed sums and products expand term by term; n-ary sum stays a sum", () => {
    const ext = "sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, n/2)";
    const p = parseExpression(ext, { constants: { n: 6 } });
    expect(p.order).toEqual(["x[2]", "x[1]", "x[4]", "x[3]", "x[6]", "x[5]"]);
    expect(toText(p.expr)).toBe("100 * (x[2] - x[1]^2)^2 + (1 - x[1])^2 + 100 * (x[4] - x[3]^2)^2 + (1 - x[3])^2 + 100 * (x[6] - x[5]^2)^2 + (1 - x[5])^2");
    expect(value("prod(i, i, 1, 5)")).toBe(120);
    expect(value("sum(sum(i j, j, 1, i), i, 1, 3)")).toBe(1 + (2 + 4) + (3 + 6 + 9));
    expect(value("sum(a, b, c, d)", { a: 1, b: 2, c: 3, d: 4 })).toBe(10);
    // an empty range on its own is an error (issue 16); inside another indexed sum, lo..lo−1 is empty
    expect(() => value("sum(x, i, 3, 2)", { x: 5 })).toThrow(/sum over i from 3 to 2 is empty/);
    expect(value("sum(sum(i j, j, i + 1, 2), i, 1, 2)")).toBe(2);
    expect(value("sum(1, i, 1, n)", {}, { n: 7 })).toBe(7);
    expect(evaluateOne(parseExpression("sum(x, i, 1, 2)", { symbols: new Set(["i"]) }).expr, { x: 5, i: 1 })).toBe(9);
  });
});

describe("parseExpression: errors", () => {
  test("a syntax error quotes the expression with a caret at the position", () => {
    const e = fails("1 +* 2", "parse", /cannot parse "1 \+\* 2": value expected at char 4/);
    expect(e.message).toContain("\n  1 +* 2\n     ^");
    fails("(x + 2", "parse", /parenthesis \) expected/i);
  });

  test("an unknown function is named, with close matches suggested, and a caret under it", () => {
    const e = fails("x + sinn(x)", "unknown-function", /unknown function 'sinn' in "x \+ sinn\(x\)" \(did you mean .*\bsin\b/);
    expect(e.message).toContain("\n  x + sinn(x)\n      ^");
    fails("frobnicate(x)", "unknown-function", /unknown function 'frobnicate' .*\(for a product write frobnicate \* \(…\)\)/);
  });

  test("a declared symbol or constant followed by parentheses is a product, not a call", () => {
    expect(value("b (y - 1)", { y: 3 }, { b: 5 })).toBe(10);
    expect(value("b (y - 1)^2 + 2 b (y)^3", { y: 3 }, { b: 5 })).toBe(5 * 4 + 2 * 5 * 27);
    expect(evaluateOne(parseExpression("w (x + 1)", { symbols: new Set(["w", "x"]) }).expr, { w: 2, x: 1 })).toBe(4);
  });

  test("wrong argument counts say what the function takes", () => {
    fails("atan2(x)", "bad-arity", /atan2 takes 2 arguments, got 1/);
    fails("exp(x, y)", "bad-arity", /exp takes 1 argument, got 2/);
  });

  test("unsupported constructs say which", () => {
    fails("x > 0 ? x : -x", "unsupported-syntax", /conditional expressions \(a \? b : c\) are not supported/);
    fails("x < y", "unsupported-syntax", /comparisons|operator '<'/);
    fails("f(x) = x^2", "unsupported-syntax", /function definitions/);
    fails("[1, 2]", "unsupported-syntax", /arrays and matrices/);
    fails("x mod 2", "unsupported-syntax", /operator 'mod'/);
    fails("x!", "unsupported-syntax", /operator '!'/);
    fails("a = 3", "unsupported-syntax", /assignments/);
    fails("x.y", "unsupported-syntax", /property access/);
  });

  test("indices and sum bounds must be constant integers", () => {
    fails("x[k]", "bad-index", /index of x\[…\] must be a constant integer, but it depends on 'k'/);
    fails("x[1.5]", "bad-index", /must be an integer, got 1.5/);
    fails("sum(x[i], i, 1, m)", "bad-index", /upper bound of sum over i must be a constant integer, but it depends on 'm'/);
  });
});
