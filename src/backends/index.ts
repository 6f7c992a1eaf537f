/**
 * Backends: the `Ops` primitives optimizers are written against, the float64 reference engine,
 * and the TensorFlow.js backends (cpu, wasm, webgpu, tensorflow) with a registry that says what
 * starts here and picks one for `backend: "auto"`. Nothing here loads tfjs until asked.
 */
export type { Ops, Scalar } from "./ops.js";
export { float64Ops } from "./float64.js";
export { loadTf, startTfjs, tfjsMemory, type TfjsMemory, type TF, type Tensor, type TensorLike, type TfjsBackendName, type TfjsEngine } from "./tfjs.js";
export { tfjsOps } from "./tfjs-ops.js";
export { ensureRuntimeDir, setupWebGpu, type WebGpuProbe } from "./webgpu-setup.js";
export {
  AUTO_THRESHOLDS,
  BACKENDS,
  isTfjsBackend,
  pickBackend,
  probeBackend,
  probeBackends,
  resolveBackend,
  tensorEngine,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
  type BackendStatus,
  type Capability,
  type Workload,
} from "./registry.js";
