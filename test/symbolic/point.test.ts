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

describe("toPoint: a matrix for variables with two indices", () => {
  const W = ["W[1,1]", "W[1,2]", "W[2,1]", "W[2,2]", "c"];
  test("entry [i][j] fills the variable at the smallest indices plus (i, j)", () => {
    expect(Array.from(toPoint({ c: 9, W: [[1, 2], [3, 4]] }, W, "f"))).toEqual([1, 2, 3, 4, 9]);
    // the variable order does not matter: placement is by index
    expect(Array.from(toPoint({ W: [[1, 2], [3, 4]] }, ["W[2,2]", "W[1,1]", "W[2,1]", "W[1,2]"], "f"))).toEqual([4, 1, 3, 2]);
  });

  test("a wrong shape, a sparse grid and a variable given twice are bad-point errors naming the base", () => {
    const fail = (rec: unknown, names: string[], re: RegExp) => {
      let err: unknown;
      try {
        toPoint(rec as never, names, "f");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DslError);
      expect((err as DslError).code).toBe("bad-point");
      expect((err as DslError).message).toMatch(re);
      return err as DslError;
    };
    expect(fail({ W: [[1, 2, 3], [3, 4, 5]], c: 0 }, W, /^f: the value of 'W' in the point must be a \[2, 2\] array of numbers \(W\[1,1\] … W\[2,2\]\), got shape \[2, 3\]$/).path).toBe("W");
    fail({ W: [[1, 2], [3, 4]] }, ["W[1,1]", "W[2,2]"], /do not fill a \[2, 2\] grid \(2 of 4 entries are variables\)/);
    fail({ W: [[1, 2], [3, 4]], "W[1,2]": 0, c: 0 }, W, /gives 'W\[1,2\]' twice/);
    fail({ W: [[1, "2"], [3, 4]], c: 0 }, W, /'W\[0\]\[1\]' must be a number/);
  });
});
