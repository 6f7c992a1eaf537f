/**
 * A symbolic objective compiled to TensorFlow.js: f, ∇f and ∇²f·v for a batch of B parameter
 * points at once, and, for data-backed objectives, over S data rows at once (mean or sum over
 * the rows), from the same symbolic derivatives the float64 engine compiles.
 *
 * Layout: parameters are columns, one [B, 1] tensor per parameter (so the scalar IR maps to
 * elementwise ops without slicing); data columns are [1, S] tensors kept on the backend;
 * results are [B, 1] columns. `toColumns` / `fromColumns` convert from / to [B, n] matrices.
 * Every method allocates its results: call them inside `tf.tidy`.
 */
import type { Tensor, TfjsEngine } from "../backends/index.js";
import { DslError } from "../errors/index.js";
import { directional, sym, SymbolicDataProblem, SymbolicProblem, type Expr, type Sym } from "../symbolic/index.js";
import type { Value } from "./functions.js";
import { findMatrixProducts, type GradGroup, type LinearForm } from "./linear-forms.js";
import { TensorPlan } from "./plan.js";

/** Data rows on the backend: one [1, S] tensor per data symbol, and all of them as a matrix. */
export interface DataBatch {
  readonly size: number;
  readonly columns: ReadonlyMap<Sym, Tensor>;
  /** Every data column as a row of an [m, S] matrix (for the matrix products of linear-forms.ts). */
  readonly matrix: Tensor;
  /** The same matrix on the host (row-major [m, S]). */
  readonly host: Float32Array;
  /** Row of `matrix` per data symbol. */
  readonly rowOf: ReadonlyMap<Sym, number>;
  /** Gathered sub-matrices, by key, kept until the batch is freed. */
  readonly cache: Map<string, Tensor>;
  /** Frees the batch (a no-op for the objective's cached full data). */
  dispose(): void;
}

/** One compiled program: the plan and what it evaluates as matrix products. */
interface Program {
  plan: TensorPlan;
  forms: LinearForm[];
  groups: GradGroup[];
}

/** What can be compiled: the symbolic problems of src/symbolic. */
export type CompilableProblem = SymbolicProblem | SymbolicDataProblem;

/** True when `p` is a symbolic problem this compiler understands. */
export function isCompilable(p: unknown): p is CompilableProblem {
  return p instanceof SymbolicProblem || p instanceof SymbolicDataProblem;
}

/** The compiled objective (see the file comment). */
export class TensorObjective {
  readonly n: number;
  readonly names: readonly string[];
  /** Data rows (0 for a plain objective). */
  readonly samples: number;
  readonly reduce: "mean" | "sum";
  private readonly core: SymbolicProblem;
  private readonly params: readonly Sym[];
  private readonly paramIndex: Map<Sym, number>;
  private plans: { value?: Program; grad?: Program; hvp?: Program } = {};
  /** The batch being evaluated (read by the matrix-product hooks). */
  private current?: { data: DataBatch; B: number; scalar: boolean };
  private dirs: Sym[] = [];
  private dataMatrix?: Tensor;
  private dataHost?: Float32Array;
  private dataSyms: Sym[] = [];
  private full?: DataBatch;

  constructor(readonly engine: TfjsEngine, readonly problem: CompilableProblem) {
    this.core = problem instanceof SymbolicDataProblem ? problem.summand : problem;
    this.params = this.core.vars;
    this.paramIndex = new Map(this.params.map((p, i) => [p, i]));
    this.n = problem.n;
    this.names = problem.names;
    this.samples = problem instanceof SymbolicDataProblem ? problem.samples : 0;
    this.reduce = problem instanceof SymbolicDataProblem ? problem.reduce : "mean";
    if (problem instanceof SymbolicDataProblem) {
      this.dataSyms = [...problem.columns.keys()];
      const m = this.dataSyms.length;
      const S = this.samples;
      const flat = new Float32Array(m * S);
      this.dataSyms.forEach((s, c) => flat.set(problem.columns.get(s)!, c * S));
      this.dataMatrix = engine.tf.tensor2d(flat, [m, S]);
      this.dataHost = flat;
    }
  }

