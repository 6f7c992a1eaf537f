import { expect, test } from "vitest";
import { columnFormat, distinctDigits, formatNumber, formatOptionNumbers } from "../../src/display/numbers.js";

test("formatNumber: significant digits, plain in [1e-3, 1e5), exponent outside, no trailing zeros", () => {
  expect(formatNumber(0.019801980198019802)).toBe("0.019802");
  expect(formatNumber(2.5593)).toBe("2.5593");
  expect(formatNumber(1500000)).toBe("1.5e+6");
  expect(formatNumber(2.8207e-18)).toBe("2.8207e-18");
  expect(formatNumber(1e-7)).toBe("1e-7");
  expect(formatNumber(0)).toBe("0");
  expect(formatNumber(NaN)).toBe("NaN");
  expect(formatNumber(-Infinity)).toBe("-Infinity");
  expect(formatNumber(Math.PI, 3)).toBe("3.14");
});

test("distinctDigits: as many digits as it takes to tell different values apart", () => {
  const losses = [2.559312, 2.559348, 2.5593011];
  expect(losses.map((v) => formatNumber(v)).every((s) => s === "2.5593")).toBe(true);
  const f = columnFormat(losses);
  const shown = losses.map(f);
  expect(new Set(shown).size).toBe(3);
  expect(shown).toEqual(["2.55931", "2.55935", "2.5593"]);
  // equal values do not ask for more digits; two doubles one ulp apart need 17
  expect(distinctDigits([1, 1, 2])).toBe(5);
  expect(distinctDigits([1, 1 + 2 ** -52])).toBe(17);
});

test("formatOptionNumbers: an optimizer's options in the one format, digits enough across a table's rows", () => {
  expect(formatOptionNumbers("gd(lr=0.019801980198019802)")).toBe("gd(lr=0.019802)");
  expect(formatOptionNumbers("sgd(lr=0.0100001, momentum=0.9)", ["sgd(lr=0.0100002, momentum=0.9)"])).toBe("sgd(lr=0.0100001, momentum=0.9)");
  expect(formatOptionNumbers('newton(lr=1, damping=0, lineSearch="backtracking")')).toBe('newton(lr=1, damping=0, lineSearch="backtracking")');
});
