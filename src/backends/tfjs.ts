/**
 * TensorFlow.js, loaded at first use: the only module that imports `@tensorflow/*`.
 *
 * `import "optlab"` must stay fast (the kernel starts in < 1 s), so nothing here touches tfjs
 * until a tensor backend is asked for; the types below are erased at compile time.
 *
 * TensorFlow.js has one active backend per process (`tf.setBackend`). A {@link TfjsEngine} is a
 * handle on one backend; `activate()` makes it the active one (cheap once started). Runners call
 * it at their entry and after each `await`, so interleaved work on two backends stays correct.
 *
 * Backends: `cpu` (plain JS, always there), `wasm` (XNNPACK + SIMD, single-threaded in Node),
 * `webgpu` (Dawn through the `webgpu` package: a real GPU over Vulkan/Metal/D3D12, or Mesa's
 * lavapipe in software), and `tensorflow` (tfjs-node's libtensorflow, only where the user has
 * installed `@tensorflow/tfjs-node`). All are float32.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { DslError } from "../errors/index.js";
import type { Ops } from "./ops.js";
import { tfjsOps } from "./tfjs-ops.js";
import type { Tensor, TF } from "./tfjs-types.js";
// tfjs's own types for TF and Tensor in this compilation (see ./tfjs-types.ts).
import type {} from "./tfjs-typings.js";
import { setupWebGpu } from "./webgpu-setup.js";

export type { Tensor, TensorLike, TF } from "./tfjs-types.js";
/** The tfjs backends optlab knows. */
export type TfjsBackendName = "cpu" | "wasm" | "webgpu" | "tensorflow";

/** A started TensorFlow.js backend: the tfjs module, its `Ops`, and how to make it active. */
export interface TfjsEngine {
  readonly name: TfjsBackendName;
  readonly precision: 32;
  /** The tfjs module (shared by every backend). */
  readonly tf: TF;
  /** Optimizer primitives on [B, n] tensors (per-run scalars are [B, 1]). */
  readonly ops: Ops<Tensor>;
  /** What runs the kernels: "JS", "WebAssembly SIMD", "WebGPU on llvmpipe ...", "libtensorflow". */
  readonly device: string;
  /** True for WebGPU on a software rasterizer (lavapipe, SwiftShader, WARP). */
  readonly software: boolean;
  /** What starting it did that is worth knowing (WebGPU: "XDG_RUNTIME_DIR was unset: using ..."). */
  readonly notes: readonly string[];
  /** Makes this backend tfjs's active one. */
  activate(): Promise<void>;
  /** Reads a tensor back (always `await data()`: `dataSync` throws on WebGPU in Node). */
  read(t: Tensor): Promise<Float32Array>;
}

let tfLoading: Promise<TF> | undefined;

/**
 * Loads `@tensorflow/tfjs-core`, its `cpu` backend and the gradient functions (once, ≈ 0.3 s).
 *
 * tfjs-core's Node build registers no gradients (they live in its ESM-only
 * `dist/register_all_gradients`, which Node cannot import); the `@tensorflow/tfjs` bundle
 * registers them into the same global registry, so tf.grad works on every backend.
 */
export function loadTf(): Promise<TF> {
  return (tfLoading ??= (async () => {
    const tf = (await import("@tensorflow/tfjs-core")) as TF;
    // Production mode silences tfjs's console banners ("looks like you are running in Node.js").
    tf.enableProdMode();
    await import("@tensorflow/tfjs-backend-cpu");
    await import("@tensorflow/tfjs");
    return tf;
  })());
}

/** What `tfjsMemory` reports. */
export interface TfjsMemory {
  /** Live tensors (every backend together, as `tf.memory()` counts them). */
  numTensors: number;
  /** Bytes held by those tensors' data. */
  numBytes: number;
  /** The active backend, or null when TensorFlow.js is not loaded or no backend started yet. */
  backend: string | null;
}

/**
 * TensorFlow.js's tensor count and bytes (`tf.memory()`) and its active backend, synchronously,
 * without loading tfjs: when nothing has loaded `@tensorflow/tfjs-core` (optlab at its first
 * tensor backend, or a kernel cell through kernel/shared-modules.ts, which loads this same copy)
 * there can be no tensors, and the answer is zeros.
 *
 * @example
 * tfjsMemory(); // { numTensors: 0, numBytes: 0, backend: null } before any tfjs work
 */
export function tfjsMemory(): TfjsMemory {
  const req = createRequire(import.meta.url);
  let tf: TF | undefined;
  try {
    const file = req.resolve("@tensorflow/tfjs-core");
    if (req.cache[file]) tf = req(file) as TF;
  } catch {
    /* not installed: no tensors */
  }
  const backend = tf ? ((tf.getBackend() as string | null | undefined) ?? null) : null;
  if (!tf || !backend) return { numTensors: 0, numBytes: 0, backend: null };
  const m = tf.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes, backend };
}

const engines = new Map<TfjsBackendName, Promise<TfjsEngine>>();

/**
 * Starts a tfjs backend (once per process) and returns its engine. A backend that cannot start
 * rejects with a `DslError` (code `"backend-unavailable"`) whose message says why in one line.
 *
 * @example
 * const wasm = await startTfjs("wasm");
 * await wasm.activate();
 */
