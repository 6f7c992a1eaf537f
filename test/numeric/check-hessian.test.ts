import { describe, expect, test } from "vitest";
import type { Problem } from "../../src/problem/index.js";
import { checkHessian, fdHessianInto, type HessianSettings } from "../../src/numeric/check-hessian.js";
import { STEP } from "../../src/numeric/step-size.js";
import { correct, mixed, problemOf, rosenbrock, type TestFn } from "./corpus.js";

function settings(p: Problem, o: Partial<HessianSettings> = {}): HessianSettings {
  return { rtol: 1e-6, atol: "auto", h: STEP.central, refine: true, names: p.names, ...o };
}

function withHessBug(fn: TestFn, bug: (H: number[][]) => number[][]): TestFn {
  return { ...fn, hess: (x) => bug(fn.hess!(x)) };
}

describe("fdHessianInto", () => {
  test("central differences of the gradient give the Hessian to ~1e-8 relative on the corpus", () => {
    for (const c of correct.filter((c) => c.fn.hess)) {
      const n = c.at.length;
      const H = new Float64Array(n * n);
      fdHessianInto(problemOf(c.fn), Float64Array.from(c.at), H);
      const ref = c.fn.hess!(c.at);
      const scale = Math.max(...ref.flat().map(Math.abs), 1);
      ref.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(H[i * n + j]! - v) / scale).toBeLessThan(1e-7)));
    }
  });

  test("the result is symmetric and the raw Jacobian is returned on request", () => {
    const H = new Float64Array(9);
    const J = new Float64Array(9);
    fdHessianInto(problemOf(mixed), Float64Array.of(0.3, -1.1, 2.5), H, {}, J);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      expect(H[i * 3 + j]).toBe(H[j * 3 + i]);
      expect(H[i * 3 + j]).toBeCloseTo(0.5 * (J[i * 3 + j]! + J[j * 3 + i]!), 12);
    }
  });
});

describe("checkHessian", () => {
  test.each(correct.filter((c) => c.fn.hess).map((c) => [c.fn.name, c.at, c] as const))("%s at %j: a correct Hessian passes", (_n, at, c) => {
    const p = problemOf(c.fn);
    const r = checkHessian(p, Float64Array.from(at), settings(p));
    expect(r.ok, r.message).toBe(true);
    expect(r.symmetric).toBe(true);
    expect(r.gradientSymmetric).toBe(true);
    expect(r.rows.length).toBe((at.length * (at.length + 1)) / 2);
    expect(r.message).toMatch(/^hessian: pass/);
  });

  test("a wrong off-diagonal entry (a missing factor 2) fails, naming the entry", () => {
    const fn = withHessBug(mixed, (H) => ((H[0]![2] = H[2]![0] = H[0]![2]! / 2), H));
    const p = problemOf(fn);
    const r = checkHessian(p, Float64Array.of(0.3, -1.1, 2.5), settings(p));
    expect(r.ok).toBe(false);
    expect(r.failures.map((k) => r.rows[k]!.name)).toEqual(["H[x,z]"]);
    expect(r.message).toMatch(/^hessian: 1 of 6 entries fail: relative error 5e-1 at H\[x,z\]/);
  });

  test("a 1e-4 relative error on the diagonal fails", () => {
    const fn = withHessBug(rosenbrock, (H) => ((H[1]![1] = H[1]![1]! * (1 + 1e-4)), H));
    const p = problemOf(fn);
    const r = checkHessian(p, Float64Array.of(-1.2, 1), settings(p));
    expect(r.failures.map((k) => r.rows[k]!.name)).toEqual(["H[y,y]"]);
  });

  test("an asymmetric analytic Hessian is caught", () => {
    const fn = withHessBug(rosenbrock, (H) => ((H[1]![0] = 0), H));
    const p = problemOf(fn);
    const r = checkHessian(p, Float64Array.of(-1.2, 1), settings(p));
    expect(r.ok).toBe(false);
    expect(r.symmetric).toBe(false);
    expect(r.message).toMatch(/the analytic Hessian is not symmetric: H\[x,y\] = 480.0 but H\[y,x\] = 0/);
  });

  test("a gradient with swapped entries has an asymmetric Jacobian: the check says the gradient is wrong", () => {
    const swapped: TestFn = { ...mixed, grad: (x) => { const g = mixed.grad(x); return [g[1]!, g[0]!, g[2]!]; } };
    const p = problemOf(swapped);
    const r = checkHessian(p, Float64Array.of(0.3, -1.1, 2.5), settings(p));
    expect(r.gradientSymmetric).toBe(false);
    expect(r.message).toMatch(/the gradient's Jacobian is not symmetric .* check the gradient first/);
  });

  test("the Hessian can come from Hessian-vector products", () => {
    const base = problemOf(mixed);
    const p: Problem = {
      ...base,
      hessianInto: undefined,
      hvpInto: (x, v, out) => {
        const H = mixed.hess!(Array.from(x));
        for (let i = 0; i < 3; i++) out[i] = H[i]!.reduce((s, h, j) => s + h * v[j]!, 0);
      },
    };
    expect(checkHessian(p, Float64Array.of(0.3, -1.1, 2.5), settings(p)).ok).toBe(true);
  });

  test("no Hessian at all is a DslError", () => {
    const p = problemOf({ ...mixed, hess: undefined });
    expect(() => checkHessian(p, Float64Array.of(0.3, -1.1, 2.5), settings(p))).toThrow(/needs an analytic Hessian/);
  });

  test("skipped coordinates (kinks) are reported but not judged", () => {
    const fn = withHessBug(mixed, (H) => ((H[0]![0] = 99), H));
    const p = problemOf(fn);
    const r = checkHessian(p, Float64Array.of(0.3, -1.1, 2.5), settings(p, { skip: [0] }));
    expect(r.ok).toBe(true);
    expect(r.rows.filter((x) => x.skipped).map((x) => x.name)).toEqual(["H[x,x]", "H[x,y]", "H[x,z]"]);
    expect(r.message).toMatch(/entries along x not judged/);
  });

  test("refinement: at x⁴'s minimum the numeric 4h² error on an exactly-zero Hessian is measured away", () => {
    const quartic: Problem = {
      n: 1,
      names: ["x"],
      valueAt: (x) => x[0]! ** 4,
      valueAndGradInto: (x, g) => ((g[0] = 4 * x[0]! ** 3), x[0]! ** 4),
      hessianInto: (x, H) => void (H[0] = 12 * x[0]! ** 2),
    };
    expect(checkHessian(quartic, Float64Array.of(0), settings(quartic, { refine: false })).ok).toBe(false);
    expect(checkHessian(quartic, Float64Array.of(0), settings(quartic)).ok).toBe(true);
  });
});
