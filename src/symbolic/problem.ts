/**
 * `SymbolicProblem`: an expression, its variables and named constants, with the symbolic
 * gradient and Hessian derived on first use and the compiled float64 closures of the `Problem`
 * interface (src/problem) built on first use.
 *
 * The hot entry points (`valueAt`, `valueAndGradInto`, `hessianInto`, `hvpInto`) allocate
 * nothing and do not check their results: they may return NaN or ±Infinity (optimizers detect
 * divergence themselves). User-facing checks live in the DSL's `Objective`.
 *
 * A long sum of terms of one shape (an indexed `sum(…, i, lo, hi)`) compiles to loops over its
 * terms (`sum-loops.ts`): then (f, ∇f), ∇²f and ∇²f·v need only the derivatives of one term, and
 * the symbolic ∇f and ∇²f of the whole sum are derived only when someone asks for them.
 */
import type { Problem } from "../problem/index.js";
import { DslError } from "../errors/index.js";
import { isStackOverflow } from "./parse.js";
import { compileHvp, compileSymmetric, compileValue, compileValueGrad, upperEntries, type HvpFn, type MatrixFn, type ValueFn, type ValueGradFn } from "./compile.js";
import { compileComplex, type ComplexFn } from "./complex.js";
import { Differentiator, directional } from "./derivative.js";
import type { Expr, Sym } from "./ir.js";
import { num, substituteSyms, sym } from "./simplify.js";
import { loopComplex, loopHessian, loopHvp, loopValue, loopValueGrad } from "./sum-loops.js";
import { planSum, type SumPlan } from "./sum-plan.js";

/**
 * Runs a recursive stage (differentiation recurses on the nesting depth of f; V8 compiles the
 * generated source with a recursive parser) and turns a stack overflow into a "too-deep" error.
 * Long flat sums and products never get here: they are n-ary nodes, walked in loops.
 */
function guardDepth<T>(stage: "differentiate" | "compile", f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    throw new DslError("too-deep", `objective: the expression is nested too deeply to ${stage} (parentheses, calls or powers inside each other, thousands of levels): flat sums and products of any length are fine, so write long sums as a + b + … or sum(term, i, lo, hi)`, { path: "objective" });
  }
}

/** The symbolic core of an objective: f, its variables, its constants, derivatives on demand. */
export class SymbolicProblem implements Problem {
  readonly n: number;
  readonly names: readonly string[];
  private readonly index: Map<Sym, number>;
  private readonly diff = new Differentiator();
  private grad?: Expr[];
  private hess?: Expr[][];
  private bound?: Expr;
  private planned?: SumPlan | null;
  private fns: { value?: ValueFn; valueGrad?: ValueGradFn; hessian?: MatrixFn; hvp?: HvpFn; complex?: ComplexFn } = {};

  /**
   * @param expr f, with variables and named constants as symbols.
   * @param vars the variables, in order (the parameter vector's layout).
   * @param constants values of named constants (substituted when compiling; kept in displays).
   */
  constructor(readonly expr: Expr, readonly vars: readonly Sym[], readonly constants: ReadonlyMap<Sym, number> = new Map()) {
    this.n = vars.length;
    this.names = vars.map((v) => v.name);
    this.index = new Map(vars.map((v, i) => [v, i]));
  }

  /** ∇f as expressions (derived on first use). */
  get gradient(): readonly Expr[] {
    this.grad ??= guardDepth("differentiate", () => this.diff.gradient(this.expr, this.vars));
    return this.grad;
  }

  /** ∇²f as expressions (derived on first use from the gradient; exactly symmetric). */
  get hessian(): readonly (readonly Expr[])[] {
    this.hess ??= guardDepth("differentiate", () => this.diff.hessian(this.gradient, this.vars));
    return this.hess;
  }

  /** Expressions with the named constants replaced by their values (what gets compiled). */
  bind(roots: readonly Expr[]): Expr[] {
    if (this.constants.size === 0) return [...roots];
    return substituteSyms(roots, (s) => {
      const v = this.constants.get(s);
      return v === undefined ? undefined : num(v);
    });
  }

  /** f with the constants bound. */
  private get boundExpr(): Expr {
    return (this.bound ??= this.bind([this.expr])[0]!);
  }

  /** How f compiles to loops over the terms of its root sum, or null (straight-line code). */
  get plan(): SumPlan | null {
    if (this.planned === undefined) this.planned = planSum(this.boundExpr, this.index);
    return this.planned;
  }

  /** The compiled f (built on first use). */
  get valueFn(): ValueFn {
    return (this.fns.value ??= guardDepth("compile", () => (this.plan ? loopValue(this.plan, this.index) : compileValue(this.boundExpr, this.index))));
  }

  /** The compiled (f, ∇f) (built on first use). */
  get valueGradFn(): ValueGradFn {
    if (this.fns.valueGrad === undefined) {
      if (this.plan) this.fns.valueGrad = loopValueGrad(this.plan, this.index);
      else {
        const [f, ...grad] = this.bind([this.expr, ...this.gradient]);
        this.fns.valueGrad = guardDepth("compile", () => compileValueGrad(f!, grad, this.index));
      }
    }
    return this.fns.valueGrad;
  }

  /** The compiled ∇²f (built on first use). */
  get hessianFn(): MatrixFn {
    if (this.fns.hessian === undefined && this.plan) this.fns.hessian = loopHessian(this.plan, this.index, this.n);
    if (this.fns.hessian === undefined) {
      const entries = upperEntries(this.hessian);
      const bound = this.bind(entries.map((e) => e.expr));
      this.fns.hessian = compileSymmetric(this.n, entries.map((e, k) => ({ ...e, expr: bound[k]! })), this.index);
    }
    return this.fns.hessian;
  }

  /** The compiled ∇²f·v: the directional derivative of ∇f along v (no Hessian formed). */
  get hvpFn(): HvpFn {
    if (this.fns.hvp === undefined && this.plan) this.fns.hvp = loopHvp(this.plan, this.index);
    if (this.fns.hvp === undefined) {
      const dirs = this.vars.map((_v, i) => sym(`§v${i}`));
      const hv = directional(this.gradient, new Map(this.vars.map((s, i) => [s, dirs[i]!])));
      this.fns.hvp = compileHvp(this.bind(hv), this.index, new Map(dirs.map((d, i) => [d, i])));
    }
    return this.fns.hvp;
  }

  /** The compiled complex f (built on first use). */
  get complexFn(): ComplexFn {
    return (this.fns.complex ??= this.plan ? loopComplex(this.plan, this.index) : compileComplex(this.boundExpr, this.index));
  }

  valueAt(x: Float64Array): number {
    return this.valueFn(x);
  }

  valueAndGradInto(x: Float64Array, g: Float64Array): number {
    return this.valueGradFn(x, g);
  }

  hessianInto(x: Float64Array, H: Float64Array): void {
    this.hessianFn(x, H);
  }

  hvpInto(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.hvpFn(x, v, out);
  }

  valueComplex(re: Float64Array, im: Float64Array): [number, number] {
    return this.complexFn(re, im);
  }

  /** Compiles every entry point now (the benchmarks time derivation and compilation together). */
  compileAll(): this {
    void this.valueFn;
    void this.valueGradFn;
    void this.hessianFn;
    return this;
  }
}
