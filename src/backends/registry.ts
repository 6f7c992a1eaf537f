/**
 * The backend registry: what each backend is (name, precision, capabilities), whether it starts
 * on this machine (and why not), and which one `backend: "auto"` picks for a piece of work.
 *
 * Backends: `float64` (the reference engine: plain loops over Float64Array, always there),
 * and the TensorFlow.js backends `cpu`, `wasm`, `webgpu`, `tensorflow` (float32; see tfjs.ts).
 * Optional backends register only if they start; `probeBackends()` reports the others with a
 * one-line reason.
 */
import { DslError, describe } from "../errors/index.js";
import { startTfjs, type TfjsBackendName, type TfjsEngine } from "./tfjs.js";

/** Every backend name optlab knows. */
export type BackendName = "float64" | TfjsBackendName;
/** A backend request: a name, or `"auto"` to pick by the size of the work. */
export type BackendChoice = BackendName | "auto";

/**
 * What a backend can do.
 * - `batch`: many runs at once as one program ([B, n] parameters, [B, 1] hyperparameters).
 * - `autodiff`: gradients of tensor programs (tf.grad), so Hessian-vector products by
 *   reverse-over-reverse differentiation.
 * - `finite-differences`: trustworthy finite differences and gradient checks (float64 only).
 * - `complex`: complex-step differentiation (the float64 engine with symbolic objectives).
 * - `gpu`: runs on a GPU (or a software rasterizer standing in for one).
 * - `async-readback`: results must be read with `await tensor.data()` (`dataSync` throws).
 */
export type Capability = "batch" | "autodiff" | "finite-differences" | "complex" | "gpu" | "async-readback";

/** Static facts about a backend. */
export interface BackendInfo {
  readonly name: BackendName;
  /** Bits of floating-point precision: 64 (float64 engine) or 32 (TensorFlow.js). */
  readonly precision: 32 | 64;
  readonly capabilities: readonly Capability[];
  /** True when the backend may be missing on a machine (and is then skipped, with a reason). */
  readonly optional: boolean;
  /** One line for humans. */
  readonly summary: string;
}

/** The backends, in the order `probeBackends` lists them. */
export const BACKENDS: Readonly<Record<BackendName, BackendInfo>> = {
  float64: {
    name: "float64",
    precision: 64,
    capabilities: ["finite-differences", "complex"],
    optional: false,
    summary: "float64 reference engine: plain JS loops, no per-step overhead; best for one run of a small problem",
  },
  cpu: {
    name: "cpu",
    precision: 32,
    capabilities: ["batch", "autodiff"],
    optional: false,
    summary: "TensorFlow.js in plain JavaScript; always available, slowest per element",
  },
  wasm: {
    name: "wasm",
    precision: 32,
    capabilities: ["batch", "autodiff"],
    optional: false,
    summary: "TensorFlow.js on WebAssembly (XNNPACK, SIMD); the fastest CPU backend without tfjs-node",
  },
  webgpu: {
    name: "webgpu",
    precision: 32,
    capabilities: ["batch", "autodiff", "gpu", "async-readback"],
    optional: true,
    summary: "TensorFlow.js on WebGPU (Dawn: Vulkan/Metal/D3D12, or Mesa's lavapipe in software); wins on large batches with a real GPU",
  },
  tensorflow: {
    name: "tensorflow",
    precision: 32,
    capabilities: ["batch", "autodiff"],
    optional: true,
    summary: "TensorFlow.js on libtensorflow (@tensorflow/tfjs-node, multi-threaded native); only where the user installed it",
  },
};

/** Whether a backend starts here, and if not, why. */
export interface BackendStatus {
  readonly name: BackendName;
  readonly available: boolean;
  /** One line saying why it cannot start (only when `available` is false). */
  readonly reason?: string;
  /** What runs the work ("WebAssembly (XNNPACK, SIMD, 1 thread)", "WebGPU on llvmpipe ..."). */
  readonly device?: string;
  /** WebGPU on a software rasterizer: GPU-shaped, CPU-fast. */
  readonly software?: boolean;
  /** What starting it did that is worth knowing (e.g. the XDG_RUNTIME_DIR fallback of WebGPU). */
  readonly notes?: readonly string[];
}

const TFJS: readonly TfjsBackendName[] = ["cpu", "wasm", "webgpu", "tensorflow"];

/** True for the TensorFlow.js backend names. */
export function isTfjsBackend(name: string): name is TfjsBackendName {
  return (TFJS as readonly string[]).includes(name);
}

/**
 * Starts (once) and returns a TensorFlow.js backend. Rejects with a `DslError`
 * (`"backend-unavailable"`, one line saying why) when it cannot start, and with `"bad-backend"`
 * for an unknown name.
 */
export function tensorEngine(name: string): Promise<TfjsEngine> {
  if (!isTfjsBackend(name)) {
    return Promise.reject(
      new DslError("bad-backend", `backend must be one of ${TFJS.map((b) => `"${b}"`).join(", ")} for tensor work, got ${describe(name)}`, {
        path: "backend",
      }),
    );
  }
  return startTfjs(name);
}

