/**
 * A network's training run on a TensorFlow.js backend (float32): the same network, loss and
 * optimizer transform as the float64 engine, with tf ops for the layers, `tf.valueAndGrad` for
 * the gradient and the transform running on `Ops<Tensor>`; the same step semantics as the
 * float64 runner (src/optim/run.ts): the gradient at x_k (of the mini-batch from the same seeded
 * `Batcher`, or the full batch), `clipNorm` then `clipValue`, x_{k+1} = x_k + u, then the loss
 * and gradient over the training rows at x_{k+1} are recorded.
 *
 * Memory: every step runs in `tf.tidy`; the parameters, the last gradient and the optimizer
 * state are kept and the previous ones disposed; snapshots are read back every 50 steps. A run
 * leaves no tensors behind (`tf.memory().numTensors` is unchanged), also when it throws.
 */
import type { Tensor, TF, TfjsEngine } from "../backends/index.js";
import { DslError } from "../errors/index.js";
import { Batcher, DEFAULT_STATUS_TOL, Run, keepFinalOnly, runOutcome, type Optimizer, type RunOptions, type RunRecord, type StopReason, type Transform } from "../optim/index.js";
import type { Activation } from "./activations.js";
import type { LossKind } from "./losses.js";
import type { NetData } from "./loss-problem.js";
import type { NetSpec } from "./net.js";

/** The options a tfjs network run takes (validation splits and early stopping are float64 only). */
export type NetTensorOptions = Omit<RunOptions, "from"> & { signal?: AbortSignal };

function tensorsIn(v: unknown, out: Tensor[], T: Function): Tensor[] {
  if (v instanceof T) out.push(v as Tensor);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, out, T);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) tensorsIn(x, out, T);
  return out;
}

function act(tf: TF, a: Activation, z: Tensor): Tensor {
  switch (a) {
    case "identity": return z;
    case "tanh": return tf.tanh(z);
    case "relu": return tf.relu(z);
    case "sigmoid": return tf.sigmoid(z);
    case "softplus": return tf.where(tf.greater(z, 20), z, tf.softplus(z));
    case "gelu": return tf.mul(tf.mul(z, 0.5), tf.add(tf.erf(tf.mul(z, Math.SQRT1_2)), 1));
  }
}

/** f'(Z) from Z and H = f(Z). */
function actSlope(tf: TF, a: Activation, z: Tensor, h: Tensor): Tensor | null {
  switch (a) {
    case "identity": return null;
    case "tanh": return tf.sub(1, tf.square(h));
    case "relu": return tf.cast(tf.greater(z, 0), "float32");
    case "sigmoid": return tf.mul(h, tf.sub(1, h));
    case "softplus": return tf.where(tf.greater(z, 20), tf.onesLike(z), tf.sigmoid(z));
    case "gelu": {
      const cdf = tf.mul(tf.add(tf.erf(tf.mul(z, Math.SQRT1_2)), 1), 0.5);
      return tf.add(cdf, tf.mul(z, tf.mul(tf.exp(tf.mul(tf.square(z), -0.5)), 0.3989422804014327)));
    }
  }
}

/** Data rows on the backend, in both orientations (the layers work on transposed activations). */
export interface NetBatch {
  /** Inputs [S, in]. */
  X: Tensor;
  /** Inputs transposed [in, S]. */
  XT: Tensor;
  /** Targets transposed [K, S] (one-hot columns for cross-entropy). */
  YT: Tensor;
  S: number;
}

/**
 * Loss and gradient of the network at flat params p [1, n] over a batch (inside a tidy), by a
 * hand-written reverse pass on transposed activations: Hᵀ_l = f(W_l Hᵀ_{l−1} + b_l), so every
 * product is a plain matrix product with W as stored ([out, in]) — tfjs-wasm's products with a
 * transposed operand are 10–15× slower than plain ones — and the only transposes are of
 * activation-sized [S, width] tensors, never of weights.
 *
 * @returns the loss (a scalar) and the gradient [1, n] in the flat layout.
 */
