/**
 * Sweeps: grid or random search over hyperparameters and start points, run as one tensor program
 * per optimizer alias on a tfjs backend (or run by run on the float64 engine), with results in
 * grid order and a display that picks the chart (stability heatmap, basins of attraction).
 */
export { gridPoints, randomPoints, startPoints, type HyperPoint, type RandomRange } from "./configs.js";
export { PerRunValues, batchOptimizers, type OptimizerGroup } from "./batch-optimizers.js";
export { SWEEP_TOL, runSweep, symbolicOf, type SweepSpec } from "./run-sweep.js";
export { Sweep, type SweepColumns, type SweepInfo, type SweepResult } from "./sweep-result.js";
