/**
 * What printers share: reading a term as a signed fraction, recognizing exact rational
 * coefficients (0.5 prints as 1/2, 2/3 as 2/3, only when p/q reproduces the float exactly), and
 * splitting symbol names into base and subscript (`x[3]`, `x_3`, `x3` → x, 3).
 */
import type { Expr } from "./ir.js";
import { pow } from "./simplify.js";

/** Binding strength of a printed form, loosest first (the LaTeX and text printers'). */
export enum Prec {
  Add = 1,
  Mul = 2,
  Unary = 3,
  Pow = 4,
  Atom = 5,
}

/** A printed expression with the binding strength of its outermost operator. */
export type Printed = [string, Prec];

/** A term read as ± (numCoef · numer…) / (denCoef · denom…). Coefficients of 1 are null. */
export interface Fraction {
  negative: boolean;
  numCoef: number | null;
  denCoef: number | null;
  numer: Expr[];
  denom: Expr[];
}

/** p/q with q ≤ 1000 when p/q === |c| exactly in float64, else null. */
export function rational(c: number): [number, number] | null {
  if (!Number.isFinite(c)) return null;
  if (Number.isInteger(c)) return [c, 1];
  for (let q = 2; q <= 1000; q++) {
    const p = Math.round(c * q);
    if (p !== 0 && p / q === c && Math.abs(p) < 1e9) return [p, q];
  }
  return null;
}

/**
 * A coefficient shows as the user wrote it (`50.5 x^2`, not `101 x^2/2`; `2.5`, `0.3`) unless the
 * fraction is a unit fraction (`x/2`, `x/3`) or shorter than the decimal (`2/3`, not
 * `0.6666666666666666`).
 */
function decimalReadsBetter(a: number, [p, q]: [number, number]): boolean {
  return q !== 1 && p !== 1 && String(a).length <= `${p}/${q}`.length;
}

/** Reads `e` as a signed fraction (see `Fraction`). */
export function asFraction(e: Expr): Fraction {
  const out: Fraction = { negative: false, numCoef: null, denCoef: null, numer: [], denom: [] };
  const factors = e.kind === "mul" ? e.args : [e];
  for (const f of factors) {
    if (f.kind === "num") {
      const c = f.value;
      if (c < 0 || Object.is(c, -0)) out.negative = !out.negative;
      const a = Math.abs(c);
      const r = rational(a);
      if (r === null || decimalReadsBetter(a, r)) out.numCoef = a;
      else {
        if (r[0] !== 1) out.numCoef = r[0];
        if (r[1] !== 1) out.denCoef = r[1];
      }
    } else if (f.kind === "pow" && f.exp.kind === "num" && f.exp.value < 0) {
      out.denom.push(pow(f.base, -f.exp.value));
    } else out.numer.push(f);
  }
  return out;
}

/** True when the term prints with a leading minus (so a sum writes `a - b`). */
export function isNegativeTerm(e: Expr): boolean {
  if (e.kind === "num") return e.value < 0;
  return e.kind === "mul" && e.args[0]!.kind === "num" && e.args[0]!.value < 0;
}

/** Symbol name split for subscripts: `x[3]` → [x, 3], `w[1,2]` → [w, 1,2], `x_min` → [x, min], `x3` → [x, 3]. */
export function splitName(name: string): [string, string | null] {
  let m = /^([A-Za-z_$][A-Za-z0-9_$]*?)\[(.+)\]$/.exec(name);
  if (m) return [m[1]!, m[2]!.replace(/\s+/g, "")];
  m = /^([A-Za-z$]+)_(.+)$/.exec(name);
  if (m) return [m[1]!, m[2]!];
  m = /^([A-Za-z$]+?)([0-9]+)$/.exec(name);
  if (m) return [m[1]!, m[2]!];
  return [name, null];
}

const GREEK = new Set([
  "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
  "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
  "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
]);

/** LaTeX for a name part: Greek letters as commands, one letter as is, longer words upright. */
export function latexWord(w: string): string {
  if (GREEK.has(w)) return "\\" + w;
  if (/^[A-Za-z]$/.test(w) || /^[-0-9,]+$/.test(w)) return w;
  return `\\mathrm{${w.replace(/_/g, "\\_").replace(/\$/g, "\\$")}}`;
}

/** LaTeX for a symbol name: `x[3]` → `x_{3}`, `alpha` → `\alpha`, `lr` → `\mathrm{lr}`. */
export function latexSymbol(name: string): string {
  const [base, sub] = splitName(name);
  const b = latexWord(base);
  return sub === null ? b : `${b}_{${latexWord(sub)}}`;
}
