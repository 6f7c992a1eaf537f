/**
 * `objective(src, opts?)`: a function to minimize, written as a mathjs expression or a
 * TypeScript arrow function, with its exact gradient and Hessian (derived symbolically, shown in
 * LaTeX, compiled to float64 closures).
 *
 * @example
 * ```ts
 * const f = objective("(1 - x)^2 + 100 (y - x^2)^2");
 * f.value([-1.2, 1]);    // ≈ 24.2
 * f.grad({ x: -1.2, y: 1 }); // ≈ [-215.6, -88]
 * f.hess([1, 1]);        // [[802, -400], [-400, 200]]
 * f.gradient;            // displays ∇f as LaTeX
 * ```
 */
import { DISPLAY, type MimeBundle } from "../src/display/index.js";
import { describe, DslError } from "../src/errors/index.js";
import type { DataProblem, Problem } from "../src/problem/index.js";
import {
  buildObjective,
  latexSymbol,
  quote,
  SymbolicMatrix,
  SymbolicVector,
  type SymbolicDataProblem,
  type SymbolicProblem,
  toLatex,
  toPoint,
  toText,
  type Built,
  type Expr,
  type Family,
  type LatexOptions,
  type PointInput,
  type Sym,
} from "../src/symbolic/index.js";
import { formatOf, isStructuredPoint, type Tree } from "../src/tree/index.js";
import { dataLatex, derivativeLabel, objectiveBundle, signature, type Shown } from "./objective-display.js";
import { checkOptions, type ObjectiveOptions } from "./objective-options.js";

export type { ObjectiveOptions } from "./objective-options.js";

/** The symbolic parts of an objective (see `Objective.symbolic`). */
export interface ObjectiveIR {
  /** f, or for a data-backed objective the per-sample summand ℓ. */
  readonly expr: Expr;
  /** The variables (parameters), in order. */
  readonly vars: readonly Sym[];
  /** Named constants and their values (substitute them before compiling). */
  readonly constants: ReadonlyMap<Sym, number>;
  /** Data-backed objectives: per-sample columns (one Float64Array per data symbol) and the reduction. */
  readonly data?: { readonly columns: ReadonlyMap<Sym, Float64Array>; readonly reduce: "mean" | "sum" };
  /** ∇ of expr with respect to vars. */
  readonly gradient: readonly Expr[];
  /** ∇² of expr (exactly symmetric). */
  readonly hessian: readonly (readonly Expr[])[];
}

/** A point: values in `vars` order, or a record by variable name (`{ x: [..] }` fills x[1], x[2], …). */
export type ObjectivePoint = PointInput;

/** A point whose gradient comes back as a number[]: an array, or a record of numbers by name. */
export type FlatPoint = ArrayLike<number> | Readonly<Record<string, number>>;


/**
 * A symbolic objective f: value, gradient and Hessian at points (checked: a non-finite result is
 * an error naming the point), the symbolic ∇f and ∇²f (display as LaTeX), and the allocation-free
 * `Problem` entry points that optimizers use (unchecked: they may return NaN/Infinity, which the
 * optimizer reports as divergence).
 */
export class Objective implements Problem {
  /** Variable names in order. */
  readonly vars: readonly string[];
  /** Same as `vars` (the `Problem` interface). */
  readonly names: readonly string[];
  /** Number of variables. */
  readonly n: number;
  /** The source as written (a mathjs string or the function's text). */
  readonly source: string;
  /** The expression (for a data-backed objective: the per-sample summand). */
  readonly expr: Expr;
  /** Present for data-backed objectives: mini-batches and per-sample gradients. */
  readonly data?: DataProblem;
  private readonly core: Built;
  private readonly fname: string;
  private readonly latexOpts: LatexOptions;
  private cache: { gradient?: SymbolicVector; hessian?: SymbolicMatrix } = {};

  /** @internal Use `objective(...)`. */
  constructor(core: Built, name?: string) {
    this.core = core;
    this.vars = core.vars.map((v) => v.name);
    this.names = this.vars;
    this.n = this.vars.length;
    this.source = core.source;
    this.expr = core.expr;
    if (core.dataSyms.size > 0) this.data = (core.problem as Problem).data;
    this.fname = name ?? (this.data ? "L" : "f");
    const dataSyms = core.dataSyms;
    this.latexOpts = { symbol: (s: Sym) => (dataSyms.has(s) ? dataLatex(s.name) : latexSymbol(s.name)) };
  }

  // ---- user-facing, checked -------------------------------------------------------------

  /** f(x). Throws `non-finite` when the value is NaN or infinite. */
  value(x: ObjectivePoint | Tree): number {
    const p = this.point(x);
    const v = this.core.problem.valueAt(p);
    if (!Number.isFinite(v)) throw this.nonFinite(`the value is ${v}`, p);
    return v;
  }

