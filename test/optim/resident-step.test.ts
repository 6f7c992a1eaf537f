/**
 * The runner's resident steps (src/optim/resident-step.ts), independent of any engine: a problem
 * whose stepper runs gradient descent on float64 buffers of its own, with the float64 runner's
 * arithmetic, must give the float64 path's record bit for bit (losses, per-leaf norms, lrs, status,
 * message, evaluations, points, convergedAt; |∇f| to the last bit or two: its sum runs leaf by
 * leaf) with every record option, and the runs the
 * hook must not take (a transform of the user's own) must not ask.
 */
import { describe, expect, test } from "vitest";
import { gd, sgd } from "../../dsl/index.js";
import { chain, residentStepperOf, runAsync, runSync, scaleByLearningRate, type ResidentStepper, type Run, type RunOptions, type Transform } from "../../src/optim/index.js";
import type { DataProblem, Problem } from "../../src/problem/index.js";

/** f(x) = mean over rows r of ½ Σ_i a_i (x_i − c_r)², over 6 data rows, 5 parameters in two leaves. */
const A = [1, 2, 0.5, 3, 1.5];
const C = [0.1, -0.2, 0.3, 0.05, -0.1, 0.2];
function valueAndGrad(x: Float64Array, g: Float64Array | null, rows: Int32Array | null): number {
  const rs = rows ? Array.from(rows) : C.map((_, i) => i);
  let f = 0;
  if (g) g.fill(0);
  for (const r of rs) {
    for (let i = 0; i < A.length; i++) {
      const d = x[i]! - C[r]!;
      f += 0.5 * A[i]! * d * d;
      if (g) g[i] = g[i]! + A[i]! * d / rs.length;
    }
  }
  return f / rs.length;
}

class Plain implements Problem {
  readonly n = A.length;
  readonly names = A.map((_, i) => `x${i}`);
  readonly layout = { leaves: [{ path: "a", offset: 0, size: 3 }, { path: "b", offset: 3, size: 2 }] };
  readonly data: DataProblem = {
    samples: C.length,
    reduce: "mean",
    batchValueAt: (x, rows) => valueAndGrad(x, null, rows),
    batchValueAndGradInto: (x, g, rows) => valueAndGrad(x, g, rows),
    sampleGradsInto: () => { throw new Error("unused"); },
  };
  valueAt(x: Float64Array): number { return valueAndGrad(x, null, null); }
  valueAndGradInto(x: Float64Array, g: Float64Array): number { return valueAndGrad(x, g, null); }
}

/** A stepper of gd / sgd without momentum: x ← x + (−η)·(c·g), in the runner's float64 order. */
class GdStepper implements ResidentStepper {
  readonly x = new Float64Array(A.length);
  readonly g = new Float64Array(A.length);
  constructor(private readonly lr: number, private readonly log: string[], private readonly rows: Int32Array | null) {}
  load(x: Float64Array): void { this.x.set(x); this.log.push("load"); }
  evaluate(): number { return valueAndGrad(this.x, this.g, this.rows); }
  evaluateRows(rows: Int32Array): number { return valueAndGrad(this.x, this.g, rows); }
  squares(offset: number, size: number): number {
    let s = 0;
    for (let j = offset; j < offset + size; j++) s += this.g[j]! * this.g[j]!;
    return s;
  }
  update(_k: number, clip: number, cv: number): number {
    let flags = 0;
    for (let j = 0; j < this.x.length; j++) {
      let g = clip === 1 ? this.g[j]! : this.g[j]! * clip;
      g = g < -cv ? -cv : g > cv ? cv : g;
      const u = -this.lr * g;
      if (u !== 0) flags |= 1;
      const xn = this.x[j]! + u;
      if (xn !== this.x[j]) flags |= 2;
      this.x[j] = xn;
    }
    return flags;
  }
  store(out: Float64Array): void { out.set(this.x); }
  release(): void { this.log.push("release"); }
}

