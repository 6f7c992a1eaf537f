/**
 * `optimize`, `optimizeAsync`, `compare`, `compareAsync`: run optimizers on an objective and get
 * `Run` / `Comparison` records that display themselves (tables, and with dsl/plot loaded, as
 * `import "optlab"` does, loss curves and trajectories).
 *
 * Engines: the float64 engine runs synchronously (the default, and what "auto" picks for one
 * run); the TensorFlow.js backends ("cpu", "wasm", "webgpu", "tensorflow") read their results
 * back asynchronously, so with one of them `optimize` returns a `Promise<Run>` (TypeScript
 * overloads give the right type for a literal backend). `await optimize(...)` works for all.
 *
 * @example
 * const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
 * const run = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 2000 });
 * run.status; run.losses.at(-1); run.xs.length; // 2001
 * const onWasm = await optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 2000, backend: "wasm" });
 */
import { DslError, describe } from "../src/errors/index.js";
import {
  ALIASES,
  Comparison,
  checkRunOptions,
  parseStart,
  runAsync,
  runSync,
  startShape,
  suggest,
  type AsyncRunOptions,
  Run,
  type RunOptions,
  type Transform,
} from "../src/optim/index.js";
import { UserModelProblem, isUserModel } from "../src/numeric/index.js";
import type { Problem } from "../src/problem/index.js";
import { withLiveChart, type LiveChartOptions } from "./plot.js";
import { optimizeTensor } from "./tensor.js";
import { withKernelSignal } from "./kernel-signal.js";
import { forgetLastRun, runRecorder } from "./last-run.js";
import { layoutOf, type Layout, type Tree } from "../src/tree/index.js";

/**
 * A hand-written model: f and its gradient (and optionally its Hessian) on plain arrays, or on
 * parameter trees when `from` is a tree (`{ W: [[..]], b: [..] }`: f and grad get a tree of that
 * structure, grad returns the same tree or a flat array).
 */
export interface UserObjective<P = number[]> {
  f: (x: P) => number;
  grad: (x: P) => ArrayLike<number> | Tree;
  hess?: (x: P) => number[][];
  /** Parameter names (default x0, x1, ... ; a tree start names them by path, `W[0,1]`). */
  names?: string[];
}

/** What `optimize` accepts as its objective. */
export type OptimizeTarget<P = number[]> = Problem | UserObjective<P>;

/** What `optimize` accepts as its optimizer: an alias result, a transform, or an alias function (called with defaults). */
export type OptimizerLike = Transform | ((options?: never) => Transform);

/** The TensorFlow.js backends (float32): with one of them `optimize` and `compare` return promises. */
export type TensorBackend = "cpu" | "wasm" | "webgpu" | "tensorflow";

/** The backends `optimize` runs synchronously: the float64 engine ("auto" picks it for single runs). */
export type SyncBackend = "float64" | "auto";

/** Every backend `optimize` accepts. */
export type OptimizeBackend = SyncBackend | TensorBackend;

/** Options of `optimize` and `compare`: the run options plus `backend`. */
export interface OptimizeOptions extends RunOptions {
  /**
   * "float64" (default; "auto" picks it for single runs): synchronous, float64. "cpu", "wasm",
   * "webgpu", "tensorflow": the run goes to TensorFlow.js (float32, `optimizeTensor`) and the
   * call returns a promise.
   */
  backend?: string;
  /** Checked at the start only: a synchronous run cannot be interrupted (use optimizeAsync). */
  signal?: AbortSignal;
  /** Not for synchronous runs: live charts need `optimizeAsync` / `compareAsync` (false is accepted). */
  live?: false;
}

/** Options of `optimizeAsync` and `compareAsync`. */
export interface OptimizeAsyncOptions extends AsyncRunOptions {
  /** Any backend of `optimize` (all of them run asynchronously here). */
  backend?: string;
  /**
   * A chart of the losses that updates in place while the run goes (about four times a second)
   * and ends as the run's interactive chart. Default: on where a display is available (in a
   * running Jupyter kernel; not under `optlab run` or in plain Node, where it does nothing);
   * false turns it off; an object sets `{ title?, throttleMs?, totalSteps?, maxPoints? }`. On a
   * tfjs backend the run reports no progress, so no live chart shows.
   */
  live?: boolean | LiveChartOptions;
}

