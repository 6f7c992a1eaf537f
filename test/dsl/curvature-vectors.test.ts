/**
 * `curvature.eigenvalues(f, { at, vectors: true })`: unit eigenvectors with the eigenvalues, dense
 * and by Lanczos, checked as eigenpairs through the objective's own Hessian-vector products.
 */
import { expect, test } from "vitest";
import { curvature, nn, objective, rng, tree } from "../../dsl/index.js";

const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");

/** ‖H v − λ v‖ / |λ| for a flat v, through hvp. */
function residual(hvp: (v: number[]) => ArrayLike<number>, lambda: number, v: number[]): number {
  const hv = Array.from(hvp(v));
  return Math.hypot(...hv.map((h, i) => h - lambda * v[i]!)) / Math.abs(lambda);
}

test("dense: the Rosenbrock Hessian at (1, 1), both ends, vectors in the order of values", () => {
  const r = curvature.eigenvalues(rosen, { at: [1, 1], which: "both", vectors: true });
  expect(r.vectors).toHaveLength(2);
  const [top, bottom] = r.vectors!;
  // H = [[802, -400], [-400, 200]]: top eigenvector ∝ (1, −0.499)
  expect(Math.abs(top![0]!)).toBeCloseTo(0.8948, 4);
  expect(top![1]! / top![0]!).toBeCloseTo(-0.499, 3);
  expect(Math.hypot(...top!)).toBeCloseTo(1, 12);
  expect(top![0]! * bottom![0]! + top![1]! * bottom![1]!).toBeCloseTo(0, 12);
  r.values.forEach((lam, i) => expect(residual((v) => rosen.hvp([1, 1], v), lam, r.vectors![i]!)).toBeLessThan(1e-12));
});

test("no vectors unless asked", () => {
  expect(curvature.eigenvalues(rosen, { at: [1, 1] }).vectors).toBeUndefined();
});

test("Lanczos on a network's loss: the top-2 eigenpairs, flat in the params' order", () => {
  const x = rng(5).normal([32, 2]) as number[][];
  const net = nn.mlp([2, 12, 12, 1], { activation: "tanh", seed: 1 });
  const L = nn.loss(net, { x, y: x.map((v) => [v[0]! * v[1]!]) }, "mse");
  expect(L.n).toBeGreaterThanOrEqual(64); // Lanczos, not the dense path
  const r = curvature.eigenvalues(L, { at: net.params, k: 2, vectors: true });
  expect(r.method).toBe("lanczos");
  expect(r.vectors).toHaveLength(2);
  for (let i = 0; i < 2; i++) {
    const v = r.vectors![i]!;
    expect(v).toHaveLength(L.n);
    expect(Math.hypot(...v)).toBeCloseTo(1, 10);
    const hv = tree.flatten(L.hvp(net.params, L.unflatten(v))).values;
    expect(residual(() => hv, r.values[i]!, v)).toBeLessThan(1e-6);
  }
});
