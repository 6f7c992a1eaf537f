import { describe, expect, test } from "vitest";
import { decimate, fmt, lineShape, pick, roundSig, stepAxis } from "../../src/plots/data.js";

describe("decimate", () => {
  test("keeps every index of a short series", () => {
    expect(decimate(5, [1, 2, 3, 4, 5], 10)).toEqual([0, 1, 2, 3, 4]);
  });

  test("bounds a long series and keeps first, last, a spike and the minimum", () => {
    const n = 100_000;
    const y = Array.from({ length: n }, (_, i) => 1 / (i + 1));
    y[54_321] = 1e6; // spike
    y[77_777] = 1e-12; // dip
    const idx = decimate(n, y, 600);
    expect(idx.length).toBeLessThanOrEqual(602);
    expect(idx[0]).toBe(0);
    expect(idx.at(-1)).toBe(n - 1);
    expect(idx).toContain(54_321);
    expect(idx).toContain(77_777);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx); // increasing
    expect(new Set(idx).size).toBe(idx.length);
  });

  test("keeps the first non-finite point of a bucket (where a run diverged)", () => {
    const y = Array.from({ length: 10_000 }, (_, i) => (i < 6_000 ? 1 : Infinity));
    expect(decimate(y.length, y, 100)).toContain(6_000);
  });
});

describe("pick", () => {
  test("rounds to 5 significant digits and writes null for non-finite and, on log axes, non-positive values", () => {
    expect(pick([1.23456789, NaN, Infinity, -2, 0], [0, 1, 2, 3, 4])).toEqual([1.2346, null, null, -2, 0]);
    expect(pick([1, -2, 0], [0, 1, 2], true)).toEqual([1, null, null]);
  });
});

test("stepAxis uses x0/dx for consecutive steps and x otherwise", () => {
  expect(stepAxis([0, 1, 2])).toEqual({ x0: 0, dx: 1 });
  expect(stepAxis([0, 5, 9])).toEqual({ x: [0, 5, 9] });
});

test("fmt writes short numbers for legends", () => {
  expect(fmt(0.01)).toBe("0.01");
  expect(fmt(0.0001)).toBe("10⁻⁴");
  expect(fmt(2.5e-7)).toBe("2.5×10⁻⁷");
  expect(fmt(-3e12)).toBe("-3×10¹²");
  expect(fmt(123456)).toBe("1.235×10⁵");
  expect(fmt(0.9)).toBe("0.9");
  expect(roundSig(1234.5678, 3)).toBe(1230);
});

test("lineShape draws stairs only for piecewise-constant series", () => {
  expect(lineShape(Array.from({ length: 100 }, (_, i) => 0.1 * 0.5 ** Math.floor(i / 30)))).toBe("hv");
  expect(lineShape(Array.from({ length: 100 }, (_, i) => Math.cos(i / 10)))).toBe("linear");
});
