import { describe, expect, test } from "vitest";
import { RUNTIME } from "../../src/symbolic/index.js";

describe("runtime functions", () => {
  test("erf matches mpmath (30 digits) to 2e-16 relative", () => {
    // /usr/bin/python3 -c "import mpmath; mpmath.mp.dps=30; print(float(mpmath.erf(x)))"
    const ref: [number, number][] = [
      [1e-10, 1.1283791670955126e-10], [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149],
      [1.5, 0.9661051464753108], [2, 0.9953222650189527], [2.5, 0.999593047982555], [2.9, 0.9999589021219005],
      [3, 0.9999779095030014], [3.5, 0.9999992569016276], [4, 0.9999999845827421], [5, 0.9999999999984626],
      [5.9, 0.9999999999999999], [-0.7, -0.6778011938374184],
    ];
    for (const [x, v] of ref) expect(Math.abs(RUNTIME.erf(x) - v), `erf(${x})`).toBeLessThanOrEqual(2.5e-16 * Math.abs(v));
    expect(RUNTIME.erf(0)).toBe(0);
    expect(RUNTIME.erf(Infinity)).toBe(1);
  });

  test("sigmoid, softplus and logsumexp neither overflow nor underflow", () => {
    expect(RUNTIME.sigmoid(-800)).toBe(0);
    expect(RUNTIME.sigmoid(800)).toBe(1);
    expect(RUNTIME.sigmoid(-40)).toBeCloseTo(Math.exp(-40), 30);
    expect(RUNTIME.softplus(800)).toBe(800);
    expect(RUNTIME.softplus(-40)).toBeCloseTo(Math.exp(-40), 30);
    expect(RUNTIME.logsumexp(1000, 1000)).toBe(1000 + Math.LN2);
    expect(RUNTIME.logsumexp(-1000, -1000)).toBe(-1000 + Math.LN2);
    expect(RUNTIME.logsumexp(-Infinity, -Infinity)).toBe(-Infinity);
  });

  test("argmaxIs / argminIs pick the first extremal argument (1-based)", () => {
    expect(RUNTIME.argmaxIs(2, 1, 3, 3)).toBe(1);
    expect(RUNTIME.argmaxIs(3, 1, 3, 3)).toBe(0);
    expect(RUNTIME.argminIs(1, -1, 3)).toBe(1);
  });
});
