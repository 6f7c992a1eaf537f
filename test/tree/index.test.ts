import { describe, expect, test } from "vitest";
import { add, flatten, flatValues, globalNorm, isTree, layoutOf, leafNorms, map, map2, scale, unflatten, vdot, zerosLike, zip } from "../../src/tree/index.js";
import { expectDslError } from "../support/dsl-error.js";

describe("flatten / unflatten", () => {
  test("a record of a matrix and a vector flattens row-major with W[i,j] paths", () => {
    const t = { W: [[1, 2, 3], [4, 5, 6]], b: [7, 8] };
    const { values, paths, unflatten: back } = flatten(t);
    expect(Array.from(values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(paths).toEqual(["W[0,0]", "W[0,1]", "W[0,2]", "W[1,0]", "W[1,1]", "W[1,2]", "b[0]", "b[1]"]);
    expect(back(values)).toEqual(t);
  });

  test("layers as an array of records name entries layers[1].b[3]", () => {
    const t = { layers: [{ W: [[1]], b: [0] }, { W: [[1, 2]], b: [0, 0, 0, 9] }] };
    const f = flatten(t);
    expect(f.paths).toContain("layers[1].b[3]");
    expect(f.layout.leaves.map((l) => [l.path, l.shape, l.offset, l.size])).toEqual([
      ["layers[0].W", [1, 1], 0, 1],
      ["layers[0].b", [1], 1, 1],
      ["layers[1].W", [1, 2], 2, 2],
      ["layers[1].b", [4], 4, 4],
    ]);
    expect(f.values[7]).toBe(9);
  });

  test("scalars, tensors, Float64Array leaves and bare vectors keep their kind through a round trip", () => {
    const t = { lr: 0.5, T: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], v: new Float64Array([1, 2]) };
    const f = flatten(t);
    expect(f.paths.slice(0, 3)).toEqual(["lr", "T[0,0,0]", "T[0,0,1]"]);
    const back = f.unflatten(f.values) as typeof t;
    expect(back.v).toBeInstanceOf(Float64Array);
    expect(back).toEqual(t);
    expect(flatten([3, 4]).paths).toEqual(["[0]", "[1]"]);
    expect(flatten(new Float64Array(2)).layout.leaves[0]!.path).toBe("");
    expect(flatten(2.5).values[0]).toBe(2.5);
  });

  test("an array of tensors of different depths is an array of subtrees", () => {
    const t = [[[1, 2]], [3], 4];
    const f = flatten(t);
    expect(f.paths).toEqual(["[0][0,0]", "[0][0,1]", "[1][0]", "[2]"]);
    expect(f.unflatten([9, 8, 7, 6])).toEqual([[[9, 8]], [7], 6]);
  });

  test("keys that are not identifiers are quoted", () => {
    expect(flatten({ "my w": [1] }).paths).toEqual(['["my w"][0]']);
  });

  test("unflatten(layout, v) and flattenInto write the same structure", () => {
    const layout = layoutOf({ a: [1, 2], b: { c: 3 } });
    const t = unflatten(layout, [4, 5, 6]);
    expect(t).toEqual({ a: [4, 5], b: { c: 6 } });
    const out = new Float64Array(3);
    layout.flattenInto({ a: [7, 8], b: { c: 9 } }, out);
    expect(Array.from(out)).toEqual([7, 8, 9]);
  });

  test("empty arrays are leaves of size 0", () => {
    const f = flatten({ a: [], b: 1 });
    expect(f.layout.size).toBe(1);
    expect(f.unflatten([2])).toEqual({ a: [], b: 2 });
  });
});

describe("bad trees", () => {
  test("a ragged matrix is an error naming the row", () => {
    const e = expectDslError(() => flatten({ W: [[1, 2], [3]] }), "bad-point", /'W' is a ragged array: entry \[1\] has shape \[1\] but entry \[0\] has shape \[2\]/);
    expect(e.path).toBe("W[1]");
  });

  test("a string entry is named by its path", () => {
    const e = expectDslError(() => layoutOf({ a: [{ b: "x" }] } as never, "optimize"), "bad-point", /^optimize: 'a\[0\]\.b' must be a number, an array of numbers/);
    expect(e.path).toBe("a[0].b");
    expect(isTree({ a: "x" })).toBe(false);
    expect(isTree({ a: [1, [2]] })).toBe(true);
  });

  test("flattenInto a tree of another structure names the path", () => {
    const layout = layoutOf({ W: [[1, 2], [3, 4]], b: [0, 0] });
    const out = new Float64Array(6);
    expect(expectDslError(() => layout.flattenInto({ W: [[1, 2], [3]], b: [0, 0] }, out, "optimize"), "bad-point", /^optimize: 'W\[1\]' must have 2 entries/).path).toBe("W[1]");
    expect(expectDslError(() => layout.flattenInto({ W: [[1, 2], [3, 4]] } as never, out), "bad-point", /has no value for 'b'/).path).toBe("b");
    expect(expectDslError(() => layout.flattenInto({ W: [[1, 2], [3, 4]], b: [0, 0], c: 1 } as never, out), "bad-point", /key 'c'/).path).toBe("c");
    expect(expectDslError(() => layout.flattenInto({ W: [[1, 2], [3, "4"]], b: [0, 0] } as never, out), "bad-point", /'W\[1\]\[1\]' must be a number/).path).toBe("W[1][1]");
  });

  test("unflatten with the wrong length is an error", () => {
    expectDslError(() => layoutOf([1, 2]).unflatten([1]), "bad-length", /needs 2 values, got 1/);
  });
});

describe("tree arithmetic", () => {
  const a = { W: [[1, 2]], b: 3 };
  const b = { W: [[4, 5]], b: 6 };
  test("map, map2, add, scale and zerosLike keep the structure", () => {
    expect(map(a, (x) => x * 10)).toEqual({ W: [[10, 20]], b: 30 });
    expect(map2(a, b, (x, y) => y - x)).toEqual({ W: [[3, 3]], b: 3 });
    expect(add(a, b)).toEqual({ W: [[5, 7]], b: 9 });
    expect(scale(a, 2)).toEqual({ W: [[2, 4]], b: 6 });
    expect(zerosLike(a)).toEqual({ W: [[0, 0]], b: 0 });
  });

  test("map passes entry paths when asked, and keeps Float64Array leaves", () => {
    const seen: string[] = [];
    const out = map({ W: [[1, 2]], v: new Float64Array([3]) }, (x, p) => (seen.push(p), -x)) as { v: Float64Array };
    expect(seen).toEqual(["W[0][0]", "W[0][1]", "v[0]"]);
    expect(out.v).toBeInstanceOf(Float64Array);
    expect(Array.from(out.v)).toEqual([-3]);
    expect(add({ v: new Float64Array([1, 2]) }, { v: [3, 4] })).toEqual({ v: new Float64Array([4, 6]) });
  });

  test("vdot, globalNorm and per-leaf norms", () => {
    expect(vdot(a, b)).toBe(4 + 10 + 18);
    expect(globalNorm({ u: [3], v: 4 })).toBe(5);
    const layout = layoutOf({ W: [[0, 0]], b: 0 });
    expect(leafNorms(layout, [3, 4, -2])).toEqual({ W: 5, b: 2 });
    expect(zip(a, b).map(([p, x, y]) => [p, Array.from(x), Array.from(y)])).toEqual([["W", [1, 2], [4, 5]], ["b", [3], [6]]]);
  });

  test("operations on trees of different structure fail with the path", () => {
    expect(expectDslError(() => add(a, { W: [[1, 2, 3]], b: 1 }), "bad-point", /^tree: 'W\[0\]' has 2 entries in the first tree but 3 in the second$/).path).toBe("W[0]");
    expect(expectDslError(() => vdot(a, { W: [[1, 2]] } as never), "bad-point", /the second tree has no value for 'b'/).path).toBe("b");
    expect(expectDslError(() => map2(a, { W: [[1, 2]], b: 1, c: 2 } as never, (x) => x), "bad-point", /the second tree has a key 'c'/).path).toBe("c");
    expect(expectDslError(() => scale({ a: ["x"] } as never, 2), "bad-point", /'a\[0\]' must be a number/).path).toBe("a[0]");
    expect(Array.from(flatValues(layoutOf(a), b))).toEqual([4, 5, 6]);
  });
});
