/**
 * The float32 optimizer step of `backend: "wasm"` networks (src/nn/f32-step.ts): which runs take
 * it (observed by spying on `F32Stepper.prototype.update`, never by timing), their trajectories,
 * losses and gradient norms against the float64 path to float32 accuracy, the runs that fall back
 * to the float64 path unchanged (a chain of the user's own), and two
 * interleaved runs on one network. The network has an odd
 * number of parameters (66: the kernels' JS tail runs) and leaves at unaligned offsets.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { adam, adamw, gd, momentum, nesterov, nn, optimize, schedules, sgd } from "../../dsl/index.js";
import { F32NetProblem } from "../../src/nn/index.js";
import { F32Stepper, planOf } from "../../src/nn/f32-step.js";
import { chain, runAsync, scaleByAdam, scaleByLearningRate, type Run, type Transform } from "../../src/optim/index.js";
import { rng } from "../../src/random/rng.js";

/** max |a − b| / max |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0, err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  return err / scale;
}

const r = rng(11);
const X = r.normal([40, 5]) as number[][];
const Y = Array.from({ length: 40 }, (_, i) => (i * 7) % 3);
const model = nn.mlp([5, 7, 3], { activation: "tanh", seed: 2 });
const lossOf = () => nn.loss(model, { x: X, y: Y }, "cross-entropy");
const L = lossOf();

/** Every point, loss, |∇f| and per-leaf norm of `run` within `tol` (relative) of `ref`'s. */
function expectFollows(run: Run, ref: Run, tol: number): void {
  expect(run.steps).toBe(ref.steps);
  for (let k = 0; k <= ref.steps; k++) {
    expect(relErr(run.xs[k]!, ref.xs[k]!), `x step ${k}`).toBeLessThan(tol);
    expect(Math.abs(run.losses[k]! - ref.losses[k]!) / ref.losses[k]!, `loss step ${k}`).toBeLessThan(tol);
    expect(Math.abs(run.gradNorms[k]! - ref.gradNorms[k]!) / ref.gradNorms[k]!, `|∇f| step ${k}`).toBeLessThan(tol);
  }
  const leaves = ref.leafGradNorms!;
  expect(Object.keys(run.leafGradNorms!)).toEqual(Object.keys(leaves));
  for (const [path, v] of Object.entries(leaves)) expect(relErr(run.leafGradNorms![path]!, v), path).toBeLessThan(tol);
}

