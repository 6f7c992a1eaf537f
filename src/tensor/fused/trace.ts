/**
 * Tracing: one optimizer step, written once against `Ops` (src/optim's transforms, unchanged) and
 * the compiled objective, recorded as a graph of per-run scalar operations, so that a whole step
 * for every run becomes one generated kernel (WGSL on WebGPU, WebAssembly SIMD on the CPU).
 *
 * Every run is independent and every primitive of `Ops` is elementwise or a reduction over a
 * run's own parameters, so a step is a function of one run's row: its parameters, gradient,
 * optimizer state, per-run hyperparameters, plus scalars shared by all runs that change from step
 * to step (bias corrections such as 1 − β^t, scheduled learning rates). Those shared scalars are
 * computed in float64 JavaScript by the transform itself and enter the graph as numbered uniform
 * slots; the graph's shape is the kernel's cache key, so a step whose shape was seen before reuses
 * its kernel and only uploads new uniform values.
 */
import type { Ops, Scalar } from "../../backends/index.js";
import { FUNCTIONS, postorder, type Expr, type FnName } from "../../symbolic/index.js";

/** Node operations. */
export type Op =
  | "in" | "prun" | "uni" | "const"
  | "add" | "sub" | "mul" | "div" | "max" | "min" | "pow" | "atan2"
  | "gt" | "ge" | "lt" | "le" | "and" | "or"
  | "neg" | "sqrt" | "abs" | "sign" | "floor" | "ceil" | "recip" | "isfin" | "not"
  | "exp" | "log" | "log1p" | "expm1" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan"
  | "sinh" | "cosh" | "tanh" | "asinh" | "acosh" | "atanh" | "erf"
  | "sel";

/** A node: an operation on earlier nodes (by index), or a leaf with its slot / constant. */
export interface TNode {
  readonly op: Op;
  readonly a: readonly number[];
  /** Row (in), per-run slot (prun), uniform slot (uni) or value (const). */
  readonly v: number;
}

/** A graph under construction, with per-step uniform values and per-run value arrays. */
export class Trace {
  readonly nodes: TNode[] = [];
  readonly uniforms: number[] = [];
  readonly perRun: (readonly number[])[] = [];
  private readonly memo = new Map<string, number>();
  private readonly prunIndex = new Map<readonly number[], number>();

