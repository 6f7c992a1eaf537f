/**
 * The float64 runner: `runSync` / `runAsync` drive an optimizer on a `Problem` and record the
 * trajectory into preallocated buffers (no allocation per step on full-batch problems: the
 * gradient buffer is the updates buffer, every state buffer comes from `init`).
 *
 * One step k: the gradient at x_k (of the mini-batch, for batched data-backed runs) is clipped
 * (`clipNorm` then `clipValue`, as torch's `clip_grad_norm_` / `clip_grad_value_`), the
 * optimizer maps it to an update u, x_{k+1} = x_k + u, and the objective is evaluated at x_{k+1}
 * (its value and gradient are recorded and are the next step's input on full batch).
 */
import { float64Ops } from "../backends/float64.js";
import { DslError, describe } from "../errors/index.js";
import { eigSym } from "../numeric/index.js";
import type { Problem } from "../problem/index.js";
import { hyperAt, type Optimizer, type StepContext, type Transform, type UpdateExtras } from "./base.js";
import { Batcher, splitRows } from "./data.js";
import { Run, type RunRecord, type RunStatus, type StopReason } from "./run-record.js";

/** Options of `optimize` / `optimizeAsync` (see docs/readme/optimizers.md). */
export interface RunOptions {
  /** Start point: number[] in the objective's variable order, or a record by name. */
  from: ArrayLike<number> | Record<string, number>;
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

const now = (): number => performance.now();

function parseStart(problem: Problem, from: unknown, who: string): Float64Array {
  const n = problem.n;
  const names = problem.names;
  if (from === undefined) throw new DslError("missing-option", `${who}: the start point "from" is required (variables: ${names.join(", ")})`, { path: `${who}.from` });
  let x: Float64Array;
  if (Array.isArray(from) || ArrayBuffer.isView(from)) {
    const a = from as ArrayLike<number>;
    if (a.length !== n) {
      throw new DslError("bad-start", `${who}: the start point has ${a.length} values, the objective has ${n} variables (${names.join(", ")})`, { path: `${who}.from` });
    }
    x = Float64Array.from(a);
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

function checkNumber(who: string, key: string, v: unknown, ok: (v: number) => boolean, expected: string): void {
  if (v === undefined) return;
  if (typeof v !== "number" || !ok(v)) throw new DslError("bad-option", `${who}: ${key} must be ${expected}, got ${describe(v)}`, { path: `${who}.${key}` });
}

const RUN_KEYS = ["from", "steps", "epochs", "clipNorm", "clipValue", "batchSize", "shuffle", "dropLast", "seed", "validation", "patience", "minDelta", "tol", "divergenceFactor", "name", "backend", "signal", "onProgress", "progressEvery"];

/** Checks the run options (types and ranges) and unknown keys. */
export function checkRunOptions(who: string, o: Record<string, unknown>): void {
  for (const k of Object.keys(o)) {
    if (!RUN_KEYS.includes(k)) {
      const norm = (s: string) => s.replace(/[_-]/g, "").toLowerCase();
      const hint = RUN_KEYS.find((r) => norm(r) === norm(k));
      throw new DslError("unknown-option", `${who}: unknown option "${k}"${hint ? ` (did you mean "${hint}"?)` : ""}; options are ${RUN_KEYS.join(", ")}`, { path: `${who}.${k}` });
    }
  }
  const int0 = (v: number) => Number.isInteger(v) && v >= 0;
  const int1 = (v: number) => Number.isInteger(v) && v >= 1;
  const pos = (v: number) => Number.isFinite(v) && v > 0;
  checkNumber(who, "steps", o.steps, int0, "an integer ≥ 0");
  checkNumber(who, "epochs", o.epochs, int1, "an integer ≥ 1");
  checkNumber(who, "clipNorm", o.clipNorm, pos, "a number > 0");
  checkNumber(who, "clipValue", o.clipValue, pos, "a number > 0");
  checkNumber(who, "batchSize", o.batchSize, int1, "an integer ≥ 1");
  checkNumber(who, "seed", o.seed, Number.isInteger, "an integer");
  checkNumber(who, "validation", o.validation, (v) => v >= 0 && v < 1, "a fraction in [0, 1)");
  checkNumber(who, "patience", o.patience, int1, "an integer ≥ 1 (epochs)");
  checkNumber(who, "minDelta", o.minDelta, (v) => Number.isFinite(v) && v >= 0, "a number ≥ 0");
  checkNumber(who, "tol", o.tol, (v) => Number.isFinite(v) && v >= 0, "a number ≥ 0");
  checkNumber(who, "divergenceFactor", o.divergenceFactor, (v) => v > 0, "a number > 0 (Infinity disables)");
  checkNumber(who, "progressEvery", o.progressEvery, pos, "a number of milliseconds > 0");
  if (o.steps !== undefined && o.epochs !== undefined) throw new DslError("bad-option", `${who}: give steps or epochs, not both`, { path: `${who}.epochs` });
  if (o.patience !== undefined && !o.validation) throw new DslError("bad-option", `${who}: patience (early stopping) needs a validation split, e.g. validation: 0.2`, { path: `${who}.patience` });
}

/** The engine of one run; `Run` is its public record. */
export class Runner {
  readonly run: Run;
  done = false;
  private k = 0;
  private readonly n: number;
  private readonly x: Float64Array;
  private readonly g: Float64Array;
  private readonly gTrain: Float64Array;
  private readonly gradCopy: Float64Array | null;
  private readonly state: unknown;
  private readonly extra: UpdateExtras;
  private readonly rec: RunRecord;
  private readonly steps: number;
  private readonly lr: Transform["learningRate"];
  private readonly batcher: Batcher | null;
  private readonly trainRows: Int32Array | null;
  private readonly valRows: Int32Array | null;
  private currentRows: Int32Array | null = null;
  private loss0 = NaN;
  private limit = Infinity;
  private bestVal = Infinity;
  private sinceBest = 0;
  private t0 = 0;
  /** Step after which the iterate last moved (an update with a nonzero entry). */
  private lastMove = 0;
  private evaluations = 0;
  private readonly tol: number | undefined;

  constructor(
    private readonly problem: Problem,
    private readonly optimizer: Transform,
    private readonly opts: RunOptions,
    who = "optimize",
  ) {
    const n = (this.n = problem.n);
    this.x = parseStart(problem, opts.from, who);
    this.tol = opts.tol;
    const needsProblem = optimizer.needs?.includes("problem") ?? false;
    if ((opts.clipNorm !== undefined || opts.clipValue !== undefined) && (optimizer as Optimizer).name === "lbfgs") {
      throw new DslError("bad-option", `${who}: clipNorm/clipValue do not apply to lbfgs, which evaluates the gradient itself inside its step`, { path: `${who}.clipNorm` });
    }
    // Data: split, batches, steps.
    const data = problem.data;
    const batched = opts.batchSize !== undefined || !!opts.validation || opts.epochs !== undefined;
    if (batched && !data) {
      const key = opts.batchSize !== undefined ? "batchSize" : opts.validation ? "validation" : "epochs";
      throw new DslError("not-data-backed", `${who}: ${key} needs a data-backed objective (objective(summand, { params, data })); this one has no data rows`, { path: `${who}.${key}` });
    }
    let bpe = 1;
    if (data) {
      const seed = opts.seed ?? 0;
      const { train, validation } = splitRows(data.samples, opts.validation ?? 0, seed);
      this.valRows = validation.length ? validation : null;
      this.trainRows = validation.length ? train : null;
      if (train.length === 0) throw new DslError("bad-option", `${who}: the validation split leaves no training rows`, { path: `${who}.validation` });
      const bs = opts.batchSize;
      if (bs !== undefined && bs < train.length) {
        this.batcher = new Batcher(train, bs, seed, opts.shuffle ?? true, opts.dropLast ?? false);
        bpe = this.batcher.batchesPerEpoch;
      } else this.batcher = null;
    } else {
      this.valRows = null;
      this.trainRows = null;
      this.batcher = null;
    }
    this.steps = opts.epochs !== undefined ? opts.epochs * bpe : (opts.steps ?? 100);
    this.g = new Float64Array(n);
    this.gTrain = this.batcher ? new Float64Array(n) : this.g;
    this.gradCopy = needsProblem ? new Float64Array(n) : null;
    this.lr = optimizer.learningRate;
    const name = opts.name ?? (optimizer as Optimizer).name ?? "custom";
    this.rec = {
      n, names: problem.names, steps: this.steps, length: 0,
      xs: new Float64Array((this.steps + 1) * n),
      losses: new Float64Array(this.steps + 1),
      gradNorms: new Float64Array(this.steps + 1),
      lrs: new Float64Array(this.steps),
      batchLosses: this.batcher ? new Float64Array(this.steps) : null,
      valLosses: this.valRows ? [] : null,
      valSteps: this.valRows ? [] : null,
      batchesPerEpoch: bpe,
      evaluations: 0,
    };
    this.run = new Run(this.rec, {
      name,
      optimizer: typeof (optimizer as Optimizer).describe === "function" ? (optimizer as Optimizer).describe() : name,
      hyperparameters: (optimizer as Optimizer).options ?? {},
    });
    this.state = optimizer.init(this.x, float64Ops);
    const self = this;
    const context: StepContext | undefined = needsProblem
      ? {
          problem,
          get rows() { return self.currentRows; },
          valueAt: (x) => self.batchValue(x),
          valueAndGradInto: (x, g) => self.batchValueAndGrad(x, g),
        }
      : undefined;
    this.extra = context ? { loss: NaN, context, grad: this.gradCopy! } : { loss: NaN };
  }

  // -- evaluation ----------------------------------------------------------------------------

  private trainValueAndGrad(x: Float64Array, g: Float64Array): number {
    this.evaluations++;
    return this.trainRows ? this.problem.data!.batchValueAndGradInto(x, g, this.trainRows) : this.problem.valueAndGradInto(x, g);
  }
  private batchValueAndGrad(x: Float64Array, g: Float64Array): number {
    if (!this.batcher) return this.trainValueAndGrad(x, g);
    this.evaluations++;
    return this.problem.data!.batchValueAndGradInto(x, g, this.currentRows);
  }
  private batchValue(x: Float64Array): number {
    this.evaluations++;
    const rows = this.batcher ? this.currentRows : this.trainRows;
    return rows ? this.problem.data!.batchValueAt(x, rows) : this.problem.valueAt(x);
  }

  private record(loss: number, gradNorm: number): void {
    const { rec, x, n } = this;
    const i = rec.length;
    const o = i * n;
    for (let j = 0; j < n; j++) rec.xs[o + j] = x[j]!;
    rec.losses[i] = loss;
    rec.gradNorms[i] = gradNorm;
    rec.length = i + 1;
  }

  private norm(g: Float64Array): number {
    let s = 0;
    for (let j = 0; j < g.length; j++) s += g[j]! * g[j]!;
    return Math.sqrt(s);
  }

  // -- the loop ------------------------------------------------------------------------------

  start(): void {
    this.t0 = now();
    const loss = this.trainValueAndGrad(this.x, this.gTrain);
    const gn = this.norm(this.gTrain);
    this.record(loss, gn);
    this.loss0 = loss;
    this.limit = loss + (this.opts.divergenceFactor ?? 1e6) * (Math.abs(loss) + 1);
    if (this.valRows) this.validate(0);
    if (!Number.isFinite(loss) || !Number.isFinite(gn)) {
      this.stop("diverged", `the objective is not finite at the start: loss ${loss}, |∇f| ${gn}`);
    } else if (this.tol !== undefined && gn <= this.tol) {
      this.stop("tol", `converged at the start: |∇f| = ${fmt(gn)} ≤ tol ${fmtTol(this.tol)}`);
    } else if (this.steps === 0) {
      this.stop("max-steps", "");
    }
  }

  /** One optimizer step (call `start` first). */
  step(): void {
    const { x, g, n, k, rec, opts } = this;
    let loss: number;
    if (this.batcher) {
      const rows = (this.currentRows = this.batcher.rows(k));
      this.evaluations++;
      loss = this.problem.data!.batchValueAndGradInto(x, g, rows);
      rec.batchLosses![k] = loss;
    } else {
      loss = rec.losses[k]!; // g holds ∇f(x_k) from the last evaluation
    }
    if (opts.clipNorm !== undefined) {
      const c = Math.min(opts.clipNorm / (this.norm(g) + 1e-6), 1);
      for (let j = 0; j < n; j++) g[j] = g[j]! * c;
    }
    if (opts.clipValue !== undefined) {
      const c = opts.clipValue;
      for (let j = 0; j < n; j++) g[j] = g[j]! < -c ? -c : g[j]! > c ? c : g[j]!;
    }
    if (this.gradCopy) this.gradCopy.set(g);
    this.extra.loss = loss;
    const lr = this.lr;
    rec.lrs[k] = lr === undefined ? NaN : typeof lr === "number" ? lr : typeof lr === "function" ? lr(k) : NaN;
    const u = this.optimizer.update(g, this.state, x, float64Ops, this.extra);
    let moved = false;
    for (let j = 0; j < n; j++) {
      if (u[j] !== 0) moved = true;
      x[j] = x[j]! + u[j]!;
    }
    if (moved) this.lastMove = k + 1;
    this.k = k + 1;
    const fNew = this.trainValueAndGrad(x, this.gTrain);
    const gn = this.norm(this.gTrain);
    this.record(fNew, gn);
    if (!Number.isFinite(fNew) || !Number.isFinite(gn) || fNew > this.limit) {
      this.stop("diverged", this.divergenceMessage(fNew, gn));
      return;
    }
    if (this.tol !== undefined && gn <= this.tol) {
      this.stop("tol", `converged at step ${this.k}: |∇f| = ${fmt(gn)} ≤ tol ${fmtTol(this.tol)}`);
      return;
    }
    if (this.valRows && this.k % rec.batchesPerEpoch === 0) {
      if (this.validate(this.k / rec.batchesPerEpoch)) return;
    }
    if (this.k >= this.steps) this.stop("max-steps", "");
  }

  /** Records the validation loss after `epoch` epochs; true when early stopping ended the run. */
  private validate(epoch: number): boolean {
    const v = this.problem.data!.batchValueAt(this.x, this.valRows!);
    this.evaluations++;
    this.rec.valLosses!.push(v);
    this.rec.valSteps!.push(this.k);
    const minDelta = this.opts.minDelta ?? 0;
    // run.best is the lowest validation loss seen; patience counts epochs without an improvement
    // of more than minDelta over the reference (Keras's EarlyStopping semantics).
    if (!this.run.best || v < this.run.best.valLoss) this.run.best = { epoch, step: this.k, valLoss: v, x: Array.from(this.x) };
    if (v < this.bestVal - minDelta || epoch === 0) {
      this.bestVal = v;
      this.sinceBest = 0;
    } else {
      this.sinceBest++;
      const p = this.opts.patience;
      if (p !== undefined && this.sinceBest >= p) {
        this.stop("early-stopping", `early stopping after epoch ${epoch}: the validation loss did not improve by more than ${minDelta} for ${p} epochs (best ${fmt(this.run.best!.valLoss)} after epoch ${this.run.best!.epoch}; run.best.x has that point)`);
        return true;
      }
    }
    return false;
  }

  private stop(reason: StopReason, message: string): void {
    this.done = true;
    const rec = this.rec;
    const last = rec.gradNorms[rec.length - 1]!;
    rec.evaluations = this.evaluations;
    const tol = this.tol ?? DEFAULT_STATUS_TOL;
    // A full-batch run whose optimizer stopped moving after making progress has met its own
    // convergence tests (L-BFGS's toleranceGrad/toleranceChange, a line search that finds no
    // decrease): report it as converged even when |∇f| is above tol.
    const stalled = !this.batcher && this.lastMove < this.k && last < rec.gradNorms[0]!;
    let status: RunStatus;
    if (reason === "diverged") status = "diverged";
    else if (reason === "tol" || reason === "early-stopping") status = "converged";
    else if (reason === "aborted") status = "aborted";
    else status = last <= tol || stalled ? "converged" : "max-steps";
    if (reason === "max-steps") {
      const t = fmtTol(tol);
      message = last <= tol
        ? `took all ${this.k} steps; |∇f| = ${fmt(last)} ≤ ${t} at the end`
        : stalled
          ? `took all ${this.k} steps; the optimizer stopped moving after step ${this.lastMove} (its own convergence tests), |∇f| = ${fmt(last)}`
          : `took all ${this.k} steps; |∇f| = ${fmt(last)} at the end (> ${t})`;
    }
    this.run.finish(status, reason, message, this.warnings(reason), now() - this.t0);
  }

  /** Ends the run from outside (an abort): status "aborted". */
  abort(): void {
    if (!this.done) this.stop("aborted", `aborted after ${this.k} of ${this.steps} steps`);
  }

  private warnings(reason: StopReason): string[] {
    const w: string[] = [];
    const { rec } = this;
    const g0 = rec.gradNorms[0]!;
    if (g0 <= 1e-10 * (1 + Math.abs(this.loss0))) {
      let what = "a stationary point";
      if (this.problem.hessianInto) {
        const H = new Float64Array(this.n * this.n);
        this.problem.hessianInto(rec.xs.subarray(0, this.n), H);
        const lmin = eigSym(H, this.n).values[0]!;
        if (lmin < 0) what = `a saddle point or a maximum (smallest Hessian eigenvalue ${fmt(lmin)}): gradient methods stay there; perturb the start`;
      }
      w.push(`the gradient vanishes at the start (|∇f| = ${fmt(g0)}): it is ${what}`);
    }
    if (reason !== "diverged" && g0 > 0) {
      let kMax = 0;
      for (let i = 1; i < rec.length; i++) if (rec.gradNorms[i]! > rec.gradNorms[kMax]!) kMax = i;
      const gMax = rec.gradNorms[kMax]!;
      if (gMax > 1e4 * g0) w.push(`the gradient norm exploded from ${fmt(g0)} to ${fmt(gMax)} at step ${kMax}: the step is probably too large (try a smaller lr, or clipNorm)`);
    }
    if (rec.length > 10 && reason !== "diverged" && g0 > 1e-10) {
      const last = rec.gradNorms[rec.length - 1]!;
      const lossDrop = Math.abs(rec.losses[0]! - rec.losses[rec.length - 1]!);
      if (last < 1e-3 * g0 && last > 0 && lossDrop <= 1e-9 * (1 + Math.abs(rec.losses[0]!)) ) {
        w.push(`the gradient norm vanished (${fmt(g0)} → ${fmt(last)}) while the loss barely moved: a plateau or a saddle`);
      }
    }
    return w;
  }

  private divergenceMessage(loss: number, gn: number): string {
    const head = !Number.isFinite(loss) && loss < 0
      ? `diverged at step ${this.k}: the loss went to ${loss} (the objective may be unbounded below)`
      : `diverged at step ${this.k}: loss ${fmt(loss)}, |∇f| ${fmt(gn)} (started at loss ${fmt(this.loss0)})`;
    return `${head}. ${this.hint()}`;
  }

  /** Why it diverged, when we can tell: the lr against 2/L for gradient methods. */
  private hint(): string {
    const opt = this.optimizer as Optimizer;
    const lr = typeof this.lr === "number" ? this.lr : typeof this.lr === "function" ? this.lr(0) : NaN;
    let L = NaN;
    if (this.problem.hessianInto) {
      const H = new Float64Array(this.n * this.n);
      this.problem.hessianInto(this.rec.xs.subarray(0, this.n), H);
      L = eigSym(H, this.n).values[this.n - 1]!;
    }
    const mu = typeof opt.options?.momentum === "number" ? (opt.options.momentum as number) : 0;
    const plain = ["gd", "sgd", "momentum", "nesterov"].includes(opt.name);
    if (plain && Number.isFinite(L) && L > 0 && Number.isFinite(lr)) {
      const nest = opt.name === "nesterov" || opt.options?.nesterov === true;
      const bound = nest ? (2 * (1 + mu)) / (L * (1 + 2 * mu)) : (2 * (1 + mu)) / L;
      const what = mu === 0 ? "2/L" : nest ? "2(1+μ)/(L(1+2μ))" : "2(1+μ)/L";
      if (lr > bound) {
        return `lr ${fmt(lr)} exceeds ${what} = ${fmt(bound)} at the start (L = ${fmt(L)}, the largest Hessian eigenvalue there), so the iteration is unstable; try lr ≤ ${fmt(1 / L)} (= 1/L)`;
      }
      return `lr ${fmt(lr)} is below ${what} = ${fmt(bound)} at the start (L = ${fmt(L)}), but the curvature grows along the path; try a smaller lr or clipNorm`;
    }
    if (Number.isFinite(lr)) return `try a smaller lr (now ${fmt(lr)}) or clipNorm`;
    return "try a smaller step or clipNorm";
  }
}

const fmtTol = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v));

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}

