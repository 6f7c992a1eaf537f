import { describe, expect, test } from "vitest";
import { defaultSweep, vCurve } from "../../src/numeric/v-curve.js";
import { mixed, problemOf, withBug } from "./corpus.js";

const at = Float64Array.of(0.3, -1.1, 2.5);

function argmin(a: number[]): number {
  return a.reduce((best, v, i) => (v < a[best]! ? i : best), 0);
}

describe("vCurve", () => {
  test("the default sweep is 25 steps from 1e-1 to 1e-13", () => {
    const h = defaultSweep();
    expect(h.length).toBe(25);
    expect(h[0]).toBeCloseTo(1e-1, 15);
    expect(h.at(-1)!).toBeCloseTo(1e-13, 25);
  });

  test("central errors fall like h² then rise like 1/h: a V with its bottom near ε^(1/3)", () => {
    const v = vCurve(problemOf(mixed), at);
    expect(v.series.length).toBe(6); // 3 coordinates × (forward, central)
    expect(v.reference).toBe("analytic");
    for (const s of v.series) {
      const k = argmin(s.error);
      const best = v.h[k]!;
      if (s.method === "central") {
        expect(best).toBeGreaterThan(1e-7);
        expect(best).toBeLessThan(1e-3);
        // Truncation side: one decade of h is two decades of error.
        expect(s.error[0]! / s.error[2]!).toBeGreaterThan(30);
      } else {
        expect(best).toBeGreaterThan(1e-10);
        expect(best).toBeLessThan(1e-6);
        // Forward truncation: one decade of h is one decade of error.
        expect(s.error[0]! / s.error[2]!).toBeGreaterThan(5);
        expect(s.error[0]! / s.error[2]!).toBeLessThan(20);
      }
      expect(s.error.at(-1)!).toBeGreaterThan(100 * s.error[k]!); // rounding side rises
      expect(s.relError[k]).toBeCloseTo(s.error[k]! / Math.abs(v.referenceValues[v.series.indexOf(s) >> 1]!), 12);
    }
  });

  test("against a wrong gradient the V has a flat floor at the size of the bug", () => {
    const bug = withBug(mixed, "1e-4", (g) => [g[0]! * (1 + 1e-4), g[1]!, g[2]!]);
    const v = vCurve(problemOf(bug), at, { indices: [0], methods: ["central"] });
    // Between h = 1e-4 and 1e-7 (where central differences are good to < 1e-8) the error is the bug.
    const floor = v.series[0]!.relError.filter((_, k) => v.h[k]! <= 1.01e-4 && v.h[k]! >= 0.99e-7);
    expect(floor).toHaveLength(7);
    for (const e of floor) expect(Math.abs(e - 1e-4)).toBeLessThan(1e-6);
    const ok = vCurve(problemOf(bug), at, { indices: [0], methods: ["central"], reference: "complex" });
    expect(Math.min(...ok.series[0]!.relError)).toBeLessThan(1e-9);
  });

  test("options: indices, steps, methods, reference and names", () => {
    const v = vCurve(problemOf(mixed), at, { indices: [2], h: [1e-2, 1e-4], methods: ["forward"], reference: "richardson", names: ["a", "b", "c"] });
    expect(v.h).toEqual([1e-2, 1e-4]);
    expect(v.series).toHaveLength(1);
    expect(v.series[0]).toMatchObject({ index: 2, name: "c", method: "forward" });
    expect(v.series[0]!.error).toHaveLength(2);
    expect(v.referenceValues[0]).toBeCloseTo(mixed.grad(Array.from(at))[2]!, 10);
    expect(v.optimal.central).toBeCloseTo(6.06e-6, 8);
  });

  test("a bad index is a DslError", () => {
    expect(() => vCurve(problemOf(mixed), at, { indices: [3] })).toThrow(/indices must be integers in 0..2, got 3/);
  });
});
