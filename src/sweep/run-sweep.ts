/**
 * Running a sweep: hyperparameter points × starts, on the backend the request resolves to.
 *
 * On a tfjs backend every group of configurations that shares an optimizer alias runs as one
 * tensor program (`runBatch`, or the fused kernel when the objective has no data and the backend
 * supports it); on the float64 engine the runs go one by one through src/optim's runner. Both
 * report the same `SweepResult`s: loss and gradient norm at the last point (or where the run
 * diverged), and the first step whose gradient norm was ≤ tol.
 *
 * With a `signal` the sweep stops when it is aborted (a kernel interrupt: dsl/sweep.ts passes the
 * running cell's signal): between runs on float64, between chunks of steps on tfjs, giving the
 * event loop a turn every ~20 ms so that the interrupt (a SIGINT handler) gets through at all.
 * It rejects with a DslError, code "aborted".
 */
import { resolveBackend, tensorEngine, type BackendChoice } from "../backends/index.js";
import { DslError, describe } from "../errors/index.js";
import { Batcher, runSync, type Transform } from "../optim/index.js";
import type { Problem } from "../problem/index.js";
import { isCompilable, runBatch, TensorObjective, type BatchRunResult } from "../tensor/index.js";
import { runFused, fusedSupport } from "../tensor/fused/index.js";
import { batchOptimizers } from "./batch-optimizers.js";
import { gridPoints, randomPoints, startPoints, type HyperPoint, type RandomRange } from "./configs.js";
import { Sweep, type SweepColumns } from "./sweep-result.js";

/** What to sweep (see dsl/sweep.ts for the user-facing documentation). */
export interface SweepSpec {
  optimizer: ((h: HyperPoint) => unknown) | Transform;
  grid?: Record<string, readonly unknown[]>;
  random?: Record<string, RandomRange>;
  samples?: number;
  from?: unknown;
  starts?: unknown;
  steps?: number;
  tol?: number;
  divergenceFactor?: number;
  clipNorm?: number;
  clipValue?: number;
  batchSize?: number;
  seed?: number;
  backend?: BackendChoice;
  /** "auto" (default): fused kernels where they apply; "ops": always one tfjs op per primitive. */
  engine?: "auto" | "fused" | "ops";
  /** Stops the sweep (checked between runs / chunks of steps); rejects with a DslError, code "aborted". */
  signal?: AbortSignal;
}

/** How long a sweep with a signal works between turns of the event loop. */
const YIELD_MS = 20;

/**
 * Between units of work: gives the event loop a turn when `YIELD_MS` passed since the last (so a
 * SIGINT handler can abort the signal), then throws when the signal is aborted. No signal: free.
 */
function checkpoints(signal: AbortSignal | undefined, who: string): (where: () => string) => Promise<void> {
  let last = performance.now();
  return async (where) => {
    if (!signal) return;
    if (performance.now() - last >= YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
    }
    if (signal.aborted) throw new DslError("aborted", `${who}: aborted ${where()}`, { path: who });
  };
}

/** Default gradient-norm tolerance of `stepsToTol` (float32 gradients are noisy below ~1e-5). */
export const SWEEP_TOL = 1e-4;

/**
 * Runs the sweep (validation of option types happens in dsl/sweep.ts). When it is aborted, the
 * error (a DslError, code "aborted") carries `result`: a `Sweep` of the hyperparameter points
 * whose runs all finished (without `grid`, so no heatmap of a partial grid).
 */
export async function runSweep(problem: Problem, spec: SweepSpec, who = "sweep"): Promise<Sweep> {
  const partial: { sweep?: () => Sweep } = {};
  try {
    return await sweepRuns(problem, spec, who, partial);
  } catch (e) {
    if (e instanceof DslError && e.code === "aborted" && partial.sweep) Object.assign(e, { result: partial.sweep() });
    throw e;
  }
}

