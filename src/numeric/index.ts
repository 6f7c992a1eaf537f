/**
 * Numerical differentiation and linear algebra in float64: finite differences (forward, central,
 * Richardson, complex step), gradient and Hessian checks, the error-versus-step "V curve", and
 * the symmetric eigen-solver.
 */
export { eigSym, eigvalsSym, type SymEig } from "./eig-sym.js";
export { EPS, STEP, coordScale, scaledStep } from "./step-size.js";
export { Romberg } from "./romberg.js";
export {
  centralGradInto,
  complexStepGradInto,
  directionalDerivative,
  forwardGradInto,
  oneSidedInto,
  richardsonGradInto,
  type FdMethod,
  type FdOptions,
} from "./fd-gradient.js";
export { checkGradient, type CheckSettings, type GradCheckResult, type GradRow, type Verdict } from "./check-gradient.js";
export { checkHessian, fdHessianInto, symmetrizeInto, type HessianCheckResult, type HessianRow, type HessianSettings } from "./check-hessian.js";
export { vCurve, defaultSweep, type VCurve, type VCurveOptions, type VSeries } from "./v-curve.js";
export { GradcheckReport } from "./gradcheck-report.js";
export { mulberry32, randomSignsInto } from "./prng.js";
export { isUserModel, UserModelProblem, type UserModel, type UserModelOptions } from "./user-model.js";
export * as curvature from "./curvature/index.js";
export { checkJacobian, FULL_LIMIT, oneSidedOk, type AnalyticDerivative, type JacobianCheckResult, type JacobianRow, type JacobianSettings, type VectorFunction } from "./check-jacobian.js";
export { isJacobianModel, userJacobian, type UserJacobianModel } from "./user-jacobian.js";
export { commonFactorHint, permutationHint } from "./gradcheck-message.js";
export { measureNoise, noiseAt } from "./noise.js";