/** Runs to the end synchronously. */
export function runSync(problem: Problem, optimizer: Transform, opts: RunOptions & { signal?: AbortSignal }, who = "optimize"): Run {
  const r = new Runner(problem, optimizer, opts, who);
  if (opts.signal?.aborted) throw abortError(r.run, who);
  r.start();
  while (!r.done) r.step();
  return r.run;
}

function abortError(run: Run, who: string): DslError {
  return new DslError("aborted", `${who}: aborted after ${Math.max(0, run.steps)} steps (the partial run is in error.detail.run)`, { path: who, detail: { run } });
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs in chunks of about `progressEvery` ms, yielding to the event loop between chunks (so a
 * kernel can interrupt and plots can update), calling `onProgress` with the live run.
 */
export async function runAsync(problem: Problem, optimizer: Transform, opts: AsyncRunOptions, who = "optimizeAsync"): Promise<Run> {
  const r = new Runner(problem, optimizer, opts, who);
  const every = opts.progressEvery ?? 100;
  if (opts.signal?.aborted) throw abortError(r.run, who);
  r.start();
  let lastProgress = now();
  while (!r.done) {
    const deadline = now() + Math.min(every, 50);
    do {
      for (let i = 0; i < 64 && !r.done; i++) r.step();
    } while (!r.done && now() < deadline);
    if (!r.done) {
      await yieldToEventLoop();
      if (opts.signal?.aborted) {
        r.abort();
        throw abortError(r.run, who);
      }
      if (opts.onProgress && now() - lastProgress >= every) {
        lastProgress = now();
        opts.onProgress(r.run);
      }
    }
  }
  return r.run;
}
