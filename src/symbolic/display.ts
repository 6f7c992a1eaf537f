/**
 * Display objects for symbolic results: one expression, a vector (the gradient), a matrix (the
 * Hessian). Each renders as `text/latex` and `text/plain` through the display protocol; large
 * vectors and matrices are shown truncated (`latex()` and `text()` always give everything).
 */
import { DISPLAY, type MimeBundle } from "../display/index.js";
import type { Expr } from "./ir.js";
import { latexMatrix, latexVector, toLatex, type LatexOptions } from "./latex.js";
import { toText } from "./text.js";

/** Rows shown before a vector or matrix display is truncated. */
const SHOW_VECTOR = 16;
const SHOW_MATRIX = 8;

/** How a result is labelled: `∇f(x, y)` in text, `\nabla f(x, y)` in LaTeX. */
export interface Label {
  readonly text: string;
  readonly latex: string;
}

/** One symbolic expression that displays itself. */
export class SymbolicExpression {
  constructor(readonly expr: Expr, readonly label: Label, private readonly opts: LatexOptions = {}) {}
  /** LaTeX of the expression (no label). */
  latex(): string {
    return toLatex(this.expr, this.opts);
  }
  /** Text of the expression in mathjs syntax (parses back). */
  text(): string {
    return toText(this.expr);
  }
  toString(): string {
    return this.text();
  }
  [DISPLAY](): MimeBundle {
    return { "text/plain": `${this.label.text} = ${this.text()}`, "text/latex": `$$${this.label.latex} = ${this.latex()}$$` };
  }
}

/** A vector of expressions (a gradient), entry k named `names[k]`. */
export class SymbolicVector {
  constructor(readonly entries: readonly Expr[], readonly names: readonly string[], readonly label: Label, private readonly opts: LatexOptions = {}) {}
  get length(): number {
    return this.entries.length;
  }
  /** The entry for index k or variable name. */
  entry(k: number | string): SymbolicExpression {
    const i = typeof k === "number" ? k : this.names.indexOf(k);
    const e = this.entries[i];
    if (e === undefined) throw new RangeError(`no entry ${JSON.stringify(k)} (entries: ${this.names.join(", ")})`);
    return new SymbolicExpression(e, { text: `${this.label.text}[${this.names[i]}]`, latex: `\\left(${this.label.latex}\\right)_{${i + 1}}` }, this.opts);
  }
  /** Column vector as a LaTeX bmatrix. */
  latex(): string {
    return latexVector(this.entries, this.opts);
  }
  /** `[e1, e2, …]` in mathjs syntax. */
  text(): string {
    return `[${this.entries.map(toText).join(", ")}]`;
  }
  toString(): string {
    return this.text();
  }
  [DISPLAY](): MimeBundle {
    const n = this.entries.length;
    const cut = n > SHOW_VECTOR;
    const shown = cut ? [...this.entries.slice(0, SHOW_VECTOR - 2), null, this.entries[n - 1]!] : this.entries;
    const p = (e: Expr | null): string => (e === null ? "\\vdots" : toLatex(e, this.opts));
    const tex = `\\begin{bmatrix} ${shown.map(p).join(" \\\\ ")} \\end{bmatrix}`;
    const lines = shown.map((e, k) => (e === null ? "  ..." : `  ${this.names[k === shown.length - 1 ? n - 1 : k]}: ${toText(e)}`));
    return {
      "text/plain": `${this.label.text} =\n${lines.join("\n")}${cut ? `\n(${n} entries; .text() or .latex() for all)` : ""}`,
      "text/latex": `$$${this.label.latex} = ${tex}$$`,
    };
  }
}

/** A symmetric matrix of expressions (a Hessian). */
export class SymbolicMatrix {
  constructor(readonly rows: readonly (readonly Expr[])[], readonly names: readonly string[], readonly label: Label, private readonly opts: LatexOptions = {}) {}
  /** Entry (i, j) by indices or variable names. */
  entry(i: number | string, j: number | string): SymbolicExpression {
    const a = typeof i === "number" ? i : this.names.indexOf(i);
    const b = typeof j === "number" ? j : this.names.indexOf(j);
    const e = this.rows[a]?.[b];
    if (e === undefined) throw new RangeError(`no entry (${JSON.stringify(i)}, ${JSON.stringify(j)}) (variables: ${this.names.join(", ")})`);
    return new SymbolicExpression(e, { text: `${this.label.text}[${this.names[a]}, ${this.names[b]}]`, latex: `\\left(${this.label.latex}\\right)_{${a + 1}${b + 1}}` }, this.opts);
  }
  /** The matrix as a LaTeX bmatrix. */
  latex(): string {
    return latexMatrix(this.rows, this.opts);
  }
  /** `[[a, b], [c, d]]` in mathjs syntax. */
  text(): string {
    return `[${this.rows.map((r) => `[${r.map(toText).join(", ")}]`).join(", ")}]`;
  }
  toString(): string {
    return this.text();
  }
  [DISPLAY](): MimeBundle {
    const n = this.rows.length;
    const cut = n > SHOW_MATRIX;
    const idx: (number | null)[] = cut ? [...Array.from({ length: SHOW_MATRIX - 2 }, (_v, k) => k), null, n - 1] : Array.from({ length: n }, (_v, k) => k);
    const cell = (i: number | null, j: number | null): string => {
      if (i === null && j === null) return "\\ddots";
      if (i === null) return "\\vdots";
      if (j === null) return "\\cdots";
      return toLatex(this.rows[i]![j]!, this.opts);
    };
    const tex = `\\begin{bmatrix} ${idx.map((i) => idx.map((j) => cell(i, j)).join(" & ")).join(" \\\\ ")} \\end{bmatrix}`;
    const textRows = idx.map((i) => (i === null ? "  ..." : `  [${idx.map((j) => (j === null ? "..." : toText(this.rows[i]![j]!))).join(", ")}]`));
    return {
      "text/plain": `${this.label.text} =\n${textRows.join("\n")}${cut ? `\n(${n}×${n}; .text() or .latex() for all)` : ""}`,
      "text/latex": `$$${this.label.latex} = ${tex}$$`,
    };
  }
}
