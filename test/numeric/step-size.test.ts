import { describe, expect, test } from "vitest";
import { EPS, STEP, coordScale, scaledStep } from "../../src/numeric/step-size.js";

describe("step sizes", () => {
  test("the defaults are the textbook optimal coefficients", () => {
    expect(EPS).toBe(Number.EPSILON);
    expect(STEP.forward).toBeCloseTo(1.4901161193847656e-8, 20);
    expect(STEP.central).toBeCloseTo(6.0554544523933395e-6, 18);
    expect(STEP.complex).toBe(1e-20);
  });

  test("scaledStep is absolute near zero and relative for large coordinates", () => {
    expect(coordScale(0)).toBe(1);
    expect(coordScale(-0.5)).toBe(1);
    expect(coordScale(-250)).toBe(250);
    expect(scaledStep(0.5, STEP.central)).toBe(STEP.central);
    expect(scaledStep(1000, STEP.central)).toBeCloseTo(1000 * STEP.central, 15);
  });

  test("the central step is within a decade of the measured best step for exp at 1 and sin at 2", () => {
    for (const [f, d, x] of [[Math.exp, Math.exp, 1], [Math.sin, Math.cos, 2]] as const) {
      let best = Infinity;
      let bestH = 0;
      for (let k = 0; k <= 60; k++) {
        const h = 10 ** (-2 - k / 6);
        const e = Math.abs((f(x + h) - f(x - h)) / (2 * h) - d(x));
        if (e < best) [best, bestH] = [e, h];
      }
      const atDefault = Math.abs((f(x + STEP.central) - f(x - STEP.central)) / (2 * STEP.central) - d(x));
      expect(Math.abs(Math.log10(bestH / STEP.central))).toBeLessThan(1.01);
      expect(atDefault).toBeLessThan(1e-9);
    }
  });
});
