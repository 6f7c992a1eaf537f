/**
 * Differentiation rules for the functions of `functions.ts`: the partial derivative of
 * fn(u₁, …, uₙ) with respect to its k-th argument, as an expression in the arguments (and in the
 * call itself, `self`, where that lets the derivative share work with the value: exp' = exp).
 *
 * The chain rule is applied by `derivative.ts`; the sum, product and power rules live there too.
 * Piecewise functions take the active branch: |u|' = sign(u) (0 at 0), max/min pick the first
 * extremal argument, floor/ceil/round/sign have derivative 0 (almost everywhere).
 *
 * Every rule is written to stay accurate in float64 over the whole range of its argument
 * (checked against mpmath at 50 digits by test/fixtures/gen/mpmath_extremes.py), never in the
 * textbook form that cancels or overflows:
 * - tanh' = sech²(u), not 1 − tanh²(u) (0 past u ≈ 19 where the true value is 1.7e−17 at 20);
 *   sech' = −sech·tanh, csch' = −csch·coth, coth' = −csch² (no ∞/∞ past |u| ≈ 710);
 * - sigmoid' = σ(u)·σ(−u), not σ(1 − σ) (0 past u ≈ 37); its own derivative, and softplus'',
 *   stay accurate through the product rule of `derivative.ts` (σ(u)σ(−u) pairs);
 * - asinh' = 1/hypot(u, 1), acosh' = 1/(√(u−1)·√(u+1)): no overflow of u² at |u| > 1e154;
 *   asin' = (1 − u²)^{−1/2}, atanh' = 1/(1 − u²), whose 1 − u² the code generator evaluates as
 *   (1 − u)(1 + u), exact near |u| = 1 (and whose derivative −2u has nothing to cancel);
 * - logsumexp' = softmax, with softmax' = p_k Σ_{i≠k} p_i on the diagonal (not p_k(1 − p_k));
 * - hypot' = cosdir (u_k/hypot, bounded), with derivatives in cosdirs and 1/hypot only;
 *   atan2's partials x/hypot², −y/hypot² as ±cosdir/hypot (x² + y² overflows at 1e155);
 * - the code generator pairs the factors of a quotient (`codegen.ts`: (y/h)·(y/h)/h, not y²/h³).
 */
import type { FnName } from "./functions.js";
import type { Expr, Num } from "./ir.js";
import { add, addList, call, div, HALF, MINUS_ONE, mul, neg, num, pow, sub, ZERO } from "./simplify.js";

/** ∂ fn(args) / ∂ args[k]. */
export type PartialRule = (args: readonly Expr[], self: Expr, k: number) => Expr;

const sq = (u: Expr): Expr => pow(u, 2);
const recip = (u: Expr): Expr => pow(u, MINUS_ONE);
const rsqrt = (u: Expr): Expr => pow(u, neg(HALF));
const zero: PartialRule = () => ZERO;