  private plan(kind: "value" | "grad" | "hvp"): Program {
    let p = this.plans[kind];
    if (!p) {
      const core = this.core;
      let roots: Expr[];
      if (kind === "value") roots = [core.expr];
      else if (kind === "grad") roots = [core.expr, ...core.gradient];
      else {
        this.dirs = this.params.map((_p, i) => sym(`§v${i}`));
        roots = directional(core.gradient, new Map(this.params.map((s, i) => [s, this.dirs[i]!])));
      }
      const bound = core.bind(roots);
      if (this.samples === 0) p = { plan: new TensorPlan(bound), forms: [], groups: [] };
      else {
        const data = new Set(this.dataSyms);
        const grads = kind === "grad" ? bound.map((_r, i) => i).slice(1) : [];
        const { forms, groups, skip } = findMatrixProducts(bound, (s) => this.paramIndex.has(s), (s) => data.has(s), grads);
        const custom = new Map(forms.map((f) => [f.node, (get: (e: Expr) => Value) => this.linearForm(f, get)] as const));
        p = { plan: new TensorPlan(bound, { skip, custom }), forms, groups };
      }
      this.plans[kind] = p;
    }
    return p;
  }

  /** Rows `syms` of the batch's data matrix, each times `coeff` ([k, S], cached per batch). */
  private rows(key: string, syms: readonly Sym[], coeff?: readonly number[]): Tensor {
    const { data } = this.current!;
    let m = data.cache.get(key);
    if (!m) {
      // built on the host (tfjs's gather is slow on wasm) and uploaded once per batch
      const S = data.size;
      const sub = new Float32Array(syms.length * S);
      syms.forEach((s, j) => {
        const r = data.rowOf.get(s)!;
        const row = data.host.subarray(r * S, (r + 1) * S);
        const c = coeff?.[j] ?? 1;
        if (c === 1) sub.set(row, j * S);
        else for (let i = 0; i < S; i++) sub[j * S + i] = c * row[i]!;
      });
      m = this.engine.tf.tensor2d(sub, [syms.length, S]);
      this.engine.tf.keep(m);
      data.cache.set(key, m);
    }
    return m;
  }

  /** Σ coeffⱼ pⱼ dⱼ + rest as one [B, m] × [m, S] product. */
  private linearForm(f: LinearForm, get: (e: Expr) => Value): Value {
    const tf = this.engine.tf;
    const { scalar } = this.current!;
    const ps = f.terms.map((t) => get(t.param) as Tensor);
    const P = scalar ? tf.reshape(tf.stack(ps), [1, ps.length]) : tf.concat(ps, 1);
    let out: Tensor = tf.matMul(P, this.rows(`form${f.node.id}`, f.terms.map((t) => t.data), f.terms.map((t) => t.coeff)));
    for (const r of f.rest) out = tf.add(out, get(r) as Tensor | number);
    return out;
  }

  /** A gradient group's entries, reduced over the rows: r·Dᵀ, one column per entry. */
  private gradGroup(g: GradGroup, get: (e: Expr) => Value, B: number, S: number): Tensor[] {
    const tf = this.engine.tf;
    let r: Tensor | number = 0;
    for (const term of g.factor) {
      let t: Tensor | number = 1;
      for (const a of term) {
        const v = get(a);
        t = typeof t === "number" && typeof v === "number" ? t * v : tf.mul(t, v);
      }
      r = typeof r === "number" && typeof t === "number" ? r + t : tf.add(r, t);
    }
    const rt = tf.broadcastTo(typeof r === "number" ? tf.scalar(r) : tf.reshape(r, r.rank === 2 ? r.shape : [1, -1]), [B, S]);
    const G = tf.matMul(rt, this.rows(`grad${g.data.map((d) => d.id).join(",")}`, g.data), false, true);
    const red = this.reduce === "mean" ? tf.div(G, S) : G;
    return g.entries.length === 1 ? [red] : tf.split(red, g.entries.length, 1);
  }

