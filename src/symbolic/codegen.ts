/**
 * Float64 JavaScript source from expressions, with common-subexpression elimination.
 *
 * The emitter walks the DAG below a set of roots in post-order. A node used more than once
 * (hash-consing makes equal subexpressions one node, so this is CSE) is computed once into a
 * temporary; a node used once is inlined into its parent. Constant subtrees (no symbols) are
 * folded to literals at compile time. Integer powers become multiplications (`u*u*u`), x^{1/2}
 * `Math.sqrt`, reciprocals divisions; a product with negative powers becomes one quotient.
 *
 * Temporaries are `const` locals (`t12`) or, for very large programs that must be split into
 * several functions (V8 stops optimizing huge functions), slots of a scratch array (`s[12]`).
 */
import type { FnName } from "./functions.js";
import { evaluateOne } from "./evaluate.js";
import { isConstant, type Expr, type Sym } from "./ir.js";
import { postorder, useCounts } from "./walk.js";

/** How the emitter names things. */
export interface EmitOptions {
  /** Code for a symbol: an atom such as `x[3]`, `v0` or a literal. */
  symbol(s: Sym): string;
  /** Temporaries in a scratch array `s[k]` (true) or as `const tK` locals (false). */
  scratch: boolean;
  /** Prefix of local temporaries (default "t"); distinct emitters in one function need distinct prefixes. */
  prefix?: string;
  /** First scratch slot to use (scratch mode). */
  firstSlot?: number;
}

/** JS literal for a float (negative numbers parenthesized). */
export function jsNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  return v < 0 ? `(${v})` : String(v);
}

const ATOM = /^(?:[A-Za-z_$][\w$]*(?:\[\d+\])?|[0-9][0-9.e+]*|\(-[0-9][0-9.e+-]*\)|\(-Infinity\))$/;
/** True when `code` is a name or a literal: cheap to repeat, needs no parentheses. */
export const isAtom = (code: string): boolean => ATOM.test(code);

/** True when `code` needs no parentheses: an atom, or already wrapped in one pair. */
function closed(code: string): boolean {
  if (ATOM.test(code)) return true;
  if (code[0] !== "(" || code[code.length - 1] !== ")") return false;
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0 && i < code.length - 1) return false;
  }
  return true;
}
const p = (code: string): string => (closed(code) ? code : `(${code})`);

/** JS for each function of the IR, given its arguments' code. */
export const JS_CALL: { readonly [K in FnName]: (a: string[]) => string } = {
  pi: () => "Math.PI",
  exp: ([a]) => `Math.exp(${a})`,
  log: ([a]) => `Math.log(${a})`,
  log2: ([a]) => `Math.log2(${a})`,
  log10: ([a]) => `Math.log10(${a})`,
  log1p: ([a]) => `Math.log1p(${a})`,
  expm1: ([a]) => `Math.expm1(${a})`,
  cbrt: ([a]) => `Math.cbrt(${a})`,
  abs: ([a]) => `Math.abs(${a})`,
  sign: ([a]) => `Math.sign(${a})`,
  floor: ([a]) => `Math.floor(${a})`,
  ceil: ([a]) => `Math.ceil(${a})`,
  round: ([a]) => `Math.round(${a})`,
  sin: ([a]) => `Math.sin(${a})`,
  cos: ([a]) => `Math.cos(${a})`,
  tan: ([a]) => `Math.tan(${a})`,
  sec: ([a]) => `1/Math.cos(${a})`,
  csc: ([a]) => `1/Math.sin(${a})`,
  cot: ([a]) => `1/Math.tan(${a})`,
  asin: ([a]) => `Math.asin(${a})`,
  acos: ([a]) => `Math.acos(${a})`,
  atan: ([a]) => `Math.atan(${a})`,
  atan2: ([y, x]) => `Math.atan2(${y}, ${x})`,
  sinh: ([a]) => `Math.sinh(${a})`,
  cosh: ([a]) => `Math.cosh(${a})`,
  tanh: ([a]) => `Math.tanh(${a})`,
  asinh: ([a]) => `Math.asinh(${a})`,
  acosh: ([a]) => `Math.acosh(${a})`,
  atanh: ([a]) => `Math.atanh(${a})`,
  sech: ([a]) => `R.sech(${a})`,
  csch: ([a]) => `R.csch(${a})`,
  coth: ([a]) => `R.coth(${a})`,
  sigmoid: ([a]) => `R.sigmoid(${a})`,
  softplus: ([a]) => `R.softplus(${a})`,
  logsumexp: (a) => `R.logsumexp(${a.join(", ")})`,
  softmax: (a) => `R.softmax(${a.join(", ")})`,
  erf: ([a]) => `R.erf(${a})`,
  max: (a) => `Math.max(${a.join(", ")})`,
  min: (a) => `Math.min(${a.join(", ")})`,
  hypot: (a) => `Math.hypot(${a.join(", ")})`,
  cosdir: ([k, ...a]) => `${a[Number(k) - 1]}/Math.hypot(${a.join(", ")})`,
  argmaxIs: (a) => `R.argmaxIs(${a.join(", ")})`,
  argminIs: (a) => `R.argminIs(${a.join(", ")})`,
};

