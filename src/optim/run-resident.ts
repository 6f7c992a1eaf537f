/**
 * The runner's steps on a problem's own memory (resident steps, ./resident-step.ts): the start
 * and one step of `Runner` (./run.ts) when the problem runs the optimizer's update itself, with the
 * same record, clipping and stopping tests as the float64 path. A module of its own so that the
 * explorables' page bundle, whose problems never run resident steps, leaves it out
 * (scripts/bundle-explore.mjs swaps in src/explore/page-resident.ts).
 */
import type { Batcher } from "./data.js";
import type { RunRecord } from "./run-record.js";
import type { ResidentStepper } from "./resident-step.js";

/** What these steps read and write of a `Runner` (its fields, by name). */
export interface ResidentRun {
  readonly resident: ResidentStepper | null;
  readonly n: number;
  k: number;
  readonly x: Float64Array;
  readonly keepAll: boolean;
  readonly leafTiled: boolean;
  readonly rec: RunRecord;
  readonly lr: number | ((step: number) => number);
  readonly batcher: Batcher | null;
  currentRows: Int32Array | null;
  lastMove: number;
  lastChange: number;
  evaluations: number;
  readonly clipNorm: number | undefined;
  readonly clipValue: number | undefined;
  /** Records the new point and runs the stopping tests (`Runner.endStep`). */
  endStep(fNew: number, gn: number): void;
}

/** Loads the start into the problem and records point 0; returns its loss. */
export function startResident(run: ResidentRun): number {
  const r = run.resident!;
  const rec = run.rec;
  r.load(run.x);
  run.evaluations++;
  const loss = r.evaluate();
  if (run.keepAll) rec.xs.set(run.x, 0);
  rec.losses[0] = loss;
  rec.gradNorms[0] = residentNorms(run, 0);
  rec.length = 1;
  return loss;
}

/** |∇f| of the problem's current gradient, and each leaf's norm recorded at point `i`. */
function residentNorms(run: ResidentRun, i: number): number {
  const r = run.resident!;
  const lg = run.rec.leafGradNorms;
  let ss = 0;
  if (lg) {
    for (let l = 0; l < lg.leaves.length; l++) {
      const { offset, size } = lg.leaves[l]!;
      const q = r.squares(offset, size);
      lg.values[l]![i] = Math.sqrt(q);
      ss += q;
    }
  }
  if (!run.leafTiled) ss = r.squares(0, run.n);
  return Math.sqrt(ss);
}

/** `Runner.step` on the problem's memory: the same record, clipping (clipNorm) and stopping tests. */
export function stepResident(run: ResidentRun): void {
  const r = run.resident!;
  const { n, k, rec, clipNorm } = run;
  // clip_grad_norm_'s factor: from the mini-batch gradient, or from |∇f(x_k)| recorded at the last evaluation
  let c = 1;
  if (run.batcher) {
    const rows = (run.currentRows = run.batcher.rows(k));
    run.evaluations++;
    rec.batchLosses![k] = r.evaluateRows(rows);
    if (clipNorm !== undefined) c = Math.min(clipNorm / (Math.sqrt(r.squares(0, n)) + 1e-6), 1);
  } else if (clipNorm !== undefined) c = Math.min(clipNorm / (rec.gradNorms[k]! + 1e-6), 1);
  const lr = run.lr;
  rec.lrs[k] = typeof lr === "number" ? lr : lr(k);
  const flags = r.update(k, c, run.clipValue ?? Infinity);
  if (flags & 1) run.lastMove = k + 1;
  if (flags & 2) run.lastChange = k + 1;
  run.k = k + 1;
  if (run.keepAll) r.store(rec.xs.subarray((k + 1) * n, (k + 2) * n));
  run.evaluations++;
  const fNew = r.evaluate();
  run.endStep(fNew, residentNorms(run, k + 1));
}
