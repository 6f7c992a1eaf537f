/**
 * Compiled complex evaluation of f, for complex-step differentiation:
 * f'(x)·h ≈ Im f(x + ih) with no subtractive cancellation (Squire & Trapp 1998, "Using complex
 * variables to estimate derivatives of real functions", SIAM Review 40(1); Martins, Sturdza &
 * Alonso 2003, "The complex-step derivative approximation", ACM TOMS 29(3)).
 *
 * Every node gets a real and an imaginary part, inline (no complex objects). Integer powers are
 * repeated multiplications: mathjs's complex `^` goes through exp(k·log z), whose argument
 * jumps by 2π at a negative real part, and complex step through it gives 205985 instead of 80.6
 * on the Rosenbrock function. Holomorphic functions (exp, log, sqrt, trig, hyperbolic, sigmoid,
 * softplus, logsumexp, general powers) use true complex formulas; the others (inverse trig and
 * hyperbolic, atan2, erf, cbrt, log1p, expm1, hypot) use the first-order rule
 * f(a + ib) = f(a) + i·b·f'(a), exact to O(b²), which is all complex step needs (|b| ≤ 1e-8).
 * abs, max and min follow the branch of the real part (abs(z) = sign(Re z)·z), as the
 * complex-step literature does.
 */
import { COMPLEX_RUNTIME } from "./complex-runtime.js";
import { JsEmitter, jsNumber, JS_CALL } from "./codegen.js";
import { chunkStatements, LOCAL_LIMIT } from "./compile.js";
import { evaluateOne } from "./evaluate.js";
import type { DataLayout } from "./data-loop.js";
import type { FnName } from "./functions.js";
import { isConstant, type Call, type Expr, type Sym } from "./ir.js";
import { PARTIALS } from "./derivative-rules.js";
import { RUNTIME } from "./runtime.js";
import { call, sym } from "./simplify.js";
import { postorder } from "./walk.js";

type Pair = [string, string];
export type ComplexFn = (re: Float64Array, im: Float64Array) => [number, number];

/** The helper each holomorphic function calls (`C.cexp(a, b)` leaves the result in C.out). */
const HOLOMORPHIC: Partial<Record<FnName, string>> = {
  exp: "cexp", log: "clog", sin: "csin", cos: "ccos", tan: "ctan", sinh: "csinh", cosh: "ccosh", tanh: "ctanh",
  sigmoid: "csigmoid", softplus: "csoftplus",
};
/** Functions of the real part only (derivative 0 a.e.). */
const PIECEWISE_CONSTANT = new Set<FnName>(["sign", "floor", "ceil", "round", "argmaxIs", "argminIs"]);

class ComplexEmitter {
  readonly groups: string[][] = [];
  private readonly code = new Map<Expr, Pair>();
  private k = 0;
  private lines: string[] = [];

  constructor(private readonly symbol: (s: Sym) => Pair, private readonly scratch: boolean) {}

  /** Declares the pair (re, im) of the current node; returns its names. */
  private define(re: string, im: string): Pair {
    const k = this.k++;
    if (this.scratch) {
      this.lines.push(`s[${2 * k}] = ${re};`, `s[${2 * k + 1}] = ${im};`);
      return [`s[${2 * k}]`, `s[${2 * k + 1}]`];
    }
    this.lines.push(`const r${k} = ${re}, i${k} = ${im};`);
    return [`r${k}`, `i${k}`];
  }

  get slots(): number {
    return 2 * this.k;
  }

  emit(root: Expr): Pair {
    for (const e of postorder([root])) {
      if (this.code.has(e)) continue;
      this.lines = [];
      if (isConstant(e)) this.code.set(e, [jsNumber(e.kind === "num" ? e.value : evaluateOne(e, {})), "0"]);
      else this.code.set(e, this.node(e));
      if (this.lines.length > 0) this.groups.push(this.lines);
    }
    return this.code.get(root)!;
  }

  private local(): string {
    return `h${this.k}_${this.lines.length}`;
  }

