/**
 * The options of a float64 run (`optimize`, `optimizeAsync`, `compare`): their types, their
 * checks (one table of rules, see options.ts), and the start point.
 */
import { DslError, describe } from "../errors/index.js";
import type { Problem } from "../problem/index.js";
import { readOptions, type Rules } from "./options.js";
import type { Run } from "./run-record.js";

/** Options of `optimize` / `optimizeAsync` (see docs/readme/optimizers.md). */
export interface RunOptions {
  /**
   * Start point: number[] in the objective's variable order, or a record by name (for an
   * objective with indexed variables also `{ x: [..] }` for x[1], x[2], …).
   */
  from: ArrayLike<number> | Readonly<Record<string, number | ArrayLike<number>>>;
  /** Optimizer steps (default 100, or `epochs` × batches per epoch). */
  steps?: number;
  /** Data-backed: passes over the training rows (steps = epochs × batches per epoch). */
  epochs?: number;
  /** Clip the gradient's L2 norm to this before the optimizer sees it (torch's clip_grad_norm_). */
  clipNorm?: number;
  /** Clamp every gradient coordinate to [−c, c] (torch's clip_grad_value_). */
  clipValue?: number;
  /** Data-backed: rows per mini-batch (default: all training rows, full batch). */
  batchSize?: number;
  /** Data-backed: shuffle the training rows every epoch (default true). */
  shuffle?: boolean;
  /** Data-backed: drop the last, shorter batch of each epoch (default false). */
  dropLast?: boolean;
  /** Seed of the split and of the shuffles (default 0). */
  seed?: number;
  /** Data-backed: fraction of rows held out for validation, in [0, 1) (default 0). */
  validation?: number;
  /** Data-backed: stop after this many epochs without a validation improvement (needs validation). */
  patience?: number;
  /** Smallest decrease of the validation loss that counts as an improvement (default 0). */
  minDelta?: number;
  /** Stop as soon as ‖∇f‖₂ ≤ tol (status "converged"). Without it every step runs. */
  tol?: number;
  /** The run diverges when loss > loss₀ + factor·(|loss₀| + 1) (default 1e6), or is not finite. */
  divergenceFactor?: number;
  /** A name for the run (default: the optimizer's name). */
  name?: string;
}

/** Extra options of `optimizeAsync`. */
export interface AsyncRunOptions extends RunOptions {
  /** Aborting rejects with a DslError (code "aborted") whose `detail.run` is the partial run. */
  signal?: AbortSignal;
  /** Called with the live run (status "running") about every `progressEvery` ms. */
  onProgress?: (run: Run) => void;
  /** Milliseconds between progress calls and event-loop yields (default 100). */
  progressEvery?: number;
}

/** Gradient-norm threshold for the final status when no `tol` is given. */
export const DEFAULT_STATUS_TOL = 1e-6;

/** The start point `from` as a Float64Array in the problem's variable order, with errors naming what is wrong. */
export function parseStart(problem: Problem, from: unknown, who: string): Float64Array {
  const n = problem.n;
  const names = problem.names;
  if (from === undefined) throw new DslError("missing-option", `${who}: the start point "from" is required (variables: ${names.join(", ")})`, { path: `${who}.from` });
  let x: Float64Array;
  if (Array.isArray(from) || ArrayBuffer.isView(from)) {
    const a = from as ArrayLike<number>;
    if (a.length !== n) {
      throw new DslError("bad-start", `${who}: the start point has ${a.length} value${a.length === 1 ? "" : "s"}, the objective has ${n} variable${n === 1 ? "" : "s"} (${names.join(", ")})`, { path: `${who}.from` });
    }
    x = Float64Array.from(a);
  } else if (from !== null && typeof from === "object" && typeof (problem as { point?: unknown }).point === "function") {
    // A symbolic objective reads records itself (also { x: [..] } for x[1], x[2], …).
    x = (problem as unknown as { point(p: unknown, what: string): Float64Array }).point(from, "the start point");
  } else if (from !== null && typeof from === "object") {
    const rec = from as Record<string, unknown>;
    for (const k of Object.keys(rec)) {
      if (!names.includes(k)) throw new DslError("bad-start", `${who}: the start point names '${k}', which is not a variable (variables: ${names.join(", ")})`, { path: `${who}.from.${k}` });
    }
    x = new Float64Array(n);
    names.forEach((nm, i) => {
      const v = rec[nm];
      if (typeof v !== "number") throw new DslError("bad-start", `${who}: the start point has no value for '${nm}' (variables: ${names.join(", ")})`, { path: `${who}.from.${nm}` });
      x[i] = v;
    });
  } else {
    throw new DslError("bad-start", `${who}: "from" must be a number[] or a record by variable name, got ${describe(from)}`, { path: `${who}.from` });
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!)) throw new DslError("bad-start", `${who}: the start point has a non-finite value ${x[i]} for '${names[i]}'`, { path: `${who}.from` });
  }
  return x;
}

/** The run options (shared by optimize, optimizeAsync, compare and compareAsync). */
const RUN_RULES: Rules = {
  from: { type: "any", what: "the start point" },
  steps: { type: "integer", min: 0, what: "optimizer steps" },
  epochs: { type: "integer", min: 1, what: "passes over the training rows" },
  clipNorm: { type: "number", gt: 0, what: "the largest gradient norm the optimizer sees" },
  clipValue: { type: "number", gt: 0, what: "the largest |gradient coordinate| the optimizer sees" },
  batchSize: { type: "integer", min: 1, what: "rows per mini-batch" },
  shuffle: { type: "boolean", default: true, what: "shuffle the training rows every epoch" },
  dropLast: { type: "boolean", default: false, what: "drop the last, shorter batch of each epoch" },
  seed: { type: "integer", min: -Infinity, what: "seed of the split and the shuffles" },
  validation: { type: "number", min: 0, lt: 1, what: "the fraction of rows held out" },
  patience: { type: "integer", min: 1, what: "epochs without a validation improvement" },
  minDelta: { type: "number", min: 0, what: "the smallest improvement that counts" },
  tol: { type: "number", min: 0, what: "stop when |∇f| ≤ tol" },
  divergenceFactor: { type: "any", what: "checked below: Infinity disables" },
  name: { type: "any", what: "the run's name" },
  backend: { type: "any", what: "checked by the DSL" },
  signal: { type: "any", what: "an AbortSignal" },
  onProgress: { type: "function", what: "called with the live run" },
  progressEvery: { type: "number", gt: 0, what: "milliseconds between progress calls" },
  live: { type: "any", what: "a live chart (checked by the DSL)" },
};

/** Checks the run options (types and ranges) and unknown keys. */
export function checkRunOptions(who: string, o: Record<string, unknown>): void {
  readOptions(who, o, RUN_RULES);
  const f = o.divergenceFactor;
  if (f !== undefined && !(typeof f === "number" && f > 0)) {
    throw new DslError("bad-option", `${who}: divergenceFactor must be a positive number (Infinity disables the check), got ${describe(f)}`, { path: `${who}.divergenceFactor` });
  }
  if (o.name !== undefined && typeof o.name !== "string") throw new DslError("bad-option", `${who}: name must be a string, got ${describe(o.name)}`, { path: `${who}.name` });
  if (o.steps !== undefined && o.epochs !== undefined) throw new DslError("bad-option", `${who}: give steps or epochs, not both`, { path: `${who}.epochs` });
  if (o.patience !== undefined && !o.validation) throw new DslError("bad-option", `${who}: patience (early stopping) needs a validation split, e.g. validation: 0.2`, { path: `${who}.patience` });
}
