/**
 * Small neural networks on the float64 engine (and on TensorFlow.js through ./tfjs.ts): layers,
 * activations, losses, reverse mode and exact Hessian-vector products over flat parameters laid
 * out as the params tree `[{ W, b }, ...]`.
 */
export { ACTIVATIONS, activate, activateSecond, activationLatex, type Activation } from "./activations.js";
export { erf, erfc, normalCdf, normalPdf } from "../numeric/erf.js";
export { LOSSES, lossLatex, lossR, lossValueAndGrad, type LossKind, type Targets } from "./losses.js";
export { NetSpec, type LayerSpec, type NetLeaf } from "./net.js";
export { NetLossProblem, type NetData } from "./loss-problem.js";
export { F32NetProblem } from "./f32-engine.js";
export { INITS, initialParams, type InitSpec } from "./init.js";
export { layerStats, type LayerStats } from "./stats.js";
export { netValueAndGrad, runNetOnTensors, type NetBatch, type NetTensorOptions } from "./tfjs-run.js";
