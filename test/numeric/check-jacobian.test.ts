import { describe, expect, test } from "vitest";
import { checkJacobian, type VectorFunction } from "../../src/numeric/check-jacobian.js";
import { STEP } from "../../src/numeric/step-size.js";

const settings = { rtol: 1e-6, atol: "auto" as const, h: STEP.central, refine: true, directions: 0, seed: 1 };
const F: VectorFunction = {
  n: 2,
  m: 2,
  inNames: ["x", "y"],
  outNames: ["u", "v"],
  valueInto: (x, o) => {
    o[0] = x[0]! * x[1]!;
    o[1] = Math.sin(x[0]!) + Math.abs(x[1]!);
  },
};

describe("checkJacobian", () => {
  test("the doc example: a correct Jacobian passes with 2n evaluations", () => {
    const r = checkJacobian(F, { kind: "jacobian", jacobianInto: (x, J) => J.set([x[1]!, x[0]!, Math.cos(x[0]!), Math.sign(x[1]!)]) }, Float64Array.of(1, 2), settings);
    expect(r.ok).toBe(true);
    expect(r.evaluations).toBe(5);
    expect(r.rows.map((x) => x.name)).toEqual(["(u, x)", "(u, y)", "(v, x)", "(v, y)"]);
  });

  test("a kink of |y| at 0: either one-sided derivative is accepted, a wrong value fails", () => {
    const jac = (d: number) => ({ kind: "jacobian" as const, jacobianInto: (x: Float64Array, J: Float64Array) => J.set([x[1]!, x[0]!, Math.cos(x[0]!), d]) });
    for (const d of [1, -1, 0]) expect(checkJacobian(F, jac(d), Float64Array.of(1, 0), settings).verdict).toBe("kink");
    expect(checkJacobian(F, jac(2), Float64Array.of(1, 0), settings).verdict).toBe("fail");
  });

  test("vjp and jvp give the same entries as the Jacobian", () => {
    const J = (x: Float64Array) => [x[1]!, x[0]!, Math.cos(x[0]!), Math.sign(x[1]!)];
    const vjp = checkJacobian(F, { kind: "vjp", vjpInto: (x, v, o) => { const j = J(x); o[0] = v[0]! * j[0]! + v[1]! * j[2]!; o[1] = v[0]! * j[1]! + v[1]! * j[3]!; } }, Float64Array.of(0.3, 2), settings);
    const jvp = checkJacobian(F, { kind: "jvp", jvpInto: (x, t, o) => { const j = J(x); o[0] = j[0]! * t[0]! + j[1]! * t[1]!; o[1] = j[2]! * t[0]! + j[3]! * t[1]!; } }, Float64Array.of(0.3, 2), settings);
    expect(vjp.ok && jvp.ok).toBe(true);
    expect(vjp.products).toBe(2);
    expect(jvp.products).toBe(2);
    expect(vjp.rows.map((r) => r.analytic)).toEqual(jvp.rows.map((r) => r.analytic));
  });
});
