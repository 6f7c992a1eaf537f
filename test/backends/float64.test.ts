/**
 * The float64 engine's Ops: each primitive on small vectors worked out by hand, in place
 * (`out` aliasing an input) and into fresh arrays, and the one-run rules for per-run scalars.
 */
import { describe, expect, test } from "vitest";
import { DslError } from "../../src/errors/index.js";
import { float64Ops as o } from "../../src/backends/float64.js";

const v = (...x: number[]) => new Float64Array(x);
const arr = (a: Float64Array) => Array.from(a);

describe("float64Ops", () => {
  test("elementwise arithmetic, by hand", () => {
    const a = v(1, -2, 3), b = v(4, 5, -6);
    expect(arr(o.add(a, b))).toEqual([5, 3, -3]);
    expect(arr(o.sub(a, b))).toEqual([-3, -7, 9]);
    expect(arr(o.mul(a, b))).toEqual([4, -10, -18]);
    expect(arr(o.div(a, b))).toEqual([0.25, -0.4, -0.5]);
    expect(arr(o.scale(a, 2))).toEqual([2, -4, 6]);
    expect(arr(o.addScalar(a, 1))).toEqual([2, -1, 4]);
    expect(arr(o.axpy(2, a, b))).toEqual([6, 1, 0]);
    expect(arr(o.lerp(a, b, 0.5))).toEqual([2.5, 1.5, -1.5]);
    expect(arr(o.addcmul(a, a, b, 0.5))).toEqual([3, -7, -6]);
    expect(arr(o.addcdiv(a, a, b, 2))).toEqual([1.5, -2.8, 2]);
    expect(arr(o.sqrt(v(4, 9)))).toEqual([2, 3]);
    expect(arr(o.square(a))).toEqual([1, 4, 9]);
    expect(arr(o.abs(a))).toEqual([1, 2, 3]);
    expect(arr(o.sign(v(-3, 0, 2)))).toEqual([-1, 0, 1]);
    expect(arr(o.maximum(a, b))).toEqual([4, 5, 3]);
    expect(arr(o.clip(a, -1, 2))).toEqual([1, -1, 2]);
    expect(arr(o.select(1, a, b))).toEqual([1, -2, 3]);
    expect(arr(o.select(0, a, b))).toEqual([4, 5, -6]);
    expect(arr(o.fullLike(a, 7))).toEqual([7, 7, 7]);
    expect(arr(o.zerosLike(a))).toEqual([0, 0, 0]);
  });

  test("reductions and scalar arithmetic stay plain numbers", () => {
    const a = v(3, 4);
    expect(o.sum(a)).toBe(7);
    expect(o.mean(a)).toBe(3.5);
    expect(o.dot(a, a)).toBe(25);
    expect(o.norm(a)).toBe(5);
    expect(o.spow(0.9, 2)).toBeCloseTo(0.81, 15);
    expect([o.sadd(1, 2), o.ssub(1, 2), o.smul(2, 3), o.sdiv(1, 4), o.ssqrt(9), o.smin(1, 2), o.smax(1, 2), o.sgt(2, 1), o.sgt(1, 2)]).toEqual([3, -1, 6, 0.25, 3, 1, 2, 1, 0]);
  });

  test("out may alias an input, and the result is the out array", () => {
    const a = v(1, 2), b = v(3, 4);
    const r = o.lerp(a, b, 0.25, a);
    expect(r).toBe(a);
    expect(arr(a)).toEqual([1.5, 2.5]);
    const s = o.addcmul(b, b, b, 1, b); // b + b²
    expect(s).toBe(b);
    expect(arr(b)).toEqual([12, 20]);
    const c = o.copy(a, v(0, 0));
    expect(arr(c)).toEqual([1.5, 2.5]);
    expect(o.copy(a, a)).toBe(a);
  });

  test("per-run scalars: one value is a number, several are an error on a one-run engine", () => {
    expect(o.perRun([0.5])).toBe(0.5);
    expect(() => o.perRun([0.1, 0.2])).toThrow(DslError);
    expect(() => o.perRun([0.1, 0.2])).toThrow(/per-run hyperparameters need a batched backend \(tfjs\), got 2 values/);
    expect(o.name).toBe("float64");
    expect(o.precision).toBe(64);
  });
});
