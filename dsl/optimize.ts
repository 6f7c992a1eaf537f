/**
 * `optimize`, `optimizeAsync`, `compare`, `compareAsync`: run optimizers on an objective and get
 * `Run` / `Comparison` records that display themselves.
 *
 * @example
 * const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
 * const run = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 2000 });
 * run.status; run.losses.at(-1); run.xs.length; // 2001
 */
import { DslError, describe } from "../src/errors/index.js";
import {
  ALIASES,
  Comparison,
  checkRunOptions,
  runAsync,
  runSync,
  type AsyncRunOptions,
  type Run,
  type RunOptions,
  type Transform,
} from "../src/optim/index.js";
import { UserModelProblem, isUserModel } from "../src/numeric/index.js";
import type { Problem } from "../src/problem/index.js";

/** A hand-written model: f and its gradient (and optionally its Hessian) on plain arrays. */
export interface UserObjective {
  f: (x: number[]) => number;
  grad: (x: number[]) => ArrayLike<number>;
  hess?: (x: number[]) => number[][];
  /** Parameter names (default x0, x1, ...). */
  names?: string[];
}

/** What `optimize` accepts as its objective. */
export type OptimizeTarget = Problem | UserObjective;

/** What `optimize` accepts as its optimizer: an alias result, a transform, or an alias function (called with defaults). */
export type OptimizerLike = Transform | ((options?: never) => Transform);

/** Options of `optimize`: the run options plus `backend`. */
export interface OptimizeOptions extends RunOptions {
  /** "float64" (default; "auto" picks it for these runs). */
  backend?: string;
  /** Checked at the start only: a synchronous run cannot be interrupted (use optimizeAsync). */
  signal?: AbortSignal;
}

/** Options of `optimizeAsync`. */
export interface OptimizeAsyncOptions extends AsyncRunOptions {
  backend?: string;
}

function toProblem(target: unknown, from: unknown, who: string): Problem {
  const t = target as Record<string, unknown> | null;
  if (t && typeof t === "object" && typeof t.valueAndGradInto === "function" && typeof t.n === "number") return target as Problem;
  if (isUserModel(target)) {
    const u = target as UserObjective;
    const n = Array.isArray(from) || ArrayBuffer.isView(from) ? (from as ArrayLike<number>).length : (u.names?.length ?? NaN);
    if (!Number.isInteger(n)) throw new DslError("bad-start", `${who}: with { f, grad }, give "from" as a number[] (or names in the objective)`, { path: `${who}.from` });
    // Non-finite values are not errors here: the runner reports them as divergence.
    return new UserModelProblem(u, n, { who, names: u.names ?? Array.from({ length: n }, (_, i) => `x${i}`), point: "from", finite: false });
  }
  throw new DslError("bad-objective", `${who}: expected an objective (from objective(...)) or { f, grad }, got ${describe(target)}`, { path: `${who}.objective` });
}

function toOptimizer(opt: unknown, who: string, path: string): Transform {
  if (opt && typeof opt === "object" && typeof (opt as Transform).init === "function" && typeof (opt as Transform).update === "function") return opt as Transform;
  if (typeof opt === "function" && Object.values(ALIASES).includes(opt as never)) return (opt as () => Transform)();
  if (typeof opt === "string" && opt in ALIASES) return ALIASES[opt as keyof typeof ALIASES]();
  throw new DslError("bad-optimizer", `${who}: expected an optimizer such as adam({ lr: 0.01 }) or a transform { init, update }, got ${describe(opt)}`, { path });
}

function checkBackend(o: { backend?: string }, who: string): void {
  const b = o.backend;
  if (b === undefined || b === "float64" || b === "auto") return;
  throw new DslError("backend-unavailable", `${who}: backend ${describe(b)} is not available for optimize yet; use "float64" (the default)`, { path: `${who}.backend` });
}

function prepare(who: string, target: unknown, options: unknown): { problem: Problem; opts: Record<string, unknown> } {
  if (options === null || typeof options !== "object") throw new DslError("bad-options", `${who}: expected options such as { from: [0, 0], steps: 100 }, got ${describe(options)}`, { path: who });
  const opts = options as Record<string, unknown>;
  checkRunOptions(who, opts);
  checkBackend(opts, who);
  return { problem: toProblem(target, opts.from, who), opts };
}