  /** All data rows (uploaded once, kept until `dispose`). */
  fullData(): DataBatch {
    if (!this.full) {
      const tf = this.engine.tf;
      // kept: the cache outlives any tidy it is first used in
      const cols = tf.tidy(() => tf.unstack(this.dataMatrix!).map((c) => tf.keep(tf.reshape(c, [1, this.samples]))));
      this.full = this.makeBatch(this.samples, cols, this.dataMatrix!, this.dataHost!, () => {});
    }
    return this.full;
  }

  private makeBatch(size: number, cols: Tensor[], matrix: Tensor, host: Float32Array, free: () => void): DataBatch {
    const cache = new Map<string, Tensor>();
    return {
      size, matrix, host, cache,
      columns: new Map(this.dataSyms.map((s, i) => [s, cols[i]!])),
      rowOf: new Map(this.dataSyms.map((s, i) => [s, i])),
      dispose: () => {
        free();
        this.engine.tf.dispose([...cache.values()]);
        cache.clear();
      },
    };
  }

  /**
   * The rows `rows` as a batch (the caller disposes it). Gathered in JavaScript from the float64
   * columns and uploaded: tfjs's gather is slower than the copy (57 ms vs 3 ms for 10⁵ rows × 6
   * columns on wasm).
   */
  batch(rows: Int32Array): DataBatch {
    const tf = this.engine.tf;
    const b = rows.length;
    const m = this.dataSyms.length;
    const flat = new Float32Array(m * b);
    const columns = (this.problem as SymbolicDataProblem).columns;
    this.dataSyms.forEach((s, c) => {
      const col = columns.get(s)!;
      const o = c * b;
      for (let i = 0; i < b; i++) flat[o + i] = col[rows[i]!]!;
    });
    const matrix = tf.tensor2d(flat, [m, b]);
    const cols = tf.tidy(() => tf.unstack(matrix).map((c) => tf.reshape(c, [1, b])));
    return this.makeBatch(b, cols, matrix, flat, () => tf.dispose([...cols, matrix]));
  }

  private bind(x0: readonly Tensor[], data: DataBatch | undefined, v0?: readonly Tensor[]): (s: Sym) => Value {
    if (x0.length !== this.n) throw new DslError("bad-point", `tensor objective: expected ${this.n} parameter columns, got ${x0.length}`);
    // One run over data rows: parameters as scalars, so param × column is tfjs's scalar fast
    // path rather than a [1, 1] × [1, S] broadcast (10× slower on wasm).
    const scalar = data !== undefined && batchSize(x0) === 1;
    const tf = this.engine.tf;
    const x = scalar ? x0.map((t) => tf.reshape(t, [])) : x0;
    const v = scalar && v0 ? v0.map((t) => tf.reshape(t, [])) : v0;
    const dirIndex = v ? new Map(this.dirs.map((d, i) => [d, i])) : undefined;
    return (s) => {
      const i = this.paramIndex.get(s);
      if (i !== undefined) return x[i]!;
      const c = data?.columns.get(s);
      if (c) return c;
      const d = dirIndex?.get(s);
      if (d !== undefined) return v![d]!;
      throw new DslError("unbound-symbol", `tensor objective: no value for '${s.name}'`);
    };
  }

  /** Reduces a per-sample value to a [B, 1] column (mean or sum over the rows). */
  private reduceRows(v: Value, B: number, S: number): Tensor {
    const tf = this.engine.tf;
    const k = this.reduce === "sum" ? S : 1;
    if (typeof v === "number") return tf.fill([B, 1], v * k);
    let r: Tensor;
    if (v.shape[1] !== undefined && v.shape[1] > 1) r = this.reduce === "sum" ? tf.sum(v, 1, true) : tf.mean(v, 1, true);
    else r = k === 1 ? v : tf.mul(v, k);
    return r.shape[0] === B && r.rank === 2 ? r : tf.broadcastTo(tf.reshape(r, [-1, 1]), [B, 1]);
  }

