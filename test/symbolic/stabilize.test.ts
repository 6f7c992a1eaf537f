/**
 * Stable forms of log-likelihood idioms (src/symbolic/stabilize.ts): exact identities that do not
 * overflow, applied to what is differentiated and compiled; displays keep the user's expression.
 */
import { describe, expect, test } from "vitest";
import { objective } from "../../dsl/index.js";
import { evaluateOne, parseExpression, toText } from "../../src/symbolic/index.js";
import { stabilize } from "../../src/symbolic/stabilize.js";

const rewrite = (src: string) => toText(stabilize([parseExpression(src).expr])[0]!);

describe("stabilize", () => {
  test("the three idioms become softplus, in any argument order; other logs stay", () => {
    expect(rewrite("log(sigmoid(w*x))")).toBe("-softplus(-w * x)");
    expect(rewrite("log(1 - sigmoid(u))")).toBe("-softplus(u)");
    expect(rewrite("log(-sigmoid(u) + 1)")).toBe("-softplus(u)");
    expect(rewrite("log(1 + exp(u))")).toBe("softplus(u)");
    expect(rewrite("log(exp(u) + 1)")).toBe("softplus(u)");
    expect(rewrite("log(2 + exp(u))")).toBe("log(2 + exp(u))");
    expect(rewrite("log(sigmoid(u) + 1)")).toBe("log(sigmoid(u) + 1)");
    expect(rewrite("y * log(sigmoid(a)) + log(1 - sigmoid(a))")).toBe("-y * softplus(-a) - softplus(a)");
  });

  // where the left sides are accurate in float64 (past |u| ≈ 5, 1 − sigmoid(u) loses digits: why the rewrite exists)
  test("the identities hold (checked in float64 where the left sides are accurate)", () => {
    for (const [a, b] of [["log(sigmoid(u))", "-softplus(-u)"], ["log(1 - sigmoid(u))", "-softplus(u)"], ["log(1 + exp(u))", "softplus(u)"]]) {
      for (const u of [-5, -2.5, -0.1, 0, 0.7, 3, 5]) {
        const l = evaluateOne(parseExpression(a!).expr, { u }), r = evaluateOne(parseExpression(b!).expr, { u });
        expect(Math.abs(l - r), `${a} at ${u}`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(r)));
      }
    }
  });
});

describe("objectives written as the textbook cross-entropy stay finite (found by a user: Infinity at a margin of 800)", () => {
  test("value, gradient and Hessian at huge margins; the display keeps the written form", () => {
    const L = objective("-y*log(sigmoid(w*x)) - (1 - y)*log(1 - sigmoid(w*x))", { params: ["w"], data: { x: [1, -800, 2, 900], y: [1, 1, 0, 0] } });
    expect(L.text()).toBe("-y * log(sigmoid(w * x)) - (1 - y) * log(1 - sigmoid(w * x))");
    const sp = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    const want = (sp(-1) + sp(800) + sp(2) + sp(900)) / 4;
    expect(L.value([1])).toBeCloseTo(want, 10);
    expect(Number.isFinite(L.grad([1])[0]!)).toBe(true);
    expect(Number.isFinite(L.hess([1])[0]![0]!)).toBe(true);
  });

  test("log(1 + exp(z)) has gradient sigmoid(z), finite past z = 709", () => {
    const f = objective("log(1 + exp(z))");
    expect(f.value([800])).toBe(800);
    expect(f.grad([800])).toEqual([1]);
    expect(f.gradient.text()).toBe("[sigmoid(z)]");
  });
});
