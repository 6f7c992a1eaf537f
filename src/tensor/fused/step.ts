/**
 * The graphs of a fused run and the packed state they read and write.
 *
 * Packed state: R rows of B values (row-major [R, B]): the parameters x (n rows), the loss and
 * gradient norm at x (written, never read), `alive` (1 until the run diverges), `divAt` (point of
 * divergence or −1), `toTol` (first point with |∇f| ≤ tol, or −1), the divergence `limit`, then
 * the optimizer state's columns in the order `walkState` visits them.
 *
 * Three graphs: `init` (the state at x₀: the limit from f(x₀), the optimizer's initial state),
 * `step k` (f and ∇f at x_k, the bookkeeping of point k, then, for runs still alive, clip,
 * update, move: x_{k+1}) and `final` (f, ∇f and the bookkeeping at the last point, no update).
 * Evaluating the objective once per step at the current point, rather than keeping the gradient
 * of the last evaluation in the state, makes the state 2n + 2 rows smaller: kernels move less
 * memory, and the results are the same (the gradient of x_k is the same numbers either way).
 * A diverged run keeps its point and state; rows never mix, so NaN in one run reaches no other.
 */
import type { Expr } from "../../symbolic/index.js";
import type { Transform } from "../../optim/index.js";
import { Ref, Trace, traceExprs, traceOps, type TCols } from "./trace.js";

/** Fixed rows before the optimizer state. */
export const ROW = {
  x: (_n: number, i: number) => i,
  loss: (n: number) => n,
  gn: (n: number) => n + 1,
  alive: (n: number) => n + 2,
  divAt: (n: number) => n + 3,
  toTol: (n: number) => n + 4,
  limit: (n: number) => n + 5,
  state: (n: number) => n + 6,
};

/** Visits the traced columns of a state record in a fixed order, replacing each by `f(col)`. */
export function walkState(s: unknown, f: (col: Ref) => Ref): void {
  if (Array.isArray(s)) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (v instanceof Ref) s[i] = f(v);
      else walkState(v, f);
    }
  } else if (s !== null && typeof s === "object") {
    const o = s as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (v instanceof Ref) o[k] = f(v);
      else walkState(v, f);
    }
  }
}

/** What the graphs need. */
export interface StepSpec {
  transform: Transform;
  /** [f, ∂f/∂x₁, …] with constants bound, in variables' order. */
  exprs: readonly Expr[];
  /** Variable names (symbols of `exprs`), in order. */
  names: readonly string[];
  clipNorm?: number;
  clipValue?: number;
}

/** A traced graph: the output node of every row, and its shape key. */
export interface Graph {
  trace: Trace;
  outputs: number[];
  order: number[];
  key: string;
}

/** The last graph finished: a step shaped like it reuses its order and key (no string building). */
let previous: Graph | undefined;

function finish(t: Trace, outputs: number[]): Graph {
  const p = previous;
  if (p && sameShape(p, t, outputs)) return (previous = { trace: t, outputs, order: p.order, key: p.key });
  const { order, key } = t.reachable(outputs);
  return (previous = { trace: t, outputs, order, key });
}

/** Node for node the same operations, arguments and slots (uniform values may differ). */
function sameShape(p: Graph, t: Trace, outputs: readonly number[]): boolean {
  const a = p.trace.nodes;
  const b = t.nodes;
  if (a.length !== b.length || p.outputs.length !== outputs.length) return false;
  for (let i = 0; i < outputs.length; i++) if (p.outputs[i] !== outputs[i]) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.op !== y.op || x.v !== y.v || x.a.length !== y.a.length) return false;
    for (let j = 0; j < x.a.length; j++) if (x.a[j] !== y.a[j]) return false;
  }
  return true;
}

/** f and |∇f| at the columns x. */
function evaluate(t: Trace, spec: StepSpec, x: readonly number[]): { f: number; g: number[]; gn: number } {
  const index = new Map(spec.names.map((nm, i) => [nm, x[i]!]));
  const [f, ...g] = traceExprs(t, spec.exprs, (nm) => index.get(nm)!);
  const gn = t.node("sqrt", [g.map((v) => t.node("mul", [v, v])).reduce((a, b) => t.node("add", [a, b]))]);
  return { f: f!, g, gn };
}

