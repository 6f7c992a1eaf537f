import { describe, expect, test } from "vitest";
import type { Problem } from "../../src/problem/index.js";
import { DslError } from "../../src/errors/index.js";
import {
  centralGradInto,
  complexStepGradInto,
  directionalDerivative,
  forwardGradInto,
  oneSidedInto,
  richardsonGradInto,
} from "../../src/numeric/fd-gradient.js";
import { correct, problemOf, stiffValley, stiffValleyPoint } from "./corpus.js";

/** max_i |g_i − ref_i| / max(‖ref‖∞, 1): the error relative to the gradient's scale (absolute at a stationary point). */
function scaledError(g: Float64Array, ref: number[]): number {
  const scale = Math.max(...ref.map(Math.abs), 1);
  return Math.max(...Array.from(g, (gi, i) => Math.abs(gi - ref[i]!))) / scale;
}

const cases = correct.map((c) => [c.fn.name, c.at, c] as const);

describe("finite-difference gradients on the corpus", () => {
  test.each(cases)("%s at %j: forward ~1e-5, central ~1e-8, Richardson ~1e-10, complex step ~1e-15", (_n, at, c) => {
    const p = problemOf(c.fn);
    const x = Float64Array.from(at);
    const ref = c.fn.grad(at);
    const g = new Float64Array(at.length);
    const curved = c.fn === stiffValley; // forward differences are off by h·f_yy/2 there (see below)
    forwardGradInto(p, x, g);
    if (!curved) expect(scaledError(g, ref)).toBeLessThan(1e-5);
    centralGradInto(p, x, g);
    // The stiff valley's third derivative 2.4e6·x makes even central differences err by h²·f'''/6 ≈ 1.5e-6 on x.
    // At Rosenbrock's minimum the error is 400h² ≈ 1.5e-8 (absolute, the gradient is 0).
    expect(scaledError(g, ref)).toBeLessThan(curved ? 1e-5 : 3e-8);
    const err = new Float64Array(at.length);
    richardsonGradInto(p, x, g, err);
    expect(scaledError(g, ref)).toBeLessThan(1e-10);
    complexStepGradInto(p, x, g);
    expect(scaledError(g, ref)).toBeLessThan(1e-15);
  });

  test("complex step is exact to rounding (≤ 1e-14 relative) on every coordinate that is not itself a cancellation", () => {
    for (const c of correct) {
      const g = new Float64Array(c.at.length);
      complexStepGradInto(problemOf(c.fn), Float64Array.from(c.at), g);
      const ref = c.fn.grad(c.at);
      const big = Math.max(...ref.map(Math.abs));
      ref.forEach((r, i) => {
        if (Math.abs(r) > 0 && Math.abs(r) >= 1e-2 * big) expect(Math.abs(g[i]! - r) / Math.abs(r)).toBeLessThan(1e-14);
      });
    }
  });

  test("at a point of high curvature forward differences mislead while central ones do not", () => {
    const p = problemOf(stiffValley);
    const x = Float64Array.from(stiffValleyPoint);
    const ref = stiffValley.grad(stiffValleyPoint);
    const g = new Float64Array(2);
    forwardGradInto(p, x, g);
    expect(Math.abs(g[1]! - ref[1]!) / Math.abs(ref[1]!)).toBeGreaterThan(1e-3);
    centralGradInto(p, x, g);
    expect(Math.abs(g[1]! - ref[1]!) / Math.abs(ref[1]!)).toBeLessThan(1e-8);
  });

  test("the Richardson error estimates cover the actual errors", () => {
    for (const c of correct) {
      const g = new Float64Array(c.at.length);
      const err = new Float64Array(c.at.length);
      richardsonGradInto(problemOf(c.fn), Float64Array.from(c.at), g, err);
      c.fn.grad(c.at).forEach((r, i) => expect(Math.abs(g[i]! - r)).toBeLessThanOrEqual(err[i]! + 1e-15 * Math.abs(r)));
    }
  });

  test("central differences cost exactly 2n + 1 evaluations and leave x untouched", () => {
    const p = problemOf(correct[3]!.fn);
    const x = Float64Array.from(correct[3]!.at);
    const copy = Float64Array.from(x);
    p.evals = 0;
    centralGradInto(p, x, new Float64Array(x.length));
    expect(p.evals).toBe(2 * x.length + 1);
    expect(Array.from(x)).toEqual(Array.from(copy));
  });

  test("a custom step coefficient is used", () => {
    const p = problemOf(correct[0]!.fn);
    const g = new Float64Array(2);
    centralGradInto(p, Float64Array.of(-1.2, 1), g, { h: 1e-2 });
    const ref = correct[0]!.fn.grad([-1.2, 1]);
    // With h = 1e-2 the h² truncation error shows (≈ h²·f'''/6 = 1e-4·2400/6·1.2 ≈ 5e-2 on x).
    expect(Math.abs(g[0]! - ref[0]!)).toBeGreaterThan(1e-3);
  });

  test("one-sided derivatives of |x| + |y − 1| at (0, 1) are (-1, -1) and (1, 1)", () => {
    const p: Problem = { n: 2, names: ["x", "y"], valueAt: (x) => Math.abs(x[0]!) + Math.abs(x[1]! - 1), valueAndGradInto: () => 0 };
    const l = new Float64Array(2);
    const r = new Float64Array(2);
    oneSidedInto(p, Float64Array.of(0, 1), l, r);
    expect(Array.from(l)).toEqual([-1, -1]);
    expect(Array.from(r)).toEqual([1, 1]);
  });

  test("directional derivatives match gᵀv for every method", () => {
    const c = correct[4]!; // exp·sin + log + xyz
    const p = problemOf(c.fn);
    const x = Float64Array.from(c.at);
    const v = Float64Array.of(0.3, -2, 1.5);
    const gv = c.fn.grad(c.at).reduce((s, gi, i) => s + gi * v[i]!, 0);
    const tol = { forward: 1e-6, central: 1e-9, richardson: 1e-12, complex: 1e-15 } as const;
    for (const method of ["forward", "central", "richardson", "complex"] as const) {
      const d = directionalDerivative(p, x, v, { method });
      expect(Math.abs(d.value - gv) / Math.abs(gv)).toBeLessThan(tol[method]);
    }
    expect(directionalDerivative(p, x, new Float64Array(3)).value).toBe(0);
  });

  test("complex step without valueComplex is a DslError", () => {
    const p = problemOf(correct[0]!.fn, { complex: false });
    expect(() => complexStepGradInto(p, Float64Array.of(1, 1), new Float64Array(2))).toThrow(DslError);
    expect(() => directionalDerivative(p, Float64Array.of(1, 1), Float64Array.of(1, 0), { method: "complex" })).toThrow(/complex evaluation path/);
  });
});
