/**
 * One training step of a small network (forward + backward + Adam), optlab against PyTorch eager
 * (Debian's python3-torch, test/bench/torch_nn_step.py), measured in this run:
 *
 * - MLP 2→64→64→1 (tanh), MSE on 1000 samples, full batch, float64: optlab's float64 engine
 *   (`optimize(nn.loss(...), adam(), { steps })`, trajectory recording included) against torch
 *   float64.
 * - MLP 784→256→10 (ReLU), cross-entropy on a 128-sample batch, float32: optlab's `backend:
 *   "wasm"` (its own float32 WebAssembly SIMD engine for networks, src/nn/f32-engine.ts, with
 *   relaxed-SIMD FMA where available; parameters, gradient and Adam's state float32 in the
 *   engine's memory, updated by one SIMD pass, src/nn/f32-step.ts, as torch keeps a float32
 *   model's) with `trajectory: "final"` (the run keeps its start and final point only, as torch's
 *   training loop keeps no iterates) against torch on the CPU in float32; for scale, the same run
 *   keeping every iterate (the default), the same run with parameters and Adam's state float64 in
 *   the runner (the route before), the engine's forward + backward alone, the same step on its
 *   mul-then-add kernels (no FMA), tfjs-wasm's kernels and the float64 engine.
 *
 * Method (the machine is shared, so the load moves every figure): both sides time windows of the
 * same number of steps after a warm-up and keep the fastest window; the sides alternate over
 * three rounds (optlab, torch on 1 thread, torch on its default threads; torch on 2 threads in the
 * first round only) and each keeps its best round. optlab's window is one `optimize` call, so it also pays the run's
 * setup and the evaluation at the start point (one more forward + backward per window).
 * torch's default thread count on this machine is printed; optlab runs on one thread.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { adam, nn, optimize } from "../../dsl/index.js";
import { NetLoss } from "../../dsl/nn.js";
import { F32NetProblem } from "../../src/nn/index.js";
import { F32Arena, relaxedSimdAvailable } from "../../src/nn/wasm-gemm.js";
import { rng } from "../../src/random/rng.js";
import type { BenchRow } from "./run.js";

const here = dirname(fileURLToPath(import.meta.url));

interface TorchTime { ms: number; version: string; threads: number }

function torch(which: "small" | "large", threads: "1" | "2" | "default", window: number, windows: number): TorchTime | undefined {
  const r = spawnSync("/usr/bin/python3", [join(here, "torch_nn_step.py"), which, threads, String(window), String(windows)], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { ms_per_step: number; torch: string; threads: number };
  return { ms: out.ms_per_step, version: out.torch, threads: out.threads };
}

const better = (a: TorchTime | undefined, b: TorchTime | undefined): TorchTime | undefined => (!a ? b : !b ? a : b.ms < a.ms ? b : a);

async function fastestWindow(f: () => Promise<unknown> | unknown, window: number, windows: number): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < windows; i++) {
    const t0 = performance.now();
    await f();
    best = Math.min(best, (performance.now() - t0) / window);
  }
  return best;
}

/** Three rounds of optlab and torch (1 thread, default, 2 threads), alternating; the best of each. */
async function compareRounds(which: "small" | "large", ours: () => Promise<number>, window: number, windows: number) {
  let mine = Infinity;
  let one: TorchTime | undefined, dflt: TorchTime | undefined, two: TorchTime | undefined;
  for (let round = 0; round < 3; round++) {
    mine = Math.min(mine, await ours());
    one = better(one, torch(which, "1", window, windows));
    dflt = better(dflt, torch(which, "default", window, windows));
    // 2 threads once, over fewer windows: on a loaded 2-core machine its threads wait on each other
    if (round === 0) two = torch(which, "2", window, Math.min(windows, 3));
  }
  return { mine, one, dflt, two };
}

function rowsFor(name: string, goal: string, meets: (ours: number, ref: number) => boolean, note: string, r: Awaited<ReturnType<typeof compareRounds>>, precision: string): BenchRow[] {
  const rows: BenchRow[] = [];
  const add = (t: TorchTime | undefined, label: string, judged: boolean) => {
    if (!t) return;
    rows.push({
      name: `${name} — vs torch ${label}`,
      ours: r.mine, unit: "ms",
      reference: t.ms, referenceName: `torch ${t.version} ${precision} eager, ${t.threads} thread${t.threads === 1 ? "" : "s"}`,
      ...(judged ? { goal, met: meets(r.mine, t.ms), note } : {}),
    });
  };
  // torch's default here is also one thread (it measures faster or slower than the pinned run
  // from round to round): the goal is judged against the faster of the two one-thread figures.
  const oneThread = r.dflt?.threads === 1 ? better(r.one, r.dflt) : r.one;
  add(oneThread, "1 thread (the faster of its pinned and default runs)", true);
  add(r.dflt, `default threads (${r.dflt?.threads ?? "?"})`, r.dflt?.threads !== 1);
  add(r.two, "2 threads", false);
  if (rows.length === 0) rows.push({ name, ours: r.mine, unit: "ms", note: "torch unavailable" });
  return rows;
}

