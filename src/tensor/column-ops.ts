/**
 * `Ops<Columns>`: the optimizer primitives on a batch of runs stored by columns, one [B, 1]
 * tensor per parameter, with a per-run scalar as a single column.
 *
 * Why columns and not one [B, n] matrix (src/backends/tfjs-ops.ts): the compiled objective
 * (plan.ts) reads and writes one column per parameter, so a [B, n] layout would slice and concat
 * every step, and those ops (and [B, n] ⊙ [B, 1] broadcasts) are the slow paths of the wasm and
 * WebGPU backends; on columns every op is a same-shape elementwise kernel. The cost is n tfjs ops
 * per primitive, which is what sweeps over small problems (n ≤ a few dozen) want. For large n a
 * [B, n] matrix and `tfjsOps` are the better layout.
 */
import type { Ops, Scalar, Tensor, TF } from "../backends/index.js";

/** A batch of runs by columns: n tensors of shape [B, 1]. A per-run scalar is a 1-column batch. */
export type Columns = Tensor[];

/**
 * Builds `Ops<Columns>` over the tfjs module (the active backend does the work).
 *
 * @example
 * const ops = columnOps(tf, "tfjs-wasm/columns");
 * const x = [tf.ones([4, 1]), tf.zeros([4, 1])]; // 4 runs of a 2-parameter problem
 * ops.norm(x); // [tensor [4, 1]] of 1s
 */
export function columnOps(tf: TF, name: string): Ops<Columns> {
  const isNum = (s: Scalar<Columns>): s is number => typeof s === "number";
  /** A per-run scalar as something tfjs ops broadcast: a number or the one [B, 1] column. */
  const v = (s: Scalar<Columns>): Tensor | number => (isNum(s) ? s : s[0]!);
  const map = (a: Columns, f: (x: Tensor, i: number) => Tensor): Columns => a.map(f);
  const total = (cols: Tensor[]): Tensor => (cols.length === 1 ? cols[0]! : tf.addN(cols));
  const scalar2 = (a: Scalar<Columns>, b: Scalar<Columns>, num: (x: number, y: number) => number, ten: (x: Tensor | number, y: Tensor | number) => Tensor): Scalar<Columns> =>
    isNum(a) && isNum(b) ? num(a, b) : [ten(v(a), v(b))];
  return {
    name,
    precision: 32,

    zerosLike: (a) => map(a, (x) => tf.zerosLike(x)),
    fullLike: (a, s) => map(a, (x) => (isNum(s) ? tf.fill(x.shape, s, "float32") : tf.clone(s[0]!))),
    copy: (a) => map(a, (x) => tf.clone(x)),

    add: (a, b) => map(a, (x, i) => tf.add(x, b[i]!)),
    sub: (a, b) => map(a, (x, i) => tf.sub(x, b[i]!)),
    mul: (a, b) => map(a, (x, i) => tf.mul(x, b[i]!)),
    div: (a, b) => map(a, (x, i) => tf.div(x, b[i]!)),
    scale: (a, s) => (s === 1 ? map(a, (x) => tf.clone(x)) : map(a, (x) => tf.mul(x, v(s)))),
    addScalar: (a, s) => map(a, (x) => tf.add(x, v(s))),
    axpy: (s, x, y) => map(y, (yi, i) => (s === 0 ? tf.clone(yi) : tf.add(yi, s === 1 ? x[i]! : tf.mul(x[i]!, v(s))))),
    lerp: (a, b, w) => map(a, (x, i) => tf.add(x, tf.mul(tf.sub(b[i]!, x), v(w)))),
    addcmul: (a, b, c, s) => map(a, (x, i) => tf.add(x, tf.mul(tf.mul(b[i]!, c[i]!), v(s)))),
    addcdiv: (a, b, c, s) => map(a, (x, i) => tf.add(x, tf.mul(tf.div(b[i]!, c[i]!), v(s)))),
    sqrt: (a) => map(a, (x) => tf.sqrt(x)),
    square: (a) => map(a, (x) => tf.square(x)),
    abs: (a) => map(a, (x) => tf.abs(x)),
    sign: (a) => map(a, (x) => tf.sign(x)),
    maximum: (a, b) => map(a, (x, i) => tf.maximum(x, b[i]!)),
    clip: (a, lo, hi) =>
      isNum(lo) && isNum(hi) ? map(a, (x) => tf.clipByValue(x, lo, hi)) : map(a, (x) => tf.minimum(tf.maximum(x, v(lo)), v(hi))),
    // tf.where, not a·m + b·(1−m): the branch not taken may hold NaN or ±Inf.
    select: (mask, a, b) => {
      if (isNum(mask)) return map(mask ? a : b, (x) => tf.clone(x));
      const m = tf.greater(mask[0]!, 0);
      return map(a, (x, i) => tf.where(m, x, b[i]!));
    },

    sum: (a) => [total(a)],
    mean: (a) => [tf.div(total(a), a.length)],
    dot: (a, b) => [total(a.map((x, i) => tf.mul(x, b[i]!)))],
    norm: (a) => [tf.sqrt(total(a.map((x) => tf.square(x))))],

    perRun: (values) => [tf.tensor2d(Float32Array.from(values), [values.length, 1])],

    sadd: (a, b) => scalar2(a, b, (x, y) => x + y, (x, y) => tf.add(x, y)),
    ssub: (a, b) => scalar2(a, b, (x, y) => x - y, (x, y) => tf.sub(x, y)),
    smul: (a, b) => scalar2(a, b, (x, y) => x * y, (x, y) => tf.mul(x, y)),
    sdiv: (a, b) => scalar2(a, b, (x, y) => x / y, (x, y) => tf.div(x, y)),
    spow: (a, b) => scalar2(a, b, Math.pow, (x, y) => tf.pow(x, y)),
    ssqrt: (a) => (isNum(a) ? Math.sqrt(a) : [tf.sqrt(a[0]!)]),
    smin: (a, b) => scalar2(a, b, Math.min, (x, y) => tf.minimum(x, y)),
    smax: (a, b) => scalar2(a, b, Math.max, (x, y) => tf.maximum(x, y)),
    sgt: (a, b) => scalar2(a, b, (x, y) => (x > y ? 1 : 0), (x, y) => tf.cast(tf.greater(x, y), "float32")),
  };
}