export function netValueAndGrad(tf: TF, net: NetSpec, kind: LossKind, p: Tensor, batch: NetBatch): { value: Tensor; grad: Tensor; leafNorms: () => Tensor } {
  const Ls = net.layers;
  const Ws = Ls.map((L) => tf.reshape(tf.slice(p, [0, L.wOffset], [1, L.out * L.in]), [L.out, L.in]));
  const bs = Ls.map((L) => tf.reshape(tf.slice(p, [0, L.bOffset], [1, L.out]), [L.out, 1]));
  const HT: Tensor[] = [batch.XT];
  const ZT: Tensor[] = [];
  Ls.forEach((L, l) => {
    const z = tf.add(tf.matMul(Ws[l]!, HT[l]!), bs[l]!);
    ZT.push(z);
    HT.push(act(tf, L.activation, z));
  });
  const OT = HT[Ls.length]!;
  const { YT, S } = batch;
  const K = net.outputs;
  let value: Tensor;
  let dOT: Tensor;
  switch (kind) {
    case "mse": {
      const d = tf.sub(OT, YT);
      value = tf.mean(tf.square(d));
      dOT = tf.mul(d, 2 / (S * K));
      break;
    }
    case "cross-entropy": {
      const lse = tf.logSumExp(OT, 0, true);
      value = tf.mean(tf.sub(lse, tf.sum(tf.mul(OT, YT), 0, true)));
      dOT = tf.mul(tf.sub(tf.exp(tf.sub(OT, lse)), YT), 1 / S);
      break;
    }
    case "bce": {
      value = tf.mean(tf.add(tf.sub(tf.relu(OT), tf.mul(OT, YT)), tf.log1p(tf.exp(tf.neg(tf.abs(OT))))));
      dOT = tf.mul(tf.sub(tf.sigmoid(OT), YT), 1 / (S * K));
      break;
    }
  }
  const parts: Tensor[] = new Array(2 * Ls.length);
  let dHT = dOT;
  for (let l = Ls.length - 1; l >= 0; l--) {
    const L = Ls[l]!;
    const slope = actSlope(tf, L.activation, ZT[l]!, HT[l + 1]!);
    const deltaT = slope ? tf.mul(dHT, slope) : dHT; // [out, S]
    const Hprev = l === 0 ? batch.X : tf.transpose(HT[l]!); // [S, in]
    parts[2 * l] = tf.reshape(tf.matMul(deltaT, Hprev), [1, L.out * L.in]);
    parts[2 * l + 1] = tf.reshape(tf.sum(deltaT, 1), [1, L.out]);
    if (l > 0) dHT = tf.transpose(tf.matMul(tf.transpose(deltaT), Ws[l]!)); // (Δ W)ᵀ: [in, S]
  }
  // the norms of the leaves from the parts themselves (no slices of the flat gradient): [1, leaves]
  const leafNorms = (): Tensor => tf.sqrt(tf.concat(parts.map((t) => tf.reshape(tf.sum(tf.square(t)), [1, 1])), 1));
  return { value, grad: tf.concat(parts, 1), leafNorms };
}

/** The rows of `X` and targets as a batch on the backend (caller disposes). */
function makeBatch(tf: TF, X: Tensor, YT: Tensor, rows: Tensor | null, S: number): NetBatch {
  if (!rows) return { X, XT: tf.transpose(X), YT, S };
  const Xb = tf.gather(X, rows);
  return { X: Xb, XT: tf.transpose(Xb), YT: tf.gather(YT, rows, 1), S };
}

/**
 * Runs `transform` on the network's loss on `engine` from `x0` (see the file comment).
 *
 * @example
 * const run = await runNetOnTensors(await tensorEngine("wasm"), net, "mse", data, adam({ lr: 0.01 }), x0, { steps: 100 });
 */
