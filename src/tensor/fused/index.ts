/**
 * Fused kernels: a whole optimizer step for every run of a sweep as one generated kernel (WGSL
 * on WebGPU, WebAssembly SIMD on the CPU), traced from src/optim's transforms and the symbolic
 * objective. See trace.ts for how, run-fused.ts for the runner.
 */
export { fusedSupport, runFused } from "./run-fused.js";
export { Ref, Trace, traceExprs, traceOps, type Op, type TCols, type TNode } from "./trace.js";
export { interpret } from "./interpret.js";
export { ROW, initGraph, stepGraph, walkState, type Graph, type StepSpec } from "./step.js";
export { WasmDevice, WasmKernel, wasmSimdSupported } from "./wasm.js";
export { WgslKernel, wgslSource } from "./wgsl.js";
