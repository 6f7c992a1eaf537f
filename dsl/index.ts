/**
 * optlab's public API: everything a notebook user types. The kernel predeclares these names in
 * every cell; `import { ... } from "optlab"` gives the same names from Node.
 *
 * Each area re-exports its DSL module here (one line per module; keep the list sorted by area).
 */
export { DslError } from "../src/errors/index.js";
export { DISPLAY, format, type MimeBundle } from "../src/display/index.js";
export { hasRenderer, registerRenderer, renderWith, type Renderer } from "../src/display/index.js";
export * from "./objective.js";
export { gradcheck, GradcheckReport, DEFAULT_RTOL, DEFAULT_HESSIAN_RTOL, DEFAULT_HESSIAN_RTOL_32, type GradcheckOptions, type GradcheckTarget, type TfjsTarget, type TfjsModelTarget, type TensorPoint, type SecondOrderInfo, type JacobianInfo, type JacobianRow, type UserJacobianModel, DEFAULT_RTOL_32, STEP_32, type LeafCheck, type TreeGradcheckReport, type UserModel, type GradRow, type HessianCheckResult, type HessianRow, type VCurve, type VCurveOptions, type VSeries, type Verdict } from "./gradcheck.js";
export * as schedules from "./schedules.js";
export { measuredRate, stabilityThreshold, theory, MeasuredRate, Theory, type StabilityThreshold, type LinearRate, type MeasuredRateOptions, type TheoryOptions } from "./theory.js";
export * from "./optimizers.js";
export { optimize, optimizeAsync, compare, compareAsync, Run, Comparison, type CompareEntry, type OptimizeOptions, type OptimizeAsyncOptions, type OptimizeTarget, type OptimizerLike, type UserObjective, type RunStatus, type StopReason, type BestPoint } from "./optimize.js";
export type { OptimizeBackend, SyncBackend, TensorBackend } from "./optimize.js";
export { plot, Figure, type HessianPlotOptions, type RatesPlotOptions, type SchedulePlotOptions } from "./plot.js";
export { sweep, Sweep, type SweepOptions, type SweepResult } from "./sweep.js";
export { curvature, HessianDensity, HessianEigenvalues, type AtOptions, type HessianTrace, type Sharpness, type GradientNoiseReport, type LossSlice } from "./curvature.js";
export { backends, optimizeTensor, BackendTable, type TensorOptimizeOptions } from "./tensor.js";
export { tensorMemory, type TensorMemory } from "./tensor-memory.js";
export { lastRun } from "./last-run.js";
export * as tree from "./tree.js";
export type { Tree } from "./tree.js";
export { init, rng, Rng, type InitOptions, type Shape } from "./random.js";
export * as nn from "./nn.js";
export type { Mlp, NetLoss, ActivationStats, MlpParams, MlpOptions } from "./nn.js";
export { explore, exploreEngineSource, Explorable, type ExploreCharts, type ExploreOptions, type ExploreParam, type OptimizerFn } from "./explore.js";
