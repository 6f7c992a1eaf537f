/**
 * The fused runner: B runs of one optimizer on one (data-free) objective, each step traced once
 * (src/optim's transform on `traceOps`, unchanged) and executed as one generated kernel over all
 * runs: WGSL on WebGPU, WebAssembly SIMD on the CPU. Same inputs and results as `runBatch`.
 *
 * Kernels are cached by the graph's shape, so steps whose shape repeats (all of them after the
 * first, for the aliases of src/optim) reuse one kernel and only upload their uniforms (bias
 * corrections, scheduled values) and, when they change, their per-run hyperparameters.
 */
import type { Tensor, TfjsEngine } from "../../backends/index.js";
import { DslError } from "../../errors/index.js";
import { assertTensorTransform, type BatchRunResult, type BatchRunSpec } from "../batch-run.js";
import { ROW, initGraph, stepGraph, type Graph, type StepSpec } from "./step.js";
import { WasmDevice, WasmKernel, wasmSimdSupported } from "./wasm.js";
import { WgslKernel } from "./wgsl.js";

/** Where a fused run keeps its packed state and how it runs a graph. */
interface Device {
  /** Writes the x rows (B × n row-major starts) into the state. */
  start(starts: Float64Array, n: number): void;
  /** Runs `graph` once per entry of `uniforms` (the steps' uniforms; one dispatch). */
  run(graph: Graph, uniforms: readonly (readonly number[])[], init?: boolean): void;
  /** Keeps a copy of the first `rows` rows of the current state (read back by `snapshots`). */
  snapshot(rows: number): void;
  /** The kept copies, oldest first, each [rows, B]; clears them. */
  snapshots(): Promise<Float32Array[]>;
  read(): Promise<Float32Array>;
  dispose(): void;
}

/** Whether the fused engine applies, and if not why. */
export function fusedSupport(engine: TfjsEngine, problem: object, spec: { batchSize?: number }): { ok: true; label: string } | { ok: false; reason: string } {
  if ((problem as { data?: unknown }).data) return { ok: false, reason: "data-backed objectives reduce over rows (tfjs ops handle them)" };
  if (spec.batchSize !== undefined) return { ok: false, reason: "mini-batches need a data-backed objective" };
  if (engine.name === "webgpu") return { ok: true, label: "fused WGSL kernel" };
  if (engine.name === "wasm") return wasmSimdSupported() ? { ok: true, label: "fused WebAssembly SIMD kernel" } : { ok: false, reason: "this runtime lacks WebAssembly SIMD" };
  return { ok: false, reason: `backend "${engine.name}" has no fused kernels (webgpu and wasm do)` };
}

