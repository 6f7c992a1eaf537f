/**
 * Plain-text rendering in mathjs syntax: `(1 - x)^2 + 100 * (y - x^2)^2`.
 *
 * The text parses back (with `parse.ts`) to an expression of the same value, so it doubles as a
 * serialization; parentheses appear only where precedence needs them.
 */
import type { Expr } from "./ir.js";
import { asFraction, isNegativeTerm, Prec, type Printed } from "./shape.js";
import { neg } from "./simplify.js";


/** Text of one expression. */
export function toText(e: Expr): string {
  return print(e)[0];
}

/** Formats a float so that it parses back to the same float (`1e-8`, `0.1`, `Infinity`). */
export function numberText(v: number): string {
  return String(v);
}

function paren(p: Printed, min: Prec): string {
  return p[1] >= min ? p[0] : `(${p[0]})`;
}

function print(e: Expr): Printed {
  switch (e.kind) {
    case "num":
      return e.value < 0 ? [numberText(e.value), Prec.Unary] : [numberText(e.value), Prec.Atom];
    case "sym":
      return [e.name, Prec.Atom];
    case "add":
      return [printSum(e.args), Prec.Add];
    case "mul":
      return printProduct(e);
    case "pow":
      return printPow(e);
    case "call":
      return printCall(e);
  }
}

function printSum(terms: readonly Expr[]): string {
  let s = "";
  terms.forEach((t, i) => {
    if (isNegativeTerm(t)) {
      const body = paren(print(neg(t)), Prec.Mul);
      s += i === 0 ? `-${body}` : ` - ${body}`;
    } else s += i === 0 ? paren(print(t), Prec.Add) : ` + ${paren(print(t), Prec.Mul)}`;
  });
  return s;
}

function printProduct(e: Expr): Printed {
  const f = asFraction(e);
  if (f.numer.length === 0 && f.denom.length === 0 && f.denCoef === null) {
    // A pure number: only reachable for a negative num read as a product.
    return [`${f.negative ? "-" : ""}${numberText(f.numCoef ?? 1)}`, f.negative ? Prec.Unary : Prec.Atom];
  }
  const num: string[] = [];
  if (f.numCoef !== null) num.push(numberText(f.numCoef));
  for (const u of f.numer) num.push(paren(print(u), Prec.Mul + 1));
  const den: string[] = [];
  if (f.denCoef !== null) den.push(numberText(f.denCoef));
  for (const u of f.denom) den.push(paren(print(u), Prec.Mul + 1));
  let s = num.length === 0 ? "1" : num.join(" * ");
  if (den.length === 1) s += ` / ${den[0]}`;
  else if (den.length > 1) s += ` / (${den.join(" * ")})`;
  return f.negative ? [`-${s}`, Prec.Unary] : [s, Prec.Mul];
}

function printPow(e: Expr & { kind: "pow" }): Printed {
  const { base, exp } = e;
  if (exp.kind === "num") {
    if (exp.value === 0.5) return [`sqrt(${print(base)[0]})`, Prec.Atom];
    if (exp.value < 0) return printProduct(e);
  }
  const b = paren(print(base), Prec.Atom);
  const x = exp.kind === "num" ? numberText(exp.value) : paren(print(exp), Prec.Atom);
  return [`${b}^${x}`, Prec.Pow];
}

function printCall(e: Expr & { kind: "call" }): Printed {
  if (e.fn === "pi") return ["pi", Prec.Atom];
  if (e.fn === "exp" && e.args[0]!.kind === "num" && e.args[0]!.value === 1) return ["e", Prec.Atom];
  return [`${e.fn}(${e.args.map((a) => print(a)[0]).join(", ")})`, Prec.Atom];
}