  /**
   * ∇f(x) as numbers in `vars` order; for a point given as a tree with array entries
   * (`{ W: [[..]], b: [..] }`), in the point's structure. Throws `non-finite` naming the bad entries.
   */
  grad(x: FlatPoint): number[];
  grad(x: ObjectivePoint | Tree): number[] | Tree;
  grad(x: ObjectivePoint | Tree): number[] | Tree {
    return this.valueAndGrad(x).grad;
  }

  /** f(x) and ∇f(x) together (one compiled pass sharing subexpressions); the gradient shaped as `grad(x)`. */
  valueAndGrad(x: FlatPoint): { value: number; grad: number[] };
  valueAndGrad(x: ObjectivePoint | Tree): { value: number; grad: number[] | Tree };
  valueAndGrad(x: ObjectivePoint | Tree): { value: number; grad: number[] | Tree } {
    const p = this.point(x);
    const g = new Float64Array(this.n);
    const v = this.core.problem.valueAndGradInto(p, g);
    this.checkVector(g, p, "gradient", (i) => `∂${this.fname}/∂${this.vars[i]}`);
    if (!Number.isFinite(v)) throw this.nonFinite(`the value is ${v}`, p);
    return { value: v, grad: this.shaped(x, g) };
  }

  /** `v` (in `vars` order) in the structure of the point `x` when that is a tree with array entries, else a number[]. */
  shaped(x: unknown, v: Float64Array): number[] | Tree {
    if (!isStructuredPoint(x)) return Array.from(v);
    const format = formatOf(x as Tree, (t) => this.point(t as ObjectivePoint));
    return format ? format.toTree(v) : Array.from(v);
  }

  /** ∇²f(x) as rows (exactly symmetric). */
  hess(x: ObjectivePoint | Tree): number[][] {
    const p = this.point(x);
    const H = new Float64Array(this.n * this.n);
    this.core.problem.hessianInto(p, H);
    this.checkVector(H, p, "Hessian", (k) => `∂²${this.fname}/∂${this.vars[Math.floor(k / this.n)]}∂${this.vars[k % this.n]}`);
    return Array.from({ length: this.n }, (_r, i) => Array.from(H.subarray(i * this.n, (i + 1) * this.n)));
  }

  /** ∇²f(x)·v without forming the Hessian (in the structure of `v` when that is a tree with array entries). */
  hvp(x: ObjectivePoint | Tree, v: FlatPoint): number[];
  hvp(x: ObjectivePoint | Tree, v: ObjectivePoint | Tree): number[] | Tree;
  hvp(x: ObjectivePoint | Tree, v: ObjectivePoint | Tree): number[] | Tree {
    const p = this.point(x);
    const d = this.point(v, "the direction v");
    const out = new Float64Array(this.n);
    this.core.problem.hvpInto(p, d, out);
    this.checkVector(out, p, "Hessian-vector product", (i) => `(∇²${this.fname}·v)[${this.vars[i]}]`);
    return this.shaped(v, out);
  }

  /** The declared model family of a data-backed objective (option `family`), if any. */
  get family(): Family | undefined {
    return (this.data as { family?: Family } | undefined)?.family;
  }

  /**
   * The exact Fisher information at x of a data-backed objective that declares its `family`:
   * the mean (or sum) over rows of V(μᵢ)·∇ηᵢ ∇ηᵢᵀ, with μᵢ the model's mean and V the family's
   * variance function — for a GLM (η linear in the params) the Hessian of the loss, for any
   * labels. `naturalGradient()` preconditions with it.
   */
  fisher(x: ObjectivePoint): number[][] {
    const d = this.data as { fisherInto?: (x: Float64Array, F: Float64Array, rows: null) => void } | undefined;
    if (this.family === undefined || d?.fisherInto === undefined) {
      throw new DslError("no-family", `objective ${quote(this.source)}: fisher(x) needs a data-backed objective that declares its model family, e.g. objective(summand, { params, data, family: "bernoulli" })`, { path: "objective.family" });
    }
    const p = this.point(x);
    const F = new Float64Array(this.n * this.n);
    d.fisherInto(p, F, null);
    this.checkVector(F, p, "Fisher information", (k) => `F[${this.vars[Math.floor(k / this.n)]}, ${this.vars[k % this.n]}]`);
    return Array.from({ length: this.n }, (_r, i) => Array.from(F.subarray(i * this.n, (i + 1) * this.n)));
  }

