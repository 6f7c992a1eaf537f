/**
 * LaTeX rendering: `\frac` for quotients, `\sqrt`, `e^{x}`, `x_{1}` for indexed names, and
 * `\left(…\right)` only where precedence needs parentheses (plain `( )` around short function
 * arguments). Vectors and matrices render as `bmatrix`.
 */
import { createRequire } from "node:module";
import type { FnName } from "./functions.js";
import type { Call, Expr, Sym } from "./ir.js";
import { asFraction, isNegativeTerm, latexSymbol, Prec, type Printed } from "./shape.js";
import { add, neg, ONE } from "./simplify.js";

/** Options for LaTeX rendering. */
export interface LatexOptions {
  /** LaTeX for a symbol (default: `latexSymbol(name)`, e.g. `x[1]` → `x_{1}`). */
  symbol?: (s: Sym) => string;
}


/** LaTeX of one expression. */
export function toLatex(e: Expr, opts: LatexOptions = {}): string {
  return new LatexPrinter(opts).print(e)[0];
}

/** A column vector `\begin{bmatrix} a \\ b \end{bmatrix}`. */
export function latexVector(entries: readonly Expr[], opts: LatexOptions = {}): string {
  const p = new LatexPrinter(opts);
  return `\\begin{bmatrix} ${entries.map((e) => p.print(e)[0]).join(" \\\\ ")} \\end{bmatrix}`;
}

/** A matrix `\begin{bmatrix} a & b \\ c & d \end{bmatrix}`. */
export function latexMatrix(rows: readonly (readonly Expr[])[], opts: LatexOptions = {}): string {
  const p = new LatexPrinter(opts);
  const body = rows.map((r) => r.map((e) => p.print(e)[0]).join(" & ")).join(" \\\\ ");
  return `\\begin{bmatrix} ${body} \\end{bmatrix}`;
}

/** LaTeX for a float: `3`, `0.25`, `1.5 \cdot 10^{-8}`, `\infty`. */
export function latexNumber(v: number): string {
  if (Number.isNaN(v)) return "\\mathrm{NaN}";
  if (!Number.isFinite(v)) return v > 0 ? "\\infty" : "-\\infty";
  const s = String(v);
  const m = /^(-?[0-9.]+)e([+-]?)([0-9]+)$/.exec(s);
  if (!m) return s;
  const mant = m[1] === "1" ? "" : m[1] === "-1" ? "-" : `${m[1]} \\cdot `;
  return `${mant}10^{${m[2] === "-" ? "-" : ""}${m[3]}}`;
}

/** Functions written as operators (`\sin^{2}(x)` for powers). */
const OPERATOR: Partial<Record<FnName, string>> = {
  sin: "\\sin", cos: "\\cos", tan: "\\tan", sec: "\\sec", csc: "\\csc", cot: "\\cot",
  sinh: "\\sinh", cosh: "\\cosh", tanh: "\\tanh", coth: "\\coth", asin: "\\arcsin", acos: "\\arccos", atan: "\\arctan",
  log: "\\log", log2: "\\log_{2}", log10: "\\log_{10}", max: "\\max", min: "\\min",
};
const NAMED: Partial<Record<FnName, string>> = {
  sech: "\\operatorname{sech}", csch: "\\operatorname{csch}",
  asinh: "\\operatorname{arsinh}", acosh: "\\operatorname{arcosh}", atanh: "\\operatorname{artanh}",
  atan2: "\\operatorname{atan2}", sign: "\\operatorname{sign}", round: "\\operatorname{round}",
  sigmoid: "\\sigma", softplus: "\\operatorname{softplus}", logsumexp: "\\operatorname{logsumexp}", softmax: "\\operatorname{softmax}",
  erf: "\\operatorname{erf}", hypot: "\\operatorname{hypot}", cosdir: "\\operatorname{cosdir}",
};

const tall = (s: string): boolean => /\\frac|\\sum|\\begin|\\left|\\sqrt/.test(s);
const parens = (s: string): string => (tall(s) ? `\\left(${s}\\right)` : `(${s})`);

class LatexPrinter {
  constructor(private readonly opts: LatexOptions) {}

