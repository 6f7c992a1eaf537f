/**
 * Data-backed objectives: seeded batches and splits, SGD and mini-batch runs, epochs, validation
 * and early stopping, natural gradient with the exact and the empirical Fisher.
 */
import { describe, expect, test } from "vitest";
import { adam, gd, naturalGradient, newton, objective, optimize, sgd, DslError } from "../../dsl/index.js";
import { Batcher, mulberry32, splitRows } from "../../src/optim/index.js";
import { leastSquares, logisticRegression, rosenbrock } from "../support/problems.js";

/** Solves the normal equations XᵀX w = Xᵀy (d ≤ 5, Gaussian elimination). */
function leastSquaresSolution(X: Float64Array, y: Float64Array, d: number): number[] {
  const m = y.length;
  const A = Array.from({ length: d }, () => new Array<number>(d + 1).fill(0));
  for (let i = 0; i < m; i++)
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) A[a]![b] += X[i * d + a]! * X[i * d + b]!;
      A[a]![d] += X[i * d + a]! * y[i]!;
    }
  for (let c = 0; c < d; c++)
    for (let r = c + 1; r < d; r++) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k <= d; k++) A[r]![k] -= f * A[c]![k]!;
    }
  const w = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let s = A[r]![d]!;
    for (let k = r + 1; k < d; k++) s -= A[r]![k]! * w[k]!;
    w[r] = s / A[r]![r]!;
  }
  return w;
}

describe("batches and splits", () => {
  test("mulberry32 is the documented generator (values from an independent Python transcription)", () => {
    const r = mulberry32(0);
    expect([r(), r(), r()]).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]);
    const q = mulberry32(42);
    expect([q(), q()]).toEqual([0.6011037519201636, 0.44829055899754167]);
  });

  test("each epoch visits every training row once, in a seeded order", () => {
    const train = Int32Array.from({ length: 10 }, (_, i) => i);
    const b = new Batcher(train, 3, 42);
    expect(b.batchesPerEpoch).toBe(4);
    const epoch = (e: number) => Array.from({ length: 4 }, (_, i) => Array.from(b.rows(e * 4 + i))).flat();
    const e0 = epoch(0), e1 = epoch(1);
    expect([...e0].sort((x, y) => x - y)).toEqual(Array.from(train));
    expect([...e1].sort((x, y) => x - y)).toEqual(Array.from(train));
    expect(e0).not.toEqual(e1);
    expect(epoch(0)).toEqual(e0); // reproducible, independent of what ran before
    expect(new Batcher(train, 3, 42).rows(0)).toEqual(b.rows(0));
    expect(Array.from(new Batcher(train, 3, 43).rows(0))).not.toEqual(e0.slice(0, 3));
    expect(new Batcher(train, 3, 42, true, true).batchesPerEpoch).toBe(3);
  });

  test("the validation split is seeded and disjoint", () => {
    const { train, validation } = splitRows(100, 0.2, 7);
    expect(validation.length).toBe(20);
    expect(train.length).toBe(80);
    expect(new Set([...train, ...validation]).size).toBe(100);
    expect(splitRows(100, 0.2, 7).validation).toEqual(validation);
  });
});

