/**
 * The options of a float64 run (`optimize`, `optimizeAsync`, `compare`): their types, their
 * checks (one table of rules, see options.ts), and the start point.
 */
import { DslError, describe } from "../errors/index.js";
import type { Problem } from "../problem/index.js";
import { formatOf, type Layout, type Tree } from "../tree/index.js";
import { readOptions, type Rules } from "./options.js";
import type { Run } from "./run-record.js";

/** Options of `optimize` / `optimizeAsync` (see docs/readme/optimizers.md). */
export interface RunOptions {
  /**
   * Start point: number[] in the objective's variable order, or a record by name (for an
   * objective with indexed variables also `{ x: [..] }` for x[1], x[2], …, and nested arrays for
   * W[i,j]); for a `{ f, grad }` model or an objective with a tree layout, any parameter tree
   * (`{ W1: [[..]], b1: [..] }`). `run.params` comes back in this structure.
   */
  from?: unknown;
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
  /**
   * Which iterates the run keeps: "all" (default: `run.xs` has steps + 1 points) or "final"
   * (only the start and the final point, a fixed 2 × n buffer: for models with many parameters,
   * like a training loop that records no iterates). Losses, gradient norms and learning rates
   * are recorded every step either way; `run.xs` and `run.paramsAt(k)` for 0 < k < steps throw
   * a DslError with code "trajectory-not-kept".
   */
  trajectory?: "all" | "final";
}

/** Extra options of `optimizeAsync`. */
export interface AsyncRunOptions extends RunOptions {
  /** Aborting rejects with a DslError (code "aborted") whose `run` (and `detail.run`) is the partial run. */
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
  // a model's loss (nn.loss) starts from its initial params by default
  const initial = (problem as { initial?: unknown }).initial;
  if (from === undefined && initial instanceof Float64Array && initial.length === n) return Float64Array.from(initial);
  if (from === undefined) throw new DslError("missing-option", `${who}: the start point "from" is required (variables: ${names.join(", ")})`, { path: `${who}.from` });
  let x: Float64Array;
  const own = (problem as { point?: unknown }).point;
  const layout = (problem as { layout?: Layout }).layout;
  if (typeof own !== "function" && layout && typeof layout.flattenInto === "function" && !isFlat(from, n)) {
    // A problem over a parameter tree ({ f, grad } with a tree start): the start must have the tree's structure.
    x = new Float64Array(n);
    try {
      layout.flattenInto(from as never, x, `${who}: the start point`);
    } catch (e) {
      if (e instanceof DslError) throw new DslError("bad-start", e.message, { path: `${who}.from${e.path && !e.path.startsWith("[") ? "." : ""}${e.path}`, ...(e.detail ? { detail: e.detail } : {}) });
      throw e;
    }
  } else if (Array.isArray(from) && typeof own === "function" && from.some((v) => typeof v !== "number")) {
    // a params tree such as [{ W, b }, ...]: the problem reads its own tree
    x = (own as (p: unknown, what: string) => Float64Array).call(problem, from, `${who}.from`);
  } else if (Array.isArray(from) || ArrayBuffer.isView(from)) {
    const a = from as ArrayLike<number>;
    if (a.length !== n) {
      throw new DslError("bad-start", `${who}: the start point has ${a.length} value${a.length === 1 ? "" : "s"}, the objective has ${n} variable${n === 1 ? "" : "s"} (${names.join(", ")})`, { path: `${who}.from` });
    }
    x = Float64Array.from(a);
  } else if (from !== null && typeof from === "object" && typeof (problem as { point?: unknown }).point === "function") {
    // A symbolic objective reads records itself (also { x: [..] } for x[1], x[2], …).
    try {
      x = (problem as unknown as { point(p: unknown, what: string): Float64Array }).point(from, `the start point (${who}.from)`);
    } catch (e) {
      // the objective's own message, at the option's path (it said "x" or "y")
      if (e instanceof DslError && !e.path.startsWith(who)) throw new DslError(e.code, e.message, { path: `${who}.from${e.path ? `.${e.path}` : ""}`, ...(e.detail ? { detail: e.detail } : {}) });
      throw e;
    }
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

/**
 * How a run shapes its points like the start `from` (already accepted by `parseStart`): a
 * Float64Array or number[] stays one, a record by name or a parameter tree comes back with the
 * same keys and structure (see src/tree/point-format.ts).
 */
export function startShape(problem: Problem, from: unknown, who: string): (x: Float64Array) => unknown {
  // no start given: a model's loss (nn.loss) started from its initial params, shaped by its layout
  const layout = (problem as { layout?: { size?: number; unflatten?: (v: ArrayLike<number>) => unknown } }).layout;
  if (from === undefined && layout && typeof layout.unflatten === "function" && layout.size === problem.n) return (x) => layout.unflatten!(x);
  if (from === undefined) return (x) => Array.from(x);
  if (from instanceof Float64Array) return (x) => Float64Array.from(x);
  if (isFlat(from, problem.n)) return (x) => Array.from(x);
  const format = formatOf(from as Tree, (t) => parseStart(problem, t, who));
  return format ? (x) => format.toTree(x) : (x) => Array.from(x);
}

/** A flat point: a Float64Array, or an array of n numbers. */
function isFlat(x: unknown, n: number): boolean {
  if (x instanceof Float64Array) return true;
  return Array.isArray(x) && x.length === n && x.every((v) => typeof v === "number");
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
  trajectory: { type: "enum", values: ["all", "final"], default: "all", what: "which iterates the run keeps" },
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