  private dataRows(data: DataBatch | undefined): { data: DataBatch | undefined; S: number } {
    if (this.samples === 0) return { data: undefined, S: 1 };
    const d = data ?? this.fullData();
    return { data: d, S: d.size };
  }

  /** Runs a program over B points and `data`; returns the lookup of node values. */
  private evaluate(kind: "value" | "grad" | "hvp", x: readonly Tensor[], data: DataBatch | undefined, v?: readonly Tensor[]): { prog: Program; get: (e: Expr) => Value; B: number; S: number } {
    const { data: d, S } = this.dataRows(data);
    const B = batchSize(x);
    const prog = this.plan(kind);
    // the matrix-product hooks read the batch from here while the plan runs (synchronously)
    this.current = d ? { data: d, B, scalar: B === 1 } : undefined;
    return { prog, get: prog.plan.runAll(this.engine.tf, this.bind(x, d, v)), B, S };
  }

  /** f at B points: parameter columns [B, 1] → [B, 1]. Data-backed: over `data` (default all rows). */
  value(x: readonly Tensor[], data?: DataBatch): Tensor {
    const { prog, get, B, S } = this.evaluate("value", x, data);
    this.current = undefined;
    return this.reduceRows(get(prog.plan.roots[0]!), B, S);
  }

  /** f and the gradient columns at B points. */
  valueAndGrad(x: readonly Tensor[], data?: DataBatch): { value: Tensor; grad: Tensor[] } {
    const { prog, get, B, S } = this.evaluate("grad", x, data);
    const roots = prog.plan.roots;
    const grad: Tensor[] = new Array(roots.length - 1);
    for (const g of prog.groups) this.gradGroup(g, get, B, S).forEach((col, j) => (grad[g.entries[j]! - 1] = col));
    for (let i = 1; i < roots.length; i++) grad[i - 1] ??= this.reduceRows(get(roots[i]!), B, S);
    this.current = undefined;
    return { value: this.reduceRows(get(roots[0]!), B, S), grad };
  }

  /** ∇²f(x)·v at B points (v as columns too). */
  hvp(x: readonly Tensor[], v: readonly Tensor[], data?: DataBatch): Tensor[] {
    const { prog, get, B, S } = this.evaluate("hvp", x, data, v);
    this.current = undefined;
    return prog.plan.roots.map((r) => this.reduceRows(get(r), B, S));
  }

  /**
   * [f, ∂f/∂x₁, …] as expressions with the named constants bound, and the variable names they
   * read (for the fused kernels, which compile them themselves). Plain objectives only.
   */
  symbolicGradient(): { exprs: Expr[]; names: string[] } {
    if (this.samples > 0) throw new DslError("backend-capability", "fused kernels take objectives without data");
    const core = this.core;
    return { exprs: core.bind([core.expr, ...core.gradient]), names: this.params.map((p) => p.name) };
  }

  /** Tfjs ops per evaluation of (f, ∇f): the size of the compiled program. */
  get gradOps(): number {
    return this.plan("grad").plan.size;
  }

  /** Frees the data kept on the backend. */
  dispose(): void {
    const tf = this.engine.tf;
    if (this.full) {
      this.full.dispose();
      tf.dispose([...this.full.columns.values()]);
    }
    this.full = undefined;
    this.dataMatrix?.dispose();
    this.dataMatrix = undefined;
  }
}

function batchSize(x: readonly Tensor[]): number {
  return x[0]?.shape[0] ?? 1;
}

/** A [B, n] matrix as n columns [B, 1]. */
export function toColumns(engine: TfjsEngine, X: Tensor): Tensor[] {
  const n = X.shape[1]!;
  return n === 1 ? [engine.tf.clone(X)] : engine.tf.split(X, n, 1);
}

/** n columns [B, 1] as a [B, n] matrix. */
export function fromColumns(engine: TfjsEngine, cols: readonly Tensor[]): Tensor {
  return cols.length === 1 ? engine.tf.clone(cols[0]!) : engine.tf.concat(cols as Tensor[], 1);
}
