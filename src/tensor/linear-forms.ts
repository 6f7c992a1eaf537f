/**
 * Matrix products hiding in scalar expressions of data-backed objectives.
 *
 * The IR is scalar: a linear model's z = w₁a₁ + … + w_m a_m + c is m products and m sums, each
 * an elementwise op over all S rows, and its gradient entries ∂ℓ/∂wⱼ = r·aⱼ (r shared) are m more
 * products and m reductions. Two patterns turn them into one matrix product each:
 *  - a linear form: a sum with ≥ 4 terms p·d (a parameter times a data column, with an optional
 *    constant) is P·D, P = [B, m] parameters, D = [m, S] data rows;
 *  - a gradient group: gradient entries that are the same factor r times different data columns
 *    reduce over the rows as r·Dᵀ ([B, S] × [S, k]).
 * Matrix factorization written with one-hot rows (Σᵢ uᵢ Uᵢₖ) is both patterns at once.
 */
import { freeSyms, postorder, type Expr, type Sym } from "../symbolic/index.js";

/** One term pⱼ·dⱼ·coeff of a linear form. */
export interface LinearTerm {
  param: Sym;
  data: Sym;
  coeff: number;
}

/** A sum node whose linear terms are evaluated as one product. */
export interface LinearForm {
  node: Expr;
  terms: LinearTerm[];
  /** The sum's other arguments (added elementwise). */
  rest: Expr[];
}

/** Gradient entries r·dⱼ sharing r. */
export interface GradGroup {
  /** Positions in the gradient list. */
  entries: number[];
  /** dⱼ per entry. */
  data: Sym[];
  /** r = Σ_t Π factor[t] (a sum of products: entries written as Σ_t (…)·dⱼ factor out dⱼ). */
  factor: Expr[][];
}

/** Fewest terms worth a matrix product. */
export const MIN_TERMS = 4;

function linearTerm(e: Expr, isParam: (s: Sym) => boolean, isData: (s: Sym) => boolean): LinearTerm | undefined {
  if (e.kind !== "mul" || e.args.length < 2 || e.args.length > 3) return undefined;
  let coeff = 1;
  let param: Sym | undefined;
  let data: Sym | undefined;
  for (const a of e.args) {
    if (a.kind === "num") coeff *= a.value;
    else if (a.kind === "sym" && isParam(a) && !param) param = a;
    else if (a.kind === "sym" && isData(a) && !data) data = a;
    else return undefined;
  }
  return param && data ? { param, data, coeff } : undefined;
}

/**
 * Finds the linear forms among `roots` and, when `grads` is given (indices of the gradient
 * entries among the roots), the gradient groups. `skip` are the nodes no longer computed.
 */
export function findMatrixProducts(
  roots: readonly Expr[],
  isParam: (s: Sym) => boolean,
  isData: (s: Sym) => boolean,
  grads: readonly number[] = [],
): { forms: LinearForm[]; groups: GradGroup[]; skip: Set<Expr> } {
  const order = postorder(roots);
  const parents = new Map<Expr, Expr[]>();
  for (const e of order) for (const a of e.args) (parents.get(a) ?? parents.set(a, []).get(a)!).push(e);
  const rootSet = new Set(roots);
  const forms: LinearForm[] = [];
  const termOf = new Map<Expr, LinearTerm>();
  for (const e of order) {
    if (e.kind !== "add") continue;
    const terms: LinearTerm[] = [];
    const rest: Expr[] = [];
    for (const a of e.args) {
      const t = linearTerm(a, isParam, isData);
      if (t) {
        terms.push(t);
        termOf.set(a, t);
      } else rest.push(a);
    }
    if (terms.length >= MIN_TERMS) forms.push({ node: e, terms, rest });
  }
  const formNodes = new Set(forms.map((f) => f.node));
  const skip = new Set<Expr>();
  for (const [term] of termOf) {
    const ps = parents.get(term) ?? [];
    if (!rootSet.has(term) && ps.length > 0 && ps.every((p) => formNodes.has(p))) skip.add(term);
  }
  // gradient groups: r·dⱼ with r shared (keyed by the ids of r's factors)
  const byFactor = new Map<string, { entries: number[]; data: Sym[]; factor: Expr[][] }>();
  for (const gi of grads) {
    const split = splitData(roots[gi]!, isData);
    if (!split) continue;
    const { data, factor } = split;
    // r must vary with the rows, or the product is not a reduction over them
    if (!factor.some((t) => t.some((a) => [...freeSyms(a)].some(isData)))) continue;
    const key = factor.map((t) => t.map((a) => a.id).join("*")).join("+");
    const grp = byFactor.get(key) ?? byFactor.set(key, { entries: [], data: [], factor }).get(key)!;
    grp.entries.push(gi);
    grp.data.push(data);
  }
  const groups = [...byFactor.values()].filter((g) => g.entries.length >= 2);
  for (const g of groups) {
    for (const gi of g.entries) {
      const root = roots[gi]!;
      const used = (parents.get(root) ?? []).length > 0 || roots.filter((r) => r === root).length > 1;
      if (!used) skip.add(root);
    }
  }
  return { forms, groups, skip };
}

/**
 * An entry r·d (a product with exactly one data symbol d) or Σ_t r_t·d (a sum of such products,
 * all with the same d) as d and the factors of r.
 */
function splitData(g: Expr, isData: (s: Sym) => boolean): { data: Sym; factor: Expr[][] } | undefined {
  const terms: readonly Expr[] = g.kind === "add" ? g.args : [g];
  if (terms.some((t) => t.kind !== "mul")) return undefined;
  // the data symbol every term multiplies by, exactly once
  const sets: Sym[][] = terms.map((t) => t.args.filter((a) => a.kind === "sym" && isData(a as Sym)) as Sym[]);
  const common = sets[0]!.filter((d) => sets.every((ds) => ds.filter((x) => x === d).length === 1)) as Sym[];
  if (common.length !== 1) return undefined;
  const d = common[0]!;
  return { data: d, factor: terms.map((t) => t.args.filter((a) => a !== d)) };
}
