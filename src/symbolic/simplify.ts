/**
 * Smart constructors: the only way the rest of the code builds expressions. Each applies a short,
 * cheap list of simplifications, so every expression is kept in a light normal form:
 *
 * - `add`: flattens nested sums, adds numeric constants, collects like terms (`2x + 3x → 5x`,
 *   terms compared by identity after splitting off a numeric coefficient), drops zeros.
 * - `mul`: flattens, multiplies numeric constants into one leading coefficient (0 absorbs),
 *   merges powers of the same base (`x·x → x²`, `x^a·x^b → x^{a+b}`), drops ones.
 * - `pow`: `u⁰ → 1`, `u¹ → u`, `1^u → 1`, numeric powers with an integer exponent or an integer
 *   result are folded, `(u^a)^k → u^{ak}` for integer k and a numeric a where both sides have the
 *   same domain (a an integer, or a and ak not: never `(√x)² → x`), `e^u → exp(u)`.
 * - `call`: folds a call on constants only when the result is an integer (`cos(0) → 1`, keeps
 *   `log(2)` readable), and `log(exp(u)) → u`.
 *
 * Nothing here expands products or cancels across sums: that keeps construction linear in the size
 * of its arguments (mathjs's `simplify` explodes on long sums) and the printed form close to the
 * input. Every rule is an identity for real arguments where both sides are defined.
 */
import { arityOk, FUNCTIONS, type FnName } from "./functions.js";
import { assert } from "../errors/index.js";
import { makeCall, makeNary, makeNum, makePow, makeSym, type Expr, type Num, type Sym } from "./ir.js";
import { substitute } from "./walk.js";

/** The constant v. */
export const num = (v: number): Num => makeNum(v);
/** The symbol `name`. */
export const sym = (name: string): Sym => makeSym(name);

export const ZERO = makeNum(0);
export const ONE = makeNum(1);
export const MINUS_ONE = makeNum(-1);
export const HALF = makeNum(0.5);

type Arg = Expr | number;
const lift = (a: Arg): Expr => (typeof a === "number" ? makeNum(a) : a);

/** Splits a term into numeric coefficient and the rest: `3xy → [3, xy]`, `x → [1, x]`. */
export function splitCoefficient(t: Expr): [number, Expr] {
  if (t.kind === "mul" && t.args[0]!.kind === "num") {
    const rest = t.args.length === 2 ? t.args[1]! : makeNary("mul", t.args.slice(1));
    return [t.args[0]!.value, rest];
  }
  return [1, t];
}

function withCoefficient(c: number, rest: Expr): Expr {
  if (c === 1) return rest;
  if (rest.kind === "mul") return makeNary("mul", [makeNum(c), ...rest.args]);
  return makeNary("mul", [makeNum(c), rest]);
}

/** Sum of the arguments (see the file comment for the rules). */
export function add(...terms: Arg[]): Expr {
  return addList(terms.map(lift));
}

/** `add` over an array (no spread: safe for very long sums). */
export function addList(terms: readonly Expr[]): Expr {
  let constant = 0;
  let constantSlot = -1;
  const coef = new Map<Expr, number>();
  const order: Expr[] = [];
  const take = (t: Expr): void => {
    if (t.kind === "num") {
      constant += t.value;
      if (constantSlot < 0) constantSlot = order.length;
      return;
    }
    const [c, rest] = splitCoefficient(t);
    const old = coef.get(rest);
    if (old === undefined) {
      coef.set(rest, c);
      order.push(rest);
    } else coef.set(rest, old + c);
  };
  for (const t of terms) {
    if (t.kind === "add") for (const u of t.args) take(u);
    else take(t);
  }
  const out: Expr[] = [];
  for (let i = 0; i <= order.length; i++) {
    if (i === constantSlot && constant !== 0) out.push(makeNum(constant));
    if (i === order.length) break;
    const rest = order[i]!;
    const c = coef.get(rest)!;
    if (c !== 0) out.push(withCoefficient(c, rest));
  }
  if (out.length === 0) return ZERO;
  if (out.length === 1) return out[0]!;
  return makeNary("add", out);
}

