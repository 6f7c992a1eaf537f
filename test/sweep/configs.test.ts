import { expect, test } from "vitest";
import { gridPoints, randomPoints, startPoints } from "../../src/sweep/index.js";

test("a grid is the Cartesian product in order, first key slowest", () => {
  expect(gridPoints({ lr: [1, 2], m: [0, 0.5, 0.9] })).toEqual([
    { lr: 1, m: 0 }, { lr: 1, m: 0.5 }, { lr: 1, m: 0.9 },
    { lr: 2, m: 0 }, { lr: 2, m: 0.5 }, { lr: 2, m: 0.9 },
  ]);
  expect(() => gridPoints({ lr: [] })).toThrow(/grid.lr must be a non-empty array of values, got \[\]/);
});

test("random search is seeded, in range, log-uniform where asked", () => {
  const a = randomPoints({ lr: { min: 1e-4, max: 1, log: true }, m: [0, 0.99], opt: { values: ["adam", "sgd"] } }, 2000, 5);
  expect(randomPoints({ lr: [0, 1] }, 3, 5)).toEqual(randomPoints({ lr: [0, 1] }, 3, 5));
  expect(a.every((p) => (p.lr as number) >= 1e-4 && (p.lr as number) <= 1 && (p.m as number) >= 0 && (p.m as number) <= 0.99)).toBe(true);
  // log-uniform: about a quarter of the draws in each decade
  const inDecade = a.filter((p) => (p.lr as number) < 1e-3).length / a.length;
  expect(inDecade).toBeGreaterThan(0.2);
  expect(inDecade).toBeLessThan(0.3);
  expect(new Set(a.map((p) => p.opt))).toEqual(new Set(["adam", "sgd"]));
  expect(() => randomPoints({ lr: { min: 0, max: 1, log: true } }, 3, 0)).toThrow(/log-uniform, so min must be > 0/);
  expect(() => randomPoints({ lr: [0, 1] }, 0, 0)).toThrow(/samples must be a positive integer/);
});

test("starts: one point, a list, or a grid by variable", () => {
  const names = ["x", "y", "z"];
  expect(startPoints(names, [1, 2, 3], undefined).points.map((p) => Array.from(p))).toEqual([[1, 2, 3]]);
  expect(startPoints(names, { x: 1, y: 2, z: 3 }, undefined).points.map((p) => Array.from(p))).toEqual([[1, 2, 3]]);
  const g = startPoints(names, undefined, { x: [0, 1], y: [5, 6, 7], base: [9, 9, 9] });
  expect(g.points.map((p) => Array.from(p))).toEqual([[0, 5, 9], [0, 6, 9], [0, 7, 9], [1, 5, 9], [1, 6, 9], [1, 7, 9]]);
  expect(g.grid).toEqual({ names: ["x", "y"], x: [0, 1], y: [5, 6, 7] });
  expect(() => startPoints(names, [1, 2], undefined)).toThrow(/from has 2 values, the objective has 3 variables \(x, y, z\)/);
  expect(() => startPoints(names, undefined, { w: [1] })).toThrow(/'w' is not a variable/);
  expect(() => startPoints(names, undefined, undefined)).toThrow(/a start point is required/);
  expect(() => startPoints(names, [1, 2, 3], [[1, 2, 3]])).toThrow(/give from \(one start\) or starts \(several\), not both/);
});
