/**
 * `optimize` on a TensorFlow.js backend: one run of an optimizer on a symbolic objective, with
 * the float64 runner's semantics (src/optim/run.ts: steps or epochs, mini-batches with the same
 * seeded shuffles, validation split, early stopping, clipping, tolerance, divergence), returning
 * the same `Run` record. Everything is float32 on the device; the trajectory is read back in
 * chunks (one readback per 50 steps, not per step, which matters on WebGPU).
 *
 * Stopping early (tol, divergence, early stopping) is exact: the run is computed up to the end of
 * the chunk in which it stopped and the record is cut at the stopping step, which is what a run
 * that stopped there would have recorded.
 */
import type { TfjsEngine } from "../backends/index.js";
import { DslError } from "../errors/index.js";
import { Batcher, DEFAULT_STATUS_TOL, Run, fmtTol, keepFinalOnly, runOutcome, splitRows, type Optimizer, type RunOptions, type RunRecord, type StopReason, type Transform } from "../optim/index.js";
import { learningRates, runBatch } from "./batch-run.js";
import { fusedSupport, runFused } from "./fused/index.js";
import { TensorObjective, type CompilableProblem } from "./objective.js";

const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
};

/** How long a run with a signal works between turns of the event loop. */
const YIELD_MS = 20;

/**
 * A chunk callback that gives the event loop a turn (a macrotask) when `YIELD_MS` passed since
 * the last: the tensor loops are synchronous between chunks on wasm and cpu (their awaits resolve
 * at once), so without it a kernel's SIGINT handler could not run and abort the signal until the
 * whole run had finished.
 */
function eventLoopTurns(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < YIELD_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}

/**
 * Runs `transform` on `problem` on `engine`, from `x0`. `opts` are `optimize`'s run options
 * (checked by the caller).
 *
 * @example
 * const run = await optimizeOnTensors(await tensorEngine("wasm"), objective.problem, adam({ lr: 0.01 }), start, { steps: 150 });
 */