async function sweepRuns(problem: Problem, spec: SweepSpec, who: string, partial: { sweep?: () => Sweep }): Promise<Sweep> {
  const t0 = performance.now();
  const points: HyperPoint[] = spec.grid ? gridPoints(spec.grid as Record<string, unknown[]>, who) : spec.random ? randomPoints(spec.random, spec.samples ?? 20, spec.seed ?? 0, who) : [{}];
  if (spec.grid && spec.random) throw new DslError("bad-option", `${who}: give grid or random, not both`, { path: `${who}.random` });
  const starts = startPoints(problem.names, spec.from, spec.starts, who);
  const S = starts.points.length;
  const B = points.length * S;
  const steps = spec.steps ?? 100;
  const tol = spec.tol ?? SWEEP_TOL;
  const make = typeof spec.optimizer === "function" ? (spec.optimizer as (h: HyperPoint) => unknown) : () => spec.optimizer;
  const n = problem.n;
  // the run options both engines take, where given
  const limits = {
    ...(spec.clipNorm !== undefined ? { clipNorm: spec.clipNorm } : {}),
    ...(spec.clipValue !== undefined ? { clipValue: spec.clipValue } : {}),
    ...(spec.divergenceFactor !== undefined ? { divergenceFactor: spec.divergenceFactor } : {}),
  };
  const work = problem.data ? { runs: B, n, samples: spec.batchSize ?? problem.data.samples } : { runs: B, n };
  const { name: backend, why } = await resolveBackend(spec.backend, work);
  const cols: SweepColumns = {
    points, starts: starts.points,
    finalLoss: new Float64Array(B), finalGradNorm: new Float64Array(B),
    divergedAt: new Int32Array(B).fill(-1), stepsToTol: new Int32Array(B).fill(-1), x: new Float64Array(B * n),
  };
  const keys = Object.keys(spec.grid ?? spec.random ?? {});
  const baseInfo = {
    backend, why, steps, tol, keys, points: points.length, starts: S, names: problem.names,
    ...(spec.grid ? { grid: Object.fromEntries(Object.entries(spec.grid).map(([k, v]) => [k, [...v]])) } : {}),
    ...(starts.grid ? { startGrid: starts.grid } : {}),
  };
  let engineLabel = "float64 loops";
  let label = "";
  const done = new Uint8Array(B);
  partial.sweep = () => partialSweep(cols, done, S, { ...baseInfo, engine: engineLabel, optimizer: label, time: performance.now() - t0 });
  const checkpoint = checkpoints(spec.signal, who);
  await checkpoint(() => "before the first run");

  if (backend === "float64") {
    for (let p = 0; p < points.length; p++) {
      const t = make(points[p]!) as Transform;
      if (!t || typeof t !== "object" || typeof t.update !== "function") throw new DslError("bad-optimizer", `${who}: optimizer(h) must return an optimizer, got ${describe(t)}`, { path: `${who}.optimizer` });
      if (p === 0) label = describeT(t);
      for (let s = 0; s < S; s++) {
        await checkpoint(() => `after ${p * S + s} of ${B} runs`);
        const run = runSync(problem, t, {
          // a sweep reads each run's final point and gradient norms: no trajectory to keep
          from: starts.points[s]!, steps, ...limits, trajectory: "final",
          ...(spec.batchSize !== undefined ? { batchSize: spec.batchSize } : {}),
          ...(spec.seed !== undefined ? { seed: spec.seed } : {}),
        }, who);
        const r = p * S + s;
        cols.finalLoss[r] = run.loss;
        cols.finalGradNorm[r] = run.gradNorm;
        cols.x.set(run.x, r * n);
        cols.divergedAt[r] = run.status === "diverged" ? run.steps : -1;
        cols.stepsToTol[r] = run.gradNorms.findIndex((g) => g <= tol);
        done[r] = 1;
      }
    }
  } else {
    const target = symbolicOf(problem);
    if (!target) {
      throw new DslError("backend-capability", `${who}: backend "${backend}" compiles symbolic objectives (objective("...")); a hand-written { f, grad } runs on backend "float64"`, { path: `${who}.backend` });
    }
    const engine = await tensorEngine(backend);
    const groups = batchOptimizers(make, points, S, who);
    label = groups[0]!.label;
    const fused: { ok: true; label: string } | { ok: false; reason: string } = spec.engine === "ops" ? { ok: false, reason: "engine \"ops\" was asked for" } : fusedSupport(engine, target, spec);
    if (spec.engine === "fused" && !fused.ok) throw new DslError("backend-capability", `${who}: the fused engine does not apply: ${fused.reason}`, { path: `${who}.engine` });
    engineLabel = fused.ok ? fused.label : "tfjs ops";
    const obj = new TensorObjective(engine, target);
    // the same seeded mini-batches for every group (rows(k) depends on k only)
    const data = problem.data;
    const batcher = !fused.ok && data && spec.batchSize !== undefined && spec.batchSize < data.samples
      ? new Batcher(Int32Array.from({ length: data.samples }, (_, i) => i), spec.batchSize, spec.seed ?? 0)
      : undefined;
    let runsDone = 0;
    try {
      for (const g of groups) {
        const startRows = new Float64Array(g.runs.length * n);
        g.runs.forEach((r, i) => startRows.set(starts.points[r % S]!, i * n));
        const common = {
          engine, objective: obj, transform: g.transform, starts: startRows, B: g.runs.length, steps, tol, ...limits,
          ...(spec.signal ? { signal: spec.signal, onChunk: (k: number) => checkpoint(() => `after ${k} of ${steps} steps of runs ${runsDone + 1}–${runsDone + g.runs.length} (of ${B})`) } : {}),
        };
        await checkpoint(() => `after ${runsDone} of ${B} runs`);
        const res: BatchRunResult = fused.ok
          ? await runFused(common)
          : await runBatch({ ...common, ...(batcher ? { batchRows: (k: number) => batcher.rows(k) } : {}) });
        g.runs.forEach((r, i) => {
          cols.finalLoss[r] = res.finalLoss[i]!;
          cols.finalGradNorm[r] = res.finalGradNorm[i]!;
          cols.divergedAt[r] = res.divergedAt[i]!;
          cols.stepsToTol[r] = res.stepsToTol[i]!;
          cols.x.set(res.finalX.subarray(i * n, (i + 1) * n), r * n);
          done[r] = 1;
        });
        runsDone += g.runs.length;
      }
    } catch (e) {
      // the tensor runners' own abort ("aborted after k of N steps"), said in the sweep's terms
      if (e instanceof DslError && e.code === "aborted" && !e.message.startsWith(`${who}:`)) throw new DslError("aborted", `${who}: ${e.message} of runs ${runsDone + 1}… (of ${B})`, { path: who });
      throw e;
    } finally {
      obj.dispose();
    }
  }
  return new Sweep(cols, { ...baseInfo, engine: engineLabel, optimizer: label, time: performance.now() - t0 });
}