class Resident extends Plain {
  readonly log: string[] = [];
  residentStepper(t: Transform, rows: Int32Array | null): ResidentStepper | null {
    const o = t as { name?: string; options?: { lr?: unknown; momentum?: unknown } };
    if ((o.name !== "gd" && o.name !== "sgd") || typeof o.options?.lr !== "number" || (o.options.momentum ?? 0) !== 0) return null;
    this.log.push("stepper");
    return new GdStepper(o.options.lr, this.log, rows);
  }
}

function expectSame(a: Run, b: Run): void {
  expect(a.losses).toEqual(b.losses);
  // |∇f|² is the sum of the leaves' sums here, a sum over all entries in order on the float64 path
  a.gradNorms.forEach((v, i) => expect(Math.abs(v - b.gradNorms[i]!)).toBeLessThanOrEqual(1e-15 * b.gradNorms[i]!));
  expect(a.leafGradNorms).toEqual(b.leafGradNorms);
  expect(a.lrs).toEqual(b.lrs);
  expect(a.batchLosses).toEqual(b.batchLosses);
  expect(a.status).toBe(b.status);
  expect(a.message).toBe(b.message);
  expect(a.evaluations).toBe(b.evaluations);
  expect(a.x).toEqual(b.x);
  expect(a.paramsAt(0)).toEqual(b.paramsAt(0));
  expect(a.convergedAt).toBe(b.convergedAt);
  expect(a.valLosses).toEqual(b.valLosses);
  expect(a.valSteps).toEqual(b.valSteps);
  expect(a.best).toEqual(b.best);
  if (a.trajectoryKept === "all") expect(a.xs).toEqual(b.xs);
}

describe("resident steps on the float64 runner", () => {
  const from = [1, -1, 0.5, 2, 0];
  const cases: [string, RunOptions][] = [
    ["every point", { from, steps: 30 }],
    ['trajectory "final"', { from, steps: 30, trajectory: "final" }],
    ["tol reached", { from, steps: 500, tol: 1e-3 }],
    ["converged before the step budget (convergedAt), final point only", { from, steps: 3000, trajectory: "final" }],
    ["clipNorm", { from, steps: 30, clipNorm: 0.1 }],
    ["clipValue", { from, steps: 30, clipValue: 0.05 }],
    ["mini-batches with clipNorm", { from, steps: 30, batchSize: 4, seed: 2, clipNorm: 0.1 }],
    ["no steps", { from, steps: 0 }],
    ["a validation split, mini-batches and early stopping", { from, steps: 60, validation: 0.34, batchSize: 2, seed: 1, patience: 3, minDelta: 0.05 }],
  ];
  test.each(cases)("give the float64 path's record bit for bit: %s", (_name, opts) => {
    const p = new Resident();
    const run = runSync(p, gd({ lr: 0.3 }), opts);
    expect(p.log).toEqual(["stepper", "load", "release"]);
    expectSame(run, runSync(new Plain(), gd({ lr: 0.3 }), opts));
  });

  test("a diverging run stops the same way", () => {
    const opts = { from, steps: 200 };
    const run = runSync(new Resident(), gd({ lr: 1.5 }), opts);
    expect(run.status).toBe("diverged");
    expectSame(run, runSync(new Plain(), gd({ lr: 1.5 }), opts));
  });

  test("a live run's point is the current one at each progress report", async () => {
    const seen: number[] = [];
    const run = await runAsync(new Resident(), gd({ lr: 0.01 }), { from, steps: 4000, trajectory: "final", progressEvery: 1e-6, onProgress: (r) => seen.push(r.x[0]! === from[0] ? 0 : 1) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((s) => s === 1)).toBe(true);
    expectSame(run, runSync(new Plain(), gd({ lr: 0.01 }), { from, steps: 4000, trajectory: "final" }));
  });

  test("runs the hook must not take do not ask for a stepper", () => {
    const p = new Resident();
    runSync(p, chain(scaleByLearningRate(0.3)), { from, steps: 5 }); // no name: the problem says no
    runSync(p, { ...gd({ lr: 0.3 }), update: gd({ lr: 0.3 }).update }, { from, steps: 5 }); // its update replaced: no float64 kernel of its own
    expect(p.log).toEqual([]);
    expect(residentStepperOf(new Plain(), sgd())).toBeNull();
  });
});