const TENSOR_BACKENDS: readonly string[] = ["cpu", "wasm", "webgpu", "tensorflow"];
const BACKENDS: readonly string[] = ["float64", "auto", ...TENSOR_BACKENDS];

function toProblem(target: unknown, from: unknown, who: string): Problem {
  const t = target as Record<string, unknown> | null;
  if (t && typeof t === "object" && typeof t.valueAndGradInto === "function" && typeof t.n === "number") return target as Problem;
  if (isUserModel(target)) {
    const u = target as UserObjective<unknown>;
    if (!u.names && from !== undefined && !isFlatArray(from)) {
      // A parameter tree: f and grad get trees, coordinates are named by path.
      const layout = startLayout(from, who);
      return new UserModelProblem(u, layout.size, { who, layout, point: "from", finite: false });
    }
    const n = Array.isArray(from) || ArrayBuffer.isView(from) ? (from as ArrayLike<number>).length : (u.names?.length ?? NaN);
    if (!Number.isInteger(n)) throw new DslError("bad-start", `${who}: with { f, grad }, give "from" as a number[] (or names in the objective)`, { path: `${who}.from` });
    // Non-finite values are not errors here: the runner reports them as divergence.
    return new UserModelProblem(u, n, { who, names: u.names ?? Array.from({ length: n }, (_, i) => `x${i}`), point: "from", finite: false });
  }
  throw new DslError("bad-objective", `${who}: expected an objective (from objective(...)) or { f, grad }, got ${describe(target)}`, { path: `${who}.objective` });
}

/** The layout of a tree start point; a malformed tree is a "bad-start" naming the path under `from`. */
function startLayout(from: unknown, who: string): Layout {
  try {
    return layoutOf(from as Tree, `${who}: the start point`);
  } catch (e) {
    if (e instanceof DslError) throw new DslError("bad-start", e.message, { path: `${who}.from${e.path && !e.path.startsWith("[") ? "." : ""}${e.path}`, ...(e.detail ? { detail: e.detail } : {}) });
    throw e;
  }
}

/** A Float64Array or an array of numbers (a point in variable order). */
const isFlatArray = (x: unknown): boolean => x instanceof Float64Array || (Array.isArray(x) && x.every((v) => typeof v === "number"));

function toOptimizer(opt: unknown, who: string, path: string): Transform {
  if (opt && typeof opt === "object" && typeof (opt as Transform).init === "function" && typeof (opt as Transform).update === "function") return opt as Transform;
  if (typeof opt === "function" && Object.values(ALIASES).includes(opt as never)) return (opt as () => Transform)();
  if (typeof opt === "string" && Object.prototype.hasOwnProperty.call(ALIASES, opt)) return ALIASES[opt as keyof typeof ALIASES]();
  const close = typeof opt === "string" ? suggest(opt, Object.keys(ALIASES)) : undefined;
  const hint = close !== undefined ? ` (did you mean ${close}({ … })?)` : "";
  throw new DslError("bad-optimizer", `${who}: expected an optimizer such as adam({ lr: 0.01 }) or a transform { init, update }, got ${describe(opt)}${hint}`, { path });
}

/** The options object, checked to be one, with `backend` checked by name. True for a tfjs backend. */
function tensorBackend(who: string, options: unknown): boolean {
  if (options === null || typeof options !== "object") throw new DslError("bad-options", `${who}: expected options such as { from: [0, 0], steps: 100 }, got ${describe(options)}`, { path: who });
  const b = (options as { backend?: unknown }).backend;
  if (b === undefined) return false;
  if (typeof b !== "string" || !BACKENDS.includes(b)) {
    throw new DslError("bad-backend", `${who}: backend must be one of ${BACKENDS.map((x) => `"${x}"`).join(", ")}, got ${describe(b)}`, { path: `${who}.backend` });
  }
  return TENSOR_BACKENDS.includes(b);
}

function prepare(who: string, target: unknown, options: unknown, async: boolean): { problem: Problem; opts: Record<string, unknown> } {
  tensorBackend(who, options);
  const opts = options as Record<string, unknown>;
  checkRunOptions(who, opts);
  checkLive(who, opts.live, async);
  return { problem: toProblem(target, opts.from, who), opts };
}

