import { expect, test } from "vitest";
import { eigSym } from "../../../src/numeric/eig-sym.js";
import { hessianSpectrum, sharpnessAlong } from "../../../src/numeric/curvature/index.js";
import { knownSpectrum, quarticBowl, rosenbrock } from "./problems.js";

test("the dense spectrum of the Rosenbrock Hessian at (1, 1) is 501 ± √(301² + 400²)", () => {
  const { values, method } = hessianSpectrum(rosenbrock, new Float64Array([1, 1]));
  expect(method).toBe("exact");
  const r = Math.hypot(301, 400);
  expect(values[0]).toBeCloseTo(501 - r, 10);
  expect(values[1]).toBeCloseTo(501 + r, 10);
});

test("sharpness along a trajectory: dense for small n, Lanczos (finite-difference HVPs) at n = 80, against the dense Hessian", () => {
  const small = sharpnessAlong(rosenbrock, [[-1.2, 1], [0, 0], [1, 1]], { smallest: true });
  expect(small.steps).toEqual([0, 1, 2]);
  expect(small.sharpness[1]).toBeCloseTo(200, 8); // H(0,0) = diag(2, 200)
  expect(small.smallest![1]).toBeCloseTo(2, 8);

  const n = 80;
  const p = quarticBowl(knownSpectrum(n).map((v) => v - 3)); // indefinite at the origin
  const pts = [0, 1, 2, 3, 4].map((t) => Float64Array.from({ length: n }, (_, i) => t * 0.3 * Math.sin(i + t)));
  const tr = sharpnessAlong(p, pts, { every: 2, smallest: true });
  expect(tr.steps).toEqual([0, 2, 4]);
  expect(tr.converged).toBe(true);
  tr.steps.forEach((s, j) => {
    const ref = eigSym(p.hessian(pts[s]!), n).values;
    expect(Math.abs(tr.sharpness[j]! - ref[n - 1]!) / ref[n - 1]!).toBeLessThan(1e-7);
    expect(Math.abs(tr.smallest![j]! - ref[0]!)).toBeLessThan(1e-5 * ref[n - 1]!);
  });
});