/** The points of a stopped sweep whose runs (every start) all finished, as a `Sweep`. */
function partialSweep(cols: SweepColumns, done: Uint8Array, S: number, info: ConstructorParameters<typeof Sweep>[1]): Sweep {
  const n = info.names.length;
  const keep = cols.points.map((_, p) => p).filter((p) => done.subarray(p * S, (p + 1) * S).every((d) => d === 1));
  const rows = keep.flatMap((p) => Array.from({ length: S }, (_, s) => p * S + s));
  const pick = <A extends Float64Array | Int32Array>(a: A, make: (len: number) => A): A => {
    const out = make(rows.length);
    rows.forEach((r, i) => (out[i] = a[r]!));
    return out;
  };
  const x = new Float64Array(rows.length * n);
  rows.forEach((r, i) => x.set(cols.x.subarray(r * n, (r + 1) * n), i * n));
  const { grid: _grid, ...rest } = info;
  return new Sweep(
    {
      points: keep.map((p) => cols.points[p]!), starts: cols.starts,
      finalLoss: pick(cols.finalLoss, (l) => new Float64Array(l)), finalGradNorm: pick(cols.finalGradNorm, (l) => new Float64Array(l)),
      divergedAt: pick(cols.divergedAt, (l) => new Int32Array(l)), stepsToTol: pick(cols.stepsToTol, (l) => new Int32Array(l)), x,
    },
    { ...rest, points: keep.length },
  );
}

function describeT(t: Transform): string {
  const o = t as { describe?: () => string; name?: string };
  return typeof o.describe === "function" ? o.describe() : (o.name ?? "custom transform");
}

/** The symbolic problem behind a DSL objective (its public `problem`), or the problem itself, if any. */
export function symbolicOf(p: unknown): ReturnType<typeof asCompilable> {
  return asCompilable(p) ?? asCompilable((p as { problem?: unknown } | null)?.problem);
}

function asCompilable(p: unknown) {
  return isCompilable(p) ? p : undefined;
}
