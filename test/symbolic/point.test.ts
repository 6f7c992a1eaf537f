/** Points given as records: a variable set twice (by its name and through its vector) is an error, not a silent override. */
import { describe, expect, test } from "vitest";
import { toPoint } from "../../src/symbolic/point.js";
import { DslError } from "../../src/errors/index.js";

const vars = ["x[1]", "x[2]", "x[3]"];

describe("toPoint records", () => {
  test("a vector by its base name, or each entry by name", () => {
    expect(Array.from(toPoint({ x: [1, 2, 3] }, vars, "f"))).toEqual([1, 2, 3]);
    expect(Array.from(toPoint({ "x[3]": 3, "x[1]": 1, "x[2]": 2 }, vars, "f"))).toEqual([1, 2, 3]);
  });

  test("an entry given twice is a bad-point error naming it, in either order", () => {
    for (const rec of [{ x: [1, 2, 3], "x[2]": 5 }, { "x[2]": 5, x: [1, 2, 3] }]) {
      let err: unknown;
      try {
        toPoint(rec, vars, 'objective "f"');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DslError);
      expect((err as DslError).code).toBe("bad-point");
      expect((err as DslError).message).toContain("gives 'x[2]' twice");
    }
  });
});
