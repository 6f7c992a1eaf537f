/**
 * An expression DAG (src/symbolic's IR) turned into a straight-line list of TensorFlow.js ops.
 *
 * Built once from the roots (value, gradient entries, Hessian-vector products); each `run` walks
 * the list and calls one tfjs op per node, so a shared subexpression is computed once (the IR is
 * hash-consed: sharing is identity). Symbols are bound at run time to tensors (parameter columns
 * [B, 1], data columns [1, S]) or numbers; tensors broadcast, so one plan evaluates B parameter
 * points on S data rows at once ([B, S]). Subtrees without tensors fold in float64 with the IR's
 * own float64 semantics, so constants keep full precision until they meet a tensor.
 *
 * `run` allocates tensors: call it inside `tf.tidy`.
 */
import type { Tensor, TF } from "../backends/index.js";
import { FUNCTIONS, postorder, type Expr, type Sym } from "../symbolic/index.js";
import { TENSOR_FUNCTIONS, type Value } from "./functions.js";

interface Step {
  e: Expr;
  args: number[];
}

/**
 * Ways to evaluate some nodes differently: `skip` nodes are not computed (whoever reads them
 * computes them another way), `custom` nodes are computed by a function of the plan's values
 * (e.g. a linear form Σ pⱼ·dⱼ as one matrix product instead of 2m elementwise ops).
 */
export interface PlanHooks {
  skip?: ReadonlySet<Expr>;
  custom?: ReadonlyMap<Expr, (get: (e: Expr) => Value) => Value>;
}

/** Largest integer exponent expanded into multiplications (exact, and fast on every backend). */
const MAX_INT_POW = 16;

export class TensorPlan {
  private readonly steps: Step[];
  private readonly rootIndex: number[];
  /** Symbols the roots read. */
  readonly symbols: readonly Sym[];

  constructor(readonly roots: readonly Expr[], private readonly hooks: PlanHooks = {}) {
    const order = postorder(roots);
    const index = new Map<Expr, number>(order.map((e, i) => [e, i]));
    this.steps = order.map((e) => ({ e, args: e.args.map((a) => index.get(a)!) }));
    this.rootIndex = roots.map((r) => index.get(r)!);
    this.symbols = order.filter((e): e is Sym => e.kind === "sym");
  }

  /** Number of nodes (≈ tfjs ops per run, before constant folding). */
  get size(): number {
    return this.steps.length;
  }

  /** Evaluates the roots with symbols bound by `bind` (a skipped root comes back undefined). */
  run(tf: TF, bind: (s: Sym) => Value): Value[] {
    const get = this.runAll(tf, bind);
    return this.roots.map((r) => get(r));
  }

  /** Evaluates every node (but the skipped ones); returns a lookup of node values. */
  runAll(tf: TF, bind: (s: Sym) => Value): (e: Expr) => Value {
    const vals: Value[] = new Array(this.steps.length);
    const index = this.index;
    const get = (e: Expr): Value => vals[index.get(e)!]!;
    const { skip, custom } = this.hooks;
    for (let i = 0; i < this.steps.length; i++) {
      const { e, args } = this.steps[i]!;
      if (skip?.has(e)) continue;
      const c = custom?.get(e);
      vals[i] = c ? c(get) : node(tf, e, args.map((j) => vals[j]!), bind);
    }
    return get;
  }

  private get index(): Map<Expr, number> {
    return (this.indexCache ??= new Map(this.steps.map((st, i) => [st.e, i])));
  }
  private indexCache?: Map<Expr, number>;
}

const isNum = (v: Value): v is number => typeof v === "number";

function node(tf: TF, e: Expr, a: Value[], bind: (s: Sym) => Value): Value {
  switch (e.kind) {
    case "num":
      return e.value;
    case "sym":
      return bind(e);
    case "add": {
      let c = 0;
      let acc: Tensor | undefined;
      for (const v of a) {
        if (isNum(v)) c += v;
        else acc = acc ? tf.add(acc, v) : v;
      }
      if (!acc) return c;
      return c === 0 ? acc : tf.add(acc, c);
    }
    case "mul": {
      let c = 1;
      let acc: Tensor | undefined;
      for (const v of a) {
        if (isNum(v)) c *= v;
        else acc = acc ? tf.mul(acc, v) : v;
      }
      if (!acc) return c;
      return c === 1 ? acc : c === -1 ? tf.neg(acc) : tf.mul(acc, c);
    }
    case "pow":
      return power(tf, a[0]!, a[1]!);
    case "call": {
      if (a.every(isNum)) return FUNCTIONS[e.fn].eval(...(a as number[]));
      return TENSOR_FUNCTIONS[e.fn](tf, a);
    }
  }
}

function power(tf: TF, b: Value, x: Value): Value {
  if (isNum(b) && isNum(x)) return Math.pow(b, x);
  if (isNum(x)) {
    const base = b as Tensor;
    if (x === 1) return base;
    if (x === 0) return tf.onesLike(base);
    if (x === 2) return tf.square(base);
    if (x === 0.5) return tf.sqrt(base);
    if (x === -0.5) return tf.rsqrt(base);
    if (x === -1) return tf.reciprocal(base);
    if (Number.isInteger(x) && Math.abs(x) <= MAX_INT_POW) {
      // square-and-multiply: exact signs for negative bases
      let k = Math.abs(x);
      let acc: Tensor | undefined;
      let sq = base;
      while (k > 0) {
        if (k & 1) acc = acc ? tf.mul(acc, sq) : sq;
        k >>= 1;
        if (k > 0) sq = tf.square(sq);
      }
      return x < 0 ? tf.reciprocal(acc!) : acc!;
    }
    return tf.pow(base, x);
  }
  return tf.pow(isNum(b) ? tf.scalar(b) : b, x as Tensor);
}
