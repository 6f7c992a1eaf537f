import { expect, test } from "vitest";
import { detLog } from "../../src/random/index.js";
import { uniform } from "../support/random.js";

test("detLog agrees with Math.log to 4 ulps from 1e-300 to 1e300", () => {
  const u = uniform(1);
  for (let i = 0; i < 20_000; i++) {
    const x = Math.exp((u() - 0.5) * 1380);
    const want = Math.log(x);
    expect(Math.abs(detLog(x) - want)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(Math.abs(want), 0.5));
  }
});

test("detLog's special values", () => {
  expect(detLog(1)).toBe(0);
  expect(detLog(0)).toBe(-Infinity);
  expect(detLog(-1)).toBeNaN();
  expect(detLog(Infinity)).toBe(Infinity);
  expect(Math.abs(detLog(Number.MIN_VALUE) - Math.log(Number.MIN_VALUE))).toBeLessThan(1e-12);
});
