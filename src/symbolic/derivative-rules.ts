/**
 * Differentiation rules for the functions of `functions.ts`: the partial derivative of
 * fn(u₁, …, uₙ) with respect to its k-th argument, as an expression in the arguments (and in the
 * call itself, `self`, where that lets the derivative share work with the value: tanh' = 1 − tanh²).
 *
 * The chain rule is applied by `derivative.ts`; the sum, product and power rules live there too.
 * Piecewise functions take the active branch: |u|' = sign(u) (0 at 0), max/min pick the first
 * extremal argument, floor/ceil/round/sign have derivative 0 (almost everywhere).
 */
import type { FnName } from "./functions.js";
import type { Expr } from "./ir.js";
import { add, call, div, HALF, MINUS_ONE, mul, neg, num, pow, sub, ZERO } from "./simplify.js";

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
  // atan2(y, x): ∂y = x / (x² + y²), ∂x = −y / (x² + y²).
  atan2: ([y, x], _self, k) => (k === 0 ? div(x!, add(sq(x!), sq(y!))) : neg(div(y!, add(sq(x!), sq(y!))))),
  sinh: ([u]) => call("cosh", [u!]),
  cosh: ([u]) => call("sinh", [u!]),
  tanh: (_a, self) => sub(1, sq(self)),
  asinh: ([u]) => rsqrt(add(sq(u!), 1)),
  acosh: ([u]) => rsqrt(sub(sq(u!), 1)),
  atanh: ([u]) => recip(sub(1, sq(u!))),
  sigmoid: (_a, self) => mul(self, sub(1, self)),
  softplus: ([u]) => call("sigmoid", [u!]),
  // ∂/∂u_k log Σ e^{u_j} = e^{u_k − lse(u)} (the softmax), sharing lse(u) with the value.
  logsumexp: (args, self, k) => call("exp", [sub(args[k]!, self)]),
  // erf'(u) = 2/√π e^{−u²}
  erf: ([u]) => mul(2, pow(call("pi", []), neg(HALF)), call("exp", [neg(sq(u!))])),
  max: (args, _self, k) => call("argmaxIs", [num(k + 1), ...args]),
  min: (args, _self, k) => call("argminIs", [num(k + 1), ...args]),
  hypot: (args, self, k) => div(args[k]!, self),
  argmaxIs: zero,
  argminIs: zero,
};

/** The partial derivative of `self = fn(args)` in its k-th argument. */
export function partial(fn: FnName, args: readonly Expr[], self: Expr, k: number): Expr {
  return PARTIALS[fn](args, self, k);
}