  print(e: Expr): Printed {
    switch (e.kind) {
      case "num":
        return [latexNumber(e.value), e.value < 0 ? Prec.Unary : Prec.Atom];
      case "sym":
        return [this.opts.symbol ? this.opts.symbol(e) : latexSymbol(e.name), Prec.Atom];
      case "add":
        return [this.sum(e.args), Prec.Add];
      case "mul":
        return this.product(e);
      case "pow":
        return this.power(e);
      case "call":
        return this.call(e);
    }
  }

  private wrap(p: Printed, min: Prec): string {
    return p[1] >= min ? p[0] : `\\left(${p[0]}\\right)`;
  }

  private sum(terms: readonly Expr[]): string {
    let s = "";
    terms.forEach((t, i) => {
      if (isNegativeTerm(t)) {
        const body = this.wrap(this.print(neg(t)), Prec.Mul);
        s += i === 0 ? `-${body}` : ` - ${body}`;
      } else s += i === 0 ? this.print(t)[0] : ` + ${this.wrap(this.print(t), Prec.Mul)}`;
    });
    return s;
  }

  private factors(coef: number | null, list: readonly Expr[], alone: boolean): string {
    const parts: string[] = [];
    if (coef !== null) parts.push(latexNumber(coef));
    for (const u of list) {
      // A lone factor in a \frac needs no parentheses: \frac{a + b}{c}.
      parts.push(alone && coef === null && list.length === 1 ? this.print(u)[0] : this.wrap(this.print(u), Prec.Unary));
    }
    let s = parts[0] ?? "1";
    for (let i = 1; i < parts.length; i++) s += /^[0-9.]/.test(parts[i]!) ? ` \\cdot ${parts[i]}` : ` ${parts[i]}`;
    return s;
  }

  private product(e: Expr): Printed {
    const f = asFraction(e);
    const hasDen = f.denCoef !== null || f.denom.length > 0;
    const numer = this.factors(f.numCoef, f.numer, hasDen);
    const s = hasDen ? `\\frac{${numer}}{${this.factors(f.denCoef, f.denom, true)}}` : numer;
    return f.negative ? [`-${s}`, Prec.Unary] : [s, Prec.Mul];
  }

  private power(e: Expr & { kind: "pow" }): Printed {
    const { base, exp } = e;
    if (exp.kind === "num") {
      if (exp.value < 0) return this.product(e);
      if (exp.value === 0.5) return [`\\sqrt{${this.print(base)[0]}}`, Prec.Atom];
      if (exp.value === 1 / 3) return [`\\sqrt[3]{${this.print(base)[0]}}`, Prec.Atom];
      const op = base.kind === "call" && base.args.length === 1 ? OPERATOR[base.fn] : undefined;
      if (op !== undefined && Number.isInteger(exp.value) && exp.value > 0) {
        return [`${op}^{${exp.value}}${parens(this.print(base.args[0]!)[0])}`, Prec.Atom];
      }
    }
    return [`${this.wrap(this.print(base), Prec.Atom)}^{${this.print(exp)[0]}}`, Prec.Pow];
  }

  private call(e: Call): Printed {
    const args = e.args.map((a) => this.print(a)[0]);
    const list = args.join(", ");
    switch (e.fn) {
      case "pi":
        return ["\\pi", Prec.Atom];
      case "exp":
        if (e.args[0] === ONE) return ["e", Prec.Atom];
        return args[0]!.length > 60 ? [`\\exp${parens(args[0]!)}`, Prec.Atom] : [`e^{${args[0]}}`, Prec.Pow];
      case "log1p":
        return [`\\log${parens(this.print(add(1, e.args[0]!))[0])}`, Prec.Atom];
      case "expm1":
        return [`\\left(e^{${args[0]}} - 1\\right)`, Prec.Atom];
      case "cbrt":
        return [`\\sqrt[3]{${args[0]}}`, Prec.Atom];
      case "abs":
        return [`\\left|${args[0]}\\right|`, Prec.Atom];
      case "floor":
        return [`\\left\\lfloor ${args[0]} \\right\\rfloor`, Prec.Atom];
      case "ceil":
        return [`\\left\\lceil ${args[0]} \\right\\rceil`, Prec.Atom];
      case "softmax":
        // softmax(k, u₁…uₙ): the k-th weight e^{u_k}/Σ e^{u_j}
        return [`\\operatorname{softmax}_{${args[0]}}${parens(args.slice(1).join(", "))}`, Prec.Atom];
      case "cosdir": {
        // cosdir(k, u₁…uₙ) = u_k / hypot(u₁…uₙ)
        const k = (e.args[0] as { value?: number }).value ?? 1;
        return [`\\frac{${args[k]}}{\\operatorname{hypot}${parens(args.slice(1).join(", "))}}`, Prec.Atom];
      }
      case "argmaxIs":
      case "argminIs":
        return [`\\left[\\operatorname{arg${e.fn === "argmaxIs" ? "max" : "min"}}(${args.slice(1).join(", ")}) = ${args[0]}\\right]`, Prec.Atom];
      default: {
        const name = OPERATOR[e.fn] ?? NAMED[e.fn] ?? `\\operatorname{${e.fn}}`;
        return [`${name}${parens(list)}`, Prec.Atom];
      }
    }
  }
}

