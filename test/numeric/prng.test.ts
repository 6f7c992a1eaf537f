import { describe, expect, test } from "vitest";
import { mulberry32, randomSignsInto } from "../../src/numeric/prng.js";

describe("prng", () => {
  test("mulberry32 is deterministic per seed and looks uniform", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(mulberry32(43)()).not.toBe(mulberry32(42)());
  });

  test("randomSignsInto fills ±1 with both signs about equally often", () => {
    const v = randomSignsInto(new Float64Array(4000), mulberry32(1));
    expect(v.every((x) => x === 1 || x === -1)).toBe(true);
    const sum = v.reduce((s, x) => s + x, 0);
    expect(Math.abs(sum)).toBeLessThan(4 * Math.sqrt(4000));
  });
});
