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
 *
 * Ratios that overflow as written, but not as the function they spell:
 *
 *   1/cosh(u)^k = sech(u)^k      1/sinh(u)^k = csch(u)^k
 *   cosh(u)^k/sinh(u)^k = coth(u)^k      sinh(u)^k/cosh(u)^k = tanh(u)^k
 *   1/(1 + exp(v)) = sigmoid(−v)      exp(u)/(1 + exp(u)) = sigmoid(u)
 *   u_k/hypot(u₁, …, uₙ) = cosdir(k, u₁, …, uₙ)   (its derivatives have no ∞/∞)
 *
 * (`cosh(x)/sinh(x)` had f = 1 but a NaN gradient at x = 700: cosh²/sinh² = ∞/∞; its derivative
 * as coth is −csch², accurate at every x, where 1 − cosh²/sinh² is 0 from x ≈ 19 on.)
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

/** The stable form of base^exp for a reciprocal of cosh, sinh or 1 + exp(v), else undefined. */
function stablePow(base: Expr, exp: Expr): Expr | undefined {
  if (exp.kind !== "num" || exp.value >= 0) return undefined;
  const k = -exp.value;
  if (isCall(base, "cosh")) return pow(call("sech", base.args), k);
  if (isCall(base, "sinh")) return pow(call("csch", base.args), k);
  if (k === 1 && base.kind === "add" && base.args.length === 2) {
    const [a, b] = base.args as [Expr, Expr];
    const other = isNum(a, 1) ? b : isNum(b, 1) ? a : undefined;
    if (other !== undefined && isCall(other, "exp")) return call("sigmoid", [neg(other.args[0]!)]);
  }
  return undefined;
}

/** Splits a factor into base and numeric exponent (exponent 1 for a non-power). */
const baseExp = (f: Expr): [Expr, number | undefined] => (f.kind === "pow" ? [f.base, f.exp.kind === "num" ? f.exp.value : undefined] : [f, 1]);

/**
 * A product with the ratios of the file comment merged: cosh(u)^k·csch(u)^k → coth(u)^k,
 * sinh(u)^k·sech(u)^k → tanh(u)^k, exp(u)·sigmoid(−u) → sigmoid(u) (the reciprocals were
 * rewritten already, children first). Undefined when nothing merges.
 */
function stableProduct(factors: readonly Expr[]): Expr | undefined {
  const out = factors.slice();
  let changed = false;
  for (let i = 0; i < out.length; i++) {
    const [b, k] = baseExp(out[i]!);
    if (k === undefined || b.kind !== "call") continue;
    for (let j = 0; j < out.length; j++) {
      if (j === i) continue;
      const [c, m] = baseExp(out[j]!);
      if (c.kind !== "call" || c.args[0] !== b.args[0]) continue;
      let merged: Expr | undefined;
      if (m === k && b.fn === "cosh" && c.fn === "csch") merged = pow(call("coth", b.args), k);
      else if (m === k && b.fn === "sinh" && c.fn === "sech") merged = pow(call("tanh", b.args), k);
      if (merged !== undefined) {
        out[i] = merged;
        out.splice(j, 1);
        changed = true;
        if (j < i) i--;
        break;
      }
    }
  }
  for (let i = 0; i < out.length; i++) {
    const [h, k] = baseExp(out[i]!);
    if (k !== -1 || !isCall(h, "hypot")) continue;
    const hargs = h.args as readonly Expr[];
    const j = out.findIndex((u) => hargs.includes(u));
    if (j < 0) continue;
    out[i] = call("cosdir", [hargs.indexOf(out[j]!) + 1, ...hargs]);
    out.splice(j, 1);
    changed = true;
    i = -1;
  }
  for (let i = 0; i < out.length; i++) {
    const f = out[i]!;
    if (!isCall(f, "exp")) continue;
    const target = call("sigmoid", [neg(f.args[0]!)]);
    const j = out.indexOf(target);
    if (j >= 0) {
      out[i] = call("sigmoid", [f.args[0]!]);
      out.splice(j, 1);
      changed = true;
      i = -1;
    }
  }
  return changed ? mulList(out) : undefined;
}

/** `roots` with the idioms above replaced by their stable forms (shared nodes rewritten once). */
export function stabilize(roots: readonly Expr[]): Expr[] {
  return visit<Expr>(roots, {
    num: (e) => e,
    sym: (e) => e,
    add: (e, a) => (same(e.args, a) ? e : addList(a)),
    mul: (e, a) => stableProduct(a) ?? (same(e.args, a) ? e : mulList(a)),
    pow: (e, b, x) => stablePow(b, x) ?? (b === e.base && x === e.exp ? e : pow(b, x)),
    call: (e, a) => (e.fn === "log" && a.length === 1 ? stableLog(a[0]!) : undefined) ?? (same(e.args, a) ? e : call(e.fn, a)),
  });
}
