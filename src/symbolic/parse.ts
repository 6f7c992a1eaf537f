/**
 * mathjs expression strings → IR.
 *
 * Syntax is mathjs's (`^` power, `log` natural, implicit multiplication `2x y`), parsed by
 * `mathjs.parse` (its number-only build, loaded on first use: ~0.35 s) and converted here node by node. On top:
 * - indexed symbols `x[3]`, `x[2i-1]`, `A[i, j]`: the index must evaluate to an integer (sum
 *   indices and named constants allowed); the symbol is named `x[3]`;
 * - indexed sums and products `sum(body, i, lo, hi)` / `prod(…)`, expanded term by term (the
 *   second argument is an index when it is a bare name that occurs in the body);
 * - `pi`/`PI`, `e`/`E`, `Infinity` are constants unless declared as symbols.
 *
 * Size: mathjs parses a chain `a + b − c + …` or `a·b/c·…` in a loop (10⁵ terms in ~1 s), into a
 * left-deep tree as deep as the chain is long; the conversion here walks such chains in a loop too
 * and builds one flat n-ary sum or product (`addList`/`mulList`), so sums and products of any
 * length convert without recursion (`objective(Array(3000).fill("x^2").join("+"))` overflowed the
 * stack when each `+` was a recursive call). What stays recursive is nesting: parentheses, calls
 * and powers inside each other (mathjs's own parser recurses there). Nesting past the stack gives
 * a "too-deep" error that says so, instead of a RangeError.
 */
import { createRequire } from "node:module";
import { applyFunction, KNOWN_FUNCTIONS } from "./calls.js";
import { closeMatches, exprError, findWord, quote, type SourceRef } from "./errors.js";
import { evaluateOne, UnboundSymbolError } from "./evaluate.js";
import type { Expr } from "./ir.js";
import { add, addList, call, div, mul, mulList, neg, num, ONE, pow, sub, sym } from "./simplify.js";

/** The part of a mathjs node we read. */
interface MathNode {
  readonly type: string;
  readonly name?: string;
  readonly op?: string;
  readonly fn?: MathNode | string;
  readonly args?: MathNode[];
  readonly value?: unknown;
  readonly content?: MathNode;
  readonly object?: MathNode;
  readonly index?: { readonly dimensions: MathNode[]; readonly dotNotation: boolean };
  filter(test: (n: MathNode) => boolean): MathNode[];
}

let mathjs: { parse(src: string): MathNode } | undefined;
function loadMathjs(): { parse(src: string): MathNode } {
  // The number-only build: same parser, loads ~35% faster than the full library.
  mathjs ??= createRequire(import.meta.url)("mathjs/number") as { parse(src: string): MathNode };
  return mathjs;
}

/** Options of `parseExpression`. */
export interface ParseOptions {
  /** Named constants: stay symbols in the expression; their values serve in indices and sum bounds. */
  readonly constants?: Readonly<Record<string, number>>;
  /** Names that are plain symbols even where they spell a built-in constant (`e`, `pi`). */
  readonly symbols?: ReadonlySet<string>;
}

/** A parsed expression and the names of its symbols in order of first appearance. */
export interface Parsed {
  readonly expr: Expr;
  readonly order: readonly string[];
  /** Names read as built-in constants (`e` as Euler's number, `pi`), in order of first use. */
  readonly builtins?: readonly string[];
}

const BUILTIN_CONSTANTS: Record<string, () => Expr> = {
  pi: () => call("pi", []),
  PI: () => call("pi", []),
  e: () => call("exp", [ONE]),
  E: () => call("exp", [ONE]),
  Infinity: () => num(Infinity),
};

const UNSUPPORTED: Record<string, string> = {
  ConditionalNode: "conditional expressions (a ? b : c) are not supported: use max, min or abs",
  AssignmentNode: "assignments are not supported in an objective",
  FunctionAssignmentNode: "function definitions are not supported in an objective",
  BlockNode: "several statements are not supported: write one expression",
  ArrayNode: "arrays and matrices are not supported in an objective",
  RangeNode: "ranges (a:b) are not supported in an objective",
  ObjectNode: "objects are not supported in an objective",
  RelationalNode: "comparisons are not supported in an objective",
};

