import { describe, expect, test } from "vitest";
import { formatOf, isStructuredPoint, type Tree } from "../../src/tree/index.js";

/** A parser that places entries by name, as a symbolic objective with variables [b, a[0], a[1]] would. */
const vars = ["b", "a[0]", "a[1]"];
function parse(t: Tree): Float64Array {
  const r = t as { a: number[]; b: number };
  const byName: Record<string, number> = { b: r.b, "a[0]": r.a[0]!, "a[1]": r.a[1]! };
  return Float64Array.from(vars, (v) => byName[v]!);
}

describe("formatOf", () => {
  test("reads the caller's permutation off a probe and shapes flat vectors back", () => {
    const f = formatOf({ a: [1, 2], b: 3 }, parse)!;
    expect(f.perm && Array.from(f.perm)).toEqual([1, 2, 0]);
    expect(f.flatPaths).toEqual(["b", "a[0]", "a[1]"]);
    expect(f.toTree([30, 10, 20])).toEqual({ a: [10, 20], b: 30 });
  });

  test("the identity needs no permutation", () => {
    const f = formatOf({ W: [[1, 2]] }, (t) => Float64Array.from((t as { W: number[][] }).W.flat()))!;
    expect(f.perm).toBeNull();
    expect(f.toTree([5, 6])).toEqual({ W: [[5, 6]] });
  });

  test("null when the parse is not a placement of the entries", () => {
    expect(formatOf({ a: [1, 2] }, () => new Float64Array([1, 1]))).toBeNull();
    expect(formatOf({ a: [1, 2] }, () => { throw new Error("no"); })).toBeNull();
    expect(formatOf({ a: [1, 2] }, () => new Float64Array([1]))).toBeNull();
  });
});

test("isStructuredPoint: records or arrays holding arrays, not flat lists or records of numbers", () => {
  expect(isStructuredPoint({ W: [[1]] })).toBe(true);
  expect(isStructuredPoint([{ W: [1] }])).toBe(true);
  expect(isStructuredPoint([1, 2])).toBe(false);
  expect(isStructuredPoint({ x: 1, y: 2 })).toBe(false);
  expect(isStructuredPoint(new Float64Array(2))).toBe(false);
});
