/**
 * The optimizer building blocks, optax style (see STYLE.md §3).
 *
 * A `Transform` is an `init`/`update` pair. `update` maps the incoming updates (at first the
 * gradient) to outgoing updates; the runner adds the final updates to the parameters
 * (`applyUpdates`: x ← x + u). **The sign flip that turns a gradient into a descent direction
 * lives in `scaleByLearningRate` and nowhere else**: every other transform maps "gradient-like"
 * to "gradient-like".
 *
 * Transforms are written against `Ops<A>` (src/backends/ops.ts), so the same definition runs on
 * the float64 engine (`A = Float64Array`) and on TensorFlow.js (`A = Tensor`, one run or a [B, n]
 * batch of runs). State is plain data with named fields.
 *
 * ## Ownership (why `update` returns only the updates)
 * On the float64 engine a 2-D step costs nanoseconds, so a step must not allocate. Hence:
 *  - `update` **consumes** its `state`: it writes the new state into the same record (buffers
 *    in place through `out` arguments on float64; fields replaced by new tensors on tfjs) and
 *    returns the outgoing updates. The record it was given now holds the new state; do not keep
 *    an older copy (as with JAX's donated buffers). The function stays pure in what it computes:
 *    state in, state and updates out, nothing kept in `this` or in a closure, so one transform
 *    object serves any number of runs, interleaved or not.
 *  - `update` may overwrite the `updates` array it receives and return it. It must never return
 *    an array that is part of its state (the next transform may write into what it gets): copy
 *    into the incoming `updates` instead.
 *  - `update` never writes `params`.
 *  - On tfjs the runner collects the state's tensors before `update`, runs `update` inside
 *    `tf.tidy` returning the updates and the state's new tensors, and disposes the old tensors
 *    that are no longer in the state. Transforms never call `dispose`.
 *
 * ## Hyperparameters and schedules
 * Every numeric hyperparameter is a `HyperValue`: a number, a `Schedule` (step → value), or one
 * value per run for a vectorized sweep. A transform reads it through `hyperAt(h, count, ops)`,
 * with `count` = the updates it has already made, kept in its own state. This differs from
 * optax, where only the learning rate (or an `inject_hyperparams` wrapper that rebuilds the
 * inner transform every step) sees schedules: PyTorch's schedulers also move momentum and β₁
 * (OneCycleLR's `cycle_momentum`), each transform must see the value of the step it is on, and
 * rebuilding transforms per step would allocate. Reading in place keeps transforms pure and
 * allocation-free (a constant costs one `typeof` check).
 */
import type { Ops, Scalar } from "../backends/ops.js";
import { describe, DslError } from "../errors/index.js";
import type { Problem } from "../problem/index.js";

/** A learning-rate (or any hyperparameter) schedule: steps already taken → value. Pure. */
export type Schedule = (step: number) => number;

/** A hyperparameter: a constant or a schedule. */
export type Hyper = number | Schedule;

/**
 * A hyperparameter as transforms accept it: a constant, a schedule, or (vectorized sweeps on a
 * batched backend) one constant or schedule per run.
 */
export type HyperValue = Hyper | readonly Hyper[];

/**
 * The objective as seen from inside a step, for transforms that evaluate it themselves
 * (L-BFGS's line search, Newton's Hessian, the Fisher of natural gradient). float64 only.
 */
export interface StepContext {
  /** The whole objective. */
  readonly problem: Problem;
  /**
   * Rows the step's loss is over (data-backed objectives): the current mini-batch, or on full
   * batch the training rows when a validation split holds some out; null means all rows.
   */
  readonly rows: Int32Array | null;
  /** Loss of the current batch at `x`. Counts as one function evaluation. */
  valueAt(x: Float64Array): number;
  /** Writes the gradient of the current batch's loss at `x` into `g`, returns the loss. Counts. */
  valueAndGradInto(x: Float64Array, g: Float64Array): number;
}

/** Extra inputs some transforms need; a transform ignores the keys it does not use. */
export interface UpdateExtras {
  /** Objective value at the current parameters. */
  loss?: number;
  /** The objective, for transforms that declare `needs: ["problem"]` (float64 runner only). */
  context?: StepContext;
  /**
   * A copy of the gradient the chain started from (after `clipNorm`/`clipValue`), for
   * transforms that need it after earlier ones rewrote the updates (line searches). Given
   * with `context`.
   */
  grad?: Float64Array;
  [key: string]: unknown;
}

