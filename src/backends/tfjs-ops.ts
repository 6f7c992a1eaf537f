/**
 * `Ops<Tensor>`: the optimizer primitives of src/backends/ops.ts on TensorFlow.js tensors.
 *
 * Layout: a batch of B runs is a [B, n] tensor; a per-run scalar is a [B, 1] tensor that
 * broadcasts over [B, n]; one run is B = 1. Reductions are over the last axis with the axis
 * kept, so `sum` of a [B, n] tensor is a [B, 1] per-run scalar.
 *
 * Every method returns a new tensor (tfjs tensors are immutable; the `out` hint of the float64
 * engine is ignored). Callers run steps inside `tf.tidy`, which frees the intermediates. Scalar
 * arithmetic on two plain numbers stays in float64 JS numbers (bias corrections like 1 − β^t keep
 * full precision until they meet a tensor).
 */
import type { Ops, Scalar } from "./ops.js";
import type { Tensor, TF } from "./tfjs.js";

/**
 * Builds the tfjs `Ops` over the given tfjs module. `name` is what `Ops.name` reports
 * (`"tfjs-wasm"`, ...); the module's active backend does the work.
 *
 * @example
 * const ops = tfjsOps(tf, "tfjs-cpu");
 * const m = tf.tidy(() => ops.lerp(m0, g, 0.1)); // m0 + 0.1·(g − m0)
 */
export function tfjsOps(tf: TF, name: string): Ops<Tensor> {
  const isNum = (s: Scalar<Tensor>): s is number => typeof s === "number";
  const ops: Ops<Tensor> = {
    name,
    precision: 32,

    zerosLike: (a) => tf.zerosLike(a),
    fullLike: (a, v) => (isNum(v) ? tf.fill(a.shape, v, "float32") : tf.broadcastTo(v, a.shape)),
    copy: (a) => tf.clone(a),

    add: (a, b) => tf.add(a, b),
    sub: (a, b) => tf.sub(a, b),
    mul: (a, b) => tf.mul(a, b),
    div: (a, b) => tf.div(a, b),
    scale: (a, s) => (s === 1 ? tf.clone(a) : tf.mul(a, s)),
    addScalar: (a, s) => tf.add(a, s),
    axpy: (s, x, y) => (s === 0 ? tf.clone(y) : tf.add(y, s === 1 ? x : tf.mul(x, s))),
    lerp: (a, b, w) => tf.add(a, tf.mul(tf.sub(b, a), w)),
    addcmul: (a, b, c, s) => tf.add(a, tf.mul(tf.mul(b, c), s)),
    addcdiv: (a, b, c, s) => tf.add(a, tf.mul(tf.div(b, c), s)),
    sqrt: (a) => tf.sqrt(a),
    square: (a) => tf.square(a),
    abs: (a) => tf.abs(a),
    sign: (a) => tf.sign(a),
    maximum: (a, b) => tf.maximum(a, b),
    clip: (a, lo, hi) => (isNum(lo) && isNum(hi) ? tf.clipByValue(a, lo, hi) : tf.minimum(tf.maximum(a, lo), hi)),
    // tf.where, not a·m + b·(1−m): the branch not taken may hold NaN or ±Inf (RAdam's rectifier).
    select: (mask, a, b) =>
      isNum(mask) ? tf.clone(mask ? a : b) : tf.where(tf.broadcastTo(tf.greater(mask, 0), a.shape), a, b),

    sum: (a) => tf.sum(a, -1, true),
    mean: (a) => tf.mean(a, -1, true),
    dot: (a, b) => tf.sum(tf.mul(a, b), -1, true),
    norm: (a) => tf.sqrt(tf.sum(tf.square(a), -1, true)),

    perRun: (values) => tf.tensor2d(Float32Array.from(values), [values.length, 1]),

    sadd: (a, b) => (isNum(a) && isNum(b) ? a + b : tf.add(a, b)),
    ssub: (a, b) => (isNum(a) && isNum(b) ? a - b : tf.sub(a, b)),
    smul: (a, b) => (isNum(a) && isNum(b) ? a * b : tf.mul(a, b)),
    sdiv: (a, b) => (isNum(a) && isNum(b) ? a / b : tf.div(a, b)),
    spow: (a, b) => (isNum(a) && isNum(b) ? Math.pow(a, b) : tf.pow(a, b)),
    ssqrt: (a) => (isNum(a) ? Math.sqrt(a) : tf.sqrt(a)),
    smin: (a, b) => (isNum(a) && isNum(b) ? Math.min(a, b) : tf.minimum(a, b)),
    smax: (a, b) => (isNum(a) && isNum(b) ? Math.max(a, b) : tf.maximum(a, b)),
    sgt: (a, b) => (isNum(a) && isNum(b) ? (a > b ? 1 : 0) : tf.cast(tf.greater(a, b), "float32")),
  };
  return ops;
}
