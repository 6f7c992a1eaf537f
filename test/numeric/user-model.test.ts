/**
 * User code { f, grad, hess? } as a Problem (user-model.ts), as gradcheck, optimize and theory
 * see it: outputs are copied out and checked, with messages naming who asked and the coordinate.
 */
import { describe, expect, test } from "vitest";
import { DslError } from "../../src/errors/index.js";
import { isUserModel, UserModelProblem } from "../../src/numeric/index.js";
import { gd, optimize, theory } from "../../dsl/index.js";

const quad = { f: ([x, y]: number[]) => x! * x! + 3 * y! * y!, grad: ([x, y]: number[]) => [2 * x!, 6 * y!], hess: () => [[2, 0], [0, 6]] };

function error(fn: () => unknown): DslError {
  try {
    fn();
  } catch (e) {
    return e as DslError;
  }
  throw new Error("expected a DslError");
}

describe("UserModelProblem", () => {
  test("evaluates f, the gradient and the Hessian into the caller's buffers", () => {
    expect(isUserModel(quad)).toBe(true);
    expect(isUserModel({ f: () => 0 })).toBe(false);
    const p = new UserModelProblem(quad, 2, { who: "gradcheck", point: "at" });
    expect(p.names).toEqual(["x[0]", "x[1]"]);
    const g = new Float64Array(2);
    expect(p.valueAndGradInto(Float64Array.of(1, 2), g)).toBe(13);
    expect(Array.from(g)).toEqual([2, 12]);
    const H = new Float64Array(4);
    p.hessianInto!(Float64Array.of(1, 2), H);
    expect(Array.from(H)).toEqual([2, 0, 0, 6]);
  });

  test("bad outputs are named, with who asked and where the point came from", () => {
    const short = new UserModelProblem({ ...quad, grad: () => [1] }, 2, { who: "optimize", point: "from" });
    const e = error(() => short.valueAndGradInto(Float64Array.of(1, 2), new Float64Array(2)));
    expect(e.code).toBe("bad-output");
    expect(e.message).toBe("optimize: grad(p) returned 1 value, expected 2 (one per parameter; from has 2)");
    const nan = { ...quad, grad: () => [1, NaN] };
    expect(error(() => new UserModelProblem(nan, 2, { who: "gradcheck", point: "at", names: ["a", "b"] }).valueAndGradInto(Float64Array.of(0, 0), new Float64Array(2))).message).toBe("gradcheck: grad(p)[1] (b) is NaN");
    // Optimizers report non-finite values as divergence instead.
    const g = new Float64Array(2);
    new UserModelProblem(nan, 2, { who: "optimize", point: "from", finite: false }).valueAndGradInto(Float64Array.of(0, 0), g);
    expect(g[1]).toBeNaN();
  });

  test("through optimize and theory", () => {
    expect(optimize(quad, gd({ lr: 0.1 }), { from: [1, 1], steps: 100 }).x[0]).toBeCloseTo(0, 8);
    expect(optimize({ ...quad, grad: () => [NaN, 0] }, gd({ lr: 0.1 }), { from: [1, 1], steps: 5 }).status).toBe("diverged");
    expect(error(() => optimize({ ...quad, grad: () => [1, 2, 3] }, gd(), { from: [1, 1] })).message).toMatch(/^optimize: grad\(p\) returned 3 values, expected 2/);
    expect(theory(quad, { at: [0, 0] }).kappa).toBe(3);
    expect(error(() => theory({ ...quad, hess: undefined, grad: () => "1" as never }, { at: [0, 0] })).message).toMatch(/^theory: grad\(p\) must return an array of 2 numbers, got "1"/);
  });
});