/**
 * Runs `optimizer` on `objective` from `from` for `steps` steps, synchronously, and returns the
 * `Run` (trajectory, losses, gradient norms, learning rates, status). For long runs in a
 * notebook prefer `optimizeAsync` (interruptible, live progress).
 *
 * @param objective - an `objective(...)`, any `Problem`, or `{ f, grad, hess? }`.
 * @param optimizer - an alias (`adam({ lr: 0.01 })`), a transform chain, or an alias function.
 * @param options - `{ from, steps?, epochs?, clipNorm?, clipValue?, batchSize?, seed?, validation?, patience?, tol?, backend?, ... }`.
 * @example
 * optimize(f, newton(), { from: [-1.2, 1], steps: 25 }).status; // "converged"
 */
export function optimize(objective: OptimizeTarget, optimizer: OptimizerLike, options: OptimizeOptions): Run {
  const { problem, opts } = prepare("optimize", objective, options);
  return runSync(problem, toOptimizer(optimizer, "optimize", "optimize.optimizer"), opts as unknown as RunOptions, "optimize");
}

/**
 * `optimize` that yields to the event loop every few milliseconds: the kernel stays responsive
 * (interrupts arrive), `onProgress(run)` sees the live run (for charts that update in place),
 * and `signal` aborts it (rejecting with a DslError, code "aborted", whose `detail.run` is the
 * partial run).
 *
 * @example
 * const ac = new AbortController();
 * const run = await optimizeAsync(f, adam(), { from: [0, 0], steps: 1e6, signal: ac.signal, onProgress: (r) => console.log(r.steps) });
 */
export async function optimizeAsync(objective: OptimizeTarget, optimizer: OptimizerLike, options: OptimizeAsyncOptions): Promise<Run> {
  const { problem, opts } = prepare("optimizeAsync", objective, options);
  return runAsync(problem, toOptimizer(optimizer, "optimizeAsync", "optimizeAsync.optimizer"), opts as unknown as AsyncRunOptions, "optimizeAsync");
}

function checkSpec(who: string, spec: unknown): [string, Transform][] {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new DslError("bad-options", `${who}: expected optimizers by name, e.g. { adam: adam({ lr: 0.01 }), sgd: sgd({ lr: 0.1 }) }, got ${describe(spec)}`, { path: who });
  }
  const entries = Object.entries(spec as Record<string, unknown>);
  if (entries.length === 0) throw new DslError("bad-options", `${who}: no optimizers to compare`, { path: who });
  return entries.map(([k, v]) => [k, toOptimizer(v, who, `${who}.${k}`)]);
}

/**
 * Runs several optimizers from the same start with the same options; returns a `Comparison`
 * (runs by name, a table display with the best final loss marked).
 *
 * @example
 * compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.01 }), lbfgs: lbfgs() }, { from: [-1.2, 1], steps: 200 });
 */
export function compare(objective: OptimizeTarget, optimizers: Record<string, OptimizerLike>, options: OptimizeOptions): Comparison {
  const { problem, opts } = prepare("compare", objective, options);
  const runs: Record<string, Run> = {};
  for (const [name, t] of checkSpec("compare", optimizers)) runs[name] = runSync(problem, t, { ...(opts as unknown as RunOptions), name }, "compare");
  return new Comparison(runs);
}

/** `compare` with `optimizeAsync`'s yielding, progress (per run) and abort. */
export async function compareAsync(objective: OptimizeTarget, optimizers: Record<string, OptimizerLike>, options: OptimizeAsyncOptions): Promise<Comparison> {
  const { problem, opts } = prepare("compareAsync", objective, options);
  const runs: Record<string, Run> = {};
  for (const [name, t] of checkSpec("compareAsync", optimizers)) runs[name] = await runAsync(problem, t, { ...(opts as unknown as AsyncRunOptions), name }, "compareAsync");
  return new Comparison(runs);
}

export { Comparison, Run, type RunStatus, type StopReason, type BestPoint } from "../src/optim/index.js";
