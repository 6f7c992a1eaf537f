import { describe, expect, test } from "vitest";
import type { Problem } from "../../src/problem/index.js";
import { CoordLine } from "../../src/numeric/line.js";
import { LineEstimate, centralAt, complexAt, forwardAt, richardsonAt } from "../../src/numeric/line-derivative.js";
import { Romberg } from "../../src/numeric/romberg.js";
import { mixed, problemOf } from "./corpus.js";

function scalar(f: (x: number) => number): Problem {
  return { n: 1, names: ["x"], valueAt: (x) => f(x[0]!), valueAndGradInto: () => NaN };
}

describe("derivatives along a line", () => {
  test("forward, central and complex step of exp at 0.5 have the accuracy their theory says", () => {
    const p = scalar(Math.exp);
    const line = new CoordLine(p, Float64Array.of(0.5)).select(0);
    const e = new LineEstimate();
    const d = Math.exp(0.5);
    expect(Math.abs(forwardAt(line, d, 1.49e-8, e).value - d) / d).toBeLessThan(1e-7);
    expect(Math.abs(centralAt(line, d, 6e-6, e).value - d) / d).toBeLessThan(1e-10);
    const pc = problemOf({ name: "exp", n: 1, f: (A, [x]) => A.exp(x!), grad: ([x]) => [Math.exp(x!)] });
    const lc = new CoordLine(pc, Float64Array.of(0.5)).select(0);
    expect(Math.abs(complexAt(lc, 1e-20, e).value - d) / d).toBeLessThan(4e-16);
  });

  test("central differences are exact for a quadratic even when x ± h round differently", () => {
    // x = 0.1: (0.1 + h) − 0.1 and 0.1 − (0.1 − h) differ in the last bit; the weighted formula absorbs it.
    const p = scalar((x) => 3 * x * x - 2 * x);
    const x0 = 0.1;
    const line = new CoordLine(p, Float64Array.of(x0)).select(0);
    const e = centralAt(line, p.valueAt(Float64Array.of(x0)), 6.0554544523933395e-6, new LineEstimate());
    expect(Math.abs(e.value - (6 * x0 - 2))).toBeLessThan(1e-10);
    expect(e.right - e.left).toBeCloseTo(6 * 6.0554544523933395e-6, 8); // right − left = h·f
  });

  test("one-sided quotients of |x| at 0 are -1 and 1", () => {
    const line = new CoordLine(scalar(Math.abs), Float64Array.of(0)).select(0);
    const e = centralAt(line, 0, 1e-5, new LineEstimate());
    expect(e.left).toBe(-1);
    expect(e.right).toBe(1);
    expect(e.value).toBe(0);
  });

  test("richardsonAt reaches ~1e-13 on exp·sin·log and reports an error estimate that covers it", () => {
    const p = problemOf(mixed);
    const x = Float64Array.of(0.3, -1.1, 2.5);
    const g = mixed.grad(Array.from(x));
    const line = new CoordLine(p, x);
    const f0 = p.valueAt(x);
    for (let i = 0; i < 3; i++) {
      const e = richardsonAt(line.select(i), f0, 1e-2, new Romberg(), new LineEstimate(), new LineEstimate());
      expect(Math.abs(e.value - g[i]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(g[i]!)));
      expect(Math.abs(e.value - g[i]!)).toBeLessThanOrEqual(e.error);
    }
  });

  test("richardsonAt restarts with a smaller first step where f leaves its domain", () => {
    // log(x) at x = 0.005 with a first step of 0.01: x − h < 0 gives NaN; the tableau restarts at h/4, h/16.
    const p = scalar(Math.log);
    const x = Float64Array.of(0.005);
    const e = richardsonAt(new CoordLine(p, x).select(0), Math.log(0.005), 0.01, new Romberg(), new LineEstimate(), new LineEstimate());
    expect(Math.abs(e.value - 200) / 200).toBeLessThan(1e-9);
  });

  test("richardsonAt gives NaN when f is not finite at any tried step", () => {
    const p = scalar((x) => (x === 1 ? 1 : NaN));
    const e = richardsonAt(new CoordLine(p, Float64Array.of(1)).select(0), 1, 0.01, new Romberg(), new LineEstimate(), new LineEstimate());
    expect(Number.isNaN(e.value)).toBe(true);
  });
});