export async function optimizeOnTensors(engine: TfjsEngine, problem: CompilableProblem, transform: Transform, x0: Float64Array, opts: Omit<RunOptions, "from"> & { signal?: AbortSignal }, who = "optimize"): Promise<Run> {
  const t0 = performance.now();
  const n = problem.n;
  const data = "samples" in problem && problem.data ? problem : undefined;
  const batched = opts.batchSize !== undefined || !!opts.validation || opts.epochs !== undefined;
  if (batched && !data) {
    const key = opts.batchSize !== undefined ? "batchSize" : opts.validation ? "validation" : "epochs";
    throw new DslError("not-data-backed", `${who}: ${key} needs a data-backed objective (objective(summand, { params, data })); this one has no data rows`, { path: `${who}.${key}` });
  }
  if ((opts.clipNorm !== undefined || opts.clipValue !== undefined) && (transform as Optimizer).name === "lbfgs") {
    throw new DslError("bad-option", `${who}: clipNorm/clipValue do not apply to lbfgs, which evaluates the gradient itself inside its step`, { path: `${who}.clipNorm` });
  }
  // data: the float64 runner's split and batches
  let trainRows: Int32Array | null = null;
  let valRows: Int32Array | null = null;
  let batcher: Batcher | undefined;
  let bpe = 1;
  if (data) {
    const seed = opts.seed ?? 0;
    const { train, validation } = splitRows(data.samples, opts.validation ?? 0, seed);
    if (train.length === 0) throw new DslError("bad-option", `${who}: the validation split leaves no training rows`, { path: `${who}.validation` });
    if (validation.length) {
      valRows = validation;
      trainRows = train;
    }
    if (opts.batchSize !== undefined && opts.batchSize < train.length) {
      batcher = new Batcher(train, opts.batchSize, seed, opts.shuffle ?? true, opts.dropLast ?? false);
      bpe = batcher.batchesPerEpoch;
    }
  }
  const steps = opts.epochs !== undefined ? opts.epochs * bpe : (opts.steps ?? 100);
  const objective = new TensorObjective(engine, problem);
  try {
    const tol = opts.tol;
    const common = {
      engine, objective, transform, starts: x0, B: 1, steps, record: true,
      ...(tol !== undefined ? { tol, stopAtTol: true } : {}),
      ...(opts.clipNorm !== undefined ? { clipNorm: opts.clipNorm } : {}),
      ...(opts.clipValue !== undefined ? { clipValue: opts.clipValue } : {}),
      ...(opts.divergenceFactor !== undefined ? { divergenceFactor: opts.divergenceFactor } : {}),
      ...(opts.signal ? { signal: opts.signal, onChunk: eventLoopTurns() } : {}),
    };
    // objectives without data run as one generated kernel per step on wasm and webgpu
    const res = fusedSupport(engine, problem, opts).ok
      ? await runFused(common)
      : await runBatch({ ...common, ...(batcher ? { batchRows: (k: number) => batcher!.rows(k).slice() } : {}), trainRows });
    // where the float64 runner would have stopped
    let end = res.xs!.length - 1;
    let reason: StopReason = "max-steps";
    let message = "";
    const div = res.divergedAt[0]!;
    const hit = res.stepsToTol[0]!;
    if (div >= 0 && div <= end) {
      end = div;
      reason = "diverged";
      const l = res.losses![div]![0]!;
      message = div === 0
        ? `the objective is not finite at the start: loss ${fmt(l)}, |∇f| ${fmt(res.gradNorms![0]![0]!)}`
        : `diverged at step ${div}: loss ${fmt(l)}, |∇f| ${fmt(res.gradNorms![div]![0]!)} (started at loss ${fmt(res.losses![0]![0]!)}). Try a smaller lr or clipNorm`;
    } else if (tol !== undefined && hit >= 0 && hit <= end) {
      end = hit;
      reason = "tol";
      message = hit === 0 ? `converged at the start: |∇f| = ${fmt(res.gradNorms![0]![0]!)} ≤ tol ${fmtTol(tol)}` : `converged at step ${hit}: |∇f| = ${fmt(res.gradNorms![hit]![0]!)} ≤ tol ${fmtTol(tol)}`;
    }
    // validation losses after each epoch, and early stopping
    const valLosses: number[] = [];
    const valSteps: number[] = [];
    let best: Run["best"];
    if (valRows) {
      const epochs = Math.floor(end / bpe);
      const points = Array.from({ length: epochs + 1 }, (_, e) => res.xs![e * bpe]!);
      const losses = await valueAt(engine, objective, points, valRows);
      let bestVal = Infinity;
      let sinceBest = 0;
      const minDelta = opts.minDelta ?? 0;
      for (let e = 0; e <= epochs; e++) {
        const v = losses[e]!;
        valLosses.push(v);
        valSteps.push(e * bpe);
        if (v < bestVal - minDelta || e === 0) {
          if (v < bestVal) {
            bestVal = v;
            best = { epoch: e, step: e * bpe, valLoss: v, x: Array.from(points[e]!) };
          }
          sinceBest = 0;
        } else if (opts.patience !== undefined && ++sinceBest >= opts.patience && e * bpe <= end) {
          end = e * bpe;
          reason = "early-stopping";
          message = `early stopping after epoch ${e}: the validation loss did not improve by more than ${minDelta} for ${opts.patience} epochs (best ${fmt(bestVal)} after epoch ${best?.epoch ?? 0}; run.best.x has that point)`;
          valLosses.length = e + 1;
          valSteps.length = e + 1;
          break;
        }
      }
    }
    const rec: RunRecord = {
      n, names: problem.names, steps, length: end + 1,
      xs: new Float64Array((end + 1) * n),
      losses: Float64Array.from({ length: end + 1 }, (_, k) => res.losses![k]![0]!),
      gradNorms: Float64Array.from({ length: end + 1 }, (_, k) => res.gradNorms![k]![0]!),
      lrs: Float64Array.from({ length: end }, (_, k) => learningRates(transform, k, 1)[0]!),
      batchLosses: batcher ? Float64Array.from({ length: end }, (_, k) => res.batchLosses![k]![0]!) : null,
      valLosses: valRows ? valLosses : null,
      valSteps: valRows ? valSteps : null,
      batchesPerEpoch: bpe,
      // as the float64 runner (torch's func_evals): at the step budget the last point's
      // evaluation only records the final loss and is not counted
      evaluations: (batcher ? 2 : 1) * end + (reason === "max-steps" && !batcher ? 0 : 1),
    };
    for (let k = 0; k <= end; k++) rec.xs.set(res.xs![k]!, k * n);
    if (opts.trajectory === "final") keepFinalOnly(rec); // the run option: keep the start and the final point only
    const name = opts.name ?? (transform as Optimizer).name ?? "custom";
    const run = new Run(rec, {
      name,
      optimizer: typeof (transform as Optimizer).describe === "function" ? (transform as Optimizer).describe() : name,
      hyperparameters: (transform as Optimizer).options ?? {},
    });
    if (best) run.best = best;
    const last = rec.gradNorms[end]!;
    // status and message from the float64 runner's one function (src/optim/run-diagnostics.ts)
    const out = runOutcome({ reason, steps: end, message, g0: rec.gradNorms[0]!, last, tol: tol ?? DEFAULT_STATUS_TOL, tolGiven: tol !== undefined });
    run.finish(out.status, reason, `${out.message} [${engine.name}, float32]`, [], performance.now() - t0);
    return run;
  } catch (e) {
    // the runners say "aborted after k of n steps"; say whose run it was
    if (e instanceof DslError && e.code === "aborted" && !e.message.startsWith(`${who}:`)) throw new DslError("aborted", `${who}: ${e.message}`, { path: who });
    throw e;
  } finally {
    objective.dispose();
  }
}

/** The loss over `rows` at each point (one evaluation, points batched as runs). */
async function valueAt(engine: TfjsEngine, objective: TensorObjective, points: readonly Float64Array[], rows: Int32Array): Promise<number[]> {
  const tf = engine.tf;
  const n = objective.n;
  const flat = new Float32Array(points.length * n);
  points.forEach((p, i) => flat.set(p, i * n));
  const batch = objective.batch(rows);
  const v = tf.tidy(() => {
    const X = tf.tensor2d(flat, [points.length, n]);
    return objective.value(n === 1 ? [X] : tf.split(X, n, 1), batch);
  });
  batch.dispose();
  const d = await engine.read(v);
  v.dispose();
  return Array.from(d);
}
