/**
 * Numerically stable forms of a few log-likelihood idioms, applied to the expression optlab
 * differentiates and compiles (the displayed expression keeps what the user wrote):
 *
 *   log(sigmoid(u))      = −softplus(−u)
 *   log(1 − sigmoid(u))  = −softplus(u)
 *   log(1 + exp(u))      = softplus(u)
 *
 * The identities are exact; the left sides overflow where the right sides do not. A logistic
 * regression written as the cross-entropy −y·log(sigmoid(η)) − (1 − y)·log(1 − sigmoid(η)) — the
 * textbook form, and one of the documented forms of `family: "bernoulli"` — gave a loss of
 * Infinity at a margin |η| > 745 (sigmoid(−800) = 0 in float64, log 0 = −∞), and log(1 + exp(u))
 * gave a gradient exp(u)/(1 + exp(u)) = ∞/∞ = NaN past u = 709.
 */
import type { Expr } from "./ir.js";
import { addList, call, mulList, neg, pow } from "./simplify.js";
import { visit } from "./walk.js";

const isNum = (e: Expr, v: number): boolean => e.kind === "num" && e.value === v;
const isCall = (e: Expr, fn: string): boolean => e.kind === "call" && e.fn === fn;

/** u when e is −sigmoid(u) (the product −1·sigmoid(u)), else undefined. */
function negSigmoidArg(e: Expr): Expr | undefined {
  if (e.kind !== "mul" || e.args.length !== 2) return undefined;
  const [a, b] = e.args as [Expr, Expr];
  if (isNum(a, -1) && isCall(b, "sigmoid")) return b.args[0];
  if (isNum(b, -1) && isCall(a, "sigmoid")) return a.args[0];
  return undefined;
}

/** The stable form of log(x), when x is one of the idioms above. */
function stableLog(x: Expr): Expr | undefined {
  if (isCall(x, "sigmoid")) return neg(call("softplus", [neg(x.args[0]!)]));
  if (x.kind !== "add" || x.args.length !== 2) return undefined;
  const [a, b] = x.args as [Expr, Expr];
  const [one, other] = isNum(a, 1) ? [a, b] : isNum(b, 1) ? [b, a] : [undefined, undefined];
  if (!one || !other) return undefined;
  if (isCall(other, "exp")) return call("softplus", [other.args[0]!]);
  const u = negSigmoidArg(other);
  return u === undefined ? undefined : neg(call("softplus", [u]));
}

const same = (a: readonly Expr[], b: readonly Expr[]): boolean => a.every((x, i) => x === b[i]);

/** `roots` with the idioms above replaced by their stable forms (shared nodes rewritten once). */
export function stabilize(roots: readonly Expr[]): Expr[] {
  return visit<Expr>(roots, {
    num: (e) => e,
    sym: (e) => e,
    add: (e, a) => (same(e.args, a) ? e : addList(a)),
    mul: (e, a) => (same(e.args, a) ? e : mulList(a)),
    pow: (e, b, x) => (b === e.base && x === e.exp ? e : pow(b, x)),
    call: (e, a) => (e.fn === "log" && a.length === 1 ? stableLog(a[0]!) : undefined) ?? (same(e.args, a) ? e : call(e.fn, a)),
  });
}