function checkLive(who: string, live: unknown, async: boolean): void {
  if (live === undefined || live === false) return;
  if (!async) {
    throw new DslError("bad-option", `${who}: live charts need ${who}Async (${who} blocks until it returns, so nothing could be redrawn); use await ${who}Async(...)`, { path: `${who}.live` });
  }
  if (live !== true && (live === null || typeof live !== "object" || Array.isArray(live))) {
    throw new DslError("bad-option", `${who}: live must be true, false or { title?, throttleMs?, totalSteps?, maxPoints? }, got ${describe(live)}`, { path: `${who}.live` });
  }
}


/**
 * The checks of a tfjs run that need no engine, made synchronously: bad input throws from the
 * call itself, as on float64, instead of rejecting a promise the user may not await (an
 * unhandled rejection is easy to miss, and with tfjs-wasm loaded its handler rethrows it).
 */
function precheckTensor(who: string, objective: unknown, options: unknown, optimizers: readonly unknown[]): void {
  const opts = options as Record<string, unknown>;
  checkRunOptions(who, opts);
  optimizers.forEach((o) => toOptimizer(o, who, `${who}.optimizer`));
  if (isUserModel(objective)) {
    throw new DslError("backend-capability", `${who}: backend "${String(opts.backend)}" compiles symbolic objectives (objective("...")); a hand-written { f, grad } runs on backend "float64"`, { path: `${who}.backend` });
  }
  const t = objective as Partial<Problem> | null;
  if (t === null || typeof t !== "object" || typeof t.n !== "number" || !Array.isArray(t.names)) {
    throw new DslError("bad-objective", `${who}: expected an objective (from objective(...)), got ${describe(objective)}`, { path: `${who}.objective` });
  }
  parseStart(t as Problem, opts.from, who);
  const key = opts.batchSize !== undefined ? "batchSize" : opts.validation ? "validation" : opts.epochs !== undefined ? "epochs" : undefined;
  if (key && !t.data) {
    throw new DslError("not-data-backed", `${who}: ${key} needs a data-backed objective (objective(summand, { params, data })); this one has no data rows`, { path: `${who}.${key}` });
  }
}