  private node(e: Expr): Pair {
    const c = (a: Expr): Pair => this.code.get(a)!;
    switch (e.kind) {
      case "num":
        return [jsNumber(e.value), "0"];
      case "sym":
        return this.symbol(e);
      case "add":
        return this.define(e.args.map((a) => c(a)[0]).join(" + "), e.args.map((a) => c(a)[1]).join(" + "));
      case "mul":
        return e.args.slice(1).reduce((acc, a) => this.mul(acc, c(a)), c(e.args[0]!));
      case "pow":
        return this.pow(c(e.base), e.exp, c(e.exp));
      case "call":
        return this.call(e, e.args.map(c));
    }
  }

  private mul([a, b]: Pair, [x, y]: Pair): Pair {
    if (b === "0" && y === "0") return this.define(`${a} * ${x}`, "0");
    if (y === "0") return this.define(`${a} * ${x}`, `${b} * ${x}`);
    if (b === "0") return this.define(`${a} * ${x}`, `${a} * ${y}`);
    return this.define(`${a} * ${x} - ${b} * ${y}`, `${a} * ${y} + ${b} * ${x}`);
  }

  private helper(name: string, args: string[]): Pair {
    this.lines.push(`C.${name}(${args.join(", ")});`);
    return this.define("C.out[0]", "C.out[1]");
  }

  private pow(z: Pair, exp: Expr, w: Pair): Pair {
    if (exp.kind === "num" && Number.isInteger(exp.value) && Math.abs(exp.value) <= 64) {
      const k = Math.abs(exp.value);
      let result: Pair | null = null;
      let sq = z;
      for (let bits = k; bits > 0; bits >>= 1) {
        if (bits & 1) result = result === null ? sq : this.mul(result, sq);
        if (bits > 1) sq = this.mul(sq, sq);
      }
      return exp.value > 0 ? result! : this.helper("cdiv", ["1", "0", result![0], result![1]]);
    }
    if (exp.kind === "num" && exp.value === 0.5) return this.helper("csqrt", z);
    // General power: exp(w · log z).
    const l = this.helper("clog", z);
    return this.helper("cexp", this.mul(l, w));
  }

  private call(e: Call, args: Pair[]): Pair {
    const fn = e.fn;
    const h = HOLOMORPHIC[fn];
    if (h !== undefined) return this.helper(h, args[0]!);
    switch (fn) {
      case "log2":
      case "log10": {
        const [a, b] = this.helper("clog", args[0]!);
        const s = jsNumber(1 / Math.log(fn === "log2" ? 2 : 10));
        return this.define(`${a} * ${s}`, `${b} * ${s}`);
      }
      case "sec":
      case "csc":
      case "cot": {
        const [a, b] = this.helper(fn === "sec" ? "ccos" : fn === "csc" ? "csin" : "ctan", args[0]!);
        return this.helper("cdiv", ["1", "0", a, b]);
      }
      case "logsumexp":
        return this.helper("clogsumexp", args.flat());
      case "abs":
        return this.define(`Math.abs(${args[0]![0]})`, `Math.sign(${args[0]![0]}) * ${args[0]![1]}`);
      case "max":
      case "min":
        return this.extremum(fn, args);
    }
    if (PIECEWISE_CONSTANT.has(fn)) return this.define(JS_CALL[fn](args.map((a) => a[0])), "0");
    return this.firstOrder(fn, args, e.args);
  }

  /** max/min: the argument whose real part wins (first on ties), imaginary part included. */
  private extremum(fn: "max" | "min", args: Pair[]): Pair {
    const r = this.local();
    const i = `${r}i`;
    this.lines.push(`let ${r} = ${args[0]![0]}, ${i} = ${args[0]![1]};`);
    for (const [a, b] of args.slice(1)) this.lines.push(`if (${a} ${fn === "max" ? ">" : "<"} ${r}) { ${r} = ${a}; ${i} = ${b}; }`);
    return this.define(r, i);
  }