  /**
   * The symbolic gradient ∇f (displays as a LaTeX column vector). For a data-backed objective it
   * is the gradient ∇ℓ of the per-sample summand ℓ (the loss is the mean or sum of ℓ over rows).
   */
  get gradient(): SymbolicVector {
    const core = this.symbolicCore();
    this.cache.gradient ??= new SymbolicVector(core.gradient, this.vars, derivativeLabel(this.shown, "∇", "\\nabla "), this.latexOpts);
    return this.cache.gradient;
  }

  /** The symbolic Hessian ∇²f (displays as a LaTeX bmatrix; exactly symmetric; of ℓ with data). */
  get hessian(): SymbolicMatrix {
    const core = this.symbolicCore();
    this.cache.hessian ??= new SymbolicMatrix(core.hessian, this.vars, derivativeLabel(this.shown, "∇²", "\\nabla^2 "), this.latexOpts);
    return this.cache.hessian;
  }

  /** LaTeX of f (for a data-backed objective: of the per-sample summand). */
  latex(): string {
    return toLatex(this.expr, this.latexOpts);
  }

  /** f in mathjs syntax (parses back to the same function). */
  text(): string {
    return toText(this.expr);
  }

  toString(): string {
    return `${signature(this.shown, false)} = ${this.text()}`;
  }

  /**
   * Converts a point (array in `vars` order, or record by name) to a Float64Array, with errors
   * in the user's terms: wrong length, a missing or unknown name, a value that is not a finite number.
   */
  point(x: ObjectivePoint | Tree, what = "the point"): Float64Array {
    try {
      return toPoint(x, this.vars, `objective ${quote(this.source)}`, what);
    } catch (e) {
      throw this.builtinHint(e);
    }
  }

  /**
   * A point of the wrong length or without a value for `e` often means the user meant `e` (or
   * `pi`) as a variable, while mathjs reads it as Euler's number: say so.
   */
  private builtinHint(e: unknown): unknown {
    const used = this.core.builtins?.filter((b) => !this.vars.includes(b)) ?? [];
    if (!(e instanceof DslError) || used.length === 0) return e;
    const x = (e.detail as { got?: unknown } | undefined)?.got;
    const relevant = e.code === "bad-length" ? typeof x === "number" && x > this.n : e.code === "bad-point" && used.some((b) => e.message.includes(`'${b}', which is not a variable`));
    if (!relevant) return e;
    const list = used.map((b) => `'${b}'`).join(", ");
    const note = `${list} ${used.length === 1 ? "is" : "are"} read as ${used.map((b) => (b === "e" || b === "E" ? "Euler's number" : "π")).join(" and ")} here; to make ${used.length === 1 ? "it a variable" : "them variables"}, list ${used.length === 1 ? "it" : "them"} in opts.vars`;
    return new DslError(e.code, `${e.message} (${note})`, { path: e.path, ...(e.detail ? { detail: e.detail } : {}) });
  }

  // ---- Problem: allocation-free, unchecked ----------------------------------------------

  valueAt(x: Float64Array): number {
    return this.core.problem.valueAt(x);
  }
  valueAndGradInto(x: Float64Array, g: Float64Array): number {
    return this.core.problem.valueAndGradInto(x, g);
  }
  hessianInto(x: Float64Array, H: Float64Array): void {
    this.core.problem.hessianInto(x, H);
  }
  hvpInto(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.core.problem.hvpInto(x, v, out);
  }
  valueComplex(re: Float64Array, im: Float64Array): [number, number] {
    return this.core.problem.valueComplex(re, im);
  }

  // ---- display ---------------------------------------------------------------------------

  [DISPLAY](): MimeBundle {
    return objectiveBundle(this.shown);
  }

  private get shown(): Shown {
    return { expr: this.expr, vars: this.vars, fname: this.fname, latexOpts: this.latexOpts, data: this.data, source: this.source };
  }

  /**
   * The symbolic parts, for other compilation targets (the TensorFlow.js compiler): the
   * expression (f, or the summand ℓ), the variables as IR symbols, the named constants, the data
   * columns and reduction (data-backed objectives), and ∇ and ∇² as expressions (derived on first use).
   */
  get symbolic(): ObjectiveIR {
    const core = this.core;
    const sc = () => this.symbolicCore();
    const p = core.problem;
    return {
      expr: core.expr,
      vars: core.vars,
      constants: core.constants,
      ...("summand" in p ? { data: { columns: p.columns, reduce: p.reduce } } : {}),
      get gradient() {
        return sc().gradient;
      },
      get hessian() {
        return sc().hessian;
      },
    };
  }

