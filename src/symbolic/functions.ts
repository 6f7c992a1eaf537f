/**
 * The functions the expression IR knows: their names, arities and float64 meaning.
 *
 * This is the single list every target works from. A new target (TensorFlow.js, say) writes one
 * table `Record<FnName, ...>`; TypeScript then reports any function it forgot. Parsers map user
 * spellings onto these names (`sqrt` becomes a power, `logSumExp` becomes `logsumexp`, ...): see
 * `calls.ts`. Derivative rules live in `derivative-rules.ts`, LaTeX in `latex.ts`.
 */
import { RUNTIME } from "./runtime.js";

/** Every function name a `call` node can carry. */
export type FnName =
  | "pi"
  | "exp" | "log" | "log2" | "log10" | "log1p" | "expm1"
  | "cbrt" | "abs" | "sign" | "floor" | "ceil" | "round"
  | "sin" | "cos" | "tan" | "sec" | "csc" | "cot"
  | "asin" | "acos" | "atan" | "atan2"
  | "sinh" | "cosh" | "tanh" | "asinh" | "acosh" | "atanh"
  | "sech" | "csch" | "coth"
  | "sigmoid" | "softplus" | "logsumexp" | "softmax" | "erf"
  | "max" | "min" | "hypot" | "cosdir"
  | "argmaxIs" | "argminIs";

/** What a target needs to know about one function. */
export interface FnInfo {
  /** Number of arguments: exact, or [min, Infinity] for variadic functions. */
  readonly arity: number | readonly [number, number];
  /** Float64 value (the reference semantics every target must reproduce). */
  readonly eval: (...xs: number[]) => number;
  /** One line for docs and error messages. */
  readonly doc: string;
}

const recip = (f: (x: number) => number) => (x: number) => 1 / f(x);

/**
 * The function table. `argmaxIs(k, u₁, …, uₙ)` / `argminIs` are produced by differentiating
 * `max`/`min` (1 when uₖ is the first extremal argument, else 0: the subgradient picks the active
 * branch); users rarely write them.
 */
export const FUNCTIONS: { readonly [K in FnName]: FnInfo } = {
  pi: { arity: 0, eval: () => Math.PI, doc: "π" },
  exp: { arity: 1, eval: Math.exp, doc: "e^x" },
  log: { arity: 1, eval: Math.log, doc: "natural logarithm" },
  log2: { arity: 1, eval: Math.log2, doc: "base-2 logarithm" },
  log10: { arity: 1, eval: Math.log10, doc: "base-10 logarithm" },
  log1p: { arity: 1, eval: Math.log1p, doc: "log(1 + x), accurate near 0" },
  expm1: { arity: 1, eval: Math.expm1, doc: "e^x − 1, accurate near 0" },
  cbrt: { arity: 1, eval: Math.cbrt, doc: "real cube root" },
  abs: { arity: 1, eval: Math.abs, doc: "|x| (derivative sign(x), 0 at 0)" },
  sign: { arity: 1, eval: Math.sign, doc: "sign of x (derivative 0)" },
  floor: { arity: 1, eval: Math.floor, doc: "round down (derivative 0)" },
  ceil: { arity: 1, eval: Math.ceil, doc: "round up (derivative 0)" },
  round: { arity: 1, eval: Math.round, doc: "round to nearest, halves up as JavaScript's Math.round (-2.5 → -2; mathjs itself rounds halves away from zero) (derivative 0)" },
  sin: { arity: 1, eval: Math.sin, doc: "sine" },
  cos: { arity: 1, eval: Math.cos, doc: "cosine" },
  tan: { arity: 1, eval: Math.tan, doc: "tangent" },
  sec: { arity: 1, eval: recip(Math.cos), doc: "secant 1/cos" },
  csc: { arity: 1, eval: recip(Math.sin), doc: "cosecant 1/sin" },
  cot: { arity: 1, eval: recip(Math.tan), doc: "cotangent 1/tan" },
  asin: { arity: 1, eval: Math.asin, doc: "arc sine" },
  acos: { arity: 1, eval: Math.acos, doc: "arc cosine" },
  atan: { arity: 1, eval: Math.atan, doc: "arc tangent" },
  atan2: { arity: 2, eval: Math.atan2, doc: "atan2(y, x): angle of the point (x, y)" },
  sinh: { arity: 1, eval: Math.sinh, doc: "hyperbolic sine" },
  cosh: { arity: 1, eval: Math.cosh, doc: "hyperbolic cosine" },
  tanh: { arity: 1, eval: Math.tanh, doc: "hyperbolic tangent" },
  asinh: { arity: 1, eval: Math.asinh, doc: "inverse hyperbolic sine" },
  acosh: { arity: 1, eval: Math.acosh, doc: "inverse hyperbolic cosine" },
  atanh: { arity: 1, eval: Math.atanh, doc: "inverse hyperbolic tangent" },
  sech: { arity: 1, eval: RUNTIME.sech, doc: "hyperbolic secant 1/cosh, without overflow" },
  csch: { arity: 1, eval: RUNTIME.csch, doc: "hyperbolic cosecant 1/sinh, without overflow" },
  coth: { arity: 1, eval: RUNTIME.coth, doc: "hyperbolic cotangent cosh/sinh, without ∞/∞" },
  sigmoid: { arity: 1, eval: RUNTIME.sigmoid, doc: "logistic 1/(1 + e^{-x})" },
  softplus: { arity: 1, eval: RUNTIME.softplus, doc: "log(1 + e^x)" },
  logsumexp: { arity: [1, Infinity], eval: RUNTIME.logsumexp, doc: "log(e^{x₁} + … + e^{xₙ})" },
  softmax: { arity: [2, Infinity], eval: RUNTIME.softmax, doc: "softmax(k, x₁, …, xₙ) = e^{x_k}/(e^{x₁} + … + e^{xₙ}), the k-th weight (the gradient of logsumexp)" },
  erf: { arity: 1, eval: RUNTIME.erf, doc: "error function" },
  max: { arity: [1, Infinity], eval: Math.max, doc: "largest argument (subgradient: active branch)" },
  min: { arity: [1, Infinity], eval: Math.min, doc: "smallest argument (subgradient: active branch)" },
  hypot: { arity: [1, Infinity], eval: Math.hypot, doc: "√(x₁² + … + xₙ²)" },
  cosdir: { arity: [2, Infinity], eval: RUNTIME.cosdir, doc: "cosdir(k, x₁, …, xₙ) = x_k/hypot(x₁, …, xₙ), the k-th direction cosine (the gradient of hypot)" },
  argmaxIs: { arity: [2, Infinity], eval: RUNTIME.argmaxIs, doc: "1 if u_k is the first maximum of u₁…uₙ" },
  argminIs: { arity: [2, Infinity], eval: RUNTIME.argminIs, doc: "1 if u_k is the first minimum of u₁…uₙ" },
};

/** All function names, in table order. */
export const FN_NAMES = Object.keys(FUNCTIONS) as FnName[];

/** True when `name` is a function of the IR. */
export function isFnName(name: string): name is FnName {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}

/** True when `fn` accepts `count` arguments. */
export function arityOk(fn: FnName, count: number): boolean {
  const a = FUNCTIONS[fn].arity;
  return typeof a === "number" ? count === a : count >= a[0] && count <= a[1];
}
