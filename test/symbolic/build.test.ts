/**
 * Matrix data columns (`data: { x: [[..], [..]] }`) give the symbols x[1], x[2], …; an expression
 * that uses a plain `x`, or an x[j] past the columns, used to make it a parameter without a word.
 */
import { describe, expect, test } from "vitest";
import { objective } from "../../dsl/index.js";

const data = { x: [[0, 1], [2, 3]], y: [1, 1] };

describe("matrix data columns", () => {
  test("indexed use works (mathjs from 1, TypeScript from 0)", () => {
    const f = objective("(sum(w[j] x[j], j, 1, 2) - y)^2", { data });
    expect(f.vars).toEqual(["w[1]", "w[2]"]);
    expect(f.value([1, 2])).toBe(25); // rows: (0 + 2 - 1)² = 1, (2 + 6 - 1)² = 49; mean 25
    const g = objective("(w: number[], x: number[], y: number) => (w[0] * x[0] + w[1] * x[1] - y) ** 2", { params: ["w[0]", "w[1]"], data });
    expect(g.value([1, 2])).toBe(25);
  });

  test("a plain x is a bad-data error that says how to index it", () => {
    expect(() => objective("(w x - y)^2", { data })).toThrow(/data column 'x' is a matrix, giving x\[1\], x\[2\] per row, but the expression uses 'x'; index it/);
  });

  test("an index past the columns is a bad-data error", () => {
    expect(() => objective("(sum(w[j] x[j], j, 1, 3) - y)^2", { data })).toThrow(expect.objectContaining({ code: "bad-data", path: "objective.data.x" }));
  });
});