/** One run on a tfjs backend (errors reject). The tensor runner reports no progress: `onProgress` and `live` do not apply. */
async function tensorRun(who: string, objective: unknown, optimizer: unknown, options: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Run> {
  const { onProgress: _p, progressEvery: _e, live: _l, ...rest } = options;
  const t = toOptimizer(optimizer, who, `${who}.optimizer`);
  const record = runRecorder();
  forgetLastRun(); // until it returns, a tfjs run has no record (dsl/last-run.ts)
  const run = await optimizeTensor(objective, t, { ...(rest as unknown as RunOptions), ...extra, backend: options.backend as string });
  // run.params in the structure of `from`, as on float64
  if (options.from !== undefined) run.setPointShape(startShape(objective as Problem, options.from, who));
  record(run);
  return run;
}

/**
 * Runs `optimizer` on `objective` from `from` for `steps` steps and returns the `Run`
 * (trajectory, losses, gradient norms, learning rates, status), synchronously on the float64
 * engine. With a TensorFlow.js backend ("cpu", "wasm", "webgpu", "tensorflow") the run is
 * float32 (see `optimizeTensor`) and the call returns a `Promise<Run>`; `await optimize(...)`
 * works either way. For long runs in a notebook prefer `optimizeAsync` (interruptible, live
 * chart).
 *
 * @param objective - an `objective(...)`, any `Problem`, or `{ f, grad, hess? }` (float64 only).
 * @param optimizer - an alias (`adam({ lr: 0.01 })`), a transform chain, or an alias function.
 * @param options - `{ from, steps?, epochs?, clipNorm?, clipValue?, batchSize?, seed?, validation?, patience?, tol?, backend?, ... }`.
 * @example
 * optimize(f, newton(), { from: [-1.2, 1], steps: 25 }).status; // "converged"
 * (await optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 500, backend: "wasm" })).losses; // float32
 */
export function optimize<P = number[]>(objective: OptimizeTarget<P>, optimizer: OptimizerLike, options: OptimizeOptions & { backend: TensorBackend }): Promise<Run>;
export function optimize<P = number[]>(objective: OptimizeTarget<P>, optimizer: OptimizerLike, options: OptimizeOptions & { backend?: SyncBackend }): Run;
export function optimize<P = number[]>(objective: OptimizeTarget<P>, optimizer: OptimizerLike, options: OptimizeOptions): Run | Promise<Run>;
export function optimize<P = number[]>(objective: OptimizeTarget<P>, optimizer: OptimizerLike, options: OptimizeOptions): Run | Promise<Run> {
  if (tensorBackend("optimize", options)) {
    precheckTensor("optimize", objective, options, [optimizer]);
    return tensorRun("optimize", objective, optimizer, options as unknown as Record<string, unknown>);
  }
  const { problem, opts } = prepare("optimize", objective, options, false);
  return runSync(problem, toOptimizer(optimizer, "optimize", "optimize.optimizer"), opts as unknown as RunOptions, "optimize", runRecorder());
}

/**
 * `optimize` that yields to the event loop every few milliseconds: the kernel stays responsive
 * (interrupting the cell stops the run), a live chart follows the losses in a notebook (`live`),
 * `onProgress(run)` sees the live run, and `signal` aborts it (rejecting with a DslError, code
 * "aborted", whose `run` is the partial run; `lastRun()` has it too). Every backend works here (tfjs backends
 * report no progress).
 *
 * @example
 * const ac = new AbortController();
 * const run = await optimizeAsync(f, adam(), { from: [0, 0], steps: 1e6, signal: ac.signal, onProgress: (r) => console.log(r.steps) });
 */
export async function optimizeAsync<P = number[]>(objective: OptimizeTarget<P>, optimizer: OptimizerLike, options: OptimizeAsyncOptions): Promise<Run> {
  if (tensorBackend("optimizeAsync", options)) {
    checkLive("optimizeAsync", (options as OptimizeAsyncOptions).live, true);
    const signal = withKernelSignal(options.signal);
    return tensorRun("optimizeAsync", objective, optimizer, options as unknown as Record<string, unknown>, signal ? { signal } : {});
  }
  const { problem, opts } = prepare("optimizeAsync", objective, options, true);
  const t = toOptimizer(optimizer, "optimizeAsync", "optimizeAsync.optimizer");
  const signal = withKernelSignal(options.signal);
  const o = opts as unknown as OptimizeAsyncOptions;
  const record = runRecorder();
  return withLiveChart({ ...liveOf(o), title: `Optimizing with ${(t as { name?: string }).name ?? "a custom optimizer"}…` }, (onProgress) =>
    runAsync(problem, t, { ...o, ...(signal ? { signal } : {}), onProgress }, "optimizeAsync", record));
}

function liveOf(o: OptimizeAsyncOptions): Parameters<typeof withLiveChart>[0] {
  return {
    ...(o.live !== undefined ? { live: o.live } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress as (run: never) => void } : {}),
    ...(o.steps !== undefined ? { steps: o.steps } : {}),
  };
}

/**
 * One entry of `compare`: an optimizer, or `{ optimizer, ...runOptions }` whose options override
 * the shared ones for that run (`{ optimizer: sgd({ lr: 0.1 }), clipNorm: 1 }`).
 */
export type CompareEntry = OptimizerLike | ({ optimizer: OptimizerLike } & Partial<Omit<RunOptions, "name">>);

/** One run of a comparison: its name, optimizer, and options (shared ones with the entry's own on top). */
interface CompareRun {
  name: string;
  t: Transform;
  opts: Record<string, unknown>;
}

/** Options that belong to the whole comparison, not to one entry. */
const SHARED_ONLY = ["backend", "signal", "live", "onProgress", "progressEvery", "name"];

/** The run options `Run.settings` keeps (what `Comparison.differences` compares). */
const SETTINGS = ["from", "steps", "epochs", "clipNorm", "clipValue", "batchSize", "seed", "shuffle", "dropLast", "validation", "patience", "tol", "divergenceFactor"];

const isEntryWithOptions = (v: unknown): v is { optimizer: unknown } =>
  v !== null && typeof v === "object" && !Array.isArray(v) && "optimizer" in v && typeof (v as unknown as Transform).update !== "function";

