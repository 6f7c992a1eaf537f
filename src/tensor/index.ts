/**
 * The tensor engine: symbolic objectives compiled to TensorFlow.js (value, gradient and
 * Hessian-vector products for B parameter points over S data rows at once), the column layout
 * `Ops` that src/optim's transforms run on, and the batched runner behind `sweep` and
 * `optimize(..., { backend })` on tfjs.
 */
export { TENSOR_FUNCTIONS, type Value } from "./functions.js";
export { TensorPlan } from "./plan.js";
export { TensorObjective, fromColumns, isCompilable, toColumns, type CompilableProblem, type DataBatch } from "./objective.js";
export { columnOps, type Columns } from "./column-ops.js";
export { learningRates, runBatch, type BatchRunResult, type BatchRunSpec } from "./batch-run.js";
export { optimizeOnTensors } from "./optimize.js";
