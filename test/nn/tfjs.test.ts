/**
 * The same networks on TensorFlow.js (float32): torch's float64 trajectories (test/fixtures/
 * torch-nn.json) are followed to float32 accuracy on the wasm (optlab's float32 engine) and cpu
 * (tfjs) backends, mini-batches are
 * the float64 engine's (same seed → same rows), and a run leaves no tensor behind.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { adam, nn, optimize, sgd, tensorMemory } from "../../dsl/index.js";
import { startTfjs } from "../../src/backends/index.js";

interface Case {
  name: string;
  sizes: number[];
  activation: never;
  outputActivation: never;
  loss: never;
  x: number[][];
  y: never;
  params: { W: number[][]; b: number[] }[];
  trajectories: Record<"sgd" | "adam", { options: Record<string, number>; steps: number; losses: number[]; xs: number[][] }>;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch-nn.json", import.meta.url), "utf8")) as { cases: Case[] };

function relErr(a: readonly number[], b: readonly number[]): number {
  let scale = 0, err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  return err / scale;
}

const lossOf = (c: Case) => nn.loss(nn.mlp(c.sizes, { activation: c.activation, outputActivation: c.outputActivation }), { x: c.x, y: c.y }, c.loss);

// "wasm" runs optlab's own float32 WebAssembly SIMD engine for networks (src/nn/f32-engine.ts),
// "cpu" tfjs's kernels through src/nn/tfjs-run.ts: both must follow the same trajectories
describe.each(["wasm", "cpu"] as const)("float32 backend %s", (backend) => {
  const cases = fixture.cases.filter((c) => ["tanh", "relu", "sigmoid"].includes(c.activation) && c.name.split("-").length <= 3);
  it.each(cases.map((c) => [c.name, c] as const))("%s follows torch's trajectories to float32 accuracy, without leaks", async (_name, c) => {
    const L = lossOf(c);
    for (const key of ["sgd", "adam"] as const) {
      const t = c.trajectories[key];
      const opt = key === "sgd" ? sgd({ lr: t.options.lr!, momentum: t.options.momentum! }) : adam({ lr: t.options.lr! });
      const before = tensorMemory().numTensors;
      const run = await optimize(L, opt, { from: c.params, steps: t.steps, backend });
      expect(tensorMemory().numTensors).toBe(before);
      expect(run.steps).toBe(t.steps);
      expect(run.message).toContain("float32");
      for (let k = 0; k <= t.steps; k++) {
        expect(relErr(run.xs[k]!, t.xs[k]!), `${key} step ${k}`).toBeLessThan(3e-5);
        expect(Math.abs(run.losses[k]! - t.losses[k]!) / Math.abs(t.losses[k]!), `${key} loss ${k}`).toBeLessThan(3e-5);
      }
      expect(Object.keys(run.leafGradNorms!).length).toBe(2 * (c.sizes.length - 1));
    }
  }, 60_000);

  it("takes the float64 engine's mini-batches (same seed, same rows) and clips like it", async () => {
    const c = fixture.cases.find((k) => k.name === "tanh-mse")!;
    const L = lossOf(c);
    const opts = { from: c.params, steps: 30, batchSize: 5, seed: 11, clipNorm: 0.5 };
    const ref = optimize(L, adam({ lr: 0.02 }), opts);
    const before = tensorMemory().numTensors;
    const run = await optimize(L, adam({ lr: 0.02 }), { ...opts, backend });
    expect(tensorMemory().numTensors).toBe(before);
    for (let k = 0; k <= 30; k++) expect(relErr(run.xs[k]!, ref.xs[k]!), `step ${k}`).toBeLessThan(3e-5);
    run.batchLosses!.forEach((b, k) => expect(Math.abs(b - ref.batchLosses![k]!) / ref.batchLosses![k]!).toBeLessThan(3e-5));
  }, 60_000);
});

describe("tfjs network runs", () => {
  it("reject what only the float64 engine does, leaving no tensors", async () => {
    const c = fixture.cases[0]!;
    const L = lossOf(c);
    const before = tensorMemory().numTensors;
    // "wasm" runs optlab's own float32 engine, which takes validation splits (test/nn/f32-engine.test.ts)
    await expect(optimize(L, adam(), { steps: 3, validation: 0.2, backend: "cpu" })).rejects.toThrow(/validation on a network runs on backend "float64" or "wasm" \(optlab's own engines\), not on tfjs's "cpu"/);
    expect(tensorMemory().numTensors).toBe(before);
  });
});

// WebGPU (Dawn; Mesa's lavapipe in software here): one case, where the backend starts.
const gpuUnavailable = await startTfjs("webgpu").then(() => "", (e: Error) => e.message);
describe.skipIf(gpuUnavailable !== "")(`tfjs backend webgpu${gpuUnavailable ? ` (skipped: ${gpuUnavailable})` : ""}`, () => {
  it("relu-cross-entropy follows torch's Adam trajectory to float32 accuracy, without leaks", async () => {
    const c = fixture.cases.find((k) => k.name === "relu-cross-entropy")!;
    const t = c.trajectories.adam;
    const before = tensorMemory().numTensors;
    const run = await optimize(lossOf(c), adam({ lr: t.options.lr! }), { from: c.params, steps: t.steps, backend: "webgpu" });
    expect(tensorMemory().numTensors).toBe(before);
    for (let k = 0; k <= t.steps; k++) expect(relErr(run.xs[k]!, t.xs[k]!), `step ${k}`).toBeLessThan(3e-5);
  }, 120_000);
});
