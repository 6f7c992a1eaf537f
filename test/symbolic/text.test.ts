import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { evaluateOne, gradient, parseExpression, sym, toText } from "../../src/symbolic/index.js";

const corpus = JSON.parse(readFileSync(new URL("../fixtures/sympy-corpus.json", import.meta.url), "utf8")) as {
  cases: { expr: string; vars: string[]; points: { x: number[] }[] }[];
};

describe("toText", () => {
  test.each([
    ["(1 - x)^2 + 100 (y - x^2)^2", "(1 - x)^2 + 100 * (y - x^2)^2"],
    ["x/2 - 2y/3", "x / 2 - 2 * y / 3"],
    ["1/(x y)", "1 / (x * y)"],
    ["x^-0.5", "1 / sqrt(x)"],
    ["-(x + y)^2", "-(x + y)^2"],
    ["(-2)^x", "(-2)^x"],
    ["x^(y z)", "x^(y * z)"],
    ["pi e", "pi * e"],
    ["sigmoid(x) + logsumexp(x, y, 0)", "sigmoid(x) + logsumexp(x, y, 0)"],
  ])("%s → %s", (src, expected) => {
    expect(toText(parseExpression(src).expr)).toBe(expected);
  });

  test("the text of every corpus expression, its gradient entries included, parses back to the same values", () => {
    for (const c of corpus.cases) {
      const f = parseExpression(c.expr).expr;
      for (const e of [f, ...gradient(f, c.vars.map(sym))]) {
        const back = parseExpression(toText(e)).expr;
        for (const p of c.points) {
          const env = Object.fromEntries(c.vars.map((v, i) => [v, p.x[i]!]));
          const a = evaluateOne(e, env);
          expect(Math.abs(evaluateOne(back, env) - a), `${c.expr}: ${toText(e)}`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(a)));
        }
      }
    }
  });
});
