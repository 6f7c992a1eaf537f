/**
 * `SymbolicDataProblem`: a data-backed objective L(θ) = reduce over rows i of ℓ(θ; dataᵢ), with
 * reduce = mean or sum. The summand ℓ is an expression in the parameters θ and per-sample data
 * symbols; its gradient and Hessian are derived once symbolically and compiled into loops over
 * the rows (`data-loop.ts`). Implements `Problem` (over all rows) and `DataProblem` (mini-batches,
 * per-sample gradients).
 */
import type { DataProblem, Problem } from "../problem/index.js";
import { complexLoopSource } from "./complex.js";
import { compileLoop, loopBody, loopSource, type DataLayout } from "./data-loop.js";
import { upperEntries } from "./compile.js";
import { directional } from "./derivative.js";
import type { Expr, Sym } from "./ir.js";
import { addRowFisher, FAMILIES, verifyFamily, type Family, type FamilySpec } from "./family.js";
import { SymbolicProblem } from "./problem.js";
import { sym } from "./simplify.js";

type Rows = Int32Array | null;
type BatchValue = (x: Float64Array, rows: Rows) => number;
type BatchGrad = (x: Float64Array, g: Float64Array, rows: Rows) => number;
type SampleGrads = (x: Float64Array, G: Float64Array, rows: Rows) => void;
type BatchMatrix = (x: Float64Array, H: Float64Array, rows: Rows) => void;
type BatchHvp = (x: Float64Array, v: Float64Array, out: Float64Array, rows: Rows) => void;
type BatchComplex = (re: Float64Array, im: Float64Array, rows: Rows) => [number, number];
type RowStats = (x: Float64Array, G0: Float64Array, J: Float64Array, MU: Float64Array, rows: Rows) => void;

/** A data-backed symbolic objective. */
export class SymbolicDataProblem implements Problem, DataProblem {
  readonly n: number;
  readonly names: readonly string[];
  readonly samples: number;
  readonly data: DataProblem = this;
  /** The per-sample summand's symbolic core (its gradient/Hessian are the summand's). */
  readonly summand: SymbolicProblem;
  private readonly layout: DataLayout;
  /** The declared model family (see family.ts), if any. */
  readonly family?: Family;
  /** The family's response column. */
  readonly response?: string;
  private readonly familySpec?: FamilySpec;
  private fisherChecked = false;
  private fisherScratch = { G0: new Float64Array(0), J: new Float64Array(0), MU: new Float64Array(0) };
  private fns: { v?: BatchValue; g?: BatchGrad; s?: SampleGrads; h?: BatchMatrix; hv?: BatchHvp; c?: BatchComplex; fs?: RowStats } = {};

  /**
   * @param expr the summand ℓ, with parameters, data symbols and named constants as symbols.
   * @param params the parameters θ, in order.
   * @param columns data symbol → values per sample (all of one length).
   * @param reduce "mean" or "sum" over the selected rows.
   * @param family a checked model-family declaration (`checkFamily`), for the exact Fisher.
   */
  constructor(
    expr: Expr,
    params: readonly Sym[],
    readonly columns: ReadonlyMap<Sym, Float64Array>,
    readonly reduce: "mean" | "sum",
    constants: ReadonlyMap<Sym, number> = new Map(),
    family?: FamilySpec,
  ) {
    if (family !== undefined) {
      this.family = family.family;
      this.response = family.response.name;
      this.familySpec = family;
    }
    this.summand = new SymbolicProblem(expr, params, constants);
    this.n = params.length;
    this.names = this.summand.names;
    this.samples = [...columns.values()][0]?.length ?? 0;
    this.layout = { params: new Map(params.map((p, i) => [p, i])), columns: new Map([...columns.keys()].map((s, c) => [s, c])) };
  }

  private get cols(): Float64Array[] {
    return [...this.columns.values()];
  }

  private scale(): string {
    return this.reduce === "mean" ? "const sc = m === 0 ? NaN : 1 / m;" : "const sc = 1;";
  }

  private compile<F>(roots: readonly Expr[], params: string, inside: (codes: string[]) => string[], before: string[], after: string[]): F {
    const body = loopBody(this.summand.bind(roots), this.layout);
    return compileLoop<F>(loopSource(params, body, inside(body.codes), before, [this.scale(), ...after]), this.cols);
  }

  batchValueAt(x: Float64Array, rows: Rows): number {
    this.fns.v ??= this.compile<BatchValue>([this.summand.expr], "x, rows", ([f]) => [`acc += ${f};`], ["let acc = 0;"], ["return acc * sc;"]);
    return this.fns.v(x, rows);
  }

  batchValueAndGradInto(x: Float64Array, g: Float64Array, rows: Rows): number {
    if (this.fns.g === undefined) {
      const n = this.n;
      this.fns.g = this.compile<BatchGrad>(
        [this.summand.expr, ...this.summand.gradient],
        "x, g, rows",
        ([f, ...gs]) => [`acc += ${f};`, ...gs.map((c, k) => `g[${k}] += ${c};`)],
        ["let acc = 0;", "g.fill(0);"],
        [`for (let k = 0; k < ${n}; k++) g[k] *= sc;`, "return acc * sc;"],
      );
    }
    return this.fns.g(x, g, rows);
  }

  sampleGradsInto(x: Float64Array, rows: Int32Array, G: Float64Array): void {
    const n = this.n;
    this.fns.s ??= this.compile<SampleGrads>(this.summand.gradient, "x, G, rows", (gs) => gs.map((c, k) => `G[r * ${n} + ${k}] = ${c};`), [], []);
    this.fns.s(x, G, rows);
  }