  /**
   * The compiled symbolic problem behind this objective: a `SymbolicProblem` (expression, ∇ and ∇²
   * as IR, their float64 closures), or for a data-backed objective a `SymbolicDataProblem` (the
   * per-sample summand, the data columns, mini-batch entry points). Other engines compile from it:
   * the TensorFlow.js engine (`optimize(..., { backend: "wasm" })`, `sweep`) reads its IR. It is
   * the same `Problem` this objective forwards `valueAt` & co. to; the objective adds the checked,
   * user-facing methods and the displays.
   *
   * @example
   * const f = objective("x^2 + 3*y^2");
   * f.problem.n; // 2
   * f.problem.valueAt(Float64Array.from([1, 1])); // 4
   */
  get problem(): SymbolicProblem | SymbolicDataProblem {
    return this.core.problem;
  }

  private symbolicCore(): { gradient: readonly Expr[]; hessian: readonly (readonly Expr[])[] } {
    const p = this.core.problem;
    return "summand" in p ? p.summand : p;
  }

  // ---- checks ------------------------------------------------------------------------------

  private pointText(p: Float64Array): string {
    const parts = Array.from(p, (v, i) => `${this.vars[i]} = ${v}`);
    return parts.length <= 6 ? parts.join(", ") : `${parts.slice(0, 4).join(", ")}, … (${parts.length} values)`;
  }

  private nonFinite(what: string, p: Float64Array): DslError {
    const row = this.firstBadRow(p);
    const where = row ? `; the first row where it is not finite is row ${row.index} (${row.values})` : "";
    return new DslError("non-finite", `objective ${quote(this.source)}: ${what} at (${this.pointText(p)})${where}`, {
      path: "objective",
      detail: { point: Array.from(p), ...(row ? { row: row.index } : {}) },
    });
  }

  /**
   * For a data-backed objective, the first row whose summand (or its gradient) is not finite at
   * p, with its data values: the row to look at (a 0 under a log, a huge margin in a sigmoid).
   * Costs a pass over the rows, only when reporting.
   */
  private firstBadRow(p: Float64Array): { index: number; values: string } | undefined {
    const data = this.data;
    const problem = this.core.problem;
    if (!data || !("columns" in problem)) return undefined;
    const one = new Int32Array(1);
    const g = new Float64Array(this.n);
    for (let r = 0; r < data.samples; r++) {
      one[0] = r;
      const v = data.batchValueAndGradInto(p, g, one);
      if (Number.isFinite(v) && g.every(Number.isFinite)) continue;
      const cols = [...problem.columns].map(([sym, col]) => `${sym.name} = ${col[r]}`);
      return { index: r, values: cols.length <= 6 ? cols.join(", ") : `${cols.slice(0, 6).join(", ")}, …` };
    }
    return undefined;
  }

  private checkVector(v: Float64Array, p: Float64Array, what: string, name: (k: number) => string): void {
    const bad: string[] = [];
    for (let k = 0; k < v.length; k++) if (!Number.isFinite(v[k]!)) bad.push(`${name(k)} = ${v[k]}`);
    if (bad.length > 0) throw this.nonFinite(`the ${what} is not finite: ${bad.slice(0, 3).join(", ")}${bad.length > 3 ? ` (and ${bad.length - 3} more)` : ""}`, p);
  }
}

/**
 * Creates an objective from a mathjs expression string or a TypeScript arrow function.
 *
 * Strings use mathjs syntax: `^` is power, `log` is natural, multiplication may be implicit
 * (`2x y`), `sum(body, i, lo, hi)` expands an indexed sum, `x[3]` is an indexed variable. Functions
 * `(x, y) => …` may use `**`, `Math.*` and the known functions; they are read with ts-morph.
 *
 * @param src the objective: `"(1 - x)^2 + 100 (y - x^2)^2"` or `(x, y) => (1 - x) ** 2 + …`.
 * @param opts `vars` (order), `constants`, and for data-backed objectives `params`, `data`, `reduce`.
 * @returns an `Objective`.
 * @example
 * ```ts
 * const rosen = objective("sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, n/2)", { constants: { n: 50 } });
 * rosen.vars.length; // 50
 * const fit = objective("(w x + b - y)^2", { params: ["w", "b"], data: { x: [0, 1, 2], y: [1, 3, 5] } });
 * fit.value([2, 1]); // 0
 * ```
 */
export function objective(src: string | ((...args: never[]) => number), opts: ObjectiveOptions = {}): Objective {
  if (typeof src !== "string" && typeof src !== "function") {
    throw new DslError("bad-argument", `objective: expected a mathjs expression string such as "(1 - x)^2 + 100 (y - x^2)^2" or an arrow function, got ${describe(src)}`, { path: "objective" });
  }
  if (typeof src === "string" && src.trim() === "") throw new DslError("parse", "objective: the expression is empty", { path: "objective" });
  checkOptions(opts);
  return new Objective(buildObjective(src, opts), opts.name);
}
