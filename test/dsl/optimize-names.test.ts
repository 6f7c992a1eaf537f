/** optimize(f, "adam", …) takes an alias by name; other strings are errors, never Object.prototype members. */
import { describe, expect, test } from "vitest";
import { objective, optimize } from "../../dsl/index.js";

const f = objective("x^2");

describe("optimizer given by name", () => {
  test("an alias name runs that alias with its defaults", () => {
    expect(optimize(f, "gd" as never, { from: [1], steps: 1 }).x[0]).toBeCloseTo(1 - 2e-3, 15);
  });

  test("inherited names (toString, constructor) are bad-optimizer errors, not TypeErrors", () => {
    for (const name of ["toString", "constructor", "__proto__"]) {
      expect(() => optimize(f, name as never, { from: [1], steps: 1 })).toThrow(expect.objectContaining({ code: "bad-optimizer" }));
    }
  });

  test("a typo suggests the alias", () => {
    expect(() => optimize(f, "adma" as never, { from: [1], steps: 1 })).toThrow(/got "adma" \(did you mean adam\(\{ … \}\)\?\)/);
  });
});
