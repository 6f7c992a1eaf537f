/**
 * Code generation (codegen.ts) and the compiled closures (compile.ts): CSE, constant folding,
 * integer powers, the split mode for large programs, the symmetric Hessian and the HVP.
 */
import { describe, expect, test } from "vitest";
import {
  compileSymmetric,
  compileValue,
  gradient,
  parseExpression,
  programSource,
  RUNTIME,
  SymbolicProblem,
  sym,
  type Expr,
  type Sym,
} from "../../src/symbolic/index.js";

function setup(src: string, names: string[]) {
  const f = parseExpression(src).expr;
  const vars = names.map(sym);
  return { f, vars, index: new Map<Sym, number>(vars.map((v, i) => [v, i])) };
}
const symbols = (index: Map<Sym, number>) => (s: Sym) => `x[${index.get(s)}]`;

describe("code generation", () => {
  test("a shared subexpression is computed once (CSE through hash-consing)", () => {
    const { f, index } = setup("sin(x + y) * cos(x + y) + (x + y)^2", ["x", "y"]);
    const { source } = programSource({ params: ["x"], symbol: symbols(index), outputs: [], returns: f });
    expect(source.match(/x\[0\] \+ x\[1\]/g)).toHaveLength(1);
    expect(compileValue(f, index)(Float64Array.of(0.3, 0.4))).toBeCloseTo(Math.sin(0.7) * Math.cos(0.7) + 0.49, 15);
  });

  test("constant subexpressions are folded at compile time", () => {
    const { f, index } = setup("pi x + log(2) + sqrt(2) y", ["x", "y"]);
    const { source } = programSource({ params: ["x"], symbol: symbols(index), outputs: [], returns: f });
    expect(source).not.toMatch(/Math\.(PI|log|sqrt)/);
    expect(compileValue(f, index)(Float64Array.of(1, 1))).toBeCloseTo(Math.PI + Math.LN2 + Math.SQRT2, 15);
  });

  test("integer powers are multiplications; halves are Math.sqrt", () => {
    const { f, index } = setup("x^3 + x^-2 + y^0.5 + y^1.5", ["x", "y"]);
    const { source } = programSource({ params: ["x"], symbol: symbols(index), outputs: [], returns: f });
    expect(source).not.toContain("Math.pow");
    expect(compileValue(f, index)(Float64Array.of(-1.5, 2))).toBeCloseTo(-3.375 + 1 / 2.25 + Math.SQRT2 + 2 * Math.SQRT2, 14);
  });

  test("large programs are split into chunks sharing a scratch array, with the same results", () => {
    const n = 1000;
    const src = `sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, ${n / 2})`;
    const f = parseExpression(src).expr;
    const vars = Array.from({ length: n }, (_v, i) => sym(`x[${i + 1}]`));
    const index = new Map(vars.map((v, i) => [v, i]));
    const g = gradient(f, vars);
    const spec = { params: ["x", "g"], symbol: symbols(index), outputs: g.map((e, k) => ({ expr: e, write: (c: string) => `g[${k}] = ${c};` })), returns: f };
    const local = programSource(spec, Infinity);
    const split = programSource(spec, 1000, 2000);
    expect(local.slots).toBe(0);
    expect(split.slots).toBeGreaterThan(0);
    expect(split.source.match(/function c\d+/g)!.length).toBeGreaterThan(10);
    const make = (p: { source: string; slots: number }) => new Function("R", "s", p.source)(RUNTIME, new Float64Array(Math.max(1, p.slots))) as (x: Float64Array, g: Float64Array) => number;
    const x = Float64Array.from({ length: n }, (_v, i) => Math.sin(i));
    const [g1, g2] = [new Float64Array(n), new Float64Array(n)];
    expect(make(split)(x, g2)).toBe(make(local)(x, g1));
    expect(Array.from(g2)).toEqual(Array.from(g1));
  });
});

describe("compiled Hessian and Hessian-vector product", () => {
  test("compileSymmetric writes each upper entry at (i, j) and (j, i) and zero-fills the rest", () => {
    const x = sym("x");
    const H = compileSymmetric(3, [{ i: 0, j: 1, expr: x as Expr }, { i: 2, j: 2, expr: x as Expr }], new Map([[x, 0]]));
    const out = new Float64Array(9).fill(7);
    H(Float64Array.of(5), out);
    expect(Array.from(out)).toEqual([0, 5, 0, 5, 0, 0, 0, 0, 5]);
  });

  test("∇²f·v from the directional derivative of ∇f equals the Hessian times v", () => {
    const { f, vars } = setup("exp(x y) + sin(x z) + y^3 z / (1 + x^2)", ["x", "y", "z"]);
    const p = new SymbolicProblem(f, vars);
    const x = Float64Array.of(0.3, -0.7, 1.1);
    const v = Float64Array.of(0.5, 2, -1);
    const H = new Float64Array(9);
    p.hessianInto(x, H);
    const hv = new Float64Array(3);
    p.hvpInto(x, v, hv);
    for (let i = 0; i < 3; i++) {
      const ref = H[3 * i]! * v[0]! + H[3 * i + 1]! * v[1]! + H[3 * i + 2]! * v[2]!;
      expect(hv[i]).toBeCloseTo(ref, 12);
    }
  });

  test("named constants are bound when compiling and kept in the expression", () => {
    const { f } = setup("a x^2 + b", ["x"]);
    const p = new SymbolicProblem(f, [sym("x")], new Map([[sym("a"), 3], [sym("b"), 1]]));
    expect(p.valueAt(Float64Array.of(2))).toBe(13);
    const g = new Float64Array(1);
    p.valueAndGradInto(Float64Array.of(2), g);
    expect(g[0]).toBe(12);
  });

  test("the hot entry points return NaN/Infinity instead of throwing (optimizers detect divergence)", () => {
    const { f, vars } = setup("log(x) + 1/y", ["x", "y"]);
    const p = new SymbolicProblem(f, vars);
    expect(p.valueAt(Float64Array.of(-1, 1))).toBeNaN();
    expect(p.valueAt(Float64Array.of(1, 0))).toBe(Infinity);
  });
});
