/**
 * The test corpus itself must be right before it can judge gradcheck: every hand-written
 * gradient and Hessian agrees with complex-step derivatives of f (computed independently here,
 * not through src/numeric), and the complex evaluation agrees with the real one.
 */
import { describe, expect, test } from "vitest";
import { correct, complex, problemOf, real, type C } from "./corpus.js";

function complexGrad(fn: (typeof correct)[number]["fn"], x: number[]): number[] {
  const h = 1e-30;
  return x.map((_, i) => fn.f(complex, x.map((v, j) => [v, j === i ? h : 0] as C))[1] / h);
}

describe("test corpus", () => {
  test.each(correct.map((c) => [c.fn.name, c.at, c] as const))("%s at %j: gradient matches an independent complex step", (_n, at, c) => {
    const g = c.fn.grad(at);
    const ref = complexGrad(c.fn, at);
    const scale = Math.max(...ref.map(Math.abs), 1e-300);
    g.forEach((gi, i) => expect(Math.abs(gi - ref[i]!)).toBeLessThanOrEqual(1e-13 * scale + 1e-13 * Math.abs(ref[i]!)));
  });

  test.each(correct.filter((c) => c.fn.hess).map((c) => [c.fn.name, c.at, c] as const))("%s at %j: Hessian matches complex step of the gradient", (_n, at, c) => {
    const H = c.fn.hess!(at);
    const n = at.length;
    // Column j of the Hessian: complex step of f's gradient is not available, so use the
    // complex-step derivative of ∂f/∂x_j via a 4th-order central difference of complex-step gradients.
    for (let j = 0; j < n; j++) {
      const h = 1e-3 * Math.max(1, Math.abs(at[j]!));
      const at2 = (d: number) => at.map((v, k) => (k === j ? v + d : v));
      const g1 = complexGrad(c.fn, at2(h)), g_1 = complexGrad(c.fn, at2(-h)), g2 = complexGrad(c.fn, at2(2 * h)), g_2 = complexGrad(c.fn, at2(-2 * h));
      const scale = Math.max(...H.flat().map(Math.abs));
      for (let i = 0; i < n; i++) {
        const col = (8 * (g1[i]! - g_1[i]!) - (g2[i]! - g_2[i]!)) / (12 * h);
        expect(Math.abs(H[i]![j]! - col)).toBeLessThanOrEqual(1e-7 * scale);
      }
    }
  });

  test("complex evaluation with zero imaginary part equals the real one", () => {
    for (const c of correct) {
      const re = c.fn.f(real, c.at);
      const z = problemOf(c.fn).valueComplex!(Float64Array.from(c.at), new Float64Array(c.at.length));
      expect(z[0]).toBeCloseTo(re, 10);
      expect(z[1]).toBe(0);
    }
  });
});
