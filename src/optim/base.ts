/**
 * The optimizer building blocks, optax style (see STYLE.md §3).
 *
 * A `Transform` is an `init`/`update` pair. `update` maps the incoming updates (at first the
 * gradient) to outgoing updates; the runner adds the final updates to the parameters
 * (`applyUpdates`). The sign flip that turns a gradient into a descent direction lives in
 * `scaleByLearningRate` and nowhere else.
 *
 * Transforms are written against `Ops<A>` (src/backends/ops.ts), so the same definition runs on
 * the float64 engine and on TensorFlow.js. State is plain data with named fields.
 *
 * DRAFT: owned and refined by the optimizer work.
 */
import type { Ops } from "../backends/ops.js";

/** A learning-rate (or any hyperparameter) schedule: steps already taken → value. Pure. */
export type Schedule = (step: number) => number;

/** A hyperparameter: a constant or a schedule. */
export type Hyper = number | Schedule;

/** Extra inputs some transforms need; a transform ignores the keys it does not use. */
export interface UpdateExtras {
  /** Objective value at the current parameters. */
  loss?: number;
  [key: string]: unknown;
}

export interface Transform<S = unknown, A = Float64Array> {
  init(params: A, ops: Ops<A>): S;
  update(updates: A, state: S, params: A, ops: Ops<A>, extra?: UpdateExtras): [A, S];
}