/** The mathjs nodes `indexedSumLatex` reads (mathjs's own `toTex` with a handler does the rest). */
interface TexNode {
  readonly type: string;
  readonly name?: string;
  readonly op?: string;
  readonly fn?: TexNode | string;
  readonly args?: TexNode[];
  readonly value?: unknown;
  readonly object?: TexNode;
  readonly implicit?: boolean;
  readonly index?: { readonly dimensions: TexNode[] };
  toTex(options: { handler: (node: TexNode, options: unknown) => string | undefined }): string;
  filter(test: (n: TexNode) => boolean): TexNode[];
}

let texParser: { parse(src: string): TexNode } | undefined;

/**
 * LaTeX of an objective's source that uses indexed sums or products, with the Σ kept:
 * `sum((x[i] - i)^2, i, 1, 50)` shows as `\sum_{i=1}^{50} \left(x_{i} - i\right)^{2}`, not as 50
 * expanded terms; numbers as the user wrote them (`50.5 x^2`, not `101 x^2/2`). Null when the
 * source has no indexed sum or product, or is not a mathjs expression (a TypeScript function's
 * text): the expanded expression then shows as before.
 *
 * @param src the objective's source as written.
 * @example
 * indexedSumLatex("sum(x[i]^2, i, 1, 50)"); // "\\sum_{i=1}^{50} x_{i}^{2}"
 */
export function indexedSumLatex(src: string): string | null {
  if (!/\b(sum|prod)\s*\(/.test(src)) return null;
  let root: TexNode;
  try {
    texParser ??= createRequire(import.meta.url)("mathjs/number") as { parse(src: string): TexNode };
    root = texParser.parse(src);
  } catch {
    return null;
  }
  const indexed = (n: TexNode): boolean =>
    n.type === "FunctionNode" && typeof n.fn === "object" && (n.fn.name === "sum" || n.fn.name === "prod") && n.args?.length === 4 && n.args[1]!.type === "SymbolNode";
  if (root.filter(indexed).length === 0) return null;
  const handler = (n: TexNode, options: unknown): string | undefined => {
    const tex = (m: TexNode) => m.toTex(options as never);
    if (indexed(n)) {
      const [body, i, lo, hi] = n.args!;
      const op = (n.fn as TexNode).name === "sum" ? "\\sum" : "\\prod";
      const b = tex(body!);
      // a body that is itself a sum or difference needs its parentheses after Σ
      const wrap = body!.type === "OperatorNode" && (body!.op === "+" || body!.op === "-") && body!.args?.length === 2;
      return `${op}_{${tex(i!)}=${tex(lo!)}}^{${tex(hi!)}} ${wrap ? `\\left(${b}\\right)` : b}`;
    }
    if (n.type === "ConstantNode" && typeof n.value === "number") return latexNumber(n.value);
    if (n.type === "SymbolNode") return n.name === "pi" ? "\\pi" : latexSymbol(n.name!);
    if (n.type === "AccessorNode" && n.object?.type === "SymbolNode" && n.index) {
      return `${latexSymbol(n.object.name!)}_{${n.index.dimensions.map(tex).join(",")}}`;
    }
    if (n.type === "OperatorNode" && n.op === "*" && n.args?.length === 2 && n.args[0]!.type === "ConstantNode") {
      // a coefficient: `50.5 x^{2}` (the user's number, no \cdot)
      return `${tex(n.args[0]!)} ${tex(n.args[1]!)}`;
    }
    return undefined;
  };
  try {
    return root.toTex({ handler }).replace(/\s+/g, " ").replace(/\{ /g, "{").trim();
  } catch {
    return null;
  }
}