/** Product of the arguments (see the file comment for the rules). */
export function mul(...factors: Arg[]): Expr {
  return mulList(factors.map(lift));
}

/** `mul` over an array. */
export function mulList(factors: readonly Expr[]): Expr {
  let c = 1;
  const exps = new Map<Expr, Expr[]>();
  const order: Expr[] = [];
  const take = (f: Expr): void => {
    if (f.kind === "num") {
      c *= f.value;
      return;
    }
    const [b, e] = f.kind === "pow" ? [f.base, f.exp] : [f, ONE];
    const list = exps.get(b);
    if (list === undefined) {
      exps.set(b, [e]);
      order.push(b);
    } else list.push(e);
  };
  for (const f of factors) {
    if (f.kind === "mul") for (const g of f.args) take(g);
    else take(f);
  }
  if (c === 0) return ZERO;
  const out: Expr[] = [];
  let again = false;
  for (const b of order) {
    const list = exps.get(b)!;
    const p = list.length === 1 ? (list[0] === ONE ? b : pow(b, list[0]!)) : pow(b, addList(list));
    if (p.kind === "num") c *= p.value;
    else {
      if (p.kind === "mul") again = true;
      out.push(p);
    }
  }
  if (again) return mulList([makeNum(c), ...out]);
  if (out.length === 0) return makeNum(c);
  if (c === 1 && out.length === 1) return out[0]!;
  return makeNary("mul", c === 1 ? out : [makeNum(c), ...out]);
}

/** base^exp (see the file comment for the rules). */
export function pow(base: Arg, exp: Arg): Expr {
  const b = lift(base);
  const e = lift(exp);
  if (e.kind === "num") {
    const k = e.value;
    if (k === 0) return ONE;
    if (k === 1) return b;
    if (b.kind === "num") {
      const r = Math.pow(b.value, k);
      if (Number.isFinite(r) && (Number.isInteger(k) || Number.isInteger(r))) return makeNum(r);
    }
    if (b.kind === "pow" && Number.isInteger(k) && samePowDomain(b.exp, k)) return pow(b.base, mul(b.exp, e));
  }
  if (b.kind === "num" && b.value === 1) return ONE;
  if (b.kind === "call" && b.fn === "exp" && b.args[0] === ONE) return call("exp", [e]);
  return makePow(b, e);
}

/**
 * Whether (u^a)^k and u^{ak} (k an integer) are undefined for the same u < 0, so that merging
 * them cannot give a number where the input has none: a an integer (both defined), or a and ak
 * both non-integers (both NaN). `(√x)² → x` or `(x^y)² → x^{2y}` would turn NaN into −2 or
 * a negative "square".
 */
function samePowDomain(a: Expr, k: number): boolean {
  if (a.kind !== "num") return false;
  return Number.isInteger(a.value) || !Number.isInteger(a.value * k);
}

/** −a */
export const neg = (a: Arg): Expr => mul(MINUS_ONE, a);
/** a − b */
export const sub = (a: Arg, b: Arg): Expr => add(a, neg(b));
/** a / b */
export const div = (a: Arg, b: Arg): Expr => mul(a, pow(b, MINUS_ONE));
/** √a */
export const sqrt = (a: Arg): Expr => pow(a, HALF);

/** fn(args); the arity must be right (callers check user input first). */
export function call(fn: FnName, args: readonly Arg[]): Expr {
  assert(arityOk(fn, args.length), () => `${fn} called with ${args.length} arguments`);
  const xs = args.map(lift);
  if (xs.length > 0 && xs.every((a) => a.kind === "num")) {
    const r = FUNCTIONS[fn].eval(...xs.map((a) => (a as Num).value));
    if (Number.isInteger(r)) return makeNum(r);
  }
  if (fn === "log" && xs[0]!.kind === "call" && xs[0]!.fn === "exp") return xs[0]!.args[0]!;
  return makeCall(fn, xs);
}

/** Replaces symbols in `roots` (by the map's result, or kept when it gives undefined) and re-simplifies. */
export function substituteSyms(roots: readonly Expr[], map: (s: Sym) => Expr | undefined): Expr[] {
  return substitute(roots, map, { add: addList, mul: mulList, pow, call });
}