/** The rule table: one entry per function name, so a new function cannot miss its derivative. */
export const PARTIALS: { readonly [K in FnName]: PartialRule } = {
  pi: zero,
  exp: (_a, self) => self,
  log: ([u]) => recip(u!),
  log2: ([u]) => recip(mul(u!, call("log", [2]))),
  log10: ([u]) => recip(mul(u!, call("log", [10]))),
  log1p: ([u]) => recip(add(1, u!)),
  expm1: ([u]) => call("exp", [u!]),
  cbrt: (_a, self) => mul(1 / 3, pow(self, -2)),
  abs: ([u]) => call("sign", [u!]),
  sign: zero,
  floor: zero,
  ceil: zero,
  round: zero,
  sin: ([u]) => call("cos", [u!]),
  cos: ([u]) => neg(call("sin", [u!])),
  tan: (_a, self) => add(1, sq(self)),
  sec: ([u], self) => mul(self, call("tan", [u!])),
  csc: ([u], self) => neg(mul(self, call("cot", [u!]))),
  cot: (_a, self) => neg(add(1, sq(self))),
  asin: ([u]) => rsqrt(sub(1, sq(u!))),
  acos: ([u]) => neg(rsqrt(sub(1, sq(u!)))),
  atan: ([u]) => recip(add(1, sq(u!))),
  // atan2(y, x): ∂y = x / hypot(x, y)², ∂x = −y / hypot(x, y)² (x² + y² overflows at 1e155).
  atan2: ([y, x], _self, k) => mul(k === 0 ? 1 : -1, call("cosdir", [k === 0 ? 1 : 2, x!, y!]), recip(call("hypot", [x!, y!]))),
  sinh: ([u]) => call("cosh", [u!]),
  cosh: ([u]) => call("sinh", [u!]),
  tanh: ([u]) => sq(call("sech", [u!])),
  asinh: ([u]) => recip(call("hypot", [u!, 1])),
  acosh: ([u]) => mul(rsqrt(sub(u!, 1)), rsqrt(add(u!, 1))),
  atanh: ([u]) => recip(sub(1, sq(u!))),
  sech: ([u], self) => neg(mul(self, call("tanh", [u!]))),
  csch: ([u], self) => neg(mul(self, call("coth", [u!]))),
  coth: ([u]) => neg(sq(call("csch", [u!]))),
  sigmoid: ([u], self) => mul(self, call("sigmoid", [neg(u!)])),
  softplus: ([u]) => call("sigmoid", [u!]),
  // ∂/∂u_k log Σ e^{u_j} = softmax_k(u), computed shifted by max u (e^{u_k − lse(u)} is 1, not
  // 1/2, at u = [1e300, 1e300], where lse(u) rounds to 1e300).
  logsumexp: (args, _self, k) => call("softmax", [k + 1, ...args]),
  // ∂p_k/∂u_j = −p_k p_j (j ≠ k); ∂p_k/∂u_k = p_k (1 − p_k) written p_k Σ_{i≠k} p_i, since 1 − p_k
  // cancels to 0 once p_k rounds to 1 (∂²/∂x² logsumexp(x, 0) is 4.2e−18 at x = 40).
  softmax: (args, self, a) => {
    if (a === 0) return ZERO;
    const k = (args[0] as Num).value;
    const us = args.slice(1);
    if (a !== k) return neg(mul(self, call("softmax", [a, ...us])));
    return mul(self, addList(us.map((_u, i) => (i + 1 === k ? ZERO : call("softmax", [i + 1, ...us])))));
  },
  // erf'(u) = 2/√π e^{−u²}
  erf: ([u]) => mul(2, pow(call("pi", []), neg(HALF)), call("exp", [neg(sq(u!))])),
  max: (args, _self, k) => call("argmaxIs", [num(k + 1), ...args]),
  min: (args, _self, k) => call("argminIs", [num(k + 1), ...args]),
  // ∂hypot/∂u_k = u_k/hypot = cosdir_k (a direction cosine, |c| ≤ 1); ∂c_k/∂u_j = −c_j c_k/h
  // (j ≠ k) and (Σ_{i≠k} c_i²)/h on the diagonal, not (1 − c_k²)/h, which cancels once c_k ≈ 1
  // (hypot(x, 1)'' at 1e8 is 1e−24, not 0), nor u_j u_k/h³ (∞/∞ at [3e200, 4e200]).
  hypot: (args, _self, k) => call("cosdir", [k + 1, ...args]),
  cosdir: (args, self, a) => {
    if (a === 0) return ZERO;
    const k = (args[0] as Num).value;
    const us = args.slice(1);
    const h = recip(call("hypot", us));
    if (a !== k) return neg(mul(self, call("cosdir", [a, ...us]), h));
    return mul(addList(us.map((_u, i) => (i + 1 === k ? ZERO : sq(call("cosdir", [i + 1, ...us]))))), h);
  },
  argmaxIs: zero,
  argminIs: zero,
};

/** The partial derivative of `self = fn(args)` in its k-th argument. */
export function partial(fn: FnName, args: readonly Expr[], self: Expr, k: number): Expr {
  return PARTIALS[fn](args, self, k);
}
