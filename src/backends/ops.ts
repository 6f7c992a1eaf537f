/**
 * `Ops<A>`: the array primitives that optimizer transforms are written against, so that one
 * definition of each optimizer runs on the float64 reference engine (`A = Float64Array`, plain
 * loops, in place) and on TensorFlow.js (`A = tf.Tensor`, float32, one run or a batch of runs).
 *
 * Owned by the optimizer work (src/optim); the tensor-engine work implements it on tfjs
 * (src/backends/tfjs-ops.ts), the float64 engine is src/backends/float64.ts.
 *
 * Rules that keep it implementable on both:
 *  - Elementwise ops and reductions over the last axis only. On tfjs a "batch of runs" is a
 *    [B, n] tensor and per-run scalars are [B, 1] tensors; on float64 a run is a Float64Array(n)
 *    and scalars are numbers.
 *  - `out` is a hint: the float64 engine writes the result there and returns it (no allocation
 *    per step); tfjs ignores it and returns a new tensor. Always use the return value. `out` may
 *    alias an input (every float64 loop reads element i of its inputs before writing element i).
 *  - `Scalar<A>` is a number or, on tfjs, a per-run [B, 1] tensor. Scalar arithmetic goes through
 *    the `s*` methods so that per-run hyperparameters (sweeps) flow through the same code; on two
 *    plain numbers every `s*` method must return a plain number (float64 JS arithmetic), so bias
 *    corrections such as 1 − β^t keep full precision until they meet a tensor.
 *  - No data-dependent control flow: where an optimizer branches on a scalar (RAdam's
 *    ρ_t > 5), it computes a mask with `sgt` and picks with `select`, so each run of a batch
 *    takes its own branch.
 *  - Nothing here frees memory: on tfjs the runner wraps each step in `tf.tidy` (see
 *    src/optim/base.ts for the state-ownership rule).
 */
export type Scalar<A> = number | A;

export interface Ops<A> {
  /** "float64", "tfjs-cpu", "tfjs-wasm", "tfjs-webgpu", ... */
  readonly name: string;
  /** 64 for the reference engine, 32 for TensorFlow.js. Tests take tolerances from it. */
  readonly precision: 32 | 64;

  zerosLike(a: A): A;
  fullLike(a: A, v: Scalar<A>): A;
  copy(a: A, out?: A): A;

  add(a: A, b: A, out?: A): A;
  sub(a: A, b: A, out?: A): A;
  mul(a: A, b: A, out?: A): A;
  div(a: A, b: A, out?: A): A;
  /** s·a */
  scale(a: A, s: Scalar<A>, out?: A): A;
  /** a + s (elementwise) */
  addScalar(a: A, s: Scalar<A>, out?: A): A;
  /** y + s·x */
  axpy(s: Scalar<A>, x: A, y: A, out?: A): A;
  /** a + w·(b − a), as torch.lerp: the EMA update m ← β m + (1−β) g is lerp(m, g, 1−β). */
  lerp(a: A, b: A, w: Scalar<A>, out?: A): A;
  /** a + s·b·c (torch.addcmul) */
  addcmul(a: A, b: A, c: A, s: Scalar<A>, out?: A): A;
  /** a + s·b/c (torch.addcdiv) */
  addcdiv(a: A, b: A, c: A, s: Scalar<A>, out?: A): A;
  sqrt(a: A, out?: A): A;
  square(a: A, out?: A): A;
  abs(a: A, out?: A): A;
  /** −1, 0 or 1 per element (sign(0) = 0, as torch.sign). */
  sign(a: A, out?: A): A;
  maximum(a: A, b: A, out?: A): A;
  clip(a: A, lo: Scalar<A>, hi: Scalar<A>, out?: A): A;
  /** Elementwise `mask ? a : b` for a per-run mask (1 or 0, from `sgt`): picks whole runs. */
  select(mask: Scalar<A>, a: A, b: A, out?: A): A;

  /** Reductions over the last axis (per run). */
  sum(a: A): Scalar<A>;
  /** Mean over the last axis (per run). */
  mean(a: A): Scalar<A>;
  dot(a: A, b: A): Scalar<A>;
  norm(a: A): Scalar<A>;

  /**
   * A per-run scalar from one value per run (vectorized sweeps: a [B, 1] tensor on tfjs). An
   * engine that runs one run at a time accepts a single value only (and returns it as a number).
   */
  perRun(values: readonly number[]): Scalar<A>;

  /** Scalar arithmetic on numbers or per-run scalars. */
  sadd(a: Scalar<A>, b: Scalar<A>): Scalar<A>;
  ssub(a: Scalar<A>, b: Scalar<A>): Scalar<A>;
  smul(a: Scalar<A>, b: Scalar<A>): Scalar<A>;
  sdiv(a: Scalar<A>, b: Scalar<A>): Scalar<A>;
  spow(a: Scalar<A>, b: Scalar<A>): Scalar<A>;
  ssqrt(a: Scalar<A>): Scalar<A>;
  smin(a: Scalar<A>, b: Scalar<A>): Scalar<A>;
  smax(a: Scalar<A>, b: Scalar<A>): Scalar<A>;
  /** 1 where a > b, else 0 (a mask for `select`). */
  sgt(a: Scalar<A>, b: Scalar<A>): Scalar<A>;
}