function checkSpec(who: string, spec: unknown, shared: Record<string, unknown> = {}): CompareRun[] {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new DslError("bad-options", `${who}: expected optimizers by name, e.g. { adam: adam({ lr: 0.01 }), sgd: sgd({ lr: 0.1 }) }, got ${describe(spec)}`, { path: who });
  }
  const entries = Object.entries(spec as Record<string, unknown>);
  if (entries.length === 0) throw new DslError("bad-options", `${who}: no optimizers to compare`, { path: who });
  return entries.map(([name, v]) => {
    if (!isEntryWithOptions(v)) return { name, t: toOptimizer(v, who, `${who}.${name}`), opts: shared };
    const { optimizer, ...own } = v as { optimizer: unknown } & Record<string, unknown>;
    const bad = Object.keys(own).find((k) => SHARED_ONLY.includes(k));
    if (bad !== undefined) {
      throw new DslError("bad-option", `${who}: '${bad}' applies to the whole comparison; give it in the options (third argument), not in entry '${name}'`, { path: `${who}.${name}.${bad}` });
    }
    const t = toOptimizer(optimizer, who, `${who}.${name}.optimizer`);
    checkEntryOptions(who, name, own, t);
    const opts: Record<string, unknown> = { ...shared, ...own };
    // an entry's run length replaces the shared one, whichever way each gives it
    if (own.epochs !== undefined && own.steps === undefined) delete opts.steps;
    if (own.steps !== undefined && own.epochs === undefined) delete opts.epochs;
    checkRunOptions(`${who}.${name}`, opts);
    return { name, t, opts };
  });
}

/** An entry's own run options, checked; an optimizer option given there (lr) says where it belongs. */
function checkEntryOptions(who: string, name: string, own: Record<string, unknown>, t: Transform): void {
  try {
    checkRunOptions(`${who}.${name}`, own);
  } catch (e) {
    const key = e instanceof DslError && e.code === "unknown-option" ? e.path.slice(`${who}.${name}.`.length) : undefined;
    const optimizerOptions = (t as { options?: Record<string, unknown> }).options ?? {};
    if (key !== undefined && (key in optimizerOptions || key === "lr")) {
      const alias = (t as { name?: string }).name ?? "the optimizer";
      throw new DslError("unknown-option", `${who}: entry '${name}' gives ${key}, an option of the optimizer, not of the run: write { optimizer: ${alias}({ ${key}: ${String(own[key])} }) }`, { path: `${who}.${name}.${key}` });
    }
    throw e;
  }
}