describe("training on data", () => {
  const ls = leastSquares(200, 3, 1);
  const wHat = leastSquaresSolution(ls.X, ls.y, 3);

  test("full-batch gradient descent reaches the least-squares solution", () => {
    const r = optimize(ls, gd({ lr: 0.5 }), { from: [0, 0, 0], steps: 500 });
    r.x.forEach((v, j) => expect(v).toBeCloseTo(wHat[j]!, 8));
  });

  test("SGD with batchSize 1 and a decaying lr gets close; epochs set the step count", () => {
    const r = optimize(ls, sgd({ lr: (k: number) => 0.1 / (1 + k / 200) }), { from: [0, 0, 0], epochs: 20, batchSize: 1, seed: 3 });
    expect(r.steps).toBe(20 * 200);
    expect(r.batchesPerEpoch).toBe(200);
    expect(r.batchLosses).toHaveLength(4000);
    expect(r.losses).toHaveLength(4001); // full training loss at every point
    r.x.forEach((v, j) => expect(Math.abs(v - wHat[j]!)).toBeLessThan(0.02));
  });

  test("mini-batch runs are reproducible for a seed and differ across seeds", () => {
    const run = (seed: number) => optimize(ls, adam({ lr: 0.05 }), { from: [0, 0, 0], epochs: 3, batchSize: 16, seed });
    expect(run(5).xs).toEqual(run(5).xs);
    expect(run(5).x).not.toEqual(run(6).x);
    expect(run(5).steps).toBe(3 * Math.ceil(200 / 16));
    const dropped = optimize(ls, adam({ lr: 0.05 }), { from: [0, 0, 0], epochs: 3, batchSize: 16, dropLast: true });
    expect(dropped.steps).toBe(3 * 12);
  });

  test("a validation split records the validation loss per epoch", () => {
    const r = optimize(ls, gd({ lr: 0.5 }), { from: [0, 0, 0], epochs: 10, validation: 0.25, seed: 1 });
    expect(r.valLosses).toHaveLength(11);
    expect(r.valSteps).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(r.valLosses!.at(-1)!).toBeLessThan(r.valLosses![0]!);
    expect(r.best!.epoch).toBe(10);
  });

  test("early stopping ends the run after `patience` epochs without improvement", () => {
    // lr 0: the validation loss never improves after epoch 0
    const r = optimize(ls, gd({ lr: 0 }), { from: [0, 0, 0], epochs: 50, validation: 0.2, patience: 3 });
    expect(r.status).toBe("converged");
    expect(r.stopReason).toBe("early-stopping");
    expect(r.steps).toBe(3);
    expect(r.message).toMatch(/^early stopping after epoch 3: the validation loss did not improve by more than 0 for 3 epochs/);
    // real training with a mini-batch: stops once the validation loss flattens (minDelta)
    const t = optimize(ls, sgd({ lr: 0.1 }), { from: [0, 0, 0], epochs: 200, batchSize: 20, validation: 0.2, patience: 2, minDelta: 1e-4 });
    expect(t.stopReason).toBe("early-stopping");
    expect(t.steps).toBeLessThan(200 * 8);
    expect(t.best!.valLoss).toBeLessThanOrEqual(Math.min(...t.valLosses!));
  });

  test("data options on an objective without data, and patience without validation, are errors", () => {
    const e = (() => { try { optimize(rosenbrock, gd(), { from: [0, 0], batchSize: 4 }); } catch (x) { return x as DslError; } })();
    expect(e!.code).toBe("not-data-backed");
    expect(e!.message).toMatch(/batchSize needs a data-backed objective/);
    expect(() => optimize(ls, gd(), { from: [0, 0, 0], patience: 2 })).toThrow(/patience \(early stopping\) needs a validation split/);
  });
});

