/**
 * The float64 runner: `runSync` / `runAsync` drive an optimizer on a `Problem` and record the
 * trajectory into preallocated buffers (no allocation per step on full-batch problems: the
 * gradient buffer is the updates buffer, every state buffer comes from `init`).
 *
 * One step k: the gradient at x_k (of the mini-batch, for batched data-backed runs) is clipped
 * (`clipNorm` then `clipValue`, as torch's `clip_grad_norm_` / `clip_grad_value_`), the
 * optimizer maps it to an update u, x_{k+1} = x_k + u, and the objective is evaluated at x_{k+1}
 * (its value and gradient are recorded and are the next step's input on full batch).
 *
 * With `trajectory: "final"` the record keeps only two points, the start and the current one
 * (a 2 × n buffer whose second half is the iterate itself, so nothing is copied per step); the
 * losses, gradient norms and learning rates still have one entry per step.
 *
 * Resident steps (./resident-step.ts): when the problem runs the optimizer's steps in its own
 * memory (the float32 network engine of backend "wasm") and the optimizer is made of built-in
 * transforms with their float64 kernels, the runner
 * keeps no float64 iterate or state: each step asks the problem for the update, the loss and the
 * gradient's squares, and copies the point out only when the record needs it (every step with
 * trajectory "all"; at the end, and before progress reports, with "final").
 */
import { float64Ops } from "../backends/float64.js";
import { DslError } from "../errors/index.js";
import type { Problem } from "../problem/index.js";
import type { Optimizer, StepContext, Transform, UpdateExtras } from "./base.js";
import { Batcher, splitRows } from "./data.js";
import { divergenceMessage, fallingWithoutBound, fmt, fmtTol, hessianExtremes, runOutcome, runWarnings, type Diagnosis } from "./run-diagnostics.js";
import { DEFAULT_STATUS_TOL, parseStart, startShape, type AsyncRunOptions, type RunOptions } from "./run-options.js";
import { residentStepperOf, type ResidentStepper } from "./resident-step.js";
import { startResident, stepResident, type ResidentRun } from "./run-resident.js";
import { Run, type RunRecord, type StopReason } from "./run-record.js";
import { f64Of, type F64Update } from "./transforms/fused.js";

const now = (): number => performance.now();

/**
 * The most trajectory values a run records ((steps + 1) × variables): 2²⁸ float64s, 2 GiB. Past
 * that, allocating the buffers fails with a RangeError or exhausts memory; the run says so first.
 */
const MAX_RECORDED = 2 ** 28;

/** The engine of one run; `Run` is its public record. */
export class Runner {
  readonly run: Run;
  done = false;
  private k = 0;
  private readonly n: number;
  /** The iterate; with `trajectory: "final"` a view of the record's second point. */
  private readonly x: Float64Array;
  /** True unless `trajectory: "final"`: every iterate goes into the record. */
  private readonly keepAll: boolean;
  /**
   * True when the per-leaf gradient norms are recorded and the leaves tile 0..n in order: the
   * step then sums |∇f|² and each leaf's share in one pass over the gradient (same additions in
   * the same order as two passes, so the same bits).
   */
  private readonly leafTiled: boolean;
  private readonly g: Float64Array;
  private readonly gTrain: Float64Array;
  private readonly gradCopy: Float64Array | null;
  /** The loss of the step's evaluation (see `evaluateTrain`). */
  private readonly fx = new Float64Array(1);
  private readonly state: unknown;
  /** The optimizer's float64 kernel (built-in transforms, see transforms/fused.ts), else undefined. */
  private readonly f64: F64Update | undefined;
  /** The problem's own steps (see the file comment), or null: the float64 path. */
  private readonly resident: ResidentStepper | null;
  private readonly extra: UpdateExtras;
  private readonly rec: RunRecord;
  private readonly steps: number;
  /** The learning rate to record per step: a constant (NaN when the optimizer has none) or a schedule. */
  private readonly lr: number | ((step: number) => number);
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
  /** With trajectory "final": the last step k with x_k ≠ x_{k−1} (what `convergedAt` compares in a full record). */
  private lastChange = 0;
  private evaluations = 0;
  private readonly tol: number | undefined;
  /** `opts.clipNorm` / `opts.clipValue`, read once (the step reads them every time). */
  private readonly clipNorm: number | undefined;
  private readonly clipValue: number | undefined;
  private readonly who: string;

