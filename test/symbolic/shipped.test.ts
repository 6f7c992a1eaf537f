/**
 * The compilers record how each closure was made (src/symbolic/shipped.ts): rebuilding it from
 * the record (as the explore page does) computes the same numbers, for straight-line code, loops
 * over a sum's terms and loops over data rows.
 */
import { describe, expect, test } from "vitest";
import { COMPLEX_RUNTIME } from "../../src/symbolic/complex-runtime.js";
import { buildObjective, RUNTIME, shippedCode, type ShippedArg, type ShippedCode } from "../../src/symbolic/index.js";
import { SymbolicDataProblem, SymbolicProblem } from "../../src/symbolic/index.js";

function rebuild(c: ShippedCode): (...a: unknown[]) => number {
  const args = c.args.map((a: ShippedArg): unknown => {
    switch (a.kind) {
      case "runtime": return RUNTIME;
      case "complex-runtime": return COMPLEX_RUNTIME;
      case "scratch": return new Float64Array(a.size);
      case "arrays": return a.arrays.map((x) => x.slice());
      case "number": return a.value;
      case "code": return rebuild(a.code);
      case "undefined": return undefined;
    }
  });
  return new Function(...c.params, c.body)(...args);
}

describe("shippedCode", () => {
  test("a straight-line (f, ∇f) rebuilds to the same numbers", () => {
    const p = buildObjective("log(1 + x^2) + sigmoid(x*y) - y^3").problem as SymbolicProblem;
    const code = shippedCode(p.valueGradFn)!;
    expect(code.params).toEqual(["R", "s"]);
    const again = rebuild(code);
    const x = new Float64Array([0.3, -1.7]);
    const g1 = new Float64Array(2), g2 = new Float64Array(2);
    expect(again(x, g2)).toBe(p.valueGradFn(x, g1));
    expect(Array.from(g2)).toEqual(Array.from(g1));
  });

  test("a sum compiled as a loop (index tables, a straight-line rest) rebuilds to the same numbers", () => {
    const p = buildObjective("sum(100*(x[2*i] - x[2*i-1]^2)^2 + (1 - x[2*i-1])^2, i, 1, 50) + x[1]*x[3]").problem as SymbolicProblem;
    expect(p.plan).not.toBeNull();
    const code = shippedCode(p.valueGradFn)!;
    expect(code.args.some((a) => a.kind === "code")).toBe(true); // the rest
    const x = Float64Array.from({ length: 100 }, (_, i) => 0.5 * Math.cos(i));
    const g1 = new Float64Array(100), g2 = new Float64Array(100);
    expect(rebuild(code)(x, g2)).toBe(p.valueGradFn(x, g1));
    expect(Array.from(g2)).toEqual(Array.from(g1));
  });

  test("a data-backed loop carries its columns", () => {
    const xs = Array.from({ length: 50 }, (_, i) => i / 10);
    const b = buildObjective("(w*x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: xs.map((v) => 2 * v + 1) }, reduce: "mean" });
    const p = b.problem as SymbolicDataProblem;
    const x = new Float64Array([0.5, -0.2]);
    const g1 = new Float64Array(2), g2 = new Float64Array(2);
    const v1 = p.batchValueAndGradInto(x, g1, null);
    const fn = (p as unknown as { fns: { g: unknown } }).fns.g;
    const code = shippedCode(fn)!;
    expect(code.args.find((a) => a.kind === "arrays")).toMatchObject({ kind: "arrays" });
    expect(rebuild(code)(x, g2, null)).toBe(v1);
    expect(Array.from(g2)).toEqual(Array.from(g1));
  });

  test("a function the compilers did not build has no record", () => {
    expect(shippedCode((x: number) => x)).toBeUndefined();
    expect(shippedCode(null)).toBeUndefined();
  });
});
