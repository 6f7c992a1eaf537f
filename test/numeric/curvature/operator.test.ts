import { expect, test } from "vitest";
import { denseHessian, hvpOperator, HVP_STEP } from "../../../src/numeric/curvature/index.js";
import { extendedRosenbrock, extendedRosenbrockHessian, rosenbrock } from "./problems.js";

test("finite-difference Hessian-vector products match the exact Hessian to ~1e-8 relative", () => {
  const n = 50;
  const p = extendedRosenbrock(n);
  const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const H = extendedRosenbrockHessian(x);
  const op = hvpOperator(p, x);
  expect(op.method).toBe("finite-difference");
  const v = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * i));
  const out = new Float64Array(n);
  op.apply(v, out);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += H[i * n + j]! * v[j]!;
    err = Math.max(err, Math.abs(out[i]! - s));
    scale = Math.max(scale, Math.abs(s));
  }
  expect(err / scale).toBeLessThan(1e-8);
  expect(HVP_STEP).toBeCloseTo(6.055e-6, 8);
});

test("hvpInto is used when present; 'exact' without it is an error naming what is missing", () => {
  const p = { ...extendedRosenbrock(3), hvpInto: (_x: Float64Array, v: Float64Array, out: Float64Array) => out.set(v) };
  const op = hvpOperator(p, new Float64Array(3));
  expect(op.method).toBe("exact");
  expect(() => hvpOperator(extendedRosenbrock(3), new Float64Array(3), { method: "exact" })).toThrow(/needs Hessian-vector products \(hvpInto\)/);
});

test("denseHessian uses hessianInto, else finite differences of gradients", () => {
  const x = new Float64Array([1, 1]);
  expect(Array.from(denseHessian(rosenbrock, x).H)).toEqual([802, -400, -400, 200]);
  const { H, method } = denseHessian(rosenbrock, x, { method: "finite-difference" });
  expect(method).toBe("finite-difference");
  [802, -400, -400, 200].forEach((h, i) => expect(H[i]).toBeCloseTo(h, 5));
});