/**
 * The init graph (its inputs: the x rows; every other row is written). Returns the graph, the
 * transform's state record (traced) and the number of rows R.
 */
export function initGraph(spec: StepSpec, factor: number): { graph: Graph; state: unknown; R: number } {
  const n = spec.names.length;
  const t = new Trace();
  const ops = traceOps(t);
  const x = spec.names.map((_, i) => t.input(ROW.x(n, i)));
  const state = spec.transform.init(x.map((id) => new Ref(id)), ops);
  const cols: number[] = [];
  walkState(state, (c) => (cols.push(c.id), c));
  const { f, gn } = evaluate(t, spec, x);
  const limit = Number.isFinite(factor)
    ? t.node("add", [f, t.node("mul", [t.uniform(factor), t.node("add", [t.node("abs", [f]), t.constant(1)])])])
    : t.uniform(Infinity);
  const graph = finish(t, [...x, f, gn, t.constant(1), t.constant(-1), t.constant(-1), limit, ...cols]);
  return { graph, state, R: ROW.state(n) + cols.length };
}

/**
 * The graph of step k (0-based: it evaluates point k and moves to k + 1), or with
 * `update: false` the final evaluation of point k. Mutates `state` (the transform's traced
 * record: its columns become this graph's inputs, then its outputs).
 */
export function stepGraph(spec: StepSpec, state: unknown, k: number, tol: number, update = true): Graph {
  const n = spec.names.length;
  const t = new Trace();
  const ops = traceOps(t);
  const node = (op: Parameters<Trace["node"]>[0], ...a: number[]) => t.node(op, a);
  const x = spec.names.map((_, i) => t.input(ROW.x(n, i)));
  const alive = t.input(ROW.alive(n));
  const divAt = t.input(ROW.divAt(n));
  const toTol = t.input(ROW.toTol(n));
  const limit = t.input(ROW.limit(n));
  const oldState: number[] = [];
  let j = 0;
  walkState(state, () => {
    const r = new Ref(t.input(ROW.state(n) + j++));
    oldState.push(r.id);
    return r;
  });
  const { f, g, gn } = evaluate(t, spec, x);
  const ok = node("and", node("and", node("isfin", f), node("isfin", gn)), node("le", f, limit));
  const wasAlive = node("gt", alive, t.constant(0));
  const nowAlive = node("and", wasAlive, ok);
  const point = t.uniform(k);
  const bookkeeping = [
    f,
    gn,
    node("sel", nowAlive, t.constant(1), t.constant(0)),
    node("sel", node("and", wasAlive, node("not", ok)), point, divAt),
    node("sel", node("and", node("and", node("lt", toTol, t.constant(0)), nowAlive), node("le", gn, t.uniform(tol))), point, toTol),
    limit,
  ];
  if (!update) return finish(t, [...x, ...bookkeeping, ...oldState]);
  let grad: TCols = g.map((id) => new Ref(id));
  if (spec.clipNorm !== undefined) {
    const c = node("min", node("div", t.uniform(spec.clipNorm), node("add", gn, t.constant(1e-6))), t.constant(1));
    grad = grad.map((r) => new Ref(node("mul", r.id, c)));
  }
  if (spec.clipValue !== undefined) grad = ops.clip(grad, -spec.clipValue, spec.clipValue);
  const u = spec.transform.update(grad, state as never, x.map((id) => new Ref(id)), ops, { loss: NaN });
  const newState: number[] = [];
  walkState(state, (r) => (newState.push(r.id), r));
  if (newState.length !== oldState.length) throw new Error(`optlab internal error: the optimizer state changed shape at step ${k} (${oldState.length} → ${newState.length} columns)`);
  const keep = (a: number, b: number) => node("sel", nowAlive, a, b);
  return finish(t, [
    ...x.map((xi, i) => keep(node("add", xi, u[i]!.id), xi)),
    ...bookkeeping,
    ...newState.map((s, i) => keep(s, oldState[i]!)),
  ]);
}
