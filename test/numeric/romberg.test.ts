import { describe, expect, test } from "vitest";
import { Romberg } from "../../src/numeric/romberg.js";

const central = (f: (x: number) => number, x: number, h: number) => (f(x + h) - f(x - h)) / (2 * h);
const forward = (f: (x: number) => number, x: number, h: number) => (f(x + h) - f(x)) / h;

/** Runs a tableau of exactly `levels` levels starting at h0 (ratio 2) and returns its value. */
function extrapolate(levels: number, order: number, d: (h: number) => number, h0: number): Romberg {
  const t = new Romberg(levels, 2, order);
  let h = h0;
  for (let k = 0; k < levels; k++, h /= 2) if (t.push(d(h))) break;
  return t;
}

describe("Romberg (Richardson extrapolation)", () => {
  test("one extrapolation of central differences is 4th order: halving h0 divides the error by ~16", () => {
    const d = (h: number) => central(Math.exp, 0.3, h);
    const e1 = Math.abs(extrapolate(2, 2, d, 0.2).value - Math.exp(0.3));
    const e2 = Math.abs(extrapolate(2, 2, d, 0.1).value - Math.exp(0.3));
    expect(e1 / e2).toBeGreaterThan(16 * 0.8);
    expect(e1 / e2).toBeLessThan(16 * 1.25);
  });

  test("two extrapolations of central differences are 6th order: error ratio ~64", () => {
    const d = (h: number) => central(Math.sin, 0.7, h);
    const e1 = Math.abs(extrapolate(3, 2, d, 0.4).value - Math.cos(0.7));
    const e2 = Math.abs(extrapolate(3, 2, d, 0.2).value - Math.cos(0.7));
    expect(e1 / e2).toBeGreaterThan(64 * 0.75);
    expect(e1 / e2).toBeLessThan(64 * 1.33);
  });

  test("with order 1 (forward differences) one extrapolation is 2nd order: error ratio ~4", () => {
    const d = (h: number) => forward(Math.exp, 0.3, h);
    const e1 = Math.abs(extrapolate(2, 1, d, 0.02).value - Math.exp(0.3));
    const e2 = Math.abs(extrapolate(2, 1, d, 0.01).value - Math.exp(0.3));
    expect(e1 / e2).toBeGreaterThan(4 * 0.85);
    expect(e1 / e2).toBeLessThan(4 * 1.2);
  });

  test("run to convergence it reaches ~1e-13; its estimate plus the rounding level bounds the true error", () => {
    const cases: [(x: number) => number, (x: number) => number, number][] = [
      [Math.exp, Math.exp, 1.5],
      [Math.sin, Math.cos, -2],
      [Math.log, (x) => 1 / x, 3],
      [Math.atan, (x) => 1 / (1 + x * x), 0.4],
    ];
    for (const [f, df, x] of cases) {
      const t = new Romberg();
      let h = 0.1;
      while (!t.push(central(f, x, h))) h /= 2;
      const err = Math.abs(t.value - df(x));
      expect(err).toBeLessThan(1e-12 * Math.max(1, Math.abs(df(x))));
      // Near convergence the tableau's estimate sees rounding only partly: add ρ·ε·|f|/h, as richardsonAt does.
      expect(err).toBeLessThanOrEqual(t.error + (16 * Number.EPSILON * Math.abs(f(x))) / h);
      expect(t.levels).toBeLessThan(10); // it stopped on its own, before the tableau filled up
    }
  });

  test("a non-finite estimate stops the tableau and keeps the best finite value", () => {
    const t = new Romberg();
    t.push(1.0);
    t.push(1.0);
    expect(t.push(NaN)).toBe(true);
    expect(t.value).toBe(1);
  });

  test("reset starts over", () => {
    const t = new Romberg();
    t.push(5);
    t.push(5);
    t.reset();
    expect(t.levels).toBe(0);
    expect(Number.isNaN(t.value)).toBe(true);
    expect(t.error).toBe(Infinity);
  });

  test("the example in the doc comment", () => {
    const t = new Romberg(8, 2, 2);
    let h = 0.1;
    while (!t.push((Math.exp(h) - Math.exp(-h)) / (2 * h))) h /= 2;
    expect(Math.abs(t.value - 1)).toBeLessThan(1e-13);
  });
});