export function startTfjs(name: TfjsBackendName): Promise<TfjsEngine> {
  let p = engines.get(name);
  if (!p) {
    p = start(name);
    engines.set(name, p);
  }
  return p;
}

async function start(name: TfjsBackendName): Promise<TfjsEngine> {
  const before = processListeners();
  try {
    return await startBackend(name);
  } finally {
    dropListenersAddedSince(before);
  }
}

type ProcessEvent = "uncaughtException" | "unhandledRejection";
const PROCESS_EVENTS: readonly ProcessEvent[] = ["uncaughtException", "unhandledRejection"];

function processListeners(): Map<ProcessEvent, Set<unknown>> {
  const emitter: NodeJS.EventEmitter = process;
  return new Map(PROCESS_EVENTS.map((e) => [e, new Set<unknown>(emitter.listeners(e))]));
}

/**
 * Removes the `uncaughtException` / `unhandledRejection` listeners that starting a backend added.
 *
 * The wasm backend's emscripten runtime adds `process.on("unhandledRejection", (r) => { throw r })`
 * and an `uncaughtException` listener that rethrows when its module is instantiated (emscripten's
 * Node shell, link settings `NODEJS_CATCH_REJECTION` / `NODEJS_CATCH_EXIT`, which tfjs builds
 * with; see https://github.com/emscripten-core/emscripten/issues/11768 and, for the listeners
 * outliving the backend, https://github.com/emscripten-core/emscripten/issues/12740 and
 * https://github.com/tensorflow/tfjs/pull/5852; here
 * node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js around line 8596). A
 * listener that throws ends the process whatever other listeners do: from then on any promise
 * rejection a user leaves unhandled, or any exception in a timer, would kill a Jupyter kernel
 * that otherwise shows such errors on a cell. Without those listeners Node behaves as it does by
 * default (it prints the error and exits for an uncaught exception or unhandled rejection in a
 * plain script), which is what a script expects; the kernel's own guards (kernel/process-guards.ts)
 * also tame any listener that still appears.
 */
function dropListenersAddedSince(before: Map<ProcessEvent, Set<unknown>>): void {
  const emitter: NodeJS.EventEmitter = process;
  for (const event of PROCESS_EVENTS) {
    const had = before.get(event)!;
    for (const l of emitter.listeners(event)) if (!had.has(l)) emitter.removeListener(event, l as (...a: unknown[]) => void);
  }
}

async function startBackend(name: TfjsBackendName): Promise<TfjsEngine> {
  const tf = await loadTf();
  const fail = (why: string): never => {
    throw new DslError("backend-unavailable", `backend "${name}" cannot start: ${why}`, { path: "backend", detail: { backend: name } });
  };
  let device = "";
  let software = false;
  let notes: string[] = [];
  if (name === "cpu") {
    device = "JavaScript (tfjs-backend-cpu)";
  } else if (name === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const require = createRequire(import.meta.url);
    // The package ships its .wasm binaries next to its main file; point tfjs at them on disk.
    wasm.setWasmPaths(dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + "/");
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    device = `WebAssembly (XNNPACK${simd ? ", SIMD" : ""}${threads ? ", threads" : ", 1 thread"})`;
  } else if (name === "webgpu") {
    const probe = await setupWebGpu();
    notes = probe.notes;
    if (!probe.ok) fail(probe.notes.length ? `${probe.reason} (${probe.notes.join("; ")})` : probe.reason);
    else {
      device = `WebGPU on ${probe.adapter}`;
      software = probe.software;
    }
    await import("@tensorflow/tfjs-backend-webgpu");
  } else if (name === "tensorflow") {
    // Optional: tfjs-node downloads libtensorflow at install time and is not a dependency.
    const spec = "@tensorflow/tfjs-node";
    try {
      await import(spec);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      fail(
        /Cannot find (package|module)/.test(msg)
          ? "@tensorflow/tfjs-node is not installed (npm install @tensorflow/tfjs-node, which downloads libtensorflow)"
          : `@tensorflow/tfjs-node did not load: ${msg.split("\n")[0]}`,
      );
    }
    if (!tf.findBackendFactory("tensorflow")) {
      fail("@tensorflow/tfjs-node registered with another copy of @tensorflow/tfjs-core (align their versions)");
    }
    device = "libtensorflow (tfjs-node)";
  }
  // Starting a backend must not change which one is active for code already running (and a failed
  // setBackend leaves tfjs pointing at the broken backend).
  const previous = (tf.getBackend() as string | null) ?? "cpu";
  const ok = await quietly(() => tf.setBackend(name));
  if (previous !== name) await tf.setBackend(previous);
  if (!ok) fail(`tf.setBackend("${name}") failed during initialization`);
  const ops = tfjsOps(tf, `tfjs-${name}`);
  const engine: TfjsEngine = {
    name,
    precision: 32,
    tf,
    ops,
    device,
    software,
    notes,
    async activate() {
      if (tf.getBackend() !== name) await tf.setBackend(name);
    },
    read: (t) => t.data() as Promise<Float32Array>,
  };
  return engine;
}

/** Runs `f` with console.warn muted (tfjs warns before returning false from setBackend). */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await f();
  } finally {
    console.warn = warn;
  }
}
