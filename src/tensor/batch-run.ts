/**
 * The tfjs runner: B runs of one optimizer on one compiled objective, in lockstep, as one tensor
 * program. Parameters are columns ([B, 1] per parameter), per-run hyperparameters [B, 1]
 * (`ops.perRun`), and the optimizer is src/optim's transform, unchanged, on `columnOps`.
 *
 * One step k (as the float64 runner): the gradient g_k at x_k (of the step's mini-batch for
 * data-backed runs), clipped per run (`clipNorm`, then `clipValue`), becomes the update u_k;
 * x_{k+1} = x_k + u_k; then f and ∇f at x_{k+1} are evaluated (over all training rows).
 *
 * Per-run bookkeeping stays on the device: the first step whose gradient norm is ≤ tol, and
 * divergence (a non-finite loss or gradient, or loss > loss₀ + factor·(|loss₀| + 1)). A diverged
 * run is frozen at the point where it diverged (its rows take no further updates) while the
 * others go on: rows never mix, so NaN in one run cannot reach another.
 *
 * Memory: each step runs in `tf.tidy`; the runner keeps the parameters, the optimizer state and
 * the bookkeeping tensors, and disposes the previous step's (see src/optim/base.ts, ownership).
 * `tf.memory().numTensors` is the same before and after a run.
 */
import type { Tensor, TfjsEngine } from "../backends/index.js";
import { DslError } from "../errors/index.js";
import type { Transform } from "../optim/index.js";
import { columnOps, type Columns } from "./column-ops.js";
import type { DataBatch, TensorObjective } from "./objective.js";

/** What to run. */
export interface BatchRunSpec {
  engine: TfjsEngine;
  objective: TensorObjective;
  /** The optimizer (hyperparameters may be per-run arrays of length B). */
  transform: Transform;
  /** Start points, row-major B × n. */
  starts: Float64Array;
  /** Number of runs. */
  B: number;
  steps: number;
  clipNorm?: number;
  clipValue?: number;
  /** Gradient-norm threshold for `stepsToTol` (and for stopping when `stopAtTol`). */
  tol?: number;
  /** Stop the whole batch once every run has met `tol` or diverged (default false). */
  stopAtTol?: boolean;
  /** Divergence threshold factor (default 1e6; Infinity disables the loss test). */
  divergenceFactor?: number;
  /** Mini-batch rows for step k (data-backed); null or absent: all training rows. */
  batchRows?: (k: number) => Int32Array | null;
  /** Rows the recorded losses are over (data-backed with a validation split); null: all. */
  trainRows?: Int32Array | null;
  /** Keep every point, loss and gradient norm of every run (B × (steps + 1) of each). */
  record?: boolean;
  /** Steps between readbacks of recorded data and stop checks (default 50). */
  chunk?: number;
  /** Called with the number of steps done after each chunk (async: may yield). */
  onChunk?: (stepsDone: number) => void | Promise<void>;
  /** Checked between chunks. */
  signal?: AbortSignal;
}

/** What came out, per run (arrays of length B, points row-major). */
export interface BatchRunResult {
  B: number;
  n: number;
  /** Steps taken (fewer than asked when `stopAtTol` ended the batch). */
  steps: number;
  finalX: Float64Array;
  finalLoss: Float64Array;
  finalGradNorm: Float64Array;
  /** 1 where the run diverged. */
  diverged: Uint8Array;
  /** Index of the point where the run diverged, or −1. */
  divergedAt: Int32Array;
  /** First point index whose gradient norm ≤ tol, or −1. */
  stepsToTol: Int32Array;
  /** Initial loss per run (tfjs-ops runs). */
  loss0?: Float64Array;
  /** With `record`: per point k, the B × n points, B losses, B gradient norms. */
  xs?: Float64Array[];
  losses?: Float64Array[];
  gradNorms?: Float64Array[];
  /** Mini-batch losses per step (data-backed with batches, when recording). */
  batchLosses?: Float64Array[];
  /** Wall-clock milliseconds. */
  time: number;
}

/** All tensors inside a (nested) state record. */
function tensorsIn(v: unknown, out: Tensor[], Tensor: Function): Tensor[] {
  if (v instanceof Tensor) out.push(v as Tensor);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, out, Tensor);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) tensorsIn(x, out, Tensor);
  return out;
}

/**
 * Throws when `transform` cannot run on tensors (it needs the float64 problem inside its step).
 * Shared by `runBatch` and the fused runner.
 */
export function assertTensorTransform(transform: Transform): void {
  if (transform.needs?.includes("float64") || transform.needs?.includes("problem")) {
    const name = (transform as { name?: string }).name ?? "this optimizer";
    throw new DslError("backend-capability", `${name} runs on the float64 engine only (it evaluates the objective inside its step); use backend "float64"`, { path: "backend" });
  }
}

