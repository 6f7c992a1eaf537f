/**
 * Explorables: an experiment re-run in the page. Kernel side (this surface): shipping the
 * objective's compiled code and the optimizer function's source (`ship.ts`), the figure both
 * sides draw (`figure.ts`), the wire types. The page side (`engine.ts`, `page.ts`, `entry.ts`) is
 * bundled by scripts/bundle-explore.mjs into dist/explore/engine.js.
 */
export { shipOptimizer, shipProblem, wireCode } from "./ship.js";
export { COLORS, drawnIndices, exploreFigure, MAX_DRAWN } from "./figure.js";
export { Experiment, optimizerFactory, problemOf, type ExploreResult } from "./engine.js";
export { ALLOWED_NAMES, OPTIMIZER_NAMES, SAFE_GLOBALS, SCHEDULE_NAMES } from "./names.js";
export { rebuild, type WireArg, type WireCode, type WireContour, type WireOptimizer, type WireParam, type WireProblem, type WireSpec } from "./wire.js";