describe.runIf(F32NetProblem.available())('backend "wasm": the optimizer step in float32 on the engine\'s memory', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    F32NetProblem.residentSteps = true;
  });

  const OPTIMIZERS: [string, () => Transform][] = [
    ["adam", () => adam({ lr: 0.02 })],
    ["adam with L2 weight decay and amsgrad", () => adam({ lr: 0.02, weightDecay: 0.1, amsgrad: true })],
    ["adamw", () => adamw({ lr: 0.02, weightDecay: 0.05 })],
    ["adam with a cosine lr schedule and scheduled β₁", () => adam({ lr: schedules.cosine({ lr: 0.05, tMax: 25 }), betas: [(k: number) => 0.8 + 0.004 * k, 0.99] })],
    ["gd", () => gd({ lr: 0.3 })],
    ["sgd with momentum, dampening and weight decay", () => sgd({ lr: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.01 })],
    ["momentum", () => momentum({ lr: 0.1 })],
    ["nesterov", () => nesterov({ lr: 0.1 })],
  ];

  it.each(OPTIMIZERS)("%s runs there and follows the float64 engine's run to float32 accuracy", async (_name, make) => {
    const update = vi.spyOn(F32Stepper.prototype, "update");
    const run = await optimize(L, make(), { steps: 25, backend: "wasm" });
    expect(update).toHaveBeenCalledTimes(25);
    const ref = optimize(L, make(), { steps: 25 });
    expectFollows(run, ref, 2e-5);
    expect(run.lrs).toEqual(ref.lrs);
    expect(run.status).toBe(ref.status);
  });

  it("records |∇f| and the per-layer norms as the float64 path of the same engine does", async () => {
    const update = vi.spyOn(F32Stepper.prototype, "update");
    const run = await optimize(L, adam({ lr: 0.02 }), { steps: 20, backend: "wasm" });
    expect(update).toHaveBeenCalledTimes(20);
    update.mockClear();
    // the runner's float64 path on the same engine: the same float32 gradients
    F32NetProblem.residentSteps = false;
    const f64Path = await optimize(L, adam({ lr: 0.02 }), { steps: 20, backend: "wasm" });
    expect(update).not.toHaveBeenCalled();
    expectFollows(run, f64Path, 1e-5);
    // the start is the same evaluation on both paths: the same float32 gradient, summed in float64
    expect(run.gradNorms[0]).toBeCloseTo(f64Path.gradNorms[0]!, 14);
    for (const [path, v] of Object.entries(f64Path.leafGradNorms!)) expect(run.leafGradNorms![path]![0]).toBeCloseTo(v[0]!, 14);
  });

  it("clips by the global norm (clipNorm) and by value (clipValue) as the float64 engine does", async () => {
    const update = vi.spyOn(F32Stepper.prototype, "update");
    const opts = { steps: 20, clipNorm: 0.05, clipValue: 0.01 };
    const run = await optimize(L, sgd({ lr: 0.5, momentum: 0.5 }), { ...opts, backend: "wasm" });
    expect(update).toHaveBeenCalledTimes(20);
    const ref = optimize(L, sgd({ lr: 0.5, momentum: 0.5 }), opts);
    expect(ref.gradNorms[0]).toBeGreaterThan(0.05 * 4); // it does clip by norm
    expect(optimize(L, sgd({ lr: 0.5, momentum: 0.5 }), { steps: 20, clipNorm: 0.05 }).x).not.toEqual(ref.x); // and by value
    expectFollows(run, ref, 2e-5);
  });

  it("takes mini-batches (the float64 engine's rows, same seed) with clipNorm on the batch gradient", async () => {
    const update = vi.spyOn(F32Stepper.prototype, "update");
    const opts = { steps: 24, batchSize: 8, seed: 3, clipNorm: 0.05 };
    const run = await optimize(L, adam({ lr: 0.02 }), { ...opts, backend: "wasm" });
    expect(update).toHaveBeenCalledTimes(24);
    const ref = optimize(L, adam({ lr: 0.02 }), opts);
    expectFollows(run, ref, 2e-5);
    expect(relErr(run.batchLosses!, ref.batchLosses!)).toBeLessThan(2e-5);
    expect(run.evaluations).toBe(ref.evaluations);
  });

  it("takes validation splits with early stopping (the training rows' loss, the validation loss per epoch)", async () => {
    const update = vi.spyOn(F32Stepper.prototype, "update");
    const opts = { epochs: 30, batchSize: 10, seed: 4, validation: 0.25, patience: 2, minDelta: 1e-3 };
    const run = await optimize(L, adam({ lr: 0.05 }), { ...opts, backend: "wasm" });
    const ref = optimize(L, adam({ lr: 0.05 }), opts);
    expect(ref.stopReason).toBe("early-stopping"); // it does stop early
    expect(update).toHaveBeenCalledTimes(ref.steps);
    expectFollows(run, ref, 2e-5);
    expect(run.stopReason).toBe(ref.stopReason);
    expect(run.valSteps).toEqual(ref.valSteps);
    expect(relErr(run.valLosses!, ref.valLosses!)).toBeLessThan(2e-5);
    expect(run.best!.epoch).toBe(ref.best!.epoch);
    expect(relErr(run.best!.x, ref.best!.x)).toBeLessThan(2e-5);
  });

  it('keeps the start as given and the final point with trajectory: "final"', async () => {
    const all = await optimize(L, adam({ lr: 0.02 }), { steps: 15, backend: "wasm" });
    const kept = await optimize(L, adam({ lr: 0.02 }), { steps: 15, backend: "wasm", trajectory: "final" });
    expect(kept.x).toEqual(all.x);
    expect(kept.losses).toEqual(all.losses);
    expect(kept.gradNorms).toEqual(all.gradNorms);
    expect(Array.from(kept.paramsAt(0) as Float64Array)).toEqual(Array.from(L.initial));
    expect(all.xs[0]).toEqual(Array.from(L.initial));
  });

  it("falls back to the float64 path, with the same results as before, for a chain of the user's own", async () => {
    const update = vi.spyOn(F32Stepper.prototype, "update");
    const mine = chain(scaleByAdam(), scaleByLearningRate(0.02));
    expect(planOf(mine)).toBeNull();
    const custom = await optimize(L, mine, { steps: 12, backend: "wasm" });
    // adam() on the float64 path, as every run took it before: the same fused float64 arithmetic, bit for bit
    F32NetProblem.residentSteps = false;
    const before = await optimize(L, adam({ lr: 0.02 }), { steps: 12, backend: "wasm" });
    F32NetProblem.residentSteps = true;
    expect(custom.xs).toEqual(before.xs);
    expect(custom.losses).toEqual(before.losses);
    // an alias whose update is replaced keeps its name and options but is not the alias's chain
    const a = adam({ lr: 0.02 });
    const replaced = { ...a, update: (u: unknown, s: unknown, p: unknown, ops: unknown, e: unknown) => (a.update as (...x: unknown[]) => unknown)(u, s, p, ops, e) } as unknown as Transform;
    const viaUpdate = await optimize(L, replaced, { steps: 12, backend: "wasm" });
    expect(relErr(viaUpdate.x, before.x)).toBeLessThan(1e-12);
    expect(update).not.toHaveBeenCalled();
  });

  it("takes only the built-in aliases it implements (planOf)", () => {
    expect(planOf(adam())).toMatchObject({ kind: "adam", decoupled: false, amsgrad: false });
    expect(planOf(adamw())).toMatchObject({ kind: "adam", decoupled: true, weightDecay: 1e-2 });
    expect(planOf(nesterov())).toMatchObject({ kind: "sgd", nesterov: true, momentum: 0.9 });
    // per-run values (a sweep's) are not read here
    expect(planOf(adam({ lr: [0.1, 0.2] as never }))).toBeNull();
  });

  it("two interleaved runs on one network each give their own run's result", async () => {
    const engine = new F32NetProblem(L.model.spec, L.kind, L.dataset, L.layout, L.initial);
    const solo = [await runAsync(engine, adam({ lr: 0.02 }), { steps: 30 }), await runAsync(engine, sgd({ lr: 0.2, momentum: 0.9 }), { steps: 30 })];
    let progress = 0;
    const opts = { steps: 30, trajectory: "final" as const, progressEvery: 1e-6, onProgress: (run: Run) => {
      progress++;
      // the live point is the current one, not the start
      if (run.steps > 0) expect(run.x).not.toEqual(run.paramsAt(0));
    } };
    const both = await Promise.all([runAsync(engine, adam({ lr: 0.02 }), opts), runAsync(engine, sgd({ lr: 0.2, momentum: 0.9 }), opts)]);
    expect(progress).toBeGreaterThan(2); // they did interleave
    both.forEach((run, i) => {
      expect(run.x).toEqual(solo[i]!.x);
      expect(run.losses).toEqual(solo[i]!.losses);
    });
  });
});