/** Inline code nests at most this many node levels before a temporary breaks it. */
const MAX_INLINE_DEPTH = 40;

/** Emits statements computing temporaries, and returns the code of each root. */
export class JsEmitter {
  /** Statements, in order; each is independent of the function it lands in (scratch mode). */
  readonly lines: string[] = [];
  private readonly code = new Map<Expr, string>();
  /** Nesting depth of each node's inline code (0 for a temporary). */
  private readonly depth = new Map<Expr, number>();
  private uses = new Map<Expr, number>();
  private next: number;

  constructor(private readonly opts: EmitOptions) {
    this.next = opts.firstSlot ?? 0;
  }

  /** Number of temporaries (scratch slots) used so far, counting from `firstSlot`. */
  get slotEnd(): number {
    return this.next;
  }

  /** Emits everything the roots need; returns each root's code (an atom or an inline expression). */
  emit(roots: readonly Expr[]): string[] {
    const order = postorder(roots);
    this.uses = useCounts(roots, order);
    for (const e of order) {
      if (this.code.has(e)) continue;
      if (isConstant(e)) {
        // Folded at compile time, and never a temporary (its children are not emitted at all).
        this.code.set(e, jsNumber(e.kind === "num" ? e.value : evaluateOne(e, {})));
        continue;
      }
      const c = this.nodeCode(e);
      // A node used twice gets a temporary, unless its code is already a name. A symbol read
      // (`x[3]`) used twice is loaded once into a local; in scratch mode it stays an array read.
      const shared = this.uses.get(e)! > 1;
      // Inline code nests as deep as the expression; past MAX_INLINE_DEPTH levels it goes to a
      // temporary, so that V8's parser (recursive) never meets thousands of nested parentheses.
      let depth = 0;
      for (const a of e.args) depth = Math.max(depth, this.depth.get(a) ?? 0);
      depth++;
      const temp = e.kind === "sym" ? shared && !this.opts.scratch : (shared || depth > MAX_INLINE_DEPTH) && !isAtom(c);
      this.depth.set(e, temp ? 0 : depth);
      this.code.set(e, temp ? this.temp(c) : c);
    }
    return roots.map((r) => this.code.get(r)!);
  }

  private temp(c: string): string {
    const k = this.next++;
    if (this.opts.scratch) {
      this.lines.push(`s[${k}] = ${c};`);
      return `s[${k}]`;
    }
    const name = `${this.opts.prefix ?? "t"}${k}`;
    this.lines.push(`const ${name} = ${c};`);
    return name;
  }

  /** The code of `e` as an atom, hoisting it into a temporary if it is inline. */
  private atom(e: Expr): string {
    const c = this.code.get(e)!;
    if (isAtom(c)) return c;
    const t = this.temp(c);
    this.code.set(e, t);
    return t;
  }

  private nodeCode(e: Expr): string {
    switch (e.kind) {
      case "num":
        return jsNumber(e.value);
      case "sym":
        return this.opts.symbol(e);
      case "add":
        return this.sumCode(e.args);
      case "mul":
        return this.productCode(e.args, false);
      case "pow":
        return this.powCode(e.base, e.exp);
      case "call":
        return JS_CALL[e.fn](e.args.map((a) => this.code.get(a)!));
    }
  }

  private inline(e: Expr): boolean {
    return this.uses.get(e) === 1 && !isAtom(this.code.get(e)!);
  }

  private sumCode(terms: readonly Expr[]): string {
    const diff = this.diffOfSquares(terms);
    if (diff !== undefined) return diff;
    let s = "";
    terms.forEach((t, i) => {
      const negMul = t.kind === "mul" && t.args[0]!.kind === "num" && t.args[0]!.value < 0 && this.inline(t);
      if (negMul) s += `${i === 0 ? "-" : " - "}${p(this.productCode(t.args, true))}`;
      else if (t.kind === "num" && t.value < 0) s += `${i === 0 ? "" : " - "}${i === 0 ? jsNumber(t.value) : String(-t.value)}`;
      else s += `${i === 0 ? "" : " + "}${p(this.code.get(t)!)}`;
    });
    return s;
  }

