import { describe, expect, test } from "vitest";
import { fmt, sci } from "../../src/numeric/gradcheck-message.js";

describe("number formatting of gradcheck messages", () => {
  test("sci: one decimal of mantissa, trailing .0 dropped, no + in the exponent", () => {
    expect(sci(3.2e-2)).toBe("3.2e-2");
    expect(sci(1e-6)).toBe("1e-6");
    expect(sci(1.04e-4)).toBe("1e-4");
    expect(sci(2.5)).toBe("2.5");
    expect(sci(1)).toBe("1");
    expect(sci(12345)).toBe("1.2e4");
    expect(sci(0)).toBe("0");
    expect(sci(Infinity)).toBe("Infinity");
  });

  test("fmt: significant digits, fixed for moderate magnitudes", () => {
    expect(fmt(4, 3)).toBe("4.00");
    expect(fmt(3.8712, 3)).toBe("3.87");
    expect(fmt(-213.4, 3)).toBe("-213");
    expect(fmt(4.0004, 5)).toBe("4.0004");
    expect(fmt(0.0012345, 3)).toBe("0.00123");
    expect(fmt(1.5e-7, 3)).toBe("1.50e-7");
    expect(fmt(2.5e9, 3)).toBe("2.50e+9");
    expect(fmt(0, 3)).toBe("0");
    expect(fmt(NaN, 3)).toBe("NaN");
  });
});
