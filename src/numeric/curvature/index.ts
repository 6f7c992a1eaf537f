/**
 * Curvature at large n on the float64 engine: Hessian-vector products, Lanczos for extreme
 * eigenvalues, Hutchinson's trace, the spectral density by stochastic Lanczos quadrature, dense
 * spectra for small n, sharpness along trajectories, and gradient-noise statistics. The float32
 * versions on TensorFlow.js are in tensor-curvature.ts.
 */
export { DENSE_MAX_N, HVP_STEP, denseHessian, hvpOperator, matrixOperator, type HvpOptions, type LinearOperator } from "./operator.js";
export { tridiagEig, type TridiagEig } from "./tridiagonal.js";
export { capWarning, defaultMaxIter, lanczos, lanczosSteps, type LanczosBasis, type LanczosOptions, type LanczosResult } from "./lanczos.js";
export { hutchinsonTrace, type HutchinsonOptions, type TraceEstimate } from "./hutchinson.js";
export { spectralDensity, type SpectralDensity, type SpectralDensityOptions } from "./slq.js";
export { DENSE_BELOW, hessianSpectrum, sharpnessAlong, type DenseSpectrum, type SharpnessOptions, type SharpnessTrace } from "./spectrum.js";
export { gradientNoise, type GradientNoise, type GradientNoiseOptions } from "./noise.js";
export { rng, type Rng } from "./random.js";
export { tensorHutchinson, tensorHvp, tensorLanczos, tensorLanczosSteps, tensorQuadrature, type TensorOperator } from "./tensor-curvature.js";