/** A recorded snapshot's tensors (kept until the next flush). */
interface Pending {
  x: Tensor;
  loss: Tensor;
  gn: Tensor;
  batchLoss?: Tensor;
}

/** The tensors of a snapshot, in the order they are read back. */
function pendingTensors(p: Pending): Tensor[] {
  return p.batchLoss ? [p.x, p.loss, p.gn, p.batchLoss] : [p.x, p.loss, p.gn];
}

/** Runs the batch (see the file comment). */
export async function runBatch(spec: BatchRunSpec): Promise<BatchRunResult> {
  const { engine, objective: obj, transform, B, steps } = spec;
  const tf = engine.tf;
  const n = obj.n;
  assertTensorTransform(transform);
  await engine.activate();
  const ops = columnOps(tf, `tfjs-${engine.name}/columns`);
  const t0 = performance.now();
  const tol = spec.tol ?? -1;
  const factor = spec.divergenceFactor ?? 1e6;
  const chunk = spec.chunk ?? 50;
  const train = spec.trainRows ? obj.batch(spec.trainRows) : undefined;
  const evalData = (): DataBatch | undefined => train;

  // x₀, f(x₀), ∇f(x₀), and the bookkeeping
  let x: Columns = tf.tidy(() => {
    const X = tf.tensor2d(Float32Array.from(spec.starts), [B, n]);
    return n === 1 ? [X] : tf.split(X, n, 1);
  });
  let state: unknown;
  // tidy keeps the tensors it returns: the state's, found by walking the record
  tf.tidy(() => {
    state = transform.init(x, ops);
    return tensorsIn(state, [], tf.Tensor);
  });
  let [loss, g, gn] = tf.tidy(() => {
    const r = obj.valueAndGrad(x, evalData());
    return [r.value, r.grad, (ops.norm(r.grad) as Columns)[0]!] as [Tensor, Tensor[], Tensor];
  });
  const loss0 = tf.keep(tf.clone(loss));
  const limit = tf.tidy(() => (Number.isFinite(factor) ? tf.add(loss0, tf.mul(tf.add(tf.abs(loss0), 1), factor)) : tf.fill([B, 1], Infinity)));
  let alive = tf.tidy(() => tf.cast(tf.logicalAnd(tf.isFinite(loss), tf.isFinite(gn)), "float32"));
  let divergedAt = tf.tidy(() => tf.where(tf.greater(alive, 0), tf.fill([B, 1], -1), tf.zeros([B, 1])));
  let toTol = tf.tidy(() => tf.where(tf.logicalAnd(tf.lessEqual(gn, tol), tf.greater(alive, 0)), tf.zeros([B, 1]), tf.fill([B, 1], -1)));

  const rec = spec.record ? { xs: [] as Float64Array[], losses: [] as Float64Array[], gradNorms: [] as Float64Array[], batchLosses: [] as Float64Array[] } : undefined;
  let pending: Pending[] = [];
  const snapshot = (batchLoss?: Tensor) => {
    if (!rec) return;
    pending.push(tf.tidy(() => ({ x: tf.concat(x, 1), loss: tf.clone(loss), gn: tf.clone(gn), ...(batchLoss ? { batchLoss: tf.clone(batchLoss) } : {}) })));
  };
  const flush = async () => {
    if (!rec || pending.length === 0) return;
    const batch = pending;
    pending = [];
    const all = tf.tidy(() => tf.concat(batch.flatMap((p) => pendingTensors(p).map((t) => tf.reshape(t, [-1])))));
    const d = await engine.read(all);
    tf.dispose([all, ...batch.flatMap(pendingTensors)]);
    let o = 0;
    const take = (len: number) => Float64Array.from(d.subarray(o, (o += len)));
    for (const p of batch) {
      rec.xs.push(take(B * n));
      rec.losses.push(take(B));
      rec.gradNorms.push(take(B));
      if (p.batchLoss) rec.batchLosses.push(take(B));
    }
  };
  snapshot();

  let k = 0;
  try {
    for (; k < steps; k++) {
      const rows = spec.batchRows?.(k) ?? null;
      const mb = rows ? obj.batch(rows) : undefined;
      const oldState = tensorsIn(state, [], tf.Tensor);
      const old = [...x, loss, ...g, gn, alive, divergedAt, toTol];
      const out = tf.tidy(() => {
        // the gradient of this step: the mini-batch's, or the one at x_k from the last evaluation
        let grad: Tensor[] = g;
        let batchLoss: Tensor | undefined;
        if (mb) {
          const r = obj.valueAndGrad(x, mb);
          grad = r.grad;
          batchLoss = r.value;
        }
        if (spec.clipNorm !== undefined) {
          const c = tf.minimum(tf.div(spec.clipNorm, tf.add((ops.norm(grad) as Columns)[0]!, 1e-6)), 1);
          grad = grad.map((gi) => tf.mul(gi, c));
        }
        if (spec.clipValue !== undefined) grad = grad.map((gi) => tf.clipByValue(gi, -spec.clipValue!, spec.clipValue!));
        const u = transform.update(grad, state as never, x, ops, { loss: NaN });
        const moved = x.map((xi, i) => tf.add(xi, u[i]!));
        const r = obj.valueAndGrad(moved, evalData());
        const gnNew = (ops.norm(r.grad) as Columns)[0]!;
        const ok = tf.logicalAnd(tf.logicalAnd(tf.isFinite(r.value), tf.isFinite(gnNew)), tf.lessEqual(r.value, limit));
        const wasAlive = tf.greater(alive, 0);
        const nowAlive = tf.logicalAnd(wasAlive, ok);
        // frozen runs keep their point, loss and gradient
        const keepNew = (a: Tensor, b: Tensor) => tf.where(wasAlive, a, b);
        const xNew = moved.map((m, i) => keepNew(m, x[i]!));
        const lossNew = keepNew(r.value, loss);
        const gNew = r.grad.map((gi, i) => keepNew(gi, g[i]!));
        const gnKept = keepNew(gnNew, gn);
        const stepIndex = tf.fill([B, 1], k + 1);
        const divNew = tf.where(tf.logicalAnd(wasAlive, tf.logicalNot(ok)), stepIndex, divergedAt);
        const tolNew = tf.where(tf.logicalAnd(tf.logicalAnd(tf.less(toTol, 0), nowAlive), tf.lessEqual(gnNew, tol)), stepIndex, toTol);
        return {
          xNew, lossNew, gNew, gnKept, aliveNew: tf.cast(nowAlive, "float32"), divNew, tolNew, batchLoss,
          stateTensors: tensorsIn(state, [], tf.Tensor),
        };
      });
      mb?.dispose();
      x = out.xNew;
      loss = out.lossNew;
      g = out.gNew;
      gn = out.gnKept;
      alive = out.aliveNew;
      divergedAt = out.divNew;
      toTol = out.tolNew;
      const live = new Set<Tensor>(out.stateTensors);
      tf.dispose(old.filter((t) => !live.has(t)));
      tf.dispose(oldState.filter((t) => !live.has(t)));
      snapshot(out.batchLoss);
      out.batchLoss?.dispose();
      if ((k + 1) % chunk === 0 || k + 1 === steps) {
        await flush();
        await spec.onChunk?.(k + 1);
        await engine.activate();
        if (spec.signal?.aborted) throw new DslError("aborted", `aborted after ${k + 1} of ${steps} steps`, { path: "signal" });
        if (spec.stopAtTol) {
          const done = tf.tidy(() => tf.min(tf.logicalOr(tf.greaterEqual(toTol, 0), tf.less(alive, 1))));
          const d = await engine.read(done);
          done.dispose();
          if (d[0]) {
            k++;
            break;
          }
        }
      }
    }
    await flush();
    const [fx, fl, fg, dv, st, l0] = await Promise.all([tf.tidy(() => tf.concat(x, 1)), loss, gn, divergedAt, toTol, loss0].map((t, i) => (i === 0 ? readDispose(engine, t) : engine.read(t))));
    const divergedAtArr = Int32Array.from(dv!);
    const result: BatchRunResult = {
      B, n, steps: k,
      finalX: Float64Array.from(fx!),
      finalLoss: Float64Array.from(fl!),
      finalGradNorm: Float64Array.from(fg!),
      diverged: Uint8Array.from(divergedAtArr, (v) => (v >= 0 ? 1 : 0)),
      divergedAt: divergedAtArr,
      stepsToTol: Int32Array.from(st!),
      loss0: Float64Array.from(l0!),
      time: performance.now() - t0,
      ...(rec ? { xs: rec.xs, losses: rec.losses, gradNorms: rec.gradNorms, ...(rec.batchLosses.length ? { batchLosses: rec.batchLosses } : {}) } : {}),
    };
    return result;
  } finally {
    tf.dispose([...x, loss, ...g, gn, alive, divergedAt, toTol, loss0, limit, ...tensorsIn(state, [], tf.Tensor), ...pending.flatMap(pendingTensors)]);
    train?.dispose();
  }
}

async function readDispose(engine: TfjsEngine, t: Tensor): Promise<Float32Array> {
  const d = await engine.read(t);
  t.dispose();
  return d;
}

/** The learning rate of each run at step k (for records), from the transform's `learningRate`. */
export function learningRates(transform: Transform, k: number, B: number): Float64Array {
  const lr = transform.learningRate;
  const out = new Float64Array(B).fill(NaN);
  const at = (h: number | ((step: number) => number)) => (typeof h === "number" ? h : h(k));
  if (lr === undefined) return out;
  if (typeof lr === "number" || typeof lr === "function") return out.fill(at(lr));
  lr.forEach((h, b) => (out[b] = at(h)));
  return out;
}
