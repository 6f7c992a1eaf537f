/**
 * Resident steps: a problem that keeps the parameters, their gradient and an optimizer's state in
 * its own memory and runs whole optimizer steps there (the float32 network engine of
 * `backend: "wasm"`, src/nn/f32-step.ts: parameters and Adam's moments float32 in its
 * WebAssembly memory, as torch keeps a float32 model's). The float64 runner (./run.ts) then reads
 * back only what it records: the loss, |∇f|² and per-leaf squares every step, the point when the
 * record needs it (every step with trajectory "all"; the start and the end with "final").
 *
 * When the runner uses one (`Runner`'s `resident`, decided once per run): the problem offers a
 * stepper for this optimizer (the problem decides which optimizers it runs, see
 * `F32NetProblem.residentStepper`), the optimizer is made of built-in transforms with their own
 * float64 kernels (none replaced by the user's `update`/`init`), and no transform that evaluates
 * the objective itself; every run option works (mini-batches, validation splits: the point is
 * copied out for each validation; clipNorm and clipValue go into the update). Every other run
 * takes the float64 path unchanged.
 */
import type { Transform } from "./base.js";

/** The steps of one run on a problem's own memory (see the file comment). */
export interface ResidentStepper {
  /** Takes `x` as the parameters (rounded to the problem's precision) and zeroes the optimizer's state. */
  load(x: Float64Array): void;
  /** The loss at the current parameters (over the run's rows); their gradient stays in the problem's memory. */
  evaluate(): number;
  /** The same over `rows` (a mini-batch). */
  evaluateRows(rows: Int32Array): number;
  /** Σ g² over entries [offset, offset + size) of the current gradient, summed in float64. */
  squares(offset: number, size: number): number;
  /**
   * Step `k` (0-based; hyperparameters and schedules read at k): the optimizer's update from the
   * current gradient times `clip` (`clipNorm`'s factor, 1: none), then clamped to ±`clipValue`
   * (Infinity: none), added to the parameters. Returns flags: 1 when some update entry is nonzero
   * (NaN counts), 2 when some parameter changed.
   */
  update(k: number, clip: number, clipValue: number): number;
  /** The current parameters, as float64, into `out` (length n). */
  store(out: Float64Array): void;
  /** The run is over: its buffers may serve another run. */
  release(): void;
}

/** A problem that can run some optimizers' steps in its own memory. */
export interface ResidentProblem {
  /**
   * A stepper for this optimizer whose loss is over `rows` (a run's training rows; null: all
   * rows), or null when the problem does not run it (the run then takes the float64 path).
   */
  residentStepper(optimizer: Transform, rows: Int32Array | null): ResidentStepper | null;
}

/** The problem's stepper for `optimizer` over `rows`, when it has one. */
export function residentStepperOf(problem: unknown, optimizer: Transform, rows: Int32Array | null = null): ResidentStepper | null {
  const p = problem as Partial<ResidentProblem>;
  return typeof p.residentStepper === "function" ? p.residentStepper(optimizer, rows) : null;
}