  constructor(
    private readonly problem: Problem,
    private readonly optimizer: Transform,
    private readonly opts: RunOptions,
    who = "optimize",
  ) {
    const n = (this.n = problem.n);
    this.who = who;
    const x0 = parseStart(problem, opts.from, who);
    this.keepAll = opts.trajectory !== "final";
    this.tol = opts.tol;
    this.clipNorm = opts.clipNorm;
    this.clipValue = opts.clipValue;
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
    // every point ((steps + 1) × n values), or with trajectory "final" one loss, |∇f| and lr per step
    if ((this.steps + 1) * (this.keepAll ? Math.max(n, 1) : 1) > MAX_RECORDED) {
      const what = opts.epochs !== undefined ? `${opts.epochs} epochs of ${bpe} batches (${this.steps} steps)` : `${this.steps} steps`;
      throw new DslError(
        "bad-option",
        this.keepAll
          ? `${who}: ${what} of ${n} variable${n === 1 ? "" : "s"} would record ${((this.steps + 1) * n * 8 / 2 ** 30).toPrecision(3)} GiB of iterates; a run records at most ${MAX_RECORDED} values ((steps + 1) × variables): take fewer steps, stop early with tol, or keep only the final point with trajectory: "final"`
          : `${who}: ${what} would record ${((this.steps + 1) * 8 / 2 ** 30).toPrecision(3)} GiB of losses (and as much of gradient norms); a run records at most ${MAX_RECORDED} steps: take fewer steps, or stop early with tol`,
        { path: `${who}.${opts.epochs !== undefined ? "epochs" : "steps"}` },
      );
    }
    this.g = new Float64Array(n);
    this.gTrain = this.batcher ? new Float64Array(n) : this.g;
    this.gradCopy = needsProblem ? new Float64Array(n) : null;
    const lr = optimizer.learningRate;
    this.lr = typeof lr === "number" || typeof lr === "function" ? lr : NaN;
    const name = opts.name ?? (optimizer as Optimizer).name ?? "custom";
    this.rec = {
      n, names: problem.names, steps: this.steps, length: 0,
      xs: new Float64Array((this.keepAll ? this.steps + 1 : 2) * n),
      ...(this.keepAll ? {} : { kept: "final" as const }),
      losses: new Float64Array(this.steps + 1),
      gradNorms: new Float64Array(this.steps + 1),
      lrs: new Float64Array(this.steps),
      batchLosses: this.batcher ? new Float64Array(this.steps) : null,
      valLosses: this.valRows ? [] : null,
      valSteps: this.valRows ? [] : null,
      batchesPerEpoch: bpe,
      evaluations: 0,
    };
    if (this.keepAll) this.x = x0;
    else {
      // point 0 is the start; point 1 is the iterate itself, updated in place by every step
      this.rec.xs.set(x0, 0);
      this.rec.xs.set(x0, n);
      this.x = this.rec.xs.subarray(n, 2 * n);
    }
    // per-leaf gradient norms for problems with a tree layout of several leaves (networks)
    const leaves = (problem as { layout?: { leaves?: readonly { path: string; offset: number; size: number }[] } }).layout?.leaves;
    if (leaves && leaves.length > 1) this.rec.leafGradNorms = { leaves, values: leaves.map(() => new Float64Array(this.steps + 1)) };
    this.leafTiled = !!this.rec.leafGradNorms && leaves!.every((l, i) => l.offset === (i === 0 ? 0 : leaves![i - 1]!.offset + leaves![i - 1]!.size)) && leaves!.at(-1)!.offset + leaves!.at(-1)!.size === n;
    this.run = new Run(this.rec, {
      name,
      optimizer: typeof (optimizer as Optimizer).describe === "function" ? (optimizer as Optimizer).describe() : name,
      hyperparameters: (optimizer as Optimizer).options ?? {},
    });
    this.run.setPointShape(startShape(problem, opts.from, who));
    this.f64 = needsProblem ? undefined : f64Of(optimizer);
    // resident steps: built-in transforms (a float64 kernel of their own); the loss over the training rows
    this.resident = this.f64 ? residentStepperOf(problem, optimizer, this.trainRows) : null;
    this.state = this.resident ? null : optimizer.init(this.x, float64Ops);
    const self = this;
    const context: StepContext | undefined = needsProblem
      ? {
          problem,
          // The rows the step's loss is over: the mini-batch, or the training rows (null: all).
          get rows() { return self.batcher ? self.currentRows : self.trainRows; },
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
  /**
   * `trainValueAndGrad` at the current point into `gTrain`, the loss into `fx[0]` (the step's
   * evaluation): a double returned from a call V8 does not inline is boxed, one allocation per
   * step, so the loss comes back through a buffer.
   */
  private evaluateTrain(): void {
    this.evaluations++;
    const tr = this.trainRows;
    this.fx[0] = tr ? this.problem.data!.batchValueAndGradInto(this.x, this.gTrain, tr) : this.problem.valueAndGradInto(this.x, this.gTrain);
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
    // with trajectory "final" the start is already point 0 and x is point 1
    if (this.keepAll) for (let j = 0; j < n; j++) rec.xs[o + j] = x[j]!;
    rec.losses[i] = loss;
    rec.gradNorms[i] = gradNorm;
    if (rec.leafGradNorms) this.recordLeafNorms(i);
    rec.length = i + 1;
  }

  /** Per-leaf gradient norms of `gTrain` at point `i` (problems with a tree layout). */
  private recordLeafNorms(i: number): void {
    const lg = this.rec.leafGradNorms!;
    const g = this.gTrain;
    for (let l = 0; l < lg.leaves.length; l++) {
      const { offset, size } = lg.leaves[l]!;
      let s = 0;
      for (let j = offset; j < offset + size; j++) s += g[j]! * g[j]!;
      lg.values[l]![i] = Math.sqrt(s);
    }
  }

  private norm(g: Float64Array): number {
    let s = 0;
    for (let j = 0; j < g.length; j++) s += g[j]! * g[j]!;
    return Math.sqrt(s);
  }

  // -- the loop ------------------------------------------------------------------------------

  start(): void {
    this.t0 = now();
    const loss = this.resident ? startResident(this as unknown as ResidentRun) : this.trainValueAndGrad(this.x, this.gTrain);
    const gn = this.resident ? this.rec.gradNorms[0]! : this.norm(this.gTrain);
    if (!this.resident) this.record(loss, gn);
    this.loss0 = loss;
    this.limit = loss + (this.opts.divergenceFactor ?? 1e6) * (Math.abs(loss) + 1);
    if (this.valRows) this.validate(0);
    if (!Number.isFinite(loss) || !Number.isFinite(gn)) {
      this.stop("diverged", Number.isFinite(loss)
        ? `the gradient is not finite at the start (|∇f| = ${gn}, loss ${fmt(loss)}): check the gradient at the start point`
        : `the objective is not finite at the start: loss ${loss}, |∇f| ${gn}`);
    } else if (this.tol !== undefined && gn <= this.tol) {
      this.stop("tol", `converged at the start: |∇f| = ${fmt(gn)} ≤ tol ${fmtTol(this.tol)}`);
    } else if (this.steps === 0) {
      this.stop("max-steps", "");
    }
  }

  /** One optimizer step (call `start` first). */
  step(): void {
    if (this.resident) return stepResident(this as unknown as ResidentRun);
    const { x, g, n, k, rec, clipNorm, clipValue } = this;
    let loss: number;
    if (this.batcher) {
      const rows = (this.currentRows = this.batcher.rows(k));
      this.evaluations++;
      loss = this.problem.data!.batchValueAndGradInto(x, g, rows);
      rec.batchLosses![k] = loss;
    } else {
      loss = rec.losses[k]!; // g holds ∇f(x_k) from the last evaluation
    }
    if (clipNorm !== undefined) {
      const c = Math.min(clipNorm / (this.norm(g) + 1e-6), 1);
      for (let j = 0; j < n; j++) g[j] = g[j]! * c;
    }
    if (clipValue !== undefined) {
      const c = clipValue;
      for (let j = 0; j < n; j++) g[j] = g[j]! < -c ? -c : g[j]! > c ? c : g[j]!;
    }
    if (this.gradCopy) this.gradCopy.set(g);
    this.extra.loss = loss;
    const lr = this.lr;
    rec.lrs[k] = typeof lr === "number" ? lr : lr(k);
    const u = this.f64 ? this.f64(g, this.state, x, this.extra) : this.optimizer.update(g, this.state, x, float64Ops, this.extra);
    if (u === null || typeof u !== "object" || (u as ArrayLike<number>).length !== n) this.badUpdate(u);
    // x ← x + u, recorded as point k + 1 in the same loop; then f, ∇f there, and their record
    // (`record` written out: no doubles passed through calls, no second pass over x)
    let moved = false;
    if (this.keepAll) {
      const xs = rec.xs;
      const o = (k + 1) * n;
      for (let j = 0; j < n; j++) {
        const uj = u[j]!;
        if (uj !== 0) moved = true;
        const xj = x[j]! + uj;
        x[j] = xj;
        xs[o + j] = xj;
      }
    } else {
      // x is the record's last point: updating it records it
      let changed = false;
      for (let j = 0; j < n; j++) {
        const uj = u[j]!;
        if (uj !== 0) moved = true;
        const xj = x[j]! + uj;
        if (xj !== x[j]) changed = true;
        x[j] = xj;
      }
      if (changed) this.lastChange = k + 1;
    }
    if (moved) this.lastMove = k + 1;
    this.k = k + 1;
    this.evaluateTrain();
    const fNew = this.fx[0]!;
    const gT = this.gTrain;
    let ss = 0;
    if (this.leafTiled) {
      // |∇f|² and each leaf's norm in one pass (the leaves tile 0..n in order)
      const lg = rec.leafGradNorms!;
      for (let l = 0; l < lg.leaves.length; l++) {
        const { offset, size } = lg.leaves[l]!;
        let sl = 0;
        for (let j = offset; j < offset + size; j++) {
          const q = gT[j]! * gT[j]!;
          sl += q;
          ss += q;
        }
        lg.values[l]![k + 1] = Math.sqrt(sl);
      }
    } else {
      for (let j = 0; j < n; j++) ss += gT[j]! * gT[j]!;
      if (rec.leafGradNorms) this.recordLeafNorms(k + 1);
    }
    this.endStep(fNew, Math.sqrt(ss));
  }

  /** Records point k (the new one: loss and |∇f|) and runs the stopping tests; both step paths end here. */
  private endStep(fNew: number, gn: number): void {
    const { k, rec } = this;
    rec.losses[k] = fNew;
    rec.gradNorms[k] = gn;
    rec.length = k + 1;
    if (!Number.isFinite(fNew) || !Number.isFinite(gn) || fNew > this.limit || (fNew < this.loss0 && fallingWithoutBound(this.loss0, rec.gradNorms[0]!, fNew, gn, this.opts.divergenceFactor ?? 1e6))) {
      this.stop("diverged", divergenceMessage(this.diagnosis(), fNew, gn));
      return;
    }
    if (this.tol !== undefined && gn <= this.tol) {
      this.stop("tol", `converged at step ${k}: |∇f| = ${fmt(gn)} ≤ tol ${fmtTol(this.tol)}`);
      return;
    }
    if (this.valRows && k % rec.batchesPerEpoch === 0) {
      this.syncPoint(); // the validation loss (and run.best) read the point
      if (this.validate(k / rec.batchesPerEpoch)) return;
    }
    if (k >= this.steps) this.stop("max-steps", "");
  }

  /** With resident steps: the current point into the iterate (the record's last point with trajectory "final"), for a look at a live run. */
  syncPoint(): void {
    if (this.resident && !this.done && this.k > 0) this.resident.store(this.x);
  }

  /** A transform whose update is not one number per variable: its author's bug, said in their terms. */
  private badUpdate(u: unknown): never {
    const got = u === null || typeof u !== "object" ? String(u) : `${(u as { length?: unknown }).length} values`;
    throw new DslError(
      "bad-optimizer",
      `${this.who}: the optimizer's update(updates, state, params, ops) must return the updates, one number per variable (${this.n}), got ${got} at step ${this.k}`,
      { path: `${this.who}.optimizer` },
    );
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
    if (this.resident && !this.done) {
      // the point after the last step (with no step taken, x stays the start as given)
      if (this.k > 0) this.resident.store(this.x);
      this.resident.release();
    }
    this.done = true;
    const rec = this.rec;
    const last = rec.gradNorms[rec.length - 1]!;
    if (!this.keepAll) rec.lastChange = this.lastChange;
    // Counted as torch's func_evals (closure calls inside step()): at the step budget, the last
    // point's evaluation only records the final loss, which no step used, so it is not counted.
    rec.evaluations = this.evaluations - (reason === "max-steps" && !this.batcher ? 1 : 0);
    // status and message from one place (run-diagnostics.ts): they cannot contradict each other
    const opt = this.optimizer as Optimizer;
    const { status, message: text } = runOutcome({
      reason, steps: this.k, message, g0: rec.gradNorms[0]!, last,
      tol: this.tol ?? DEFAULT_STATUS_TOL, tolGiven: this.tol !== undefined,
      // mini-batch steps can be 0 for other reasons (an all-zero batch gradient): no stall test there
      ...(this.batcher ? {} : { lastMove: this.lastMove }),
      // lbfgs's toleranceGrad/toleranceChange, newton's backtracking line search
      selfStopping: opt.name === "lbfgs" || opt.name === "newton" || typeof opt.options?.lineSearch === "string",
      curvature: () => hessianExtremes(this.problem, this.keepAll ? rec.xs.subarray((rec.length - 1) * this.n, rec.length * this.n) : this.x),
    });
    const warnings = runWarnings(this.diagnosis(), reason);
    this.run.finish(status, reason, text, warnings, now() - this.t0);
  }

  private diagnosis(): Diagnosis {
    return { problem: this.problem, optimizer: this.optimizer as Optimizer, rec: this.rec, loss0: this.loss0, step: this.k };
  }

  /** Ends the run from outside (an abort): status "aborted". */
  abort(): void {
    if (!this.done) this.stop("aborted", `aborted after ${this.k} of ${this.steps} steps`);
  }
}

/** Runs to the end synchronously. */
export function runSync(problem: Problem, optimizer: Transform, opts: RunOptions & { signal?: AbortSignal }, who = "optimize", observe?: (run: Run) => void): Run {
  const r = new Runner(problem, optimizer, opts, who);
  observe?.(r.run);
  if (opts.signal?.aborted) throw abortError(r.run, who);
  r.start();
  while (!r.done) r.step();
  return r.run;
}

/** The error of an aborted run: a DslError (code "aborted") that carries the partial run as `run` (and `detail.run`). */
export type AbortedRunError = DslError & { readonly run: Run };

function abortError(run: Run, who: string): AbortedRunError {
  const e = new DslError("aborted", `${who}: aborted after ${Math.max(0, run.steps)} steps (the partial run is in error.run)`, { path: who, detail: { run } });
  return Object.assign(e, { run });
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs in chunks of about `progressEvery` ms, yielding to the event loop between chunks (so a
 * kernel can interrupt and plots can update), calling `onProgress` with the live run.
 */
export async function runAsync(problem: Problem, optimizer: Transform, opts: AsyncRunOptions, who = "optimizeAsync", observe?: (run: Run) => void): Promise<Run> {
  const r = new Runner(problem, optimizer, opts, who);
  observe?.(r.run);
  const every = opts.progressEvery ?? 100;
  if (opts.signal?.aborted) throw abortError(r.run, who);
  r.start();
  let lastProgress = now();
  // Steps per clock reading: doubles while a batch is quick (cheap steps pay little for the
  // clock), back to one as soon as a batch takes a millisecond or more, so a slow step (Newton
  // on 100 variables: ~50 ms) still yields and reports on time instead of after 64 of them.
  let batch = 1;
  while (!r.done) {
    const deadline = now() + Math.min(every, 50);
    do {
      const t0 = now();
      for (let i = 0; i < batch && !r.done; i++) r.step();
      const took = now() - t0;
      batch = took < 0.25 ? Math.min(batch * 2, 64) : took >= 1 ? 1 : batch;
    } while (!r.done && now() < deadline);
    if (!r.done) {
      await yieldToEventLoop();
      if (opts.signal?.aborted) {
        r.abort();
        throw abortError(r.run, who);
      }
      if (opts.onProgress && now() - lastProgress >= every) {
        lastProgress = now();
        r.syncPoint();
        opts.onProgress(r.run);
      }
    }
  }
  return r.run;
}