describe("natural gradient", () => {
  const lr = logisticRegression(300, 3, 2);

  test("with the exact Fisher of logistic regression it is Fisher scoring (= Newton for the canonical link)", () => {
    const ng = optimize(lr, naturalGradient({ damping: 1e-12 }), { from: [0, 0, 0], steps: 8 }); // "auto" → exact (family "bernoulli")
    const nt = optimize(lr, newton({ lineSearch: null, damping: 1e-12 }), { from: [0, 0, 0], steps: 8 });
    for (let k = 0; k <= 8; k++) nt.xs[k]!.forEach((v, j) => expect(ng.xs[k]![j]).toBeCloseTo(v, 10));
    expect(ng.gradNorm).toBeLessThan(1e-10);
  });

  test("with the empirical Fisher (per-sample gradients) it still descends to the minimum", () => {
    const exact = optimize(lr, naturalGradient(), { from: [0, 0, 0], steps: 10 });
    const emp = optimize(lr, naturalGradient({ fisher: "empirical", damping: 1e-3, lr: 0.5 }), { from: [0, 0, 0], steps: 60 });
    emp.x.forEach((v, j) => expect(v).toBeCloseTo(exact.x[j]!, 3));
    const batched = optimize(lr, naturalGradient({ fisher: "empirical", damping: 1e-3, lr: 0.2 }), { from: [0, 0, 0], epochs: 10, batchSize: 50 });
    expect(batched.loss).toBeLessThan(batched.losses[0]! * 0.8);
  });

  test("through objective() with a declared family, \"auto\" uses its exact Fisher: Fisher scoring = Newton", () => {
    const m = 200;
    const X = Array.from({ length: m }, (_v, i) => [Math.sin(i), Math.cos(3 * i)]);
    const y = X.map(([a, b], i) => (Math.sin(7 * i) + 1 < 2 / (1 + Math.exp(-(0.5 + 2 * a! - b!))) ? 1 : 0));
    const f = objective("softplus(w0 + w1 X[1] + w2 X[2]) - y (w0 + w1 X[1] + w2 X[2])", { params: ["w0", "w1", "w2"], data: { X, y }, family: "bernoulli" });
    const ng = optimize(f, naturalGradient({ damping: 1e-12 }), { from: [0, 0, 0], steps: 6 });
    const nt = optimize(f, newton({ lineSearch: null, damping: 1e-12 }), { from: [0, 0, 0], steps: 6 });
    for (let k = 0; k <= 6; k++) nt.xs[k]!.forEach((v, j) => expect(ng.xs[k]![j]).toBeCloseTo(v, 10));
    expect(ng.gradNorm).toBeLessThan(1e-10);
    // On mini-batches both use the batch's curvature: its Fisher, and its Hessian.
    const opts = { from: [0, 0, 0], epochs: 2, batchSize: 50, seed: 4 };
    const bng = optimize(f, naturalGradient({ damping: 1e-12 }), opts);
    const bnt = optimize(f, newton({ lineSearch: null, damping: 1e-12 }), opts);
    bnt.x.forEach((v, j) => expect(bng.x[j]).toBeCloseTo(v, 9));
  });

  test("the empirical Fisher with a validation split is over the training rows only", () => {
    const x = [0.5, -1, 2, 0.3, 1.1, -0.4, 0.9, -1.6];
    const y = [1, 0, 1, 0, 1, 1, 0, 0];
    const f = objective("softplus(w x + b) - y (w x + b)", { params: ["w", "b"], data: { x, y } });
    const r = optimize(f, naturalGradient({ fisher: "empirical", damping: 0.1 }), { from: [0.2, 0.1], steps: 1, validation: 0.5, seed: 3 });
    const { train } = splitRows(8, 0.5, 3);
    // By hand: per-sample gradients gᵢ = (pᵢ − yᵢ)(xᵢ, 1) over the training rows, F = mean gᵢgᵢᵀ + δI, step −F⁻¹ḡ.
    const g = Array.from(train, (i) => {
      const p = 1 / (1 + Math.exp(-(0.2 * x[i]! + 0.1)));
      return [(p - y[i]!) * x[i]!, p - y[i]!];
    });
    const mean = [0, 1].map((k) => g.reduce((s, gi) => s + gi[k]!, 0) / g.length);
    const F = [0, 1].map((a) => [0, 1].map((b) => g.reduce((s, gi) => s + gi[a]! * gi[b]!, 0) / g.length + (a === b ? 0.1 : 0)));
    const det = F[0]![0]! * F[1]![1]! - F[0]![1]! * F[1]![0]!;
    const u = [(F[1]![1]! * mean[0]! - F[0]![1]! * mean[1]!) / det, (F[0]![0]! * mean[1]! - F[1]![0]! * mean[0]!) / det];
    expect(r.xs[1]![0]).toBeCloseTo(0.2 - u[0]!, 12);
    expect(r.xs[1]![1]).toBeCloseTo(0.1 - u[1]!, 12);
  });

  test("a metric of your own; and a clear error where there is no Fisher", () => {
    const identity = optimize(rosenbrock, naturalGradient({ fisher: () => [[1, 0], [0, 1]], lr: 1e-3, damping: 1e-12 }), { from: [-1.2, 1], steps: 3 });
    const plain = optimize(rosenbrock, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 3 });
    identity.x.forEach((v, j) => expect(v).toBeCloseTo(plain.x[j]!, 10));
    expect(() => optimize(rosenbrock, naturalGradient(), { from: [0, 0], steps: 1 })).toThrow(/not data-backed and declares no model family/);
  });
});
