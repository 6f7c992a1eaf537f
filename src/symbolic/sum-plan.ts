/**
 * Planning long sums as loops (see sum-loops.ts for why and how they compile): the terms of the
 * sum at the root of f (or of c·f, e.g. a mean) grouped by shape — a term, its numeric
 * coefficient split off, with its variables renamed to slot symbols §s0, §s1, … in order of first
 * appearance (hash-consing makes equal shapes one node). A group of at least `MIN_GROUP` terms
 * reads slot j of term t from an index that is affine in t or from a table, and so its coefficient.
 */
import { makeCall, makeNary, makePow, makeSym, type Expr, type Sym } from "./ir.js";
import { addList, splitCoefficient } from "./simplify.js";
import { postorder, substitute, type Rebuilder } from "./walk.js";

/** Fewest terms of one shape that become a loop (fewer stay straight-line code). */
export const MIN_GROUP = 16;

/** A per-term number as the loop reads it: the same for every t, affine in t, or from a table. */
export type Sequence = { readonly a: number; readonly b: number } | { readonly table: Int32Array | Float64Array };

/** Terms of one shape: f ⊇ Σ_t coef(t) · template(x[index_0(t)], x[index_1(t)], …). */
export interface TermGroup {
  /** The shape, in the slot symbols. */
  readonly template: Expr;
  /** The slot symbols §s0, §s1, …, in order of first appearance. */
  readonly slots: readonly Sym[];
  /** For each slot, the variable it reads in term t. */
  readonly index: readonly Sequence[];
  /** Each term's numeric coefficient. */
  readonly coef: Sequence;
  /** Number of terms. */
  readonly count: number;
}

/** f = scale · (Σ over groups + rest). */
export interface SumPlan {
  readonly scale: number;
  readonly groups: readonly TermGroup[];
  /** The terms in no group (ZERO when there are none). */
  readonly rest: Expr;
}

/** Rebuilds nodes as they are (a renaming of symbols changes no structure). */
export const RAW: Rebuilder = {
  add: (a) => makeNary("add", a),
  mul: (a) => makeNary("mul", a),
  pow: makePow,
  call: makeCall,
};

const slotSyms: Sym[] = [];
const slot = (j: number): Sym => (slotSyms[j] ??= makeSym(`§s${j}`));

/** A term's shape and the variables its slots stand for (null if it has a symbol that is not a variable). */
function shapeOf(e: Expr, index: ReadonlyMap<Sym, number>): { template: Expr; vars: number[] } | null {
  const vars: number[] = [];
  const rename = new Map<Sym, Sym>();
  for (const node of postorder([e])) {
    if (node.kind !== "sym") continue;
    const k = index.get(node);
    if (k === undefined) return null;
    rename.set(node, slot(vars.length));
    vars.push(k);
  }
  return { template: substitute([e], (s) => rename.get(s), RAW)[0]!, vars };
}

function sequence(values: readonly number[], integers: boolean): Sequence {
  const a = values[0]!;
  const b = values.length > 1 ? values[1]! - a : 0;
  for (let t = 0; t < values.length; t++) if (values[t] !== a + b * t) return { table: integers ? Int32Array.from(values) : Float64Array.from(values) };
  return { a, b };
}

/**
 * Groups the terms of f's root sum by shape; null when no shape has `minGroup` terms (compile f
 * as straight-line code then).
 */
export function planSum(f: Expr, index: ReadonlyMap<Sym, number>, minGroup = MIN_GROUP): SumPlan | null {
  let scale = 1;
  let sum = f;
  if (f.kind === "mul" && f.args.length === 2 && f.args[0]!.kind === "num" && f.args[1]!.kind === "add") {
    scale = f.args[0]!.value;
    sum = f.args[1]!;
  }
  if (sum.kind !== "add" || sum.args.length < minGroup) return null;
  const byShape = new Map<Expr, { terms: Expr[]; coefs: number[]; vars: number[][] }>();
  const rest: Expr[] = [];
  for (const term of sum.args) {
    const [c, body] = splitCoefficient(term);
    const shape = body.kind === "num" ? null : shapeOf(body, index);
    if (shape === null) {
      rest.push(term);
      continue;
    }
    let g = byShape.get(shape.template);
    if (g === undefined) byShape.set(shape.template, (g = { terms: [], coefs: [], vars: [] }));
    g.terms.push(term);
    g.coefs.push(c);
    g.vars.push(shape.vars);
  }
  const groups: TermGroup[] = [];
  for (const [template, g] of byShape) {
    if (g.terms.length < minGroup) {
      rest.push(...g.terms);
      continue;
    }
    const k = g.vars[0]!.length;
    groups.push({
      template,
      slots: Array.from({ length: k }, (_v, j) => slot(j)),
      index: Array.from({ length: k }, (_v, j) => sequence(g.vars.map((v) => v[j]!), true)),
      coef: sequence(g.coefs, false),
      count: g.terms.length,
    });
  }
  return groups.length === 0 ? null : { scale, groups, rest: addList(rest) };
}