/** Parses a mathjs expression string into the IR. */
export function parseExpression(src: string, opts: ParseOptions = {}): Parsed {
  let root: MathNode;
  try {
    root = loadMathjs().parse(src);
  } catch (e) {
    if (isStackOverflow(e)) throw tooDeep(src);
    const err = e as { message?: string; char?: number };
    const pos = typeof err.char === "number" ? err.char - 1 : undefined;
    const msg = (err.message ?? String(e)).replace(/\s*\(char \d+\)$/, "");
    throw exprError("parse", `objective: cannot parse ${quote(src)}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}${pos === undefined ? "" : ` at char ${pos + 1}`}`, { src, pos });
  }
  const conv = new Converter(src, opts);
  let expr: Expr;
  try {
    expr = conv.convert(root);
  } catch (e) {
    if (isStackOverflow(e)) throw tooDeep(src);
    throw e;
  }
  return { expr, order: conv.order, builtins: conv.builtins };
}

/** True for the RangeError of a JavaScript stack overflow. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** The error for an expression nested deeper than the stack allows. */
export function tooDeep(src: string): Error {
  const shown = src.length > 80 ? `${src.slice(0, 60)} … (${src.length} characters)` : src;
  return exprError(
    "too-deep",
    `objective: ${quote(shown)} is nested too deeply (parentheses, calls or powers inside each other, thousands of levels): flat sums and products of any length are fine, so write a long sum as a + b + … or sum(term, i, lo, hi), a long product as prod(factor, i, lo, hi)`,
    { src: shown },
  );
}

const CHAIN: Record<string, { kind: "add" | "mul"; inverse: boolean }> = {
  add: { kind: "add", inverse: false },
  subtract: { kind: "add", inverse: true },
  multiply: { kind: "mul", inverse: false },
  divide: { kind: "mul", inverse: true },
};

class Converter {
  readonly order: string[] = [];
  readonly builtins: string[] = [];
  private readonly seen = new Set<string>();
  private readonly bound = new Map<string, number>();
  /** > 0 while converting indices and bounds: their symbols are not variables. */
  private quiet = 0;
  private readonly constants: Readonly<Record<string, number>>;

  constructor(private readonly src: string, private readonly opts: ParseOptions) {
    this.constants = opts.constants ?? {};
  }

  private ref(word?: string, after = ""): SourceRef {
    return { src: this.src, pos: word === undefined ? undefined : findWord(this.src, word, after) };
  }

  private symbol(name: string): Expr {
    const b = this.bound.get(name);
    if (b !== undefined) return num(b);
    const builtin = BUILTIN_CONSTANTS[name];
    if (builtin !== undefined && !this.opts.symbols?.has(name) && !(name in this.constants)) {
      if (!this.builtins.includes(name)) this.builtins.push(name);
      return builtin();
    }
    if (this.quiet === 0 && !this.seen.has(name)) {
      this.seen.add(name);
      this.order.push(name);
    }
    return sym(name);
  }

  convert(n: MathNode): Expr {
    switch (n.type) {
      case "ConstantNode":
        if (typeof n.value === "number") return num(n.value);
        throw exprError("unsupported-syntax", `objective: only numbers are allowed as constants in ${quote(this.src)}, got ${JSON.stringify(n.value)}`, this.ref());
      case "SymbolNode":
        return this.symbol(n.name!);
      case "ParenthesisNode":
        return this.convert(n.content!);
      case "OperatorNode":
        return this.operator(n);
      case "FunctionNode":
        return this.func(n);
      case "AccessorNode":
        return this.symbol(this.indexedName(n));
      default: {
        const why = UNSUPPORTED[n.type] ?? `${n.type} is not supported in an objective`;
        throw exprError("unsupported-syntax", `objective: ${why} (in ${quote(this.src)})`, this.ref());
      }
    }
  }

  /**
   * A left-deep chain of + and − (or of · and /), as mathjs builds it for a + b − c + …, walked
   * in a loop: one flat sum (product) node, with no recursion per term.
   */
  private chain(n: MathNode, kind: "add" | "mul"): Expr {
    const right: MathNode[] = [];
    const inverse: boolean[] = [];
    let c = n;
    for (;;) {
      const link = c.type === "OperatorNode" && c.args!.length === 2 ? CHAIN[c.fn as string] : undefined;
      if (link === undefined || link.kind !== kind) break;
      right.push(c.args![1]!);
      inverse.push(link.inverse);
      c = c.args![0]!;
    }
    const parts: Expr[] = [this.convert(c)];
    for (let i = right.length - 1; i >= 0; i--) {
      const e = this.convert(right[i]!);
      parts.push(!inverse[i] ? e : kind === "add" ? neg(e) : pow(e, -1));
    }
    return kind === "add" ? addList(parts) : mulList(parts);
  }

