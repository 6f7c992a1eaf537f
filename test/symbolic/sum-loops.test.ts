/**
 * Long sums compiled as loops (sum-loops.ts): the terms of the root sum are grouped by shape,
 * and every entry point (f, (f, ∇f), ∇²f, ∇²f·v, complex f) computed by loops over the groups
 * equals the straight-line code compiled from the whole expression and its symbolic derivatives.
 */
import { describe, expect, test } from "vitest";
import {
  buildObjective,
  compileComplex,
  compileHvp,
  compileSymmetric,
  compileValue,
  compileValueGrad,
  directional,
  loopComplex,
  loopHessian,
  loopHvp,
  loopValue,
  loopValueGrad,
  MIN_GROUP,
  planSum,
  sym,
  upperEntries,
  ZERO,
  type SymbolicProblem,
  type Sym,
} from "../../src/symbolic/index.js";

const rosen = (n: number) => `sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, ${n / 2})`;
/** A fixed permutation of 1..n, so the loop must read its indices from a table. */
const perm = (n: number) => Array.from({ length: n }, (_v, i) => ((7 * i + 3) % n) + 1);

const CASES: Record<string, string> = {
  "extended Rosenbrock (two shapes, affine indices)": rosen(40),
  "coefficients affine in i": "sum(i * x[i]^2, i, 1, 20)",
  "a variable shared by every term": "sum((x[i] - x[1])^2 + 0.1 exp(x[i] x[1]), i, 2, 21)",
  "a mean (scaled sum) plus terms of other shapes": "(sum(log(1 + exp(x[i] x[i+1])), i, 1, 19) + x[1]^4 - 3 x[2] x[20] + 2) / 19",
  "indices and coefficients from tables": perm(20).map((p, i) => `${((i * i) % 7) + 1} * cos(x[${p}]) * x[${i + 1}]^3`).join(" + "),
  "powers, quotients and functions of two slots": "sum(x[i] / (1 + x[i+1]^2) + atan2(x[i], x[i+1]) + sigmoid(x[i] - x[i+1])^2, i, 1, 19)",
};

function problemOf(src: string): { p: SymbolicProblem; vars: readonly Sym[]; index: Map<Sym, number> } {
  const built = buildObjective(src);
  const p = built.problem as SymbolicProblem;
  return { p, vars: built.vars, index: new Map(built.vars.map((v, i) => [v, i])) };
}

const point = (n: number, seed: number) => Float64Array.from({ length: n }, (_v, i) => 0.3 + 0.6 * Math.sin(seed + 1.7 * i));

/** Max |a − b| / max(‖b‖∞, 1). */
function gap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let s = 1;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return d / s;
}

describe("planSum groups the terms of a sum by shape", () => {
  test("the extended Rosenbrock function: two groups of n/2 terms with affine indices, nothing left", () => {
    const { p, index } = problemOf(rosen(40));
    const plan = planSum(p.expr, index)!;
    expect(plan.scale).toBe(1);
    expect(plan.rest).toBe(ZERO);
    expect(plan.groups.map((g) => g.count)).toEqual([20, 20]);
    for (const g of plan.groups) for (const s of g.index) expect("table" in s, "affine index").toBe(false);
    // 100 (x[2i] − x[2i−1]²)²: slot 0 is x[2i] (index 2t + 1 from 0), slot 1 is x[2i−1] (2t)
    expect(plan.groups[0]!.index).toEqual([{ a: 1, b: 2 }, { a: 0, b: 2 }]);
    expect(plan.groups[0]!.coef).toEqual({ a: 100, b: 0 });
  });

  test("a permutation and irregular coefficients come from tables", () => {
    const { p, index } = problemOf(CASES["indices and coefficients from tables"]!);
    const [g] = planSum(p.expr, index)!.groups;
    expect(g!.index.some((s) => "table" in s)).toBe(true);
    expect("table" in g!.coef).toBe(true);
  });

  test("short sums and sums of distinct shapes stay straight-line code", () => {
    expect(planSum(problemOf(rosen(2 * MIN_GROUP - 2)).p.expr, problemOf(rosen(2 * MIN_GROUP - 2)).index)).toBeNull();
    const mixed = Array.from({ length: 40 }, (_v, i) => (i % 2 ? `sin(x${i})` : `x${i}^${(i % 5) + 2}`)).join(" + ");
    const { p, index } = problemOf(mixed);
    expect(planSum(p.expr, index)).not.toBeNull(); // sin(x_i) is one shape of 20 terms
    const { p: q, index: qi } = problemOf(Array.from({ length: 30 }, (_v, i) => `x${i}^${i + 2}`).join(" + "));
    expect(planSum(q.expr, qi)).toBeNull();
  });
});

describe("loops equal the straight-line code of the whole expression", () => {
  for (const [name, src] of Object.entries(CASES)) {
    test(name, () => {
      const { p, vars, index } = problemOf(src);
      const n = vars.length;
      const plan = planSum(p.expr, index);
      expect(plan, "planned as loops").not.toBeNull();
      const grad = p.gradient;
      const H = p.hessian;
      for (const seed of [1, 2, 3]) {
        const x = point(n, seed);
        expect(gap([loopValue(plan!, index)(x)], [compileValue(p.expr, index)(x)])).toBeLessThan(1e-14);

        const [g1, g2] = [new Float64Array(n), new Float64Array(n)];
        const f1 = loopValueGrad(plan!, index)(x, g1);
        const f2 = compileValueGrad(p.expr, grad, index)(x, g2);
        expect(gap([f1], [f2])).toBeLessThan(1e-14);
        expect(gap(g1, g2)).toBeLessThan(1e-13);

        const [H1, H2] = [new Float64Array(n * n).fill(7), new Float64Array(n * n)];
        loopHessian(plan!, index, n)(x, H1);
        compileSymmetric(n, upperEntries(H), index)(x, H2);
        expect(gap(H1, H2)).toBeLessThan(1e-13);

        const v = point(n, seed + 10);
        const dirs = vars.map((_s, i) => sym(`§w${i}`));
        const hv = directional(grad, new Map(vars.map((s, i) => [s, dirs[i]!])));
        const [o1, o2] = [new Float64Array(n).fill(7), new Float64Array(n)];
        loopHvp(plan!, index)(x, v, o1);
        compileHvp(hv, index, new Map(dirs.map((d, i) => [d, i])))(x, v, o2);
        expect(gap(o1, o2)).toBeLessThan(1e-13);

        const im = new Float64Array(n);
        im[seed] = 1e-20;
        const c1 = loopComplex(plan!, index)(x, im);
        const c2 = compileComplex(p.expr, index)(x, im);
        expect(gap(c1, c2)).toBeLessThan(1e-14);
      }
    });
  }
});

describe("through objective()", () => {
  test("a problem with a plan uses the loops, and its symbolic derivatives are derived only on request", () => {
    const { p } = problemOf(rosen(1000));
    const x = point(1000, 4);
    const g = new Float64Array(1000);
    p.valueAndGradInto(x, g);
    expect((p as unknown as { grad?: unknown }).grad).toBeUndefined();
    expect(p.plan).not.toBeNull();
    const source = String(p.valueGradFn);
    expect(source).toMatch(/for \(let t = 0; t < 500; t\+\+\)/);
    expect(source.length).toBeLessThan(2000);
  });
});