/**
 * A gradient transformation: `init` makes the state for given parameters; `update` maps incoming
 * updates to outgoing ones, writing the new state into `state` (see the ownership rules above).
 *
 * @example
 * // A transform of your own: halve the updates. (Chain it before scaleByLearningRate.)
 * const half: Transform<{}> = {
 *   init: () => ({}),
 *   update: (u, _s, _p, ops) => ops.scale(u, 0.5, u),
 * };
 */
export interface Transform<S = any> {
  init<A>(params: A, ops: Ops<A>): S;
  update<A>(updates: A, state: S, params: A, ops: Ops<A>, extra?: UpdateExtras): A;
  /** The learning rate this transform applies, when it has one (the runner records it per step). */
  readonly learningRate?: HyperValue;
  /**
   * Capabilities the runner must provide: "problem" (pass `extra.context`, float64 only),
   * "float64" (written on Float64Array directly, not on `Ops`).
   */
  readonly needs?: readonly Need[];
}

/** What a transform needs from the runner. */
export type Need = "problem" | "float64";

/**
 * A named, documented optimizer: a transform plus the options it was built from (with defaults
 * filled in), for display and for the `Run` record. Aliases (`adam`, `sgd`, ...) return these.
 */
export interface Optimizer<S = any> extends Transform<S> {
  /** Alias name, e.g. "adam". */
  readonly name: string;
  /** Every option with its default filled in. */
  readonly options: Readonly<Record<string, unknown>>;
  /** `adam(lr=0.001, betas=[0.9, 0.999], ...)`. */
  describe(): string;
}

/**
 * Parameters plus updates: x ← x + u (written into `out`, by default a new array / tensor).
 *
 * @example
 * applyUpdates(x, u, float64Ops, x); // in place
 */
export function applyUpdates<A>(params: A, updates: A, ops: Ops<A>, out?: A): A {
  if (ops === null || typeof ops !== "object" || typeof (ops as { add?: unknown }).add !== "function") throw badOps("applyUpdates", ops);
  return ops.add(params, updates, out);
}

/** Per-run arrays already scanned: true when every entry is a number (see `hyperAt`). */
const numericPerRun = new WeakMap<readonly Hyper[], boolean>();

/**
 * The value of a hyperparameter at `step` (updates already made): a constant as is, a schedule
 * evaluated, per-run values through `ops.perRun`.
 *
 * A per-run array of numbers only (a sweep over lr of 10⁵ runs) goes to `ops.perRun` as is, the
 * same array at every step: it is scanned once (remembered per array), not mapped per step, and
 * its stable identity lets batched backends upload it once. Arrays holding schedules are
 * evaluated per step. Per-run arrays belong to an optimizer's options and must not change.
 */
export function hyperAt<A>(h: HyperValue, step: number, ops: Ops<A>): Scalar<A> {
  if (typeof h === "number") return h;
  if (typeof h === "function") return h(step);
  let numeric = Array.isArray(h) ? numericPerRun.get(h) : undefined;
  if (numeric === undefined) {
    // checked once per array (cached below): this runs every step
    if (!Array.isArray(h) || h.some((v) => typeof v !== "number" && typeof v !== "function")) {
      throw new DslError("bad-option", `hyperAt: a hyperparameter must be a number, a schedule or an array of them (one per run), got ${describe(h)}`, { path: "hyperAt.h" });
    }
    if (ops === null || typeof ops !== "object" || typeof (ops as { perRun?: unknown }).perRun !== "function") throw badOps("hyperAt", ops);
    numeric = h.every((v) => typeof v === "number");
    numericPerRun.set(h, numeric);
  }
  return ops.perRun(numeric ? (h as readonly number[]) : h.map((v) => (typeof v === "number" ? v : v(step))));
}

/** True when the hyperparameter is a plain constant (fast paths may specialize on it). */
export function isConstant(h: HyperValue): h is number {
  return typeof h === "number";
}

/** The error for an `ops` argument that is not a backend's ops (e.g. `float64Ops`). */
function badOps(who: string, ops: unknown): DslError {
  return new DslError("bad-argument", `${who}: ops must be a backend's array operations such as float64Ops, got ${describe(ops)}`, { path: `${who}.ops` });
}