  /** Adds a node (identical non-uniform nodes are shared: common subexpressions once). */
  node(op: Op, a: readonly number[] = [], v = 0): number {
    if (op === "uni") {
      this.nodes.push({ op, a, v });
      return this.nodes.length - 1;
    }
    if (op === "sel" && a[1] === a[2]) return a[1]!; // c ? x : x
    const key = `${op}|${a.join(",")}|${v}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    this.nodes.push({ op, a, v });
    this.memo.set(key, this.nodes.length - 1);
    return this.nodes.length - 1;
  }

  input(row: number): number {
    return this.node("in", [], row);
  }
  constant(c: number): number {
    return this.node("const", [], c);
  }
  uniform(value: number): number {
    this.uniforms.push(value);
    return this.node("uni", [], this.uniforms.length - 1);
  }
  /** A per-run value array (slots are shared by identity). */
  perRunValues(values: readonly number[]): number {
    let slot = this.prunIndex.get(values);
    if (slot === undefined) {
      slot = this.perRun.length;
      this.perRun.push(values);
      this.prunIndex.set(values, slot);
    }
    return this.node("prun", [], slot);
  }

  /** The nodes reachable from `outputs`, in order, and a key describing their shape. */
  reachable(outputs: readonly number[]): { order: number[]; key: string } {
    const seen = new Uint8Array(this.nodes.length);
    const stack = [...outputs];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen[i]) continue;
      seen[i] = 1;
      for (const j of this.nodes[i]!.a) stack.push(j);
    }
    const order: number[] = [];
    let key = "";
    for (let i = 0; i < this.nodes.length; i++) {
      if (!seen[i]) continue;
      order.push(i);
      const nd = this.nodes[i]!;
      // a uniform's value is not part of the shape, its slot is
      key += `${i}:${nd.op}(${nd.a.join(",")})${nd.v};`;
    }
    return { order, key: key + "->" + outputs.join(",") };
  }
}

/** A reference to a traced node (columns and per-run scalars are arrays of these). */
export class Ref {
  constructor(readonly id: number) {}
}

/** A traced batch by columns: one node per parameter; a per-run scalar is one node. */
export type TCols = Ref[];

/**
 * `Ops` on traced columns. Numbers that meet nodes become uniform slots; two numbers stay
 * numbers (float64, as the contract of src/backends/ops.ts asks).
 */
export function traceOps(t: Trace): Ops<TCols> {
  const isNum = (s: Scalar<TCols>): s is number => typeof s === "number";
  const R = (id: number) => new Ref(id);
  const v = (s: Scalar<TCols>): number => (isNum(s) ? t.uniform(s) : s[0]!.id);
  const node = (op: Op, ...a: number[]) => t.node(op, a);
  const map = (a: TCols, f: (x: number, i: number) => number): TCols => a.map((r, i) => R(f(r.id, i)));
  const id = (c: TCols, i: number) => c[i]!.id;
  const total = (ids: number[]) => ids.reduce((acc, x) => node("add", acc, x));
  const s2 = (a: Scalar<TCols>, c: Scalar<TCols>, num: (x: number, y: number) => number, op: Op): Scalar<TCols> =>
    isNum(a) && isNum(c) ? num(a, c) : [R(node(op, v(a), v(c)))];
  return {
    name: "trace",
    precision: 32,
    zerosLike: (a) => map(a, () => t.constant(0)),
    fullLike: (a, s) => {
      const k = v(s);
      return map(a, () => k);
    },
    copy: (a) => a.slice(),
    add: (a, c) => map(a, (x, i) => node("add", x, id(c, i))),
    sub: (a, c) => map(a, (x, i) => node("sub", x, id(c, i))),
    mul: (a, c) => map(a, (x, i) => node("mul", x, id(c, i))),
    div: (a, c) => map(a, (x, i) => node("div", x, id(c, i))),
    scale: (a, s) => {
      const k = v(s);
      return map(a, (x) => node("mul", x, k));
    },
    addScalar: (a, s) => {
      const k = v(s);
      return map(a, (x) => node("add", x, k));
    },
    axpy: (s, x, y) => {
      const k = v(s);
      return map(y, (yi, i) => node("add", yi, node("mul", id(x, i), k)));
    },
    lerp: (a, c, w) => {
      const k = v(w);
      return map(a, (x, i) => node("add", x, node("mul", node("sub", id(c, i), x), k)));
    },
    addcmul: (a, c, d, s) => {
      const k = v(s);
      return map(a, (x, i) => node("add", x, node("mul", node("mul", id(c, i), id(d, i)), k)));
    },
    addcdiv: (a, c, d, s) => {
      const k = v(s);
      return map(a, (x, i) => node("add", x, node("mul", node("div", id(c, i), id(d, i)), k)));
    },
    sqrt: (a) => map(a, (x) => node("sqrt", x)),
    square: (a) => map(a, (x) => node("mul", x, x)),
    abs: (a) => map(a, (x) => node("abs", x)),
    sign: (a) => map(a, (x) => node("sign", x)),
    maximum: (a, c) => map(a, (x, i) => node("max", x, id(c, i))),
    clip: (a, lo, hi) => {
      const l = v(lo);
      const h = v(hi);
      return map(a, (x) => node("min", node("max", x, l), h));
    },
    select: (mask, a, c) => {
      if (isNum(mask)) return (mask ? a : c).slice();
      const m = node("gt", mask[0]!.id, t.constant(0));
      return map(a, (x, i) => node("sel", m, x, id(c, i)));
    },
    sum: (a) => [R(total(a.map((r) => r.id)))],
    mean: (a) => [R(node("div", total(a.map((r) => r.id)), t.constant(a.length)))],
    dot: (a, c) => [R(total(a.map((r, i) => node("mul", r.id, id(c, i)))))],
    norm: (a) => [R(node("sqrt", total(a.map((r) => node("mul", r.id, r.id)))))],
    perRun: (values) => [R(t.perRunValues(values))],
    sadd: (a, c) => s2(a, c, (x, y) => x + y, "add"),
    ssub: (a, c) => s2(a, c, (x, y) => x - y, "sub"),
    smul: (a, c) => s2(a, c, (x, y) => x * y, "mul"),
    sdiv: (a, c) => s2(a, c, (x, y) => x / y, "div"),
    spow: (a, c) => s2(a, c, Math.pow, "pow"),
    ssqrt: (a) => (isNum(a) ? Math.sqrt(a) : [R(node("sqrt", a[0]!.id))]),
    smin: (a, c) => s2(a, c, Math.min, "min"),
    smax: (a, c) => s2(a, c, Math.max, "max"),
    sgt: (a, c) => (isNum(a) && isNum(c) ? (a > c ? 1 : 0) : [R(node("sel", node("gt", v(a), v(c)), t.constant(1), t.constant(0)))]),
  };
}

/** Functions of the IR the traced kernels implement. */
const DIRECT: Partial<Record<FnName, Op>> = {
  exp: "exp", log: "log", log1p: "log1p", expm1: "expm1", abs: "abs", sign: "sign", floor: "floor", ceil: "ceil",
  sin: "sin", cos: "cos", tan: "tan", asin: "asin", acos: "acos", atan: "atan",
  sinh: "sinh", cosh: "cosh", tanh: "tanh", asinh: "asinh", acosh: "acosh", atanh: "atanh", erf: "erf",
};

/** Traces IR expressions (an objective's value and gradient) with symbols bound by `bind`. */
export function traceExprs(t: Trace, roots: readonly Expr[], bind: (name: string) => number): number[] {
  const vals = new Map<Expr, number | { n: number }>();
  const N = (x: number | { n: number }): number => (typeof x === "number" ? t.constant(x) : x.n);
  for (const e of postorder(roots)) {
    const a = e.args.map((c) => vals.get(c)!);
    const allNum = a.every((x) => typeof x === "number");
    let out: number | { n: number };
    switch (e.kind) {
      case "num":
        out = e.value;
        break;
      case "sym":
        out = { n: bind(e.name) };
        break;
      case "add":
        out = allNum ? (a as number[]).reduce((s, x) => s + x, 0) : { n: a.map(N).reduce((s, x) => t.node("add", [s, x])) };
        break;
      case "mul": {
        if (allNum) out = (a as number[]).reduce((s, x) => s * x, 1);
        else {
          const c = a.filter((x): x is number => typeof x === "number").reduce((s, x) => s * x, 1);
          let n = a.filter((x) => typeof x !== "number").map(N).reduce((s, x) => t.node("mul", [s, x]));
          if (c === -1) n = t.node("neg", [n]);
          else if (c !== 1) n = t.node("mul", [t.constant(c), n]);
          out = { n };
        }
        break;
      }
      case "pow":
        out = allNum ? Math.pow(a[0] as number, a[1] as number) : power(t, a[0]!, a[1]!);
        break;
      case "call":
        out = allNum ? FUNCTIONS[e.fn].eval(...(a as number[])) : call(t, e.fn, a.map(N));
        break;
    }
    vals.set(e, out);
  }
  return roots.map((r) => N(vals.get(r)!));
}

function power(t: Trace, b: number | { n: number }, x: number | { n: number }): { n: number } {
  const B = typeof b === "number" ? t.constant(b) : b.n;
  if (typeof x !== "number") return { n: t.node("pow", [B, x.n]) };
  if (x === 0.5) return { n: t.node("sqrt", [B]) };
  if (x === -0.5) return { n: t.node("recip", [t.node("sqrt", [B])]) };
  if (Number.isInteger(x) && Math.abs(x) <= 16) {
    let k = Math.abs(x);
    let acc = -1;
    let sq = B;
    while (k > 0) {
      if (k & 1) acc = acc < 0 ? sq : t.node("mul", [acc, sq]);
      k >>= 1;
      if (k > 0) sq = t.node("mul", [sq, sq]);
    }
    if (x === 0) return { n: t.constant(1) };
    return { n: x < 0 ? t.node("recip", [acc]) : acc };
  }
  return { n: t.node("pow", [B, t.constant(x)]) };
}

/** m = max|u_k|, safe = m (1 where m = 0), s = Σ (u_k/safe)² (traced): hypot = m·√s without overflow. */
function scaledSquares(t: Trace, a: number[]): { m: number; safe: number; s: number } {
  const m = a.map((x) => t.node("abs", [x])).reduce((p, q) => t.node("max", [p, q]));
  const safe = t.node("sel", [t.node("gt", [m, t.constant(0)]), m, t.constant(1)]);
  const s = a.map((x) => t.node("div", [x, safe])).map((q) => t.node("mul", [q, q])).reduce((p, q) => t.node("add", [p, q]));
  return { m, safe, s };
}

function call(t: Trace, fn: FnName, a: number[]): { n: number } {
  const d = DIRECT[fn];
  const n = (op: Op, ...args: number[]) => t.node(op, args);
  const c = (v: number) => t.constant(v);
  if (d) return { n: n(d, a[0]!) };
  switch (fn) {
    case "pi":
      return { n: c(Math.PI) };
    case "log2":
      return { n: n("mul", n("log", a[0]!), c(1 / Math.LN2)) };
    case "log10":
      return { n: n("mul", n("log", a[0]!), c(1 / Math.LN10)) };
    case "cbrt":
      return { n: n("mul", n("sign", a[0]!), n("pow", n("abs", a[0]!), c(1 / 3))) };
    case "round":
      return { n: n("floor", n("add", a[0]!, c(0.5))) };
    case "sec":
      return { n: n("recip", n("cos", a[0]!)) };
    case "csc":
      return { n: n("recip", n("sin", a[0]!)) };
    case "cot":
      return { n: n("recip", n("tan", a[0]!)) };
    case "atan2":
      return { n: n("atan2", a[0]!, a[1]!) };
    case "sech": {
      // 2e/(1 + e²) with e = e^{−|x|}: no overflow of cosh
      const e = n("exp", n("neg", n("abs", a[0]!)));
      return { n: n("div", n("mul", c(2), e), n("add", c(1), n("mul", e, e))) };
    }
    case "csch": {
      // sign(x)·2e/(1 − e²) past |x| = 1, 1/sinh(x) below (where 1 − e² would cancel)
      const e = n("exp", n("neg", n("abs", a[0]!)));
      const far = n("div", n("mul", n("mul", c(2), n("sign", a[0]!)), e), n("sub", c(1), n("mul", e, e)));
      return { n: n("sel", n("lt", n("abs", a[0]!), c(1)), n("recip", n("sinh", a[0]!)), far) };
    }
    case "coth":
      return { n: n("recip", n("tanh", a[0]!)) };
    case "sigmoid": {
      // 1/(1+e^{−x}) for x ≥ 0, e^x/(1+e^x) otherwise: no overflow
      const e = n("exp", n("neg", n("abs", a[0]!)));
      const pos = n("recip", n("add", c(1), e));
      return { n: n("sel", n("ge", a[0]!, c(0)), pos, n("mul", e, pos)) };
    }
    case "softplus":
      return { n: n("add", n("max", a[0]!, c(0)), n("log1p", n("exp", n("neg", n("abs", a[0]!))))) };
    case "logsumexp": {
      if (a.length === 1) return { n: a[0]! };
      const m = a.reduce((s, x) => n("max", s, x));
      const s = a.map((x) => n("exp", n("sub", x, m))).reduce((p, q) => n("add", p, q));
      return { n: n("sel", n("isfin", m), n("add", m, n("log", s)), m) };
    }
    case "softmax": {
      const k = t.nodes[a[0]!]!.v - 1; // first argument is a constant
      const u = a.slice(1);
      const m = u.reduce((s, x) => n("max", s, x));
      const s = u.map((x) => n("exp", n("sub", x, m))).reduce((p, q) => n("add", p, q));
      return { n: n("div", n("exp", n("sub", u[k]!, m)), s) };
    }
    case "max":
      return { n: a.reduce((s, x) => n("max", s, x)) };
    case "min":
      return { n: a.reduce((s, x) => n("min", s, x)) };
    case "hypot": {
      // m·√Σ(u/m)² with m = max|u| (1 where m = 0): float32's u² overflows past 1.8e19
      const { m, s } = scaledSquares(t, a);
      return { n: n("mul", m, n("sqrt", s)) };
    }
    case "cosdir": {
      const k = t.nodes[a[0]!]!.v - 1; // first argument is a constant
      const { safe, s } = scaledSquares(t, a.slice(1));
      return { n: n("div", n("div", a[k + 1]!, safe), n("sqrt", s)) };
    }
    case "argmaxIs":
    case "argminIs": {
      const k = t.nodes[a[0]!]!.v - 1; // first argument is a constant
      const u = a.slice(1);
      const [strict, weak]: [Op, Op] = fn === "argmaxIs" ? ["gt", "ge"] : ["lt", "le"];
      let ind = -1;
      u.forEach((uj, j) => {
        if (j === k) return;
        const cmp = n(j < k ? strict : weak, u[k]!, uj);
        ind = ind < 0 ? cmp : n("and", ind, cmp);
      });
      return { n: ind < 0 ? c(1) : n("sel", ind, c(1), c(0)) };
    }
    default:
      throw new Error(`optlab internal error: no traced implementation of ${fn}`);
  }
}
