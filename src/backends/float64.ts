/**
 * The float64 reference engine's `Ops`: plain loops over `Float64Array`s, writing into `out`
 * when given (the runner preallocates every buffer, so a step allocates nothing).
 *
 * It is the oracle for torch.optim parity tests and the default engine for small problems. One
 * run at a time: per-run scalars are plain numbers, and `perRun` accepts a single value.
 *
 * Each loop reads element i of its inputs before writing element i of `out`, so `out` may alias
 * any input.
 */
import { DslError } from "../errors/index.js";
import type { Ops, Scalar } from "./ops.js";

type F = Float64Array;
const num = (s: Scalar<F>): number => s as number;
const alloc = (a: F, out?: F): F => out ?? new Float64Array(a.length);

/**
 * `Ops<Float64Array>` in float64 with in-place outputs.
 *
 * @example
 * const m = new Float64Array([1, 2]);
 * float64Ops.lerp(m, new Float64Array([3, 4]), 0.5, m); // m = [2, 3]
 */
export const float64Ops: Ops<Float64Array> = {
  name: "float64",
  precision: 64,

  zerosLike: (a) => new Float64Array(a.length),
  fullLike: (a, v) => new Float64Array(a.length).fill(num(v)),
  copy(a, out) {
    const o = alloc(a, out);
    if (o !== a) o.set(a);
    return o;
  },

  add(a, b, out) {
    const o = alloc(a, out);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! + b[i]!;
    return o;
  },
  sub(a, b, out) {
    const o = alloc(a, out);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! - b[i]!;
    return o;
  },
  mul(a, b, out) {
    const o = alloc(a, out);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! * b[i]!;
    return o;
  },
  div(a, b, out) {
    const o = alloc(a, out);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! / b[i]!;
    return o;
  },
  scale(a, s, out) {
    const o = alloc(a, out);
    const k = num(s);
    for (let i = 0; i < a.length; i++) o[i] = k * a[i]!;
    return o;
  },
  addScalar(a, s, out) {
    const o = alloc(a, out);
    const k = num(s);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! + k;
    return o;
  },
  axpy(s, x, y, out) {
    const o = alloc(y, out);
    const k = num(s);
    for (let i = 0; i < y.length; i++) o[i] = y[i]! + k * x[i]!;
    return o;
  },
  lerp(a, b, w, out) {
    const o = alloc(a, out);
    const k = num(w);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! + k * (b[i]! - a[i]!);
    return o;
  },
  addcmul(a, b, c, s, out) {
    const o = alloc(a, out);
    const k = num(s);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! + k * b[i]! * c[i]!;
    return o;
  },
  addcdiv(a, b, c, s, out) {
    const o = alloc(a, out);
    const k = num(s);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! + (k * b[i]!) / c[i]!;
    return o;
  },
  sqrt(a, out) {
    const o = alloc(a, out);
    for (let i = 0; i < a.length; i++) o[i] = Math.sqrt(a[i]!);
    return o;
  },
  square(a, out) {
    const o = alloc(a, out);
    for (let i = 0; i < a.length; i++) o[i] = a[i]! * a[i]!;
    return o;
  },
  abs(a, out) {
    const o = alloc(a, out);
    for (let i = 0; i < a.length; i++) o[i] = Math.abs(a[i]!);
    return o;
  },
  sign(a, out) {
    const o = alloc(a, out);
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      o[i] = v > 0 ? 1 : v < 0 ? -1 : v; // keeps ±0 and NaN as torch.sign does
    }
    return o;
  },
  maximum(a, b, out) {
    const o = alloc(a, out);
    // NaN propagates, as torch.maximum (Math.max does too).
    for (let i = 0; i < a.length; i++) o[i] = Math.max(a[i]!, b[i]!);
    return o;
  },
  clip(a, lo, hi, out) {
    const o = alloc(a, out);
    const l = num(lo);
    const h = num(hi);
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      o[i] = v < l ? l : v > h ? h : v;
    }
    return o;
  },
  select(mask, a, b, out) {
    const src = num(mask) ? a : b;
    const o = alloc(a, out);
    if (o !== src) o.set(src);
    return o;
  },

  sum(a) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]!;
    return s;
  },
  mean(a) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]!;
    return s / a.length;
  },
  dot(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return s;
  },
  norm(a) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
    return Math.sqrt(s);
  },

  perRun(values) {
    if (values.length !== 1) {
      throw new DslError(
        "backend-capability",
        `the float64 engine runs one run at a time: per-run hyperparameters need a batched backend (tfjs), got ${values.length} values`,
        { path: "backend" },
      );
    }
    return values[0]!;
  },

  sadd: (a, b) => num(a) + num(b),
  ssub: (a, b) => num(a) - num(b),
  smul: (a, b) => num(a) * num(b),
  sdiv: (a, b) => num(a) / num(b),
  spow: (a, b) => Math.pow(num(a), num(b)),
  ssqrt: (a) => Math.sqrt(num(a)),
  smin: (a, b) => Math.min(num(a), num(b)),
  smax: (a, b) => Math.max(num(a), num(b)),
  sgt: (a, b) => (num(a) > num(b) ? 1 : 0),
};
