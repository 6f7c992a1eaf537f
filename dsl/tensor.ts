/**
 * The tensor engine from a notebook: which backends start here (`backends()`), and one run of an
 * optimizer on a TensorFlow.js backend (`optimizeTensor`, what `optimize(..., { backend })`
 * dispatches to for "cpu", "wasm", "webgpu", "tensorflow").
 *
 * @example
 * await backends(); // float64 ✓, cpu ✓, wasm ✓ (WebAssembly SIMD), webgpu ✓ (llvmpipe), tensorflow ✗ (not installed)
 * const run = await optimizeTensor(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 500, backend: "webgpu" });
 */
import { BACKENDS, probeBackends, resolveBackend, tensorEngine, type BackendStatus } from "../src/backends/index.js";
import { DISPLAY, escapeHtml, type MimeBundle } from "../src/display/index.js";
import { DslError, describe } from "../src/errors/index.js";
import { ALIASES, checkRunOptions, type Run, type RunOptions, type Transform } from "../src/optim/index.js";
import { startPoints, symbolicOf } from "../src/sweep/index.js";
import { optimizeOnTensors } from "../src/tensor/index.js";
import { withKernelSignal } from "./kernel-signal.js";

/** Every backend, whether it starts here, and what it is. */
export class BackendTable {
  constructor(readonly backends: readonly BackendStatus[]) {}
  /** Names of the backends that start here. */
  get available(): string[] {
    return this.backends.filter((b) => b.available).map((b) => b.name);
  }
  [DISPLAY](): MimeBundle {
    const rows = this.backends.map((b) => {
      const info = BACKENDS[b.name];
      const notes = b.notes?.length ? ` (${b.notes.join("; ")})` : "";
      return [b.name, b.available ? "yes" : "no", `float${info.precision}`, info.capabilities.join(", "), b.available ? `${b.device ?? ""}${notes}` : (b.reason ?? "")];
    });
    const text = rows.map((r) => `${r[0]!.padEnd(11)} ${r[1]!.padEnd(4)} ${r[2]!.padEnd(8)} ${r[4]}`).join("\n");
    const head = ["backend", "starts", "precision", "capabilities", "device / why not"];
    const html = `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
    return { "text/plain": text, "text/html": html };
  }
}

/**
 * Probes every backend (starting the tfjs ones, about a second for WebGPU the first time) and
 * lists name, availability, precision, capabilities and device, or why a backend cannot start.
 *
 * @example
 * (await backends()).available; // ["float64", "cpu", "wasm", "webgpu"]
 */
export async function backends(): Promise<BackendTable> {
  return new BackendTable(await probeBackends());
}

/** Options of `optimizeTensor`: `optimize`'s run options and the backend. */
export interface TensorOptimizeOptions extends RunOptions {
  /** "cpu", "wasm", "webgpu", "tensorflow", or "auto" (a tfjs backend for the work's size). */
  backend?: string;
  /** Aborts the run (checked between chunks of steps; rejects with a DslError, code "aborted"). */
  signal?: AbortSignal;
}

function toTransform(opt: unknown, who: string): Transform {
  if (opt && typeof opt === "object" && typeof (opt as Transform).update === "function") return opt as Transform;
  if (typeof opt === "function" && Object.values(ALIASES).includes(opt as never)) return (opt as () => Transform)();
  throw new DslError("bad-optimizer", `${who}: expected an optimizer such as adam({ lr: 0.01 }), got ${describe(opt)}`, { path: `${who}.optimizer` });
}

/**
 * One run on a TensorFlow.js backend (float32), with `optimize`'s options and the same `Run`
 * record. Objectives without data run as one generated kernel per step on wasm and webgpu; data-
 * backed objectives (mini-batches of up to millions of rows) run as tfjs ops over the rows.
 *
 * @param objective an `objective(...)` (tfjs compiles its symbolic derivatives).
 * @param optimizer an alias such as `adam({ lr: 0.01 })` (L-BFGS, Newton and natural gradient
 *   evaluate the objective inside their step and run on the float64 engine only).
 * @param options `{ from, steps | epochs, batchSize?, seed?, validation?, patience?, clipNorm?, clipValue?, tol?, backend }`.
 * @example
 * const run = await optimizeTensor(L, adam({ lr: 0.05 }), { from: [0, 0, 0], epochs: 3, batchSize: 1024, backend: "wasm" });
 */
export async function optimizeTensor(objective: unknown, optimizer: unknown, options: TensorOptimizeOptions): Promise<Run> {
  const who = "optimize";
  if (options === null || typeof options !== "object") throw new DslError("bad-options", `${who}: expected options such as { from: [0, 0], steps: 100, backend: "wasm" }, got ${describe(options)}`, { path: who });
  // read before the first await: the signal of the cell that started the run
  const signal = withKernelSignal(options.signal);
  checkRunOptions(who, options as unknown as Record<string, unknown>);
  // a network's loss (nn.loss) runs its own layers on tfjs (src/nn/tfjs-run.ts)
  const own = objective !== null && typeof objective === "object" ? (objective as { runOnTensors?: unknown }).runOnTensors : undefined;
  if (typeof own === "function") {
    const name = options.backend === undefined || options.backend === "auto" ? "wasm" : options.backend;
    if (name === "float64") throw new DslError("bad-backend", `${who}: optimizeTensor runs on a tfjs backend ("cpu", "wasm", "webgpu", "tensorflow"); use optimize for "float64"`, { path: `${who}.backend` });
    const t = toTransform(optimizer, who);
    return (own as (e: unknown, t: Transform, o: unknown, who: string) => Promise<Run>).call(objective, await tensorEngine(name), t, { ...options, ...(signal ? { signal } : {}) }, who);
  }
  const target = symbolicOf(objective);
  if (!target) throw new DslError("backend-capability", `${who}: backend "${options.backend}" compiles symbolic objectives (objective("...")); a hand-written { f, grad } runs on backend "float64"`, { path: `${who}.backend` });
  const transform = toTransform(optimizer, who);
  const choice = options.backend ?? "auto";
  let backend = choice;
  if (choice === "auto") {
    const r = await resolveBackend("auto", "samples" in target ? { n: target.n, samples: options.batchSize ?? target.samples } : { n: target.n });
    backend = r.name === "float64" ? "wasm" : r.name;
  }
  if (backend === "float64") throw new DslError("bad-backend", `${who}: optimizeTensor runs on a tfjs backend ("cpu", "wasm", "webgpu", "tensorflow"); use optimize for "float64"`, { path: `${who}.backend` });
  const engine = await tensorEngine(backend);
  const x0 = startPoints(target.names, options.from, undefined, who).points[0]!;
  const { from: _from, backend: _b, signal: _s, ...rest } = options;
  return optimizeOnTensors(engine, target, transform, x0, { ...rest, ...(signal ? { signal } : {}) }, who);
}

