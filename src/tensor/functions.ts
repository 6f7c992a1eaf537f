/**
 * The IR's functions (src/symbolic's `FUNCTIONS`) as TensorFlow.js ops. One entry per function
 * name: TypeScript reports any function this table forgets. Each entry reproduces the float64
 * meaning of `FUNCTIONS[fn].eval` elementwise, in float32 (tests compare them on every backend).
 *
 * Arguments are tensors or plain numbers (constants); at least one is a tensor (all-constant
 * calls are folded in float64 before they get here).
 */
import type { Tensor, TF } from "../backends/index.js";
import type { FnName } from "../symbolic/index.js";

/** A tensor or a float64 constant. */
export type Value = Tensor | number;

type Impl = (tf: TF, a: Value[]) => Tensor;

const t = (tf: TF, v: Value): Tensor => (typeof v === "number" ? tf.scalar(v) : v);
const unary = (f: (tf: TF, x: Tensor) => Tensor): Impl => (tf, a) => f(tf, t(tf, a[0]!));
const LN2 = Math.LN2;
const LN10 = Math.LN10;

/** Elementwise max/min over several values. */
const fold = (tf: TF, a: Value[], op: (x: Tensor, y: Value) => Tensor): Tensor => a.slice(1).reduce<Tensor>((acc, v) => op(acc, v), t(tf, a[0]!));

/** 1 where u_k is the first extremal argument (greater = strictly-better comparison). */
function firstExtremal(tf: TF, a: Value[], better: "greater" | "less"): Tensor {
  const k = (a[0] as number) - 1;
  const u = a.slice(1);
  const uk = t(tf, u[k]!);
  const strict = better === "greater" ? tf.greater : tf.less;
  const weak = better === "greater" ? tf.greaterEqual : tf.lessEqual;
  let ind: Tensor = tf.onesLike(uk);
  u.forEach((uj, j) => {
    if (j === k) return;
    const c = j < k ? strict(uk, uj) : weak(uk, uj);
    ind = tf.mul(ind, tf.cast(c, "float32"));
  });
  return ind;
}

/** m = max|u_k|, safe = m (1 where m = 0), s = Σ (u_k/safe)²: hypot = m·√s without overflow. */
function scaledSquares(tf: TF, a: Value[]): { m: Tensor; safe: Tensor; s: Tensor } {
  const m = a.slice(1).reduce<Tensor>((acc, v) => tf.maximum(acc, tf.abs(t(tf, v))), tf.abs(t(tf, a[0]!)));
  const safe = tf.where(tf.greater(m, 0), m, tf.onesLike(m));
  const s = a.reduce<Tensor>((acc, v) => tf.add(acc, tf.square(tf.div(t(tf, v), safe))), tf.zerosLike(m));
  return { m, safe, s };
}

