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
export { gradcheck, GradcheckReport, DEFAULT_RTOL, DEFAULT_HESSIAN_RTOL, type GradcheckOptions, type GradcheckTarget, type UserModel, type GradRow, type HessianCheckResult, type HessianRow, type VCurve, type VCurveOptions, type VSeries, type Verdict } from "./gradcheck.js";
export * as schedules from "./schedules.js";
export { measuredRate, theory, MeasuredRate, Theory, type LinearRate, type MeasuredRateOptions, type TheoryOptions } from "./theory.js";
export * from "./optimizers.js";
export { optimize, optimizeAsync, compare, compareAsync, Run, Comparison, type OptimizeOptions, type OptimizeAsyncOptions, type OptimizeTarget, type OptimizerLike, type UserObjective, type RunStatus, type StopReason, type BestPoint } from "./optimize.js";
export type { OptimizeBackend, SyncBackend, TensorBackend } from "./optimize.js";
export { plot, Figure, type HessianPlotOptions, type RatesPlotOptions, type SchedulePlotOptions } from "./plot.js";
export { sweep, Sweep, type SweepOptions, type SweepResult } from "./sweep.js";
export { curvature, HessianDensity, HessianEigenvalues, type AtOptions } from "./curvature.js";
export { backends, optimizeTensor, BackendTable, type TensorOptimizeOptions } from "./tensor.js";
