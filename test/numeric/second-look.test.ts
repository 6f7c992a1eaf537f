import { describe, expect, test } from "vitest";
import type { Problem } from "../../src/problem/index.js";
import { CoordLine } from "../../src/numeric/line.js";
import { LineEstimate, centralAt, forwardAt } from "../../src/numeric/line-derivative.js";
import { SecondLook, isKinkCandidate, secondLook } from "../../src/numeric/second-look.js";

function scalar(f: (x: number) => number): Problem {
  return { n: 1, names: ["x"], valueAt: (x) => f(x[0]!), valueAndGradInto: () => NaN };
}

function look(f: (x: number) => number, x: number, t: number, kind: "central" | "forward", refine = true): { first: LineEstimate; look: SecondLook } {
  const line = new CoordLine(scalar(f), Float64Array.of(x)).select(0);
  const f0 = f(x);
  const first = kind === "central" ? centralAt(line, f0, t, new LineEstimate()) : forwardAt(line, f0, t, new LineEstimate());
  return { first, look: secondLook(line, f0, t, kind, first, refine, new LineEstimate(), new LineEstimate(), new SecondLook()) };
}

describe("second look at h/4", () => {
  test.each([
    ["|x| at 0", Math.abs, 0, -1, 1],
    ["relu at 0", (x: number) => Math.max(x, 0), 0, 0, 1],
    ["max(x, 1 - x) at the tie", (x: number) => Math.max(x, 1 - x), 0.5, -1, 1],
    ["3|x - 2| + x at 2", (x: number) => 3 * Math.abs(x - 2) + x, 2, -2, 4],
  ])("%s is a kink with the right one-sided derivatives", (_name, f, x, left, right) => {
    const { first, look: l } = look(f, x, 6e-6, "central");
    expect(isKinkCandidate(first)).toBe(true);
    expect(l.kink).toBe(true);
    expect(l.left).toBeCloseTo(left, 6);
    expect(l.right).toBeCloseTo(right, 6);
  });

  test("strong curvature is not a kink: 1e6·x² at 1e-3 has one-sided quotients far apart but a jump ∝ h", () => {
    const { look: l } = look((x) => 1e6 * x * x, 1e-3, 6e-6, "central");
    expect(l.kink).toBe(false);
    expect(l.value).toBeCloseTo(2e3, 6);
  });

  test("refinement removes the h² error of central differences: x³ at 0 (true derivative 0, central h²)", () => {
    const t = 6e-6;
    const { first, look: l } = look((x) => x * x * x, 0, t, "central");
    expect(first.value).toBeCloseTo(t * t, 20);
    expect(l.refined).toBe(true);
    expect(Math.abs(l.value)).toBeLessThan(1e-20);
    expect(l.error).toBeGreaterThanOrEqual(Math.abs(l.value));
  });

  test("refinement removes the h error of forward differences: 1e5·x² + x at 0", () => {
    const t = 1.49e-8;
    const { first, look: l } = look((x) => 1e5 * x * x + x, 0, t, "forward");
    expect(Math.abs(first.value - 1)).toBeGreaterThan(1e-3); // forward is off by h·f''/2 = 1.5e-3
    expect(l.refined).toBe(true);
    expect(Math.abs(l.value - 1)).toBeLessThan(1e-7);
    expect(l.error).toBeGreaterThanOrEqual(Math.abs(l.value - 1));
  });

  test("with refine = false the smooth case is left alone", () => {
    const { look: l } = look((x) => x * x * x, 0, 6e-6, "central", false);
    expect(l.refined).toBe(false);
    expect(Number.isNaN(l.value)).toBe(true);
  });

  test("a smooth function with small curvature is not even a candidate", () => {
    const line = new CoordLine(scalar(Math.sin), Float64Array.of(0.3)).select(0);
    expect(isKinkCandidate(centralAt(line, Math.sin(0.3), 6e-6, new LineEstimate()))).toBe(false);
  });
});