/** Probes one backend (starting it if it is a tfjs backend); never throws. */
export async function probeBackend(name: BackendName): Promise<BackendStatus> {
  if (name === "float64") return { name, available: true, device: "JavaScript (Float64Array loops)" };
  try {
    const e = await startTfjs(name);
    return { name, available: true, device: e.device, software: e.software, ...(e.notes.length ? { notes: e.notes } : {}) };
  } catch (err) {
    return { name, available: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Every backend with whether it starts here. Starting WebGPU takes about a second the first
 * time (adapter and device creation); later calls are cached.
 *
 * @example
 * for (const b of await probeBackends()) console.log(b.name, b.available ? b.device : b.reason);
 */
export async function probeBackends(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const name of Object.keys(BACKENDS) as BackendName[]) out.push(await probeBackend(name));
  return out;
}

/** The size of a piece of work, for `backend: "auto"`. */
export interface Workload {
  /** Runs done at once (a sweep's configurations × starts); default 1. */
  runs?: number;
  /** Parameters per run. */
  n: number;
  /** Data rows touched per step (the batch size of a data-backed objective); absent: no data. */
  samples?: number;
}

/**
 * Thresholds of `pickBackend`, measured on a 2-core x86-64 CPU with test/bench/tfjs-backends.bench.ts
 * (figures in docs/readme/tensor.md):
 *  - `batchRuns`: from this many runs a sweep of a data-free objective is faster as one fused
 *    WebAssembly kernel per step than as float64 runs one by one (measured crossover: between 10
 *    and 100 runs of a 2-D problem; 100 leaves margin).
 *  - `gpuRuns`: from this many runs a hardware GPU (WebGPU) is worth its dispatch latency.
 *  - `tensorElements`: data-backed work (runs × n × rows per step) from which tfjs-node or a
 *    hardware GPU beat the float64 engine's generated loops; on a CPU without them the float64
 *    loops are as fast as tfjs-wasm (1.5× faster over 10⁶ rows) and stay the choice.
 * Software WebGPU (lavapipe) is never picked: it is a CPU pretending to be a GPU.
 */
export const AUTO_THRESHOLDS = { batchRuns: 100, gpuRuns: 10_000, tensorElements: 1_000_000 } as const;

/**
 * Picks the backend for a workload among those available (pure; `resolveBackend` probes first).
 * Returns the name and a one-line reason.
 */
export function pickBackend(work: Workload, available: readonly BackendStatus[]): { name: BackendName; why: string } {
  const has = (n: BackendName) => available.find((s) => s.name === n && s.available);
  const runs = work.runs ?? 1;
  const gpu = has("webgpu");
  const hardGpu = gpu && !gpu.software ? gpu : undefined;
  if (work.samples !== undefined) {
    const elements = runs * work.n * work.samples;
    const size = `${elements.toExponential(1)} elements per step`;
    if (elements >= AUTO_THRESHOLDS.tensorElements) {
      if (hardGpu) return { name: "webgpu", why: `webgpu: ${size} on ${hardGpu.device}` };
      if (has("tensorflow")) return { name: "tensorflow", why: `tensorflow: ${size}, native multi-threaded kernels` };
    }
    if (runs >= AUTO_THRESHOLDS.batchRuns) {
      if (has("wasm")) return { name: "wasm", why: `wasm: ${runs} runs over data rows as tfjs ops` };
      if (has("cpu")) return { name: "cpu", why: `cpu: ${runs} runs over data rows, wasm unavailable` };
    }
    return { name: "float64", why: `float64: ${size}; without a GPU or tfjs-node its generated loops are as fast as tfjs` };
  }
  if (runs < AUTO_THRESHOLDS.batchRuns) return { name: "float64", why: `float64: ${runs} run${runs === 1 ? "" : "s"} (fused kernels pay off from ${AUTO_THRESHOLDS.batchRuns})` };
  if (hardGpu && runs >= AUTO_THRESHOLDS.gpuRuns) return { name: "webgpu", why: `webgpu: ${runs} runs on ${hardGpu.device}` };
  if (has("wasm")) return { name: "wasm", why: `wasm: ${runs} runs as one fused WebAssembly kernel per step${gpu?.software ? " (WebGPU is software here)" : ""}` };
  if (has("tensorflow")) return { name: "tensorflow", why: `tensorflow: ${runs} runs, wasm unavailable` };
  if (has("cpu")) return { name: "cpu", why: `cpu: ${runs} runs, wasm unavailable` };
  return { name: "float64", why: "float64: no tensor backend starts here" };
}

/**
 * Resolves a backend request. `"auto"` probes the tfjs backends only when the work is big enough
 * to want one (so small runs never load tfjs); a named tfjs backend is started and rejects with
 * its one-line reason when it cannot.
 */
export async function resolveBackend(choice: BackendChoice | undefined, work: Workload): Promise<{ name: BackendName; why: string }> {
  const c = choice ?? "auto";
  if (c !== "auto" && c !== "float64" && !isTfjsBackend(c)) {
    const all = ["auto", ...Object.keys(BACKENDS)].map((b) => `"${b}"`).join(", ");
    throw new DslError("bad-backend", `backend must be one of ${all}, got ${describe(c)}`, { path: "backend" });
  }
  if (c === "float64") return { name: c, why: "float64: requested" };
  if (c === "auto") {
    const runs = work.runs ?? 1;
    const big = work.samples !== undefined ? runs * work.n * work.samples >= AUTO_THRESHOLDS.tensorElements : runs >= AUTO_THRESHOLDS.batchRuns;
    // small work never loads tfjs
    if (!big && (work.samples === undefined || runs < AUTO_THRESHOLDS.batchRuns)) return pickBackend(work, [{ name: "float64", available: true }]);
    const statuses: BackendStatus[] = [{ name: "float64", available: true }];
    for (const n of ["tensorflow", "wasm", "cpu"] as const) statuses.push(await probeBackend(n));
    // WebGPU only when a GPU could win (starting it costs about a second)
    if (runs >= AUTO_THRESHOLDS.gpuRuns || (work.samples !== undefined && big)) statuses.push(await probeBackend("webgpu"));
    return pickBackend(work, statuses);
  }
  await tensorEngine(c);
  return { name: c, why: `${c}: requested` };
}