export default async function (): Promise<BenchRow[]> {
  const r = rng(0);
  const rows: BenchRow[] = [];

  // small: float64 engine
  const small = nn.loss(nn.mlp([2, 64, 64, 1], { activation: "tanh" }), { x: r.normal([1000, 2]) as number[][], y: r.normal([1000, 1]) as number[][] }, "mse");
  optimize(small, adam({ lr: 1e-3 }), { steps: 50 }); // warm-up (JIT, wasm tier-up)
  const SW = 50, SWINDOWS = 10;
  const sLoad0 = loadavg()[0]!;
  // each round also times the run that keeps only its start and final point (trajectory: "final")
  let smallFinal = Infinity;
  const s = await compareRounds("small", async () => {
    smallFinal = Math.min(smallFinal, await fastestWindow(() => optimize(small, adam({ lr: 1e-3 }), { steps: SW, trajectory: "final" }), SW, SWINDOWS));
    return fastestWindow(() => optimize(small, adam({ lr: 1e-3 }), { steps: SW }), SW, SWINDOWS);
  }, SW, SWINDOWS);
  rows.push(...rowsFor("MLP 2→64→64→1 tanh, MSE, 1000 samples: one Adam step (fwd+bwd+update), float64 engine", "faster than torch", (a, b) => a < b,
    `fastest ${SW}-step window of ${SWINDOWS}, best of 3 alternating rounds; ours records the trajectory (4353 parameters, |∇f| and per-layer norms per step) and evaluates ${SW + 1} points per window (the start too; torch ${SW}); 1-minute load average ${sLoad0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`, s, "float64"));
  rows.push({ name: "MLP 2→64→64→1 tanh, MSE, 1000 samples: one Adam step, float64 engine, trajectory: \"final\" (the record keeps the start and final point only, like torch's loop; for scale)", ours: smallFinal, unit: "ms", ...(s.one ? { reference: s.one.ms, referenceName: "torch float64, 1 thread" } : {}),
    note: `same rounds as the row above; losses, |∇f| and per-layer norms still recorded every step` });
  // the float64 engine alone: forward + backward over the 1000 samples (src/nn/f64-kernels.ts), no optimizer, no run
  const sx = Float64Array.from(small.initial), sg = new Float64Array(small.n);
  const smallFwdBwd = await fastestWindow(() => { for (let i = 0; i < SW; i++) small.valueAndGradInto(sx, sg); }, SW, SWINDOWS);
  rows.push({ name: "MLP 2→64→64→1 tanh, MSE, 1000 samples: the float64 engine's forward + backward alone (for scale)", ours: smallFwdBwd, unit: "ms", ...(s.one ? { reference: s.one.ms, referenceName: "torch float64, 1 thread, whole step" } : {}) });

  // large: backend "wasm" (optlab's float32 SIMD engine), float32
  const large = nn.loss(nn.mlp([784, 256, 10], { activation: "relu" }), { x: r.normal([128, 784]) as number[][], y: Array.from({ length: 128 }, (_, i) => i % 10) }, "cross-entropy");
  await optimize(large, adam({ lr: 1e-3 }), { steps: 20, backend: "wasm" }); // warm-up
  const LW = 50, LWINDOWS = 4;
  const load0 = loadavg()[0]!;
  // judged: a run that keeps only its start and final point (trajectory: "final"), as torch's loop
  // keeps no iterates; each round also times the default run that keeps every point
  let largeAll = Infinity;
  const l = await compareRounds("large", async () => {
    const final = await fastestWindow(() => optimize(large, adam({ lr: 1e-3 }), { steps: LW, backend: "wasm", trajectory: "final" }), LW, LWINDOWS);
    largeAll = Math.min(largeAll, await fastestWindow(() => optimize(large, adam({ lr: 1e-3 }), { steps: LW, backend: "wasm" }), LW, LWINDOWS));
    return final;
  }, LW, LWINDOWS);
  const kernels = relaxedSimdAvailable() ? "f32x4.relaxed_madd (FMA)" : "f32x4 mul then add (no relaxed SIMD here)";
  rows.push(...rowsFor("MLP 784→256→10 relu, cross-entropy, batch 128: one Adam step, backend \"wasm\" (optlab's float32 WebAssembly SIMD engine), trajectory: \"final\" (the record keeps the start and final point only, like torch's loop)", "≤ 2× torch", (a, b) => a <= 2 * b,
    `fastest ${LW}-step window of ${LWINDOWS}, best of 3 alternating rounds; products by ${kernels}, one thread; parameters and Adam state float32 in the engine's memory, like torch (one SIMD Adam pass per step; the runner records loss, |∇f|, per-layer norms and lr every step and copies the point out as float64 at the start and the end); 1-minute load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`, l, "CPU float32"));
  rows.push({ name: "MLP 784→256→10 relu, batch 128: one Adam step, backend \"wasm\", every iterate recorded (trajectory: \"all\", the default: 51 × 203530 float64 per 50-step run; for scale)", ours: largeAll, unit: "ms", ...(l.one ? { reference: l.one.ms, referenceName: "torch CPU float32, 1 thread" } : {}),
    note: "same rounds as the judged row" });

  // the route before: parameters, gradient and Adam's state float64 in the runner (its fused float64
  // Adam), converted to and from float32 around every forward + backward
  F32NetProblem.residentSteps = false;
  try {
    await optimize(large, adam({ lr: 1e-3 }), { steps: 10, backend: "wasm", trajectory: "final" }); // warm-up
    const f64Path = await fastestWindow(() => optimize(large, adam({ lr: 1e-3 }), { steps: LW, backend: "wasm", trajectory: "final" }), LW, LWINDOWS);
    rows.push({ name: "MLP 784→256→10 relu, batch 128: one Adam step, backend \"wasm\", trajectory: \"final\", parameters and Adam state float64 in the runner (the route before; for scale)", ours: f64Path, unit: "ms", ...(l.one ? { reference: l.one.ms, referenceName: "torch CPU float32, 1 thread" } : {}) });
  } finally {
    F32NetProblem.residentSteps = true;
  }

  // what the run record costs: the engine's forward + backward and Adam as one plain float64 loop,
  // no trajectory (torch records nothing either)
  const engine = new F32NetProblem(large.model.spec, large.kind, large.dataset);
  const x = Float64Array.from(large.initial), g = new Float64Array(engine.n), m = new Float64Array(engine.n), v = new Float64Array(engine.n);
  let t = 0;
  const bare = () => {
    for (let i = 0; i < LW; i++) {
      engine.valueAndGradInto(x, g);
      t++;
      const c1 = 1 - 0.9 ** t, c2 = 1 - 0.999 ** t;
      for (let j = 0; j < x.length; j++) {
        const gj = g[j]!;
        m[j] = 0.9 * m[j]! + 0.1 * gj;
        v[j] = 0.999 * v[j]! + 0.001 * gj * gj;
        x[j] = x[j]! - (1e-3 * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + 1e-8);
      }
    }
  };
  bare();
  const bareMs = await fastestWindow(bare, LW, LWINDOWS);
  rows.push({ name: "MLP 784→256→10 relu, batch 128: the float32 engine's forward + backward and Adam in one float64 loop, no run record (for scale)", ours: bareMs, unit: "ms", ...(l.one ? { reference: l.one.ms, referenceName: "torch CPU float32, 1 thread" } : {}) });
  // the engine alone: forward + backward (float64 point in, float64 gradient out), no optimizer
  const fwdBwd = await fastestWindow(() => { for (let i = 0; i < LW; i++) engine.valueAndGradInto(x, g); }, LW, LWINDOWS);
  rows.push({ name: `MLP 784→256→10 relu, batch 128: the float32 engine's forward + backward alone (${kernels}; for scale)`, ours: fwdBwd, unit: "ms", ...(l.one ? { reference: l.one.ms, referenceName: "torch CPU float32, 1 thread, whole step" } : {}) });
  // the same step on the f32x4 mul-then-add kernels (what runs without relaxed SIMD), for scale
  if (relaxedSimdAvailable()) {
    F32Arena.useFma = false;
    try {
      const plain = new NetLoss(large.model, large.kind, large.dataset); // its own engine: buffers made now, without FMA
      await optimize(plain, adam({ lr: 1e-3 }), { steps: 20, backend: "wasm" }); // warm-up
      const plainMs = await fastestWindow(() => optimize(plain, adam({ lr: 1e-3 }), { steps: LW, backend: "wasm" }), LW, LWINDOWS);
      rows.push({ name: "MLP 784→256→10 relu, batch 128: one Adam step, backend \"wasm\" on f32x4 mul then add (no FMA; for scale)", ours: plainMs, unit: "ms", ...(l.one ? { reference: l.one.ms, referenceName: "torch CPU float32, 1 thread" } : {}) });
    } finally {
      F32Arena.useFma = true;
    }
  }

  // the same step on tfjs-wasm's kernels (the route before the float32 engine), for scale
  NetLoss.tfjsWasm = true;
  try {
    await optimize(large, adam({ lr: 1e-3 }), { steps: 20, backend: "wasm" }); // warm-up
    const tfjsWasm = await fastestWindow(() => optimize(large, adam({ lr: 1e-3 }), { steps: LW, backend: "wasm" }), LW, LWINDOWS);
    rows.push({ name: "MLP 784→256→10 relu, batch 128: one Adam step on tfjs-wasm's kernels (for scale)", ours: tfjsWasm, unit: "ms", ...(l.one ? { reference: l.one.ms, referenceName: "torch CPU float32, 1 thread" } : {}) });
  } finally {
    NetLoss.tfjsWasm = false;
  }

  const f64Large = await fastestWindow(() => optimize(large, adam({ lr: 1e-3 }), { steps: 10 }), 10, 3);
  rows.push({ name: "MLP 784→256→10 relu, batch 128: one Adam step, float64 engine (for scale)", ours: f64Large, unit: "ms", ...(l.one ? { reference: l.one.ms, referenceName: "torch CPU float32, 1 thread" } : {}) });
  return rows;
}
