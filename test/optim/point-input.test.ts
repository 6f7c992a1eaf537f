import { describe, expect, test } from "vitest";
import { isTreePoint, pointIn, treeModelProblem } from "../../src/optim/point-input.js";
import type { Problem } from "../../src/problem/index.js";
import { layoutOf } from "../../src/tree/index.js";
import { expectDslError } from "../support/dsl-error.js";

const plain: Problem = { n: 2, names: ["x", "y"], valueAt: () => 0, valueAndGradInto: () => 0 };

describe("pointIn", () => {
  test("arrays in variable order and records by name", () => {
    expect(Array.from(pointIn(plain, [1, 2], "curvature.trace"))).toEqual([1, 2]);
    expect(Array.from(pointIn(plain, { y: 2, x: 1 }, "curvature.trace"))).toEqual([1, 2]);
  });

  test("a problem with a tree layout reads trees, naming the path of a mismatch", () => {
    const layout = layoutOf({ W: [[0, 0]], b: 0 });
    const p = { ...plain, n: 3, names: layout.paths, layout } as Problem;
    expect(Array.from(pointIn(p, { W: [[1, 2]], b: 3 }, "theory"))).toEqual([1, 2, 3]);
    expect(Array.from(pointIn(p, [1, 2, 3], "theory"))).toEqual([1, 2, 3]);
    expect(expectDslError(() => pointIn(p, { W: [[1]], b: 3 }, "theory"), "bad-point", /'W\[0\]' must have 2 entries/).path).toBe("theory.at.W[0]");
  });

  test("bad points say what and where", () => {
    expectDslError(() => pointIn(plain, undefined, "curvature.trace"), "missing-option", /the point "at" is required \(variables: x, y\)/);
    expectDslError(() => pointIn(plain, [1], "curvature.trace"), "bad-point", /"at" has 1 value, the objective has 2 variables/);
    expectDslError(() => pointIn(plain, { x: 1, z: 2 }, "curvature.trace"), "bad-point", /value for 'z', which is not a variable/);
    expectDslError(() => pointIn(plain, [1, NaN], "curvature.trace"), "bad-point", /non-finite value NaN at y/);
  });
});

test("treeModelProblem: only for { f, grad } without names at a tree point", () => {
  const m = { f: () => 0, grad: () => [0, 0] };
  const p = treeModelProblem(m, { a: [1, 2] }, "theory")!;
  expect(p.names).toEqual(["a[0]", "a[1]"]);
  expect(treeModelProblem(m, [1, 2], "theory")).toBeNull();
  expect(treeModelProblem({ ...m, names: ["u", "v"] }, { a: [1, 2] }, "theory")).toBeNull();
  expect(isTreePoint({ x: 1 })).toBe(false);
  expect(isTreePoint([[1]])).toBe(true);
});