  /**
   * ±(1 − u²) as ±(1 − u)·(1 + u): exact near |u| = 1, where 1 − u² cancels (the derivatives of
   * asin, acos and atanh at u = 1 − 2⁻⁴⁰ lost 4 digits). Undefined for any other sum.
   */
  private diffOfSquares(terms: readonly Expr[]): string | undefined {
    if (terms.length !== 2) return undefined;
    const [c, t] = terms as [Expr, Expr];
    if (c.kind !== "num" || Math.abs(c.value) !== 1) return undefined;
    if (t.kind !== "mul" || t.args.length !== 2 || t.args[0]!.kind !== "num" || t.args[0]!.value !== -c.value) return undefined;
    const sq = t.args[1]!;
    if (sq.kind !== "pow" || sq.exp.kind !== "num" || sq.exp.value !== 2 || !this.inline(t)) return undefined;
    const u = this.atom(sq.base);
    return `${c.value < 0 ? "-" : ""}(1 - ${u})*(1 + ${u})`;
  }

  /**
   * Product of factors as one quotient; `abs` drops the sign of the numeric coefficient.
   *
   * A quotient with small integer powers on both sides is evaluated as a product of ratios,
   * numerator and denominator factors paired in order: y²/h³ as (y/h)·(y/h)/h. Derivatives of
   * quotients (hypot's Hessian y²/hypot³, cosh²/sinh², atan's 2u/(1+u²)²) have factors of like size
   * on both sides, so the ratios stay near 1 where the separate products overflow (∞/∞ = NaN at
   * [3e200, 4e200]) or underflow (0/0).
   */
  private productCode(factors: readonly Expr[], abs: boolean): string {
    let coef = 1;
    const numer: string[] = [];
    const denom: string[] = [];
    let scaled = false;
    for (const f of factors) {
      if (f.kind === "pow" && f.exp.kind === "num" && f.exp.value < 0 && Number.isInteger(f.exp.value) && f.exp.value >= -8) scaled = true;
    }
    scaled &&= factors.some((f) => f.kind !== "num" && !(f.kind === "pow" && f.exp.kind === "num" && f.exp.value < 0));
    for (const f of factors) {
      if (f.kind === "num") coef *= f.value;
      else if (scaled && f.kind === "pow" && f.exp.kind === "num" && Number.isInteger(f.exp.value) && Math.abs(f.exp.value) <= 8) {
        // Scaled form: every small integer power as repeated factors, shared or not.
        const a = this.atom(f.base);
        for (let k = 0; k < Math.abs(f.exp.value); k++) (f.exp.value < 0 ? denom : numer).push(a);
      } else if (f.kind === "pow" && f.exp.kind === "num" && f.exp.value < 0 && this.inline(f)) {
        denom.push(this.powNumber(f.base, -f.exp.value));
      } else numer.push(p(this.code.get(f)!));
    }
    if (abs) coef = Math.abs(coef);
    let s: string;
    if (scaled && numer.length > 0 && denom.length > 0 && numer.length + denom.length > 2) {
      const parts: string[] = [];
      const m = Math.min(numer.length, denom.length);
      for (let k = 0; k < m; k++) parts.push(`(${numer[k]}/${p(denom[k]!)})`);
      // Unpaired numerator factors first: x·(y/h)·(y/h) keeps x·y·y/h² in range where
      // (y/h)·(y/h)·x underflows before x brings it back.
      s = [...(coef !== 1 && coef !== -1 ? [jsNumber(coef)] : []), ...numer.slice(m), ...parts].join("*");
      for (const d of denom.slice(m)) s += `/${p(d)}`;
      return coef === -1 ? `-${s}` : s;
    }
    if (coef !== 1 && coef !== -1) numer.unshift(jsNumber(coef));
    s = numer.length > 0 ? numer.join("*") : "1";
    if (denom.length === 1) s += `/${p(denom[0]!)}`;
    else if (denom.length > 1) s += `/(${denom.map(p).join("*")})`;
    return coef === -1 ? `-${s}` : s;
  }

  private powCode(base: Expr, exp: Expr): string {
    if (exp.kind === "num") return this.powNumber(base, exp.value);
    return `Math.pow(${this.code.get(base)!}, ${this.code.get(exp)!})`;
  }

  /** base^k for a numeric k: multiplications for small integers, sqrt for halves. */
  private powNumber(base: Expr, k: number): string {
    if (k === 1) return this.code.get(base)!;
    if (k === 0.5) return `Math.sqrt(${this.code.get(base)!})`;
    if (k === -0.5) return `1/Math.sqrt(${this.code.get(base)!})`;
    if (Number.isInteger(k) && Math.abs(k) <= 8) {
      const a = this.atom(base);
      const chain = new Array<string>(Math.abs(k)).fill(a).join("*");
      return k > 0 ? chain : `1/${Math.abs(k) === 1 ? chain : `(${chain})`}`;
    }
    if (k === 1.5) {
      const a = this.atom(base);
      return `${a}*Math.sqrt(${a})`;
    }
    return `Math.pow(${this.code.get(base)!}, ${jsNumber(k)})`;
  }
}
