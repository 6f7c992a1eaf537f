/**
 * The tfjs runner (`runBatch`: one tfjs op per primitive) and the fused runner (`runFused`: one
 * generated kernel per step) against the float64 engine's runner, run by run: per-run
 * hyperparameters, divergence that stays in its own run, clipping, mini-batches, no leaks.
 */
import { expect, test } from "vitest";
import { ALIASES, runSync, type Optimizer } from "../../src/optim/index.js";
import { cosine } from "../../src/optim/schedules/index.js";
import { PerRunValues } from "../../src/sweep/index.js";
import { buildObjective, type SymbolicDataProblem } from "../../src/symbolic/index.js";
import { TensorObjective, runBatch, type BatchRunResult } from "../../src/tensor/index.js";
import { runFused } from "../../src/tensor/fused/index.js";
import { describeEachBackend, expectClose, type TestBackend } from "../support/describe-each-backend.js";
import { SYMBOLIC } from "./problems.js";

const LRS = [0.001, 0.004, 0.01, 0.05]; // 2/L = 0.02 on the quadratic: the last one diverges under gd
const START = [-2, 3];

type Make = (lr: unknown) => Optimizer;
const OPTIMIZERS: [string, Make][] = [
  ["gd", (lr) => ALIASES.gd({ lr: lr as number })],
  ["sgd nesterov + weight decay", (lr) => ALIASES.sgd({ lr: lr as number, momentum: 0.8, nesterov: true, weightDecay: 0.01 })],
  ["adam amsgrad", (lr) => ALIASES.adam({ lr: lr as number, amsgrad: true })],
  ["rmsprop centered", (lr) => ALIASES.rmsprop({ lr: lr as number, centered: true, momentum: 0.5 })],
  ["radam", (lr) => ALIASES.radam({ lr: lr as number })],
  ["nadam", (lr) => ALIASES.nadam({ lr: lr as number })],
  ["adam with a cosine lr per run", (lr) => ALIASES.adam({ lr: (Array.isArray(lr) ? PerRunValues.from2(lr.map((l) => cosine({ lr: l, tMax: 40 }))) : cosine({ lr: lr as number, tMax: 40 })) as never })],
];

const perRun = (v: number[]) => PerRunValues.from2(v);

/** The float64 runner, one run per lr. */
function reference(make: Make, steps: number, opts: Record<string, unknown> = {}) {
  const p = SYMBOLIC.quadratic!();
  return LRS.map((lr) => runSync(p, make(lr), { from: START, steps, ...opts }));
}

function check(res: BatchRunResult, make: Make, steps: number, label: string, opts: Record<string, unknown> = {}): void {
  reference(make, steps, opts).forEach((run, i) => {
    const diverged = run.status === "diverged";
    expect(res.diverged[i] === 1, `${label} run ${i} diverged`).toBe(diverged);
    if (diverged) {
      expect(res.divergedAt[i], `${label} run ${i} divergedAt`).toBe(run.steps);
      return;
    }
    const scale = Math.max(1, ...run.x.map(Math.abs));
    expectClose(Array.from(res.finalX.subarray(i * 2, i * 2 + 2)).map((v) => v / scale), run.x.map((v) => v / scale), { rtol: 0, atol: 2e-5 }, `${label} run ${i} x`);
    expectClose(res.finalLoss[i]!, run.loss, { rtol: 2e-4, atol: 1e-5 }, `${label} run ${i} loss`);
  });
}

describeEachBackend(
  "batched runs against the float64 runner (4 lrs on the quadratic)",
  (b: TestBackend<any>) => {
    const fused = b.name === "wasm" || b.name === "webgpu";
    // tfjs ops on software WebGPU cost ~1 ms an op: fewer cases there
    const cases = b.name === "webgpu" ? OPTIMIZERS.slice(2, 4) : OPTIMIZERS;
    const steps = 40;
    for (const [name, make] of cases) {
      test(`${name}: every run as its own float64 run${fused ? ", fused and tfjs ops alike" : ""}`, async () => {
        const tf = b.engine!.tf;
        const before = tf.memory().numTensors;
        const obj = new TensorObjective(b.engine!, SYMBOLIC.quadratic!());
        const spec = { engine: b.engine!, objective: obj, starts: Float64Array.from(LRS.flatMap(() => START)), B: LRS.length, steps, tol: 1e-3 };
        check(await runBatch({ ...spec, transform: make(perRun(LRS)) }), make, steps, "ops");
        if (fused) check(await runFused({ ...spec, transform: make(perRun(LRS)) }), make, steps, "fused");
        obj.dispose();
        expect(tf.memory().numTensors).toBe(before);
      }, 60_000);
    }

    test("a diverging run does not touch the others, and clipping matches float64", async () => {
      const obj = new TensorObjective(b.engine!, SYMBOLIC.quadratic!());
      const make: Make = (lr) => ALIASES.gd({ lr: lr as number });
      const spec = { engine: b.engine!, objective: obj, starts: Float64Array.from(LRS.flatMap(() => START)), B: LRS.length, steps: 30 };
      const all = await runBatch({ ...spec, transform: make(perRun(LRS)) });
      const three = await runBatch({ ...spec, B: 3, starts: spec.starts.slice(0, 6), transform: make(perRun(LRS.slice(0, 3))) });
      expect(all.diverged[3]).toBe(1);
      expect(Array.from(all.finalX.subarray(0, 6))).toEqual(Array.from(three.finalX));
      for (const clip of [{ clipNorm: 5 }, { clipValue: 2 }]) {
        const res = await (fused ? runFused : runBatch)({ ...spec, ...clip, transform: make(perRun(LRS)) });
        check(res, make, 30, JSON.stringify(clip), clip);
      }
      obj.dispose();
    }, 60_000);
  },
  { needs: ["batch"] },
);

describeEachBackend(
  "mini-batches on tfjs follow the float64 runner's batches",
  (b: TestBackend<any>) => {
    test("least squares, batches of 16 from 200 rows, same seeded shuffles", async () => {
      const r = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
      const a = Array.from({ length: 200 }, (_, i) => [r(i) * 2 - 1, r(i + 500) * 2 - 1]);
      const y = a.map(([u, v], i) => 2 * u! - v! + 0.1 * r(i + 1000));
      const p = buildObjective("(w1*a[1] + w2*a[2] + c - y)^2/2", { params: ["w1", "w2", "c"], data: { a, y } }).problem as SymbolicDataProblem;
      const opt = () => ALIASES.sgd({ lr: 0.1, momentum: 0.5 });
      const ref = runSync(p, opt(), { from: [0, 0, 0], steps: 30, batchSize: 16, seed: 7 });
      const { optimizeOnTensors } = await import("../../src/tensor/index.js");
      const run = await optimizeOnTensors(b.engine!, p, opt(), new Float64Array(3), { steps: 30, batchSize: 16, seed: 7 });
      expect(run.batchLosses!.length).toBe(30);
      expectClose(run.batchLosses!, ref.batchLosses!, { rtol: 1e-4, atol: 1e-5 }, "batch losses");
      expectClose(run.losses, ref.losses, { rtol: 1e-4, atol: 1e-5 }, "training losses");
      expectClose(run.x, ref.x, { rtol: 1e-4, atol: 1e-5 }, "x");
    }, 60_000);
  },
  { needs: ["batch"], only: ["cpu", "wasm", "webgpu", "tensorflow"] },
);