  private operator(n: MathNode): Expr {
    const link = n.args!.length === 2 ? CHAIN[n.fn as string] : undefined;
    if (link !== undefined) return this.chain(n, link.kind);
    // `b (y - 1)^2` with b declared: mathjs reads (b(y - 1))^2; the user means b·(y − 1)².
    const base = n.args![0]!;
    if (n.fn === "pow" && base.type === "FunctionNode" && base.args!.length === 1 && this.isDeclared((base.fn as MathNode).name)) {
      return mul(this.symbol((base.fn as MathNode).name!), pow(this.convert(base.args![0]!), this.convert(n.args![1]!)));
    }
    const a = n.args!.map((c) => this.convert(c));
    switch (n.fn as string) {
      case "add":
        return add(a[0]!, a[1]!);
      case "subtract":
        return sub(a[0]!, a[1]!);
      case "multiply":
        return mul(a[0]!, a[1]!);
      case "divide":
        return div(a[0]!, a[1]!);
      case "pow":
        return pow(a[0]!, a[1]!);
      case "unaryMinus":
        return neg(a[0]!);
      case "unaryPlus":
        return a[0]!;
      default: {
        const pos = this.src.indexOf(n.op ?? "\u0000");
        throw exprError("unsupported-syntax", `objective: the operator '${n.op}' (${n.fn as string}) is not supported in ${quote(this.src)}; use + - * / ^`, { src: this.src, pos: pos >= 0 ? pos : undefined });
      }
    }
  }

  private func(n: MathNode): Expr {
    const fnNode = n.fn as MathNode;
    if (fnNode.type !== "SymbolNode") {
      throw exprError("unsupported-syntax", `objective: only named functions can be called in ${quote(this.src)}`, this.ref());
    }
    const name = fnNode.name!;
    const args = n.args!;
    if ((name === "sum" || name === "prod") && this.isIndexed(args)) return this.indexedReduce(name, args);
    // mathjs reads `b (y - 1)` as a call of b; for a declared symbol it is a product.
    if (this.isDeclared(name) && args.length === 1) return mul(this.symbol(name), this.convert(args[0]!));
    const applied = applyFunction(name, args.map((c) => this.convert(c)));
    if (applied.ok) return applied.expr;
    if (applied.reason === "arity") {
      throw exprError("bad-arity", `objective: ${name} takes ${applied.expected}, got ${args.length} in ${quote(this.src)}`, this.ref(name, "\\s*\\("));
    }
    const close = closeMatches(name, KNOWN_FUNCTIONS);
    const hint = close.length > 0 ? ` (did you mean ${close.join(", ")}?)` : args.length === 1 ? ` (for a product write ${name} * (…))` : "";
    throw exprError("unknown-function", `objective: unknown function '${name}' in ${quote(this.src)}${hint}`, this.ref(name, "\\s*\\("), { name, suggestions: close });
  }

  /**
   * `sum(body, i, lo, hi)` is an indexed sum when `i` is a bare name that is not a declared
   * symbol or constant, and either occurs in the body or the bounds are constant integers
   * (`sum(1, i, 1, n)` is n); otherwise `sum(a, b, c, d)` adds its four arguments.
   */
  /** A name declared as a variable, parameter, data column or constant. */
  private isDeclared(name: string | undefined): boolean {
    return name !== undefined && (this.opts.symbols?.has(name) === true || Object.prototype.hasOwnProperty.call(this.constants, name));
  }

  private isIndexed(args: MathNode[]): boolean {
    if (args.length !== 4 || args[1]!.type !== "SymbolNode") return false;
    const idx = args[1]!.name!;
    if (this.opts.symbols?.has(idx) || idx in this.constants) return false;
    if (args[0]!.filter((c) => c.type === "SymbolNode" && c.name === idx).length > 0) return true;
    // numeric bounds make it an indexed sum even when they are not integers: prod(x, i, 1, 0.5)
    // is then an error about the bound, not a product of four factors with a variable i (issue 16)
    return [args[2]!, args[3]!].every((b) => this.arithmetic(b) !== undefined);
  }

