import { expect, test } from "vitest";
import { formatNumber } from "../../src/explore/format.js";

test("explorable numbers: six significant digits, powers written 1.189×10⁻⁴⁷ (never 1.189e-47)", () => {
  expect(formatNumber(0.1111111)).toBe("0.111111");
  expect(formatNumber(42)).toBe("42");
  expect(formatNumber(0)).toBe("0");
  expect(formatNumber(1.1893e-47)).toBe("1.189×10⁻⁴⁷");
  expect(formatNumber(5e-4)).toBe("5×10⁻⁴");
  expect(formatNumber(1e-6)).toBe("10⁻⁶");
  expect(formatNumber(-2.5e7)).toBe("-2.5×10⁷");
  expect(formatNumber(Infinity)).toBe("Infinity");
  expect(formatNumber(Number.NaN)).toBe("NaN");
});
