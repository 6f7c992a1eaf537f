/**
 * How an objective shows itself: `f(x, y) = …` as text and LaTeX (long sums abbreviated, a
 * data-backed objective as the mean or sum of its summand over the rows), and the labels of its
 * symbolic derivatives.
 */
import type { MimeBundle } from "../src/display/index.js";
import type { DataProblem } from "../src/problem/index.js";
import { addList, indexedSumLatex, isNum, latexSymbol, neg, splitCoefficient, toLatex, toText, type Expr, type LatexOptions } from "../src/symbolic/index.js";

/** What the display reads from an objective. */
export interface Shown {
  readonly expr: Expr;
  readonly vars: readonly string[];
  /** The function's name ("f", "L", or the `name` option). */
  readonly fname: string;
  readonly latexOpts: LatexOptions;
  readonly data?: DataProblem;
  /** The source as written: an objective built with indexed sums shows them as Σ, not expanded. */
  readonly source?: string;
}

/** The objective's MIME bundle: text/plain and text/latex. */
export function objectiveBundle(o: Shown): MimeBundle {
  const body = displayBody(o);
  return { "text/plain": `${signature(o, false)} = ${body.text}${body.note}`, "text/latex": `$$${signature(o, true)} = ${body.latex}$$` };
}

function displayBody(o: Shown): { text: string; latex: string; note: string } {
  const e = o.expr;
  let text = toText(e);
  let latex = toLatex(e, o.latexOpts);
  let note = "";
  if (e.kind === "add" && e.args.length > 12) {
    // Long sums (the extended Rosenbrock at n = 1000) show their first and last terms.
    const head = addList(e.args.slice(0, 3));
    const last = e.args[e.args.length - 1]!;
    const neg1 = splitCoefficient(last)[0] < 0 || (isNum(last) && last.value < 0);
    const tail = neg1 ? neg(last) : last;
    text = `${toText(head)} + ... ${neg1 ? "-" : "+"} ${toText(tail)}`;
    latex = `${toLatex(head, o.latexOpts)} + \\dots ${neg1 ? "-" : "+"} ${toLatex(tail, o.latexOpts)}`;
    note = `\n(${e.args.length} terms; .text() or .latex() for all)`;
  }
  const d = o.data;
  // Indexed sums as the user wrote them: Σ in LaTeX, the source in text (not 50 expanded terms).
  const sigma = d === undefined && o.source !== undefined ? indexedSumLatex(o.source) : null;
  if (sigma !== null) {
    text = o.source!.trim();
    latex = sigma;
    note = e.kind === "add" && e.args.length > 12 ? `\n(${e.args.length} terms expanded; .text() or .latex() for all)` : "";
  }
  if (d !== undefined) {
    const m = d.samples;
    text = `${d.reduce} over ${m} rows of ${text}`;
    latex = `${d.reduce === "mean" ? `\\frac{1}{${m}} ` : ""}\\sum_{i=1}^{${m}} ${e.kind === "add" ? `\\left(${latex}\\right)` : latex}`;
  }
  return { text, latex, note };
}

/** `f(x, y)` (or `f(x[1], x[2], ..., x[50])`), as text or LaTeX. */
export function signature(o: Shown, latex: boolean, name = o.fname): string {
  const vs = o.vars;
  const show = vs.length <= 6 ? vs : [vs[0]!, vs[1]!, null, vs[vs.length - 1]!];
  const parts = show.map((v) => (v === null ? (latex ? "\\dots" : "...") : latex ? latexSymbol(v) : v));
  const fn = latex ? (name === "ℓ" ? "\\ell" : latexSymbol(name)) : name;
  return `${fn}(${parts.join(", ")})`;
}

/** Label of a derivative: of f, or of the per-sample summand ℓ for data-backed objectives. */
export function derivativeLabel(o: Shown, t: string, l: string): { text: string; latex: string } {
  const name = o.data ? "ℓ" : o.fname;
  return { text: `${t}${signature(o, false, name)}`, latex: `${l}${signature(o, true, name)}` };
}

/**
 * LaTeX for a data symbol in the sum over rows: `x` → `x_{i}`, `X[3]` → `X_{i,3}`, and a name
 * that has a subscript of its own joins it, `x1` → `x_{i,1}` (never a double subscript).
 */
export function dataLatex(name: string): string {
  const m = /^(.*)\[(.+)\]$/.exec(name);
  return withRowIndex(latexSymbol(m ? m[1]! : name), m ? m[2]! : null);
}

function withRowIndex(symbol: string, column: string | null): string {
  const sub = /^(.*)_\{([^{}]*)\}$/.exec(symbol);
  const parts = ["i", ...(sub ? [sub[2]!] : []), ...(column !== null ? [column] : [])];
  return `${sub ? sub[1]! : symbol}_{${parts.join(",")}}`;
}