  /** `sum(body, i, lo, hi)`: body with i = lo, …, hi, added (or multiplied) term by term. */
  private indexedReduce(name: "sum" | "prod", args: MathNode[]): Expr {
    const idx = args[1]!.name!;
    const lo = this.integer(args[2]!, `the lower bound of ${name} over ${idx}`);
    const hi = this.integer(args[3]!, `the upper bound of ${name} over ${idx}`);
    if (hi - lo > 1e6) throw exprError("bad-index", `objective: ${name} over ${idx} from ${lo} to ${hi} has too many terms (at most 1e6)`, this.ref(name));
    // An empty range: from lo to lo − 1 inside another indexed sum is the usual convention
    // (sum(sum(x[i]*x[j], j, i+1, n), i, 1, n) has an empty inner sum at i = n); anything else,
    // a reversed range or an empty sum on its own, is a mistake that would silently give 0 (or 1)
    // and drop the body's variables (issue 16).
    if (hi < lo && (hi < lo - 1 || this.bound.size === 0)) {
      const empty = name === "sum" ? "0" : "1";
      throw exprError(
        "bad-index",
        `objective: ${name} over ${idx} from ${lo} to ${hi} is empty (the upper bound ${hi} is below the lower bound ${lo}), which would make it ${empty} without its terms' variables; swap the bounds, or write ${empty} in ${quote(this.src)}`,
        this.ref(name),
      );
    }
    const outer = this.bound.get(idx);
    const terms: Expr[] = [];
    for (let k = lo; k <= hi; k++) {
      this.bound.set(idx, k);
      terms.push(this.convert(args[0]!));
    }
    if (outer === undefined) this.bound.delete(idx);
    else this.bound.set(idx, outer);
    return name === "sum" ? addList(terms) : mulList(terms);
  }

  /** Arithmetic on numbers, bound indices and constants only (the common case of x[2i-1]), else undefined. */
  private arithmetic(n: MathNode): number | undefined {
    switch (n.type) {
      case "ConstantNode":
        return typeof n.value === "number" ? n.value : undefined;
      case "SymbolNode":
        return this.bound.get(n.name!) ?? (Object.prototype.hasOwnProperty.call(this.constants, n.name!) ? this.constants[n.name!] : undefined);
      case "ParenthesisNode":
        return this.arithmetic(n.content!);
      case "OperatorNode": {
        const a = n.args!.map((c) => this.arithmetic(c));
        if (a.some((v) => v === undefined)) return undefined;
        const [x, y] = a as number[];
        switch (n.fn as string) {
          case "add": return x! + y!;
          case "subtract": return x! - y!;
          case "multiply": return x! * y!;
          case "divide": return x! / y!;
          case "unaryMinus": return -x!;
          case "unaryPlus": return x!;
          default: return undefined;
        }
      }
      default:
        return undefined;
    }
  }

  /** The integer value of a node (sum indices and named constants bound). */
  private integer(n: MathNode, what: string): number {
    const quick = this.arithmetic(n);
    if (quick !== undefined && Number.isInteger(quick)) return quick;
    const e = this.withoutRecording(() => this.convert(n));
    let v: number;
    try {
      v = evaluateOne(e, (s) => this.constants[s.name]);
    } catch (err) {
      if (!(err instanceof UnboundSymbolError)) throw err;
      throw exprError("bad-index", `objective: ${what} must be a constant integer, but it depends on '${err.symbol}' (bind it in opts.constants) in ${quote(this.src)}`, this.ref(err.symbol));
    }
    if (!Number.isInteger(v)) throw exprError("bad-index", `objective: ${what} must be an integer, got ${v} in ${quote(this.src)}`, this.ref());
    return v;
  }

  private withoutRecording<T>(f: () => T): T {
    this.quiet++;
    try {
      return f();
    } finally {
      this.quiet--;
    }
  }

  private indexedName(n: MathNode): string {
    const obj = n.object!;
    if (obj.type !== "SymbolNode" || n.index!.dotNotation) {
      throw exprError("unsupported-syntax", `objective: only indexed names like x[1] are supported, not property access, in ${quote(this.src)}`, this.ref());
    }
    const base = obj.name!;
    const ks = n.index!.dimensions.map((d) => this.integer(d, `the index of ${base}[…]`));
    return `${base}[${ks.join(",")}]`;
  }
}