export async function runNetOnTensors(engine: TfjsEngine, net: NetSpec, kind: LossKind, data: NetData, transform: Transform, x0: Float64Array, opts: NetTensorOptions, who = "optimize"): Promise<Run> {
  const tf = engine.tf;
  if (transform.needs?.includes("float64") || transform.needs?.includes("problem")) {
    const name = (transform as { name?: string }).name ?? "this optimizer";
    throw new DslError("backend-capability", `${who}: ${name} runs on the float64 engine only (it evaluates the objective inside its step); use backend "float64"`, { path: `${who}.backend` });
  }
  for (const key of ["validation", "patience"] as const) {
    if (opts[key] !== undefined && opts[key] !== 0) throw new DslError("backend-capability", `${who}: ${key} on a network runs on backend "float64" or "wasm" (optlab's own engines), not on tfjs's "${engine.name}": this runner keeps the data and the iterates on the tfjs backend and has no validation split`, { path: `${who}.${key}` });
  }
  await engine.activate();
  const t0 = performance.now();
  const n = net.n;
  const S = data.samples;
  const K = net.outputs;
  const batcher = opts.batchSize !== undefined && opts.batchSize < S ? new Batcher(Int32Array.from({ length: S }, (_, i) => i), opts.batchSize, opts.seed ?? 0, opts.shuffle ?? true, opts.dropLast ?? false) : null;
  const bpe = batcher ? batcher.batchesPerEpoch : 1;
  const steps = opts.epochs !== undefined ? opts.epochs * bpe : (opts.steps ?? 100);
  if ((steps + 1) * n > 2 ** 28) {
    throw new DslError("bad-option", `${who}: ${steps} steps of ${n} parameters would record ${((steps + 1) * n * 8 / 2 ** 30).toPrecision(3)} GiB of iterates; a run records at most 2^28 values ((steps + 1) × parameters): take fewer steps`, { path: `${who}.steps` });
  }
  const leaves = net.leaves;
  const width = 3 + leaves.length; // loss, |g|, batch loss, per-leaf |g|

  const targets = (): Float32Array => {
    if (data.Y.kind === "real") return Float32Array.from(data.Y.values);
    const oh = new Float32Array(S * K);
    data.Y.classes.forEach((c, s) => (oh[s * K + c] = 1));
    return oh;
  };
  const X = tf.tensor2d(Float32Array.from(data.X), [S, net.inputs]);
  const YT = tf.tidy(() => tf.transpose(tf.tensor2d(targets(), [S, K])));
  const fullBatch = makeBatch(tf, X, YT, null, S);
  const full = (p: Tensor) => netValueAndGrad(tf, net, kind, p, fullBatch);
  const ops = engine.ops;
  // sqrt(sum(square)), not tf.norm: tf.norm is ~25× slower on tfjs-wasm
  const l2 = (t: Tensor): Tensor => tf.reshape(tf.sqrt(tf.sum(tf.square(t))), [1, 1]);
  /** [loss, |g|, batch loss, |g_leaf|...] of one point: |g| from the leaves' norms. */
  const stats = (r: { value: Tensor; leafNorms: () => Tensor }, batchLoss: Tensor): Tensor => {
    const ln = r.leafNorms();
    return tf.concat([tf.reshape(r.value, [1, 1]), l2(ln), batchLoss, ln], 1);
  };

  // Recorded points: the iterates themselves are kept (no copy per step) with a small stats
  // row, and read back every 50 steps straight into the run's float64 trajectory.
  const xs = new Float64Array((steps + 1) * n);
  const statRows: Float32Array[] = [];
  let x: Tensor = tf.tensor2d(Float32Array.from(x0), [1, n]);
  let state: unknown;
  let g: Tensor | undefined;
  const pending: { x: Tensor; s: Tensor }[] = [];
  let recorded = 0;
  try {
    tf.tidy(() => {
      state = transform.init(x, ops);
      return tensorsIn(state, [], tf.Tensor);
    });
    const first = tf.tidy(() => {
      const r = full(x);
      return { g: r.grad, s: stats(r, tf.fill([1, 1], NaN)) };
    });
    g = first.g;
    pending.push({ x, s: first.s });
    const flush = async () => {
      if (!pending.length) return;
      const all = tf.tidy(() => tf.concat(pending.map((p) => tf.reshape(p.s, [-1]))));
      const d = await engine.read(all);
      tf.dispose(all);
      const live = new Set<Tensor>([x, ...tensorsIn(state, [], tf.Tensor)]);
      for (let i = 0; i < pending.length; i++) {
        statRows.push(d.subarray(i * width, (i + 1) * width));
        xs.set(await engine.read(pending[i]!.x), recorded * n);
        recorded++;
        tf.dispose(pending[i]!.s);
        if (!live.has(pending[i]!.x)) tf.dispose(pending[i]!.x);
      }
      pending.length = 0;
    };
    for (let k = 0; k < steps; k++) {
      const oldState = tensorsIn(state, [], tf.Tensor);
      const batchRows = batcher ? tf.tensor1d(Int32Array.from(batcher.rows(k)), "int32") : null;
      const out = tf.tidy(() => {
        let grad = g!;
        let batchLoss: Tensor = tf.fill([1, 1], NaN);
        if (batchRows) {
          const r = netValueAndGrad(tf, net, kind, x, makeBatch(tf, X, YT, batchRows, batchRows.shape[0]!));
          grad = r.grad;
          batchLoss = tf.reshape(r.value, [1, 1]);
        }
        if (opts.clipNorm !== undefined) grad = tf.mul(grad, tf.minimum(tf.div(opts.clipNorm, tf.add(l2(grad), 1e-6)), 1));
        if (opts.clipValue !== undefined) grad = tf.clipByValue(grad, -opts.clipValue, opts.clipValue);
        const u = transform.update(grad, state as never, x, ops, { loss: NaN });
        const xNew = tf.add(x, u);
        const r = full(xNew);
        return { xNew, g: r.grad, s: stats(r, batchLoss), stateTensors: tensorsIn(state, [], tf.Tensor) };
      });
      batchRows?.dispose();
      const live = new Set<Tensor>(out.stateTensors);
      if (!live.has(g!)) tf.dispose(g!);
      // the old x stays in `pending` until it is read back (or was read back by the last flush)
      const inPending = (t: Tensor): boolean => pending.some((p) => p.x === t);
      tf.dispose(oldState.filter((t) => !live.has(t) && !inPending(t) && t !== x));
      if (!live.has(x) && !inPending(x)) tf.dispose(x);
      x = out.xNew;
      g = out.g;
      pending.push({ x, s: out.s });
      if ((k + 1) % 50 === 0 || k + 1 === steps) {
        await flush();
        await engine.activate();
        if (opts.signal?.aborted) throw new DslError("aborted", `${who}: aborted after ${k + 1} of ${steps} steps`, { path: who });
        if (statRows.some((r) => !Number.isFinite(r[0]!) || !Number.isFinite(r[1]!)) || (opts.tol !== undefined && statRows.some((r) => r[1]! <= opts.tol!))) break;
      }
    }
    await flush();
    return record(xs, statRows, { n, steps, bpe, batched: !!batcher, names: net.names, leaves, transform, opts, t0, engine: engine.name });
  } finally {
    const held = new Set<Tensor>([X, YT, fullBatch.XT, x, ...(g ? [g] : []), ...tensorsIn(state, [], tf.Tensor)]);
    for (const p of pending) { held.add(p.x); held.add(p.s); }
    tf.dispose([...held].filter((t) => !t.isDisposed));
  }
}