/** Runs the batch with fused kernels (`spec.objective` must be data-free and symbolic). */
export async function runFused(spec: Omit<BatchRunSpec, "batchRows" | "trainRows">): Promise<BatchRunResult> {
  const { engine, objective, transform, B, steps } = spec;
  assertTensorTransform(transform);
  const t0 = performance.now();
  const tol = spec.tol ?? -1;
  const n = objective.n;
  const { exprs, names } = objective.symbolicGradient();
  const step: StepSpec = { transform, exprs, names, ...(spec.clipNorm !== undefined ? { clipNorm: spec.clipNorm } : {}), ...(spec.clipValue !== undefined ? { clipValue: spec.clipValue } : {}) };
  const { graph: init, state, R } = initGraph(step, spec.divergenceFactor ?? 1e6);
  const first = steps > 0 ? stepGraph(step, state, 0, tol) : undefined;
  const P = Math.max(init.trace.perRun.length, first?.trace.perRun.length ?? 0);
  await engine.activate();
  const device: Device = engine.name === "webgpu" ? webgpuDevice(engine, B, R) : wasmDevice(B, R, P);
  const chunk = spec.chunk ?? 50;
  // recording: after step k the state holds x_{k+1} and the loss and |∇f| of x_k (rows 0..n+1)
  const rec = spec.record ? { xs: [spec.starts.slice()] as Float64Array[], losses: [] as Float64Array[], gradNorms: [] as Float64Array[] } : undefined;
  const take = async () => {
    for (const snap of await device.snapshots()) {
      rec!.xs.push(unpackRows(snap, B, n));
      rec!.losses.push(Float64Array.from(snap.subarray(ROW.loss(n) * B, (ROW.loss(n) + 1) * B)));
      rec!.gradNorms.push(Float64Array.from(snap.subarray(ROW.gn(n) * B, (ROW.gn(n) + 1) * B)));
    }
  };
  try {
    device.start(spec.starts, n);
    device.run(init, [init.trace.uniforms], true);
    // Steps whose graphs have the same shape and per-run values run as one dispatch (up to
    // FUSE_STEPS, never across a chunk boundary); recording needs every step's state.
    const fuse = rec ? 1 : FUSE_STEPS;
    let pending: Graph | undefined = first;
    for (let k = 0; k < steps; ) {
      const g: Graph = pending ?? stepGraph(step, state, k, tol);
      pending = undefined;
      const uniforms = [g.trace.uniforms];
      const end = Math.min(steps, (Math.floor(k / chunk) + 1) * chunk, k + fuse);
      while (k + uniforms.length < end) {
        const next = stepGraph(step, state, k + uniforms.length, tol);
        if (next.key !== g.key || !sameSlots(next.trace.perRun, g.trace.perRun)) {
          pending = next;
          break;
        }
        uniforms.push(next.trace.uniforms);
      }
      device.run(g, uniforms);
      k += uniforms.length;
      if (rec) device.snapshot(n + 2);
      if (k % chunk === 0 && k < steps) {
        if (rec) await take();
        await spec.onChunk?.(k);
        await engine.activate();
        if (spec.signal?.aborted) throw new DslError("aborted", `aborted after ${k} of ${steps} steps`, { path: "signal" });
      }
    }
    const last = stepGraph(step, state, steps, tol, false);
    device.run(last, [last.trace.uniforms]);
    if (rec) {
      await take();
      rec.xs.length = steps + 1; // the final graph's snapshot is not taken: x_steps came with step steps−1
    }
    const S = await device.read();
    const row = (r: number) => S.subarray(r * B, (r + 1) * B);
    const finalX = unpackRows(S, B, n); // x is rows 0..n−1 (ROW.x)
    const divergedAt = Int32Array.from(row(ROW.divAt(n)));
    return {
      B, n, steps,
      finalX,
      finalLoss: Float64Array.from(row(ROW.loss(n))),
      finalGradNorm: Float64Array.from(row(ROW.gn(n))),
      diverged: Uint8Array.from(divergedAt, (v) => (v >= 0 ? 1 : 0)),
      divergedAt,
      stepsToTol: Int32Array.from(row(ROW.toTol(n))),
      time: performance.now() - t0,
      ...(rec ? { xs: rec.xs, losses: [...rec.losses, Float64Array.from(row(ROW.loss(n)))], gradNorms: [...rec.gradNorms, Float64Array.from(row(ROW.gn(n)))] } : {}),
    };
  } finally {
    device.dispose();
  }
}

/** Row-major B × n points → the packed layout (row i of `out` holds coordinate i of every run). */
function packRows(points: Float64Array, B: number, n: number, out: Float32Array): Float32Array {
  for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) out[i * B + b] = points[b * n + i]!;
  return out;
}

/** The first n packed rows → row-major B × n points (inverse of `packRows`). */
function unpackRows(packed: Float32Array, B: number, n: number): Float64Array {
  const x = new Float64Array(B * n);
  for (let i = 0; i < n; i++) for (let b = 0; b < B; b++) x[b * n + i] = packed[i * B + b]!;
  return x;
}

/** Most steps one dispatch runs (state carried in registers between them). */
export const FUSE_STEPS = 25;

