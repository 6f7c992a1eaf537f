import { describe, expect, test } from "vitest";
import { expandRanges, orderNames, parseIndexed } from "../../src/symbolic/index.js";

describe("variable order", () => {
  test("first appearance; indexed names grouped at their base and sorted by index", () => {
    expect(orderNames(["y", "x[2]", "x[1]", "z", "x[10]", "x[3]"])).toEqual(["y", "x[1]", "x[2]", "x[3]", "x[10]", "z"]);
    expect(orderNames(["A[2,1]", "A[1,2]", "A[1,1]"])).toEqual(["A[1,1]", "A[1,2]", "A[2,1]"]);
  });
  test("ranges expand; malformed ranges are null", () => {
    expect(expandRanges(["x[1..3]", "b"])).toEqual(["x[1]", "x[2]", "x[3]", "b"]);
    expect(expandRanges(["x[3..1]"])).toBeNull();
  });
  test("parseIndexed", () => {
    expect(parseIndexed("w[1,2]")).toEqual(["w", [1, 2]]);
    expect(parseIndexed("w")).toEqual(["w", null]);
  });
});