interface RecordSpec {
  n: number;
  steps: number;
  bpe: number;
  batched: boolean;
  names: readonly string[];
  leaves: readonly { path: string; offset: number; size: number }[];
  transform: Transform;
  opts: NetTensorOptions;
  t0: number;
  engine: string;
}

/** The recorded points as a `Run`, cut where the float64 runner would have stopped (divergence, tol). */
function record(xs: Float64Array, rows: Float32Array[], s: RecordSpec): Run {
  const { n, transform, opts } = s;
  let end = rows.length - 1;
  let reason: StopReason = "max-steps";
  let message = "";
  for (let k = 0; k < rows.length; k++) {
    const l = rows[k]![0]!, gn = rows[k]![1]!;
    if (!Number.isFinite(l) || !Number.isFinite(gn)) { end = k; reason = "diverged"; message = `diverged at step ${k}: loss ${l}, |∇f| ${gn}`; break; }
    if (opts.tol !== undefined && gn <= opts.tol) { end = k; reason = "tol"; message = `converged at step ${k}: |∇f| = ${gn.toPrecision(3)} ≤ tol ${opts.tol}`; break; }
  }
  const lr = transform.learningRate;
  const rec: RunRecord = {
    n, names: s.names, steps: s.steps, length: end + 1,
    xs: (end + 1) * n === xs.length ? xs : xs.slice(0, (end + 1) * n),
    losses: Float64Array.from({ length: end + 1 }, (_, k) => rows[k]![0]!),
    gradNorms: Float64Array.from({ length: end + 1 }, (_, k) => rows[k]![1]!),
    lrs: Float64Array.from({ length: end }, (_, k) => (typeof lr === "number" ? lr : typeof lr === "function" ? lr(k) : NaN)),
    batchLosses: s.batched ? Float64Array.from({ length: end }, (_, k) => rows[k + 1]![2]!) : null,
    valLosses: null,
    valSteps: null,
    batchesPerEpoch: s.bpe,
    evaluations: (s.batched ? 2 : 1) * end + 1,
    leafGradNorms: { leaves: s.leaves, values: s.leaves.map((_, i) => Float64Array.from({ length: end + 1 }, (_, k) => rows[k]![3 + i]!)) },
  };
  if (opts.trajectory === "final") keepFinalOnly(rec); // the run option: keep the start and the final point only
  const name = opts.name ?? (transform as Optimizer).name ?? "custom";
  const run = new Run(rec, {
    name,
    optimizer: typeof (transform as Optimizer).describe === "function" ? (transform as Optimizer).describe() : name,
    hyperparameters: (transform as Optimizer).options ?? {},
  });
  const last = rec.gradNorms[end]!;
  // status and message from the float64 runner's one function (src/optim/run-diagnostics.ts)
  const out = runOutcome({ reason, steps: end, message, g0: rec.gradNorms[0]!, last, tol: opts.tol ?? DEFAULT_STATUS_TOL, tolGiven: opts.tol !== undefined });
  run.finish(out.status, reason, `${out.message} [${s.engine}, float32]`, [], performance.now() - s.t0);
  return run;
}
