/** Messages' rendering of what came (src/errors): `describe`, and DslError's fields. */
import { describe as suite, expect, test } from "vitest";
import { DslError, describe, isDslError } from "../../src/errors/index.js";

class Point {
  constructor(readonly x: number, readonly secret = "internal") {}
  toString(): string {
    return `Point(${this.x})`;
  }
}
class Bare {
  readonly hidden = 1;
}

suite("describe", () => {
  test("primitives, strings quoted, arrays short or by length, typed arrays by type", () => {
    expect(describe(-0.1)).toBe("-0.1");
    expect(describe("1")).toBe('"1"');
    expect(describe(undefined)).toBe("undefined");
    expect(describe([1, "a"])).toBe('[1, "a"]');
    expect(describe(new Array(7).fill(0))).toBe("an array of length 7");
    expect(describe(new Float64Array(3))).toBe("a Float64Array of length 3");
    expect(describe(() => 1)).toBe("a function");
  });

  test("a class instance by its class and own toString, never its private fields", () => {
    expect(describe(new Point(2))).toBe("a Point Point(2)");
    expect(describe(new Bare())).toBe("a Bare");
    expect(describe(new Map())).toBe("a Map");
    expect(describe(new Error("boom"))).toBe("an Error Error: boom");
  });

  test("a plain object by its own toString (an optimizer), else by its keys", () => {
    expect(describe({ init: 1, update: 2, toString: () => "adam(lr=0.001)" })).toBe("adam(lr=0.001)");
    expect(describe({ f: 1, grad: 2 })).toBe("an object with keys {f, grad}");
    expect(describe({ toString: () => "x".repeat(100) })).toBe(`${"x".repeat(57)}...`);
    expect(describe({ toString: () => { throw new Error("no"); } })).toBe("an object with keys {toString}");
    expect(describe(Object.create(null))).toBe("an object with keys {}");
  });
});

suite("DslError", () => {
  test("code, path, detail, and recognized across copies of the module by name", () => {
    const e = new DslError("bad-option", "adam: lr must be ...", { path: "adam.lr", detail: { value: -1 } });
    expect([e.name, e.code, e.path, e.detail]).toEqual(["DslError", "bad-option", "adam.lr", { value: -1 }]);
    expect(isDslError(e)).toBe(true);
    const copy = Object.assign(new Error("x"), { name: "DslError", code: "c" });
    expect(isDslError(copy)).toBe(true);
    expect(isDslError(new TypeError("x"))).toBe(false);
  });
});