function sameSlots(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Tracks per-run value arrays by identity: true when the slots changed since the last call. */
function slotsChanged(prev: (readonly number[])[], next: readonly (readonly number[])[]): boolean {
  if (prev.length !== next.length || next.some((v, i) => v !== prev[i])) {
    prev.length = 0;
    prev.push(...next);
    return true;
  }
  return false;
}

/** Two packed states as tfjs tensors on WebGPU (ping-pong); per-run values as a third. */
function webgpuDevice(engine: TfjsEngine, B: number, R: number): Device {
  const tf = engine.tf;
  let cur: Tensor = tf.zeros([R * B]);
  let other: Tensor = tf.zeros([R * B]);
  let P: Tensor | undefined;
  const slots: (readonly number[])[] = [];
  const kernels = new Map<string, WgslKernel>();
  let snaps: Tensor[] = [];
  return {
    snapshot(rows) {
      snaps.push(tf.slice(cur, [0], [rows * B]));
    },
    async snapshots() {
      if (snaps.length === 0) return [];
      const all = tf.concat(snaps);
      const d = await engine.read(all);
      const size = snaps[0]!.size;
      tf.dispose([all, ...snaps]);
      const out = Array.from({ length: snaps.length }, (_, i) => d.slice(i * size, (i + 1) * size));
      snaps = [];
      return out;
    },
    start(starts, n) {
      const packed = packRows(starts, B, n, new Float32Array(R * B));
      cur.dispose();
      cur = tf.tensor1d(packed);
    },
    run(graph, uniforms) {
      const { trace, order, outputs, key } = graph;
      if (slotsChanged(slots, trace.perRun)) {
        P?.dispose();
        const flat = new Float32Array(slots.length * B);
        slots.forEach((v, i) => flat.set(v, i * B));
        P = slots.length ? tf.tensor1d(flat) : undefined;
      }
      const k = `${key}|${slots.length}`;
      let kernel = kernels.get(k);
      if (!kernel) kernels.set(k, (kernel = new WgslKernel(key, trace.nodes, order, outputs, B, slots.length)));
      kernel.run(tf, cur, P, uniforms, other);
      [cur, other] = [other, cur];
    },
    read: () => engine.read(cur),
    dispose() {
      tf.dispose([cur, other, ...(P ? [P] : []), ...snaps]);
    },
  };
}

/** The packed state in WebAssembly memory (see WasmDevice). */
function wasmDevice(B: number, R: number, P: number): Device {
  const dev = new WasmDevice(B, R, P);
  const kernels = new Map<string, WasmKernel>();
  const slots: (readonly number[])[] = [];
  // Rows each graph shape passes through unchanged (its output is its own input), by shape key.
  const throughs = new Map<string, number[]>();
  // Rows equal in both ping-pong states: all after init (run in place, then mirrored); a row
  // stays equal while every graph passes it through unchanged. Only those rows may skip stores.
  let same = new Set<number>(Array.from({ length: R }, (_, r) => r));
  let snaps: Float32Array[] = [];
  return {
    snapshot(rows) {
      const all = dev.read();
      snaps.push(all.slice(0, rows * B));
    },
    async snapshots() {
      const s = snaps;
      snaps = [];
      return s;
    },
    start(starts, n) {
      dev.write(packRows(starts, B, n, new Float32Array(n * B)), n);
    },
    run(graph, uniforms, init = false) {
      const { trace, order, outputs, key } = graph;
      if (trace.perRun.length > P) throw new Error(`optlab internal error: ${trace.perRun.length} per-run slots, room for ${P}`);
      if (slotsChanged(slots, trace.perRun)) dev.writePerRun(slots);
      let through = throughs.get(key);
      if (!through) throughs.set(key, (through = outputs.flatMap((o, r) => (trace.nodes[o]!.op === "in" && trace.nodes[o]!.v === r ? [r] : []))));
      const skip = new Set(init ? through : through.filter((r) => same.has(r)));
      const k = `${key}|${[...skip].join(",")}`;
      let kernel = kernels.get(k);
      if (!kernel) kernels.set(k, (kernel = new WasmKernel(dev, trace.nodes, order, outputs, skip)));
      same = init ? new Set(Array.from({ length: R }, (_, r) => r)) : skip;
      if (init) {
        // in place, then copied: both ping-pong states hold every row (unchanged rows are never stored)
        dev.run(kernel, uniforms, true);
        dev.mirror();
      } else dev.run(kernel, uniforms);
    },
    read: async () => dev.read(),
    dispose() {
      kernels.clear();
    },
  };
}
