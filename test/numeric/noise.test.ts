import { describe, expect, test } from "vitest";
import { CoordLine } from "../../src/numeric/line.js";
import { measureNoise } from "../../src/numeric/noise.js";
import type { Problem } from "../../src/problem/index.js";

const problem = (f: (x: Float64Array) => number, n = 2): Problem => ({ n, valueAt: f, valueAndGradInto: () => 0 }) as unknown as Problem;

describe("measureNoise", () => {
  test("a smooth float64 f has no noise floor above rounding", () => {
    const x = Float64Array.of(0.4, 2);
    const line = new CoordLine(problem((v) => Math.sin(v[0]!) * v[1]!), x).select(0);
    expect(measureNoise(line, Math.sin(0.4) * 2, 1).sigma).toBeLessThan(1e-15);
  });

  test("terms of 1e16 that cancel scatter by units", () => {
    const f = (v: Float64Array) => (v[0]! + 1e8) ** 2 + (v[1]! + 1e8) ** 2 - 2e16;
    const x = Float64Array.of(0.5, 1.5);
    const { sigma, evals } = measureNoise(new CoordLine(problem(f), x).select(0), f(x), 1);
    expect(sigma).toBeGreaterThan(0.3);
    expect(sigma).toBeLessThan(100);
    expect(evals).toBe(12);
  });

  test("float32 rounding is measured at its level", () => {
    const fr = Math.fround;
    const f = (v: Float64Array) => fr(fr(Math.exp(fr(v[0]!))) * fr(v[1]!));
    const x = Float64Array.of(0.3, 1.7);
    const sigma = measureNoise(new CoordLine(problem(f), x).select(0), f(x), 1).sigma;
    expect(sigma).toBeGreaterThan(1e-9);
    expect(sigma).toBeLessThan(1e-6);
  });

  test("a kink within the points is not taken for noise", () => {
    const f = (v: Float64Array) => Math.max(0, v[0]!) + 0.3 * v[1]!;
    const x = Float64Array.of(-8e-17, 1);
    expect(measureNoise(new CoordLine(problem(f), x).select(0), f(x), 1).sigma).toBe(0);
  });
});
