/**
 * The expression IR: an immutable, hash-consed DAG.
 *
 * Six node kinds: `num` (a float64 constant), `sym` (a named symbol: a variable, a named
 * constant, a data column), n-ary `add` and `mul`, `pow` (base, exponent) and `call` (a function
 * of `functions.ts` applied to arguments). Subtraction is `add(a, mul(-1, b))`, division
 * `mul(a, pow(b, -1))`, `sqrt(u)` is `pow(u, 1/2)`, π is `call("pi")` and Euler's e is `exp(1)`.
 *
 * Hash-consing: building a node that already exists returns the existing object, so structural
 * equality is `===`, every node has a stable integer `id`, and a shared subexpression is one
 * object (common-subexpression elimination in code generators is a use count, see `walk.ts`).
 * The table holds nodes weakly: nodes nobody references are garbage collected.
 *
 * Nodes built here are taken as given. Build through `simplify.ts` (`add`, `mul`, `pow`, `call`,
 * ...), which flattens, folds constants and collects like terms; `add` and `mul` keep their
 * arguments in first-appearance order (so `x + y` and `y + x` are different nodes, and printing
 * follows what the user wrote).
 */
import type { FnName } from "./functions.js";

/** The node kinds. */
export type Kind = "num" | "sym" | "add" | "mul" | "pow" | "call";

/** A float64 constant. */
export interface Num {
  readonly kind: "num";
  readonly id: number;
  readonly value: number;
  readonly args: readonly [];
}
/** A named symbol (variable, named constant or per-sample data column), e.g. `x`, `w[3]`. */
export interface Sym {
  readonly kind: "sym";
  readonly id: number;
  readonly name: string;
  readonly args: readonly [];
}
/** n-ary sum (n ≥ 2). */
export interface Add {
  readonly kind: "add";
  readonly id: number;
  readonly args: readonly Expr[];
}
/** n-ary product (n ≥ 2); a numeric coefficient, if any, comes first. */
export interface Mul {
  readonly kind: "mul";
  readonly id: number;
  readonly args: readonly Expr[];
}
/** base^exp; `args` is [base, exp]. */
export interface Pow {
  readonly kind: "pow";
  readonly id: number;
  readonly base: Expr;
  readonly exp: Expr;
  readonly args: readonly [Expr, Expr];
}
/** fn(args…) for a function of `functions.ts`. */
export interface Call {
  readonly kind: "call";
  readonly id: number;
  readonly fn: FnName;
  readonly args: readonly Expr[];
}

/** An expression: one node of the DAG. */
export type Expr = Num | Sym | Add | Mul | Pow | Call;

/**
 * One class for every kind keeps all nodes on one hidden class (monomorphic property access in
 * the hot loops of derivation and code generation); the interfaces above give the typed view.
 */
class Node {
  /** Free symbols, computed on first use (see `freeSyms`). */
  syms: ReadonlySet<Sym> | undefined = undefined;
  constructor(
    readonly kind: Kind,
    readonly id: number,
    readonly args: readonly Expr[],
    readonly value: number,
    readonly name: string,
  ) {}
  get fn(): string {
    return this.name;
  }
  get base(): Expr {
    return this.args[0]!;
  }
  get exp(): Expr {
    return this.args[1]!;
  }
}

let nextId = 1;
const table = new Map<string, WeakRef<Node>>();
const registry = new FinalizationRegistry<string>((key) => {
  const ref = table.get(key);
  if (ref !== undefined && ref.deref() === undefined) table.delete(key);
});

function intern(key: string, kind: Kind, args: readonly Expr[], value: number, name: string): Node {
  const hit = table.get(key)?.deref();
  if (hit !== undefined) return hit;
  const node = new Node(kind, nextId++, Object.freeze(args.slice()), value, name);
  table.set(key, new WeakRef(node));
  registry.register(node, key);
  return node;
}

function idList(args: readonly Expr[]): string {
  let s = "";
  for (let i = 0; i < args.length; i++) s += (i === 0 ? "" : ",") + args[i]!.id;
  return s;
}

/** The constant `value` (−0 is stored as 0). Raw constructor: no simplification. */
export function makeNum(value: number): Num {
  const v = value === 0 ? 0 : value;
  return intern("n" + v, "num", [], v, "") as unknown as Num;
}

/** The symbol named `name`. */
export function makeSym(name: string): Sym {
  return intern("s" + name, "sym", [], NaN, name) as unknown as Sym;
}

/** Raw n-ary sum or product of `args`, taken as canonical (see `simplify.ts` for the checked way). */
export function makeNary(kind: "add" | "mul", args: readonly Expr[]): Add | Mul {
  return intern((kind === "add" ? "+" : "*") + idList(args), kind, args, NaN, "") as unknown as Add | Mul;
}

/** Raw power node. */
export function makePow(base: Expr, exp: Expr): Pow {
  return intern("^" + base.id + "," + exp.id, "pow", [base, exp], NaN, "") as unknown as Pow;
}

/** Raw call node. */
export function makeCall(fn: FnName, args: readonly Expr[]): Call {
  return intern("c" + fn + ":" + idList(args), "call", args, NaN, fn) as unknown as Call;
}

const EMPTY: ReadonlySet<Sym> = new Set();

/** The set of symbols an expression depends on (cached on the node). */
export function freeSyms(e: Expr): ReadonlySet<Sym> {
  const node = e as unknown as Node;
  if (node.syms !== undefined) return node.syms;
  let out: ReadonlySet<Sym>;
  if (e.kind === "sym") out = new Set([e]);
  else if (e.args.length === 0) out = EMPTY;
  else {
    // Reuse a child's set when it already holds everything (common: x·(…) where one child has all).
    let largest = freeSyms(e.args[0]!);
    for (let i = 1; i < e.args.length; i++) {
      const s = freeSyms(e.args[i]!);
      if (s.size > largest.size) largest = s;
    }
    let merged: Set<Sym> | undefined;
    for (const a of e.args) {
      const s = freeSyms(a);
      if (s === largest) continue;
      for (const v of s) {
        if (largest.has(v) || merged?.has(v)) continue;
        merged ??= new Set(largest);
        merged.add(v);
      }
    }
    out = merged ?? largest;
  }
  node.syms = out;
  return out;
}

/** True when `e` depends on `s`. */
export function dependsOn(e: Expr, s: Sym): boolean {
  return freeSyms(e).has(s);
}

/** True when `e` contains no symbols (a constant expression such as `2^0.5` or `pi`). */
export function isConstant(e: Expr): boolean {
  return freeSyms(e).size === 0;
}

/** True for a `num` node equal to `v`. */
export function isNum(e: Expr, v?: number): e is Num {
  return e.kind === "num" && (v === undefined || e.value === v);
}

/** Number of live interned nodes (for tests and memory diagnostics). */
export function internedCount(): number {
  return table.size;
}