/** The entry's settings, kept on its run for the comparison's table and legend. */
function keepSettings(run: Run, opts: Record<string, unknown>): Run {
  run.settings = Object.fromEntries(SETTINGS.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
  return run;
}

/**
 * An aborted comparison's error gets `comparison`: the runs that finished and, on float64, the
 * interrupted one (status "aborted"). Other errors go on as they are.
 */
function withPartialComparison(e: unknown, runs: Record<string, Run>, problem: Problem): unknown {
  if (e instanceof DslError && e.code === "aborted") Object.assign(e, { comparison: new Comparison({ ...runs }, problem) });
  return e;
}

/** The runs of a comparison on a tfjs backend, one after the other. */
async function tensorCompare(who: string, objective: unknown, spec: readonly CompareRun[], extra: Record<string, unknown> = {}): Promise<Comparison> {
  const runs: Record<string, Run> = {};
  try {
    for (const { name, t, opts } of spec) runs[name] = keepSettings(await tensorRun(who, objective, t, opts, { ...extra, name }), opts);
  } catch (e) {
    throw withPartialComparison(e, runs, objective as Problem);
  }
  return new Comparison(runs, objective as Problem);
}

/**
 * Runs several optimizers from the same start with the same options; returns a `Comparison`
 * (runs by name, a table display with the best final loss marked; with charts loaded, the loss
 * curves and, for two variables, the trajectories over the contours). With a tfjs backend it
 * returns a `Promise<Comparison>`, as `optimize` does.
 *
 * An entry may also be `{ optimizer, ...runOptions }`: its options (`from`, `steps`, `clipNorm`,
 * `clipValue`, `batchSize`, `seed`, ...) override the shared ones for that run, and the table
 * (column "differs") and the chart legends say what differs between entries.
 *
 * @example
 * compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.01 }), lbfgs: lbfgs() }, { from: [-1.2, 1], steps: 200 });
 * compare(f, { clipped: { optimizer: sgd({ lr: 0.1 }), clipNorm: 1 }, plain: sgd({ lr: 0.1 }) }, { from: [-1.2, 1], steps: 200 });
 */
export function compare<P = number[]>(objective: OptimizeTarget<P>, optimizers: Record<string, CompareEntry>, options: OptimizeOptions & { backend: TensorBackend }): Promise<Comparison>;
export function compare<P = number[]>(objective: OptimizeTarget<P>, optimizers: Record<string, CompareEntry>, options?: OptimizeOptions & { backend?: SyncBackend }): Comparison;
export function compare<P = number[]>(objective: OptimizeTarget<P>, optimizers: Record<string, CompareEntry>, options?: OptimizeOptions): Comparison | Promise<Comparison>;
export function compare<P = number[]>(objective: OptimizeTarget<P>, optimizers: Record<string, CompareEntry>, options: OptimizeOptions = {} as OptimizeOptions): Comparison | Promise<Comparison> {
  if (tensorBackend("compare", options)) {
    const spec = checkSpec("compare", optimizers, options as unknown as Record<string, unknown>);
    for (const e of spec) precheckTensor("compare", objective, e.opts, [e.t]);
    // the cell's signal, read once now: every run of the comparison stops on its interrupt
    const signal = withKernelSignal(options.signal);
    return tensorCompare("compare", objective, spec, signal ? { signal } : {});
  }
  const { spec, problems } = prepareCompare("compare", objective, optimizers, options, false);
  const runs: Record<string, Run> = {};
  const record = runRecorder();
  spec.forEach((e, i) => (runs[e.name] = keepSettings(runSync(problems[i]!, e.t, { ...(e.opts as unknown as RunOptions), name: e.name }, "compare", record), e.opts)));
  return new Comparison(runs, problems[0]);
}

/** The checks of a float64 comparison, and each entry's problem (its own for a `{ f, grad }` model with its own `from`). */
function prepareCompare(who: string, objective: unknown, optimizers: unknown, options: unknown, async: boolean): { spec: CompareRun[]; problems: Problem[] } {
  tensorBackend(who, options);
  const opts = options as Record<string, unknown>;
  checkRunOptions(who, opts);
  checkLive(who, opts.live, async);
  const spec = checkSpec(who, optimizers, opts);
  let shared: Problem | undefined;
  const problems = spec.map((e) => (e.opts.from === opts.from ? (shared ??= toProblem(objective, opts.from, who)) : toProblem(objective, e.opts.from, who)));
  return { spec, problems };
}

/** `compare` with `optimizeAsync`'s yielding, live chart (all runs in one), progress (per run) and abort; entries may carry their own options as in `compare`. */
export async function compareAsync<P = number[]>(objective: OptimizeTarget<P>, optimizers: Record<string, CompareEntry>, options: OptimizeAsyncOptions = {} as OptimizeAsyncOptions): Promise<Comparison> {
  if (tensorBackend("compareAsync", options)) {
    checkLive("compareAsync", (options as OptimizeAsyncOptions).live, true);
    const spec = checkSpec("compareAsync", optimizers, options as unknown as Record<string, unknown>);
    const signal = withKernelSignal(options.signal);
    return tensorCompare("compareAsync", objective, spec, signal ? { signal } : {});
  }
  const { spec, problems } = prepareCompare("compareAsync", objective, optimizers, options, true);
  const signal = withKernelSignal(options.signal);
  const o = options as OptimizeAsyncOptions;
  const record = runRecorder();
  return withLiveChart({ ...liveOf(o), title: `Comparing ${spec.map((e) => e.name).join(", ")}…` }, async (onProgress) => {
    const runs: Record<string, Run> = {};
    for (const [i, e] of spec.entries()) {
      let run: Run;
      try {
        run = await runAsync(problems[i]!, e.t, { ...(e.opts as unknown as OptimizeAsyncOptions), ...(signal ? { signal } : {}), name: e.name, onProgress }, "compareAsync", record);
      } catch (err) {
        const partial = (err as { run?: unknown }).run;
        if (partial instanceof Run) runs[e.name] = keepSettings(partial, e.opts);
        throw withPartialComparison(err, runs, problems[0]!);
      }
      runs[e.name] = keepSettings(run, e.opts);
    }
    return new Comparison(runs, problems[0]);
  });
}

export { Comparison, Run, type RunStatus, type StopReason, type BestPoint } from "../src/optim/index.js";