/** The table: every `FnName` mapped to tfjs ops. */
export const TENSOR_FUNCTIONS: { readonly [K in FnName]: Impl } = {
  pi: (tf) => tf.scalar(Math.PI),
  exp: unary((tf, x) => tf.exp(x)),
  log: unary((tf, x) => tf.log(x)),
  log2: unary((tf, x) => tf.div(tf.log(x), LN2)),
  log10: unary((tf, x) => tf.div(tf.log(x), LN10)),
  log1p: unary((tf, x) => tf.log1p(x)),
  expm1: unary((tf, x) => tf.expm1(x)),
  cbrt: unary((tf, x) => tf.mul(tf.sign(x), tf.pow(tf.abs(x), 1 / 3))),
  abs: unary((tf, x) => tf.abs(x)),
  sign: unary((tf, x) => tf.sign(x)),
  floor: unary((tf, x) => tf.floor(x)),
  ceil: unary((tf, x) => tf.ceil(x)),
  // Math.round rounds halves up; tf.round rounds them to even.
  round: unary((tf, x) => tf.floor(tf.add(x, 0.5))),
  sin: unary((tf, x) => tf.sin(x)),
  cos: unary((tf, x) => tf.cos(x)),
  tan: unary((tf, x) => tf.tan(x)),
  sec: unary((tf, x) => tf.reciprocal(tf.cos(x))),
  csc: unary((tf, x) => tf.reciprocal(tf.sin(x))),
  cot: unary((tf, x) => tf.reciprocal(tf.tan(x))),
  asin: unary((tf, x) => tf.asin(x)),
  acos: unary((tf, x) => tf.acos(x)),
  atan: unary((tf, x) => tf.atan(x)),
  atan2: (tf, a) => tf.atan2(t(tf, a[0]!), t(tf, a[1]!)),
  sinh: unary((tf, x) => tf.sinh(x)),
  cosh: unary((tf, x) => tf.cosh(x)),
  tanh: unary((tf, x) => tf.tanh(x)),
  asinh: unary((tf, x) => tf.asinh(x)),
  acosh: unary((tf, x) => tf.acosh(x)),
  atanh: unary((tf, x) => tf.atanh(x)),
  // 2e/(1 + e²) with e = e^{−|x|}: no overflow of cosh (float32 overflows past |x| ≈ 89)
  sech: unary((tf, x) => {
    const e = tf.exp(tf.neg(tf.abs(x)));
    return tf.div(tf.mul(e, 2), tf.add(tf.square(e), 1));
  }),
  // sign(x)·2e/(1 − e²) with e = e^{−|x|} (1/sinh below |x| = 1, where 1 − e² would cancel)
  csch: unary((tf, x) => {
    const e = tf.exp(tf.neg(tf.abs(x)));
    const far = tf.div(tf.mul(tf.sign(x), tf.mul(e, 2)), tf.sub(1, tf.square(e)));
    return tf.where(tf.less(tf.abs(x), 1), tf.reciprocal(tf.sinh(x)), far);
  }),
  coth: unary((tf, x) => tf.reciprocal(tf.tanh(x))),
  sigmoid: unary((tf, x) => tf.sigmoid(x)),
  // max(x, 0) + log1p(e^{−|x|}): exact for large |x| (as the float64 runtime); log1p(e) as
  // e − e²/2 below e = 1e−4, since tfjs's float32 log1p loses a tiny e (softplus(−30) came out 0)
  softplus: unary((tf, x) => {
    const e = tf.exp(tf.neg(tf.abs(x)));
    return tf.add(tf.relu(x), tf.where(tf.less(e, 1e-4), tf.sub(e, tf.mul(tf.square(e), 0.5)), tf.log1p(e)));
  }),
  logsumexp: (tf, a) => {
    if (a.length === 1) return t(tf, a[0]!);
    const m = fold(tf, a, (x, y) => tf.maximum(x, y));
    // a non-finite maximum (all −∞, or +∞) is the answer itself, as in the float64 runtime
    const safe = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
    const s = a.reduce<Tensor>((acc, v) => tf.add(acc, tf.exp(tf.sub(v, safe))), tf.zerosLike(m));
    return tf.where(tf.isFinite(m), tf.add(safe, tf.log(s)), m);
  },
  softmax: (tf, a) => {
    const k = (a[0] as number) - 1;
    const u = a.slice(1);
    const m = fold(tf, u, (x, y) => tf.maximum(x, y));
    const s = u.reduce<Tensor>((acc, v) => tf.add(acc, tf.exp(tf.sub(v, m))), tf.zerosLike(m));
    return tf.div(tf.exp(tf.sub(u[k]!, m)), s);
  },
  erf: unary((tf, x) => tf.erf(x)),
  max: (tf, a) => fold(tf, a, (x, y) => tf.maximum(x, y)),
  min: (tf, a) => fold(tf, a, (x, y) => tf.minimum(x, y)),
  // m·√Σ(u/m)² with m = max|u|: float32's u² overflows past 1.8e19
  hypot: (tf, a) => {
    const { m, s } = scaledSquares(tf, a);
    return tf.mul(m, tf.sqrt(s));
  },
  cosdir: (tf, a) => {
    const u = a.slice(1);
    const { safe, s } = scaledSquares(tf, u);
    return tf.div(tf.div(t(tf, u[(a[0] as number) - 1]!), safe), tf.sqrt(s));
  },
  argmaxIs: (tf, a) => firstExtremal(tf, a, "greater"),
  argminIs: (tf, a) => firstExtremal(tf, a, "less"),
};