  /** Hessian of the loss over `rows` (all when null), row-major n×n. */
  batchHessianInto(x: Float64Array, H: Float64Array, rows: Rows): void {
    if (this.fns.h === undefined) {
      const n = this.n;
      const pairs = upperEntries(this.summand.hessian).map((e) => [e.i, e.j, e.expr] as const);
      this.fns.h = this.compile<BatchMatrix>(
        pairs.map((p) => p[2]),
        "x, H, rows",
        (cs) => cs.map((c, k) => `H[${pairs[k]![0] * n + pairs[k]![1]}] += ${c};`),
        ["H.fill(0);"],
        pairs.map(([i, j]) => (i === j ? `H[${i * n + j}] *= sc;` : `H[${j * n + i}] = H[${i * n + j}] *= sc;`)),
      );
    }
    this.fns.h(x, H, rows);
  }

  /** Hessian-vector product of the loss over `rows`. */
  batchHvpInto(x: Float64Array, v: Float64Array, out: Float64Array, rows: Rows): void {
    if (this.fns.hv === undefined) {
      const vars = this.summand.vars;
      const dirs = vars.map((_p, i) => sym(`§v${i}`));
      const hv = directional(this.summand.gradient, new Map(vars.map((s, i) => [s, dirs[i]!])));
      // The direction reads like extra parameters: v[k] → x-like slots of a second array.
      const layout: DataLayout = { params: new Map([...this.layout.params, ...dirs.map((d, i) => [d, this.n + i] as const)]), columns: this.layout.columns };
      const body = loopBody(this.summand.bind(hv), layout);
      const src = loopSource("x, out, rows", body, body.codes.map((c, k) => `out[${k}] += ${c};`), ["out.fill(0);"], [this.scale(), `for (let k = 0; k < ${this.n}; k++) out[k] *= sc;`]);
      const inner = compileLoop<(xv: Float64Array, out: Float64Array, rows: Rows) => void>(src, this.cols);
      const xv = new Float64Array(2 * this.n);
      this.fns.hv = (x2, v2, out2, rows2) => {
        xv.set(x2, 0);
        xv.set(v2, this.n);
        inner(xv, out2, rows2);
      };
    }
    this.fns.hv(x, v, out, rows);
  }

  /** The loss over `rows` at complex parameters (complex step); data stay real. */
  batchValueComplex(re: Float64Array, im: Float64Array, rows: Rows): [number, number] {
    this.fns.c ??= compileLoop<BatchComplex>(complexLoopSource(this.summand.bind([this.summand.expr])[0]!, this.layout, this.reduce), this.cols);
    return this.fns.c(re, im, rows);
  }

  /**
   * The exact Fisher information of the loss over `rows` (all when null) for the declared
   * family: reduce over rows of s·V(μᵢ)·∇ηᵢ ∇ηᵢᵀ (see family.ts), row-major n×n. The first call
   * checks the declaration numerically on a few rows.
   */
  fisherInto(x: Float64Array, F: Float64Array, rows: Rows): void {
    const spec = this.familySpec;
    if (spec === undefined) throw new Error("optlab internal error: fisherInto without a family");
    const n = this.n;
    const m = rows === null ? this.samples : rows.length;
    if (this.fisherScratch.MU.length < m) this.fisherScratch = { G0: new Float64Array(m * n), J: new Float64Array(m * n), MU: new Float64Array(m) };
    const { G0, J, MU } = this.fisherScratch;
    this.rowStats(x, G0, J, MU, rows);
    if (!this.fisherChecked) {
      verifyFamily(spec, { G0, J, MU, m }, rows, n);
      this.fisherChecked = true;
    }
    F.fill(0);
    for (let r = 0; r < m; r++) addRowFisher(spec.family, spec.precision, J, r * n, MU[r]!, F, n);
    if (this.reduce === "mean") for (let k = 0; k < n * n; k++) F[k] /= m;
  }

  /** Per row r: ∇ℓ|_{y=0} into G0, J = ∇ℓ|_{y=0} − ∇ℓ|_{y=1} (= s·∇η) into J (m×n), μ = A'(η) into MU. */
  private rowStats(x: Float64Array, G0: Float64Array, J: Float64Array, MU: Float64Array, rows: Rows): void {
    if (this.fns.fs === undefined) {
      const spec = this.familySpec!;
      const n = this.n;
      this.fns.fs = this.compile<RowStats>([spec.dy0, ...spec.grad0, ...spec.grad1], "x, G0, J, MU, rows", ([dy0, ...codes]) => [
        ...codes.slice(0, n).map((a, k) => `{ const a = ${a}; G0[r * ${n} + ${k}] = a; J[r * ${n} + ${k}] = a - (${codes[n + k]}); }`),
        `MU[r] = ${FAMILIES[spec.family].mean(`-(${dy0}) / ${spec.precision}`)};`,
      ], [], []);
    }
    this.fns.fs(x, G0, J, MU, rows);
  }

  valueAt(x: Float64Array): number {
    return this.batchValueAt(x, null);
  }
  valueAndGradInto(x: Float64Array, g: Float64Array): number {
    return this.batchValueAndGradInto(x, g, null);
  }
  hessianInto(x: Float64Array, H: Float64Array): void {
    this.batchHessianInto(x, H, null);
  }
  hvpInto(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.batchHvpInto(x, v, out, null);
  }
  valueComplex(re: Float64Array, im: Float64Array): [number, number] {
    return this.batchValueComplex(re, im, null);
  }
}
