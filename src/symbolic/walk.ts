/**
 * Walking the DAG: the API a new target (a code generator, a TensorFlow.js builder, a printer)
 * is written against, without touching the IR's internals.
 *
 * - `postorder(roots)`: every reachable node once, children before parents.
 * - `useCounts(roots)`: how many parents (plus root slots) use each node; a node used twice or
 *   more is a common subexpression worth computing once.
 * - `visit(roots, visitor)`: a memoized fold over the DAG, so each shared node is visited once:
 *   a target that maps nodes to values (tfjs tensors, code strings) gets CSE for free.
 *
 * @example
 * ```ts
 * // Count operations of an expression, sharing included once.
 * const ops = visit([f], {
 *   num: () => 0, sym: () => 0,
 *   add: (_e, a) => a.length - 1, mul: (_e, a) => a.length - 1,
 *   pow: () => 1, call: () => 1,
 * });
 * ```
 */
import type { Add, Call, Expr, Mul, Num, Pow, Sym } from "./ir.js";

/** Every node reachable from `roots`, each once, children before parents (iterative: no stack limit). */
export function postorder(roots: readonly Expr[]): Expr[] {
  const out: Expr[] = [];
  const seen = new Set<Expr>();
  const stack: Expr[] = [];
  const childIndex: number[] = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push(r);
    childIndex.push(0);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const i = childIndex[childIndex.length - 1]!;
      if (i < top.args.length) {
        childIndex[childIndex.length - 1] = i + 1;
        const c = top.args[i]!;
        if (!seen.has(c)) {
          seen.add(c);
          stack.push(c);
          childIndex.push(0);
        }
      } else {
        stack.pop();
        childIndex.pop();
        out.push(top);
      }
    }
  }
  return out;
}

/**
 * For each node reachable from `roots`: the number of parent slots that refer to it (an argument
 * repeated in one parent counts twice) plus the number of root slots.
 */
export function useCounts(roots: readonly Expr[], order: readonly Expr[] = postorder(roots)): Map<Expr, number> {
  const counts = new Map<Expr, number>();
  for (const e of order) counts.set(e, 0);
  for (const e of order) for (const a of e.args) counts.set(a, counts.get(a)! + 1);
  for (const r of roots) counts.set(r, counts.get(r)! + 1);
  return counts;
}

/** One method per node kind; each receives the node and the already-visited children. */
export interface Visitor<T> {
  num(e: Num): T;
  sym(e: Sym): T;
  add(e: Add, args: T[]): T;
  mul(e: Mul, args: T[]): T;
  pow(e: Pow, base: T, exp: T): T;
  call(e: Call, args: T[]): T;
}

/**
 * Folds `visitor` over the DAG below `roots`, bottom-up, visiting each distinct node once, and
 * returns the roots' results in order. `memo` may be passed to share results across calls.
 */
export function visit<T>(roots: readonly Expr[], visitor: Visitor<T>, memo: Map<Expr, T> = new Map()): T[] {
  for (const e of postorder(roots)) {
    if (memo.has(e)) continue;
    memo.set(e, visitOne(e, visitor, memo));
  }
  return roots.map((r) => memo.get(r)!);
}

function visitOne<T>(e: Expr, v: Visitor<T>, memo: Map<Expr, T>): T {
  switch (e.kind) {
    case "num":
      return v.num(e);
    case "sym":
      return v.sym(e);
    case "add":
      return v.add(e, e.args.map((a) => memo.get(a)!));
    case "mul":
      return v.mul(e, e.args.map((a) => memo.get(a)!));
    case "pow":
      return v.pow(e, memo.get(e.base)!, memo.get(e.exp)!);
    case "call":
      return v.call(e, e.args.map((a) => memo.get(a)!));
  }
}

/** Number of distinct nodes below `roots` (the DAG size, shared nodes once). */
export function dagSize(roots: readonly Expr[]): number {
  return postorder(roots).length;
}

/** Replaces symbols by expressions (`map` gives the replacement or undefined to keep), bottom-up. */
export function substitute(roots: readonly Expr[], map: (s: Sym) => Expr | undefined, rebuild: Rebuilder): Expr[] {
  return visit<Expr>(roots, {
    num: (e) => e,
    sym: (e) => map(e) ?? e,
    add: (e, a) => (same(e.args, a) ? e : rebuild.add(a)),
    mul: (e, a) => (same(e.args, a) ? e : rebuild.mul(a)),
    pow: (e, b, x) => (b === e.base && x === e.exp ? e : rebuild.pow(b, x)),
    call: (e, a) => (same(e.args, a) ? e : rebuild.call(e.fn, a)),
  });
}

/** The smart constructors `substitute` rebuilds with (passed in to keep this file below simplify.ts). */
export interface Rebuilder {
  add(args: readonly Expr[]): Expr;
  mul(args: readonly Expr[]): Expr;
  pow(base: Expr, exp: Expr): Expr;
  call(fn: Call["fn"], args: readonly Expr[]): Expr;
}

function same(a: readonly Expr[], b: readonly Expr[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
