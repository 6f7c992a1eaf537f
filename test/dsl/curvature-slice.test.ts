/**
 * `curvature.slice(f, { at, direction, range, points })`: the objective along a line, its slope
 * and curvature at the point, and bad options.
 */
import { expect, test } from "vitest";
import { curvature, DslError, nn, objective, rng, tree } from "../../dsl/index.js";
import { format } from "../../src/display/index.js";

const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");

test("at Rosenbrock's minimum, along the top eigenvector: the values, and the curvature is λ_max", () => {
  const s = curvature.slice(rosen, { at: [1, 1], range: [-0.1, 0.1], points: 21 });
  expect(s.t).toHaveLength(21);
  expect(s.t[0]).toBe(-0.1);
  expect(s.t[20]).toBe(0.1);
  expect(s.delta[10]).toBe(0);
  expect(s.eigenvalue).toBeCloseTo(1001.6, 1);
  expect(s.curvature).toBeCloseTo(s.eigenvalue!, 8);
  expect(Math.abs(s.slope)).toBeLessThan(1e-12);
  expect(Math.hypot(...s.direction)).toBeCloseTo(1, 12);
  // every value is f at the point on the line
  s.t.forEach((t, k) => expect(s.values[k]).toBe(rosen.value([1 + t * s.direction[0]!, 1 + t * s.direction[1]!])));
  // near 0 the slice is its quadratic model: ½λt² to third order
  expect(s.delta[11]! / (0.5 * s.curvature * 0.01 ** 2)).toBeCloseTo(1, 1);
});

test("a given direction is normalized; slope and curvature are ∇f·d and dᵀHd", () => {
  const at = [-1.2, 1];
  const s = curvature.slice(rosen, { at, direction: [3, 4], points: 3 });
  expect(s.direction).toEqual([0.6, 0.8]);
  const g = rosen.grad(at);
  expect(s.slope).toBeCloseTo(0.6 * g[0]! + 0.8 * g[1]!, 10);
  const H = rosen.hess(at);
  expect(s.curvature).toBeCloseTo(0.36 * H[0]![0]! + 2 * 0.48 * H[0]![1]! + 0.64 * H[1]![1]!, 8);
  expect(s.eigenvalue).toBeUndefined();
});

test("a network's loss: a tree direction, and random directions seeded", async () => {
  const x = rng(9).normal([24, 2]) as number[][];
  const net = nn.mlp([2, 6, 1], { activation: "tanh", seed: 2 });
  const L = nn.loss(net, { x, y: x.map((v) => [v[0]! - v[1]!]) }, "mse");
  const g = L.grad(net.params);
  const s = curvature.slice(L, { at: net.params, direction: g, range: [-0.5, 0.5], points: 11 });
  // along the gradient the slope is +‖∇L‖
  expect(s.slope).toBeCloseTo(tree.globalNorm(g), 10);
  const a = curvature.slice(L, { at: net.params, direction: "random", seed: 4 });
  const b = curvature.slice(L, { at: net.params, direction: "random", seed: 4 });
  expect(a.direction).toEqual(b.direction);
  expect(curvature.slice(L, { at: net.params, direction: "random", seed: 5 }).direction).not.toEqual(a.direction);
  const shown = await format(s);
  expect(shown["text/plain"]).toMatch(/^f along the given direction through .*: Δf from .* slope .*, curvature /);
  expect(JSON.stringify(shown)).toContain("The objective along the given direction");
});

test("bad options say what was expected", () => {
  const bad = (o: object) => {
    try {
      curvature.slice(rosen, { at: [0, 0], ...o } as never);
    } catch (e) {
      expect(e).toBeInstanceOf(DslError);
      return (e as Error).message;
    }
    throw new Error("expected a DslError");
  };
  expect(bad({ range: [1, -1] })).toMatch(/curvature\.slice: range must be \[lo, hi\] with finite lo < hi, got/);
  expect(bad({ points: 2 })).toMatch(/curvature\.slice: points must be an integer in \[3, 10001\], got 2/);
  expect(bad({ direction: [0, 0] })).toMatch(/curvature\.slice: the direction must be finite and nonzero, its norm is 0/);
  expect(bad({ direction: "steepest" })).toMatch(/curvature\.slice: direction must be "top", "random" or a vector shaped like the point/);
  expect(bad({ direction: [1, 2, 3] })).toMatch(/direction/);
});
