/**
 * `(u^a)^k → u^{ak}` only where both sides are undefined for the same u < 0: merging `(√x)²` into
 * `x` or `(x^y)²` into `x^{2y}` turned a NaN of the user's function into a number (a negative
 * "square"), which an optimizer would then follow.
 */
import { describe, expect, test } from "vitest";
import { objective } from "../../dsl/index.js";
import { pow, sqrt, sym, toText } from "../../src/symbolic/index.js";

const x = sym("x");
const y = sym("y");

describe("power of a power", () => {
  test("merges when the inner exponent is an integer, or both exponents are non-integers", () => {
    expect(toText(pow(pow(x, 2), 3))).toBe("x^6");
    expect(toText(pow(pow(x, -1), 2))).toBe("1 / x^2");
    expect(toText(pow(sqrt(x), 3))).toBe("x^1.5");
  });

  test("keeps (√x)², (x^(1/2))⁴ and (x^y)² as written", () => {
    expect(toText(pow(sqrt(x), 2))).toBe("sqrt(x)^2");
    expect(toText(pow(pow(x, 0.5), 4))).toBe("sqrt(x)^4");
    expect(toText(pow(pow(x, y), 2))).toBe("(x^y)^2");
  });

  test("a square of an undefined power stays undefined; where defined, value and gradient are right", () => {
    const f = objective("(x^y)^2");
    expect(() => f.value([-0.5, 1.5])).toThrow(/NaN/); // was -0.125: x^(2y) = (-0.5)^3
    expect(f.value([-2, 3])).toBe(64);
    expect(f.grad([2, 1.5])).toEqual([expect.closeTo(3 * 2 ** 2, 12), expect.closeTo(2 ** 3 * 2 * Math.log(2), 12)]);
    expect(() => objective("sqrt(x)^2").value([-2])).toThrow(/NaN/); // was -2
    expect(objective("sqrt(x)^2").grad([4])).toEqual([1]);
  });
});
