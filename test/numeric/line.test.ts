import { describe, expect, test } from "vitest";
import type { Problem } from "../../src/problem/index.js";
import { CoordLine, DirLine } from "../../src/numeric/line.js";
import { mixed, problemOf } from "./corpus.js";

describe("lines through a point", () => {
  test("CoordLine perturbs one coordinate and restores it bit for bit", () => {
    const seen: number[][] = [];
    const p: Problem = { n: 3, names: ["a", "b", "c"], valueAt: (x) => (seen.push(Array.from(x)), 0), valueAndGradInto: () => 0 };
    const work = Float64Array.of(0.1, 0.2, 0.3);
    const line = new CoordLine(p, work).select(1);
    line.at(1e-3);
    expect(seen[0]).toEqual([0.1, 0.2 + 1e-3, 0.3]);
    expect(Array.from(work)).toEqual([0.1, 0.2, 0.3]);
    expect(line.step(1e-3)).toBe(0.2 + 1e-3 - 0.2); // the representable step
  });

  test("DirLine evaluates x + t·d and leaves x alone", () => {
    const seen: number[][] = [];
    const p: Problem = { n: 2, names: ["a", "b"], valueAt: (x) => (seen.push(Array.from(x)), 0), valueAndGradInto: () => 0 };
    const x = Float64Array.of(1, 2);
    new DirLine(p, x, new Float64Array(2), Float64Array.of(1, -2)).at(0.5);
    expect(seen[0]).toEqual([1.5, 1]);
    expect(Array.from(x)).toEqual([1, 2]);
  });

  test("imagAt evaluates Im f(x + i·t·d) and leaves the imaginary work vector clean", () => {
    const p = problemOf(mixed);
    const x = Float64Array.of(0.3, -1.1, 2.5);
    const line = new CoordLine(p, x).select(2);
    const g = mixed.grad(Array.from(x));
    expect(line.imagAt(1e-20) / 1e-20).toBeCloseTo(g[2]!, 14);
    expect(line.select(0).imagAt(1e-20) / 1e-20).toBeCloseTo(g[0]!, 14); // coordinate 2's step is gone
    const d = Float64Array.of(1, -1, 0.5);
    const dir = new DirLine(p, x, new Float64Array(3), d);
    expect(dir.imagAt(1e-20) / 1e-20).toBeCloseTo(g[0]! - g[1]! + 0.5 * g[2]!, 13);
  });

  test("imagAt is NaN without a complex evaluation path", () => {
    const p = problemOf(mixed, { complex: false });
    expect(new CoordLine(p, Float64Array.of(0, 0, 0)).select(0).imagAt(1e-20)).toBeNaN();
  });
});