  /** f(a + ib) ≈ f(a) + i Σₖ bₖ ∂ₖf(a), with ∂ₖf from the derivative rules, compiled inline. */
  private firstOrder(fn: FnName, args: Pair[], exprs: readonly Expr[]): Pair {
    // Numeric arguments stay numbers (softmax's and cosdir's index k is read by their rules).
    const holes = args.map((_a, k) => (exprs[k]!.kind === "num" ? exprs[k]! : sym(`§${k}`)));
    const self = call(fn, holes);
    const partials = holes.map((_h, k) => PARTIALS[fn](holes, self, k));
    const em = new JsEmitter({ symbol: (s) => args[Number(s.name.slice(1))]![0], scratch: false, prefix: `${this.local()}_` });
    const codes = em.emit([self, ...partials]);
    this.lines.push(...em.lines);
    const im = args.map((a, k) => (a[1] === "0" ? "" : `${a[1]} * (${codes[k + 1]})`)).filter((s) => s !== "");
    return this.define(codes[0]!, im.length === 0 ? "0" : im.join(" + "));
  }
}

/** Statements computing `roots` in complex arithmetic (block-local names), and each one's [re, im]. */
export function complexLines(roots: readonly Expr[], symbol: (s: Sym) => Pair): { lines: string[]; values: Pair[] } {
  const em = new ComplexEmitter(symbol, false);
  const values = roots.map((r) => em.emit(r));
  return { lines: em.groups.flat(), values };
}

/** Compiles f for complex arguments: `(re, im) => [Re f, Im f]`. */
export function compileComplex(f: Expr, index: ReadonlyMap<Sym, number>): ComplexFn {
  const symbol = (s: Sym): Pair => {
    const k = index.get(s);
    if (k === undefined) throw new Error(`optlab internal error: unbound symbol '${s.name}' in complex code`);
    return [`re[${k}]`, `im[${k}]`];
  };
  let em = new ComplexEmitter(symbol, false);
  let root = em.emit(f);
  let source: string;
  const size = em.groups.reduce((n, g) => n + g.reduce((m, st) => m + st.length + 1, 0), 0);
  if (size <= LOCAL_LIMIT) {
    source = `return function (re, im) {\n${em.groups.flat().join("\n")}\nreturn [${root[0]}, ${root[1]}];\n};`;
  } else {
    em = new ComplexEmitter(symbol, true);
    root = em.emit(f);
    // A node's statements stay together (they share helper locals): chunk whole groups.
    const chunks = chunkStatements(em.groups.map((g) => g.join("\n")));
    const defs = chunks.map((c, k) => `function c${k}(re, im) {\n${c.join("\n")}\n}`).join("\n");
    source = `${defs}\nreturn function (re, im) {\n${chunks.map((_c, k) => `c${k}(re, im);`).join("\n")}\nreturn [${root[0]}, ${root[1]}];\n};`;
  }
  return new Function("R", "C", "s", source)(RUNTIME, COMPLEX_RUNTIME, new Float64Array(Math.max(em.slots, 1))) as ComplexFn;
}

/** Source of a complex loop over data rows (see `data-loop.ts`): `(re, im, rows) => [Re L, Im L]`. */
export function complexLoopSource(f: Expr, layout: DataLayout, reduce: "mean" | "sum"): string {
  const em = new ComplexEmitter((s) => {
    const c = layout.columns.get(s);
    if (c !== undefined) return [`D${c}[i]`, "0"];
    const k = layout.params.get(s);
    if (k === undefined) throw new Error(`optlab internal error: unbound symbol '${s.name}' in complex code`);
    return [`re[${k}]`, `im[${k}]`];
  }, false);
  const root = em.emit(f);
  return [
    "return function (re, im, rows) {",
    "const m = rows === null ? M : rows.length;",
    "let sr = 0, si = 0;",
    "for (let r = 0; r < m; r++) {",
    "const i = rows === null ? r : rows[r];",
    ...em.groups.flat(),
    `sr += ${root[0]}; si += ${root[1]};`,
    "}",
    `const sc = ${reduce === "mean" ? "1 / m" : "1"};`,
    "return [sr * sc, si * sc];",
    "};",
  ].join("\n");
}
