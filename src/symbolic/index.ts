/**
 * The symbolic engine: expressions (an immutable hash-consed DAG), parsing (mathjs strings and
 * TypeScript functions), differentiation with our own rules, light simplification, LaTeX and
 * text, compilation to float64 closures (with CSE) and to complex code for complex step, and
 * the `SymbolicProblem` / `SymbolicDataProblem` implementations of the `Problem` interface.
 *
 * This file is the folder's only public surface. A new target (TensorFlow.js ops, say) is
 * written against the IR types, `visit`/`postorder`/`useCounts` and the function list
 * `FUNCTIONS` (a `Record<FnName, …>` table makes TypeScript check that no function is missing).
 */
export type { Add, Call, Expr, Kind, Mul, Num, Pow, Sym } from "./ir.js";
export { dependsOn, freeSyms, isConstant, isNum, internedCount } from "./ir.js";
export { add, addList, call, div, HALF, MINUS_ONE, mul, mulList, neg, num, ONE, pow, splitCoefficient, sqrt, sub, substituteSyms, sym, ZERO } from "./simplify.js";
export { arityOk, FN_NAMES, FUNCTIONS, isFnName, type FnInfo, type FnName } from "./functions.js";
export { RUNTIME } from "./runtime.js";
export { dagSize, postorder, useCounts, visit, type Visitor } from "./walk.js";
export { evaluate, evaluateOne, UnboundSymbolError } from "./evaluate.js";
export { Differentiator, derivative, directional, gradient, hessian } from "./derivative.js";
export { partial, PARTIALS, type PartialRule } from "./derivative-rules.js";
export { indexedSumLatex, latexMatrix, latexNumber, latexVector, toLatex, type LatexOptions } from "./latex.js";
export { latexSymbol } from "./shape.js";
export { toText } from "./text.js";
export { parseExpression, type ParseOptions, type Parsed } from "./parse.js";
export { parseFunction, type ParsedFunction } from "./from-ts.js";
export { KNOWN_FUNCTIONS } from "./calls.js";
export { closeMatches, quote } from "./errors.js";
export { JS_CALL, JsEmitter, jsNumber, type EmitOptions } from "./codegen.js";
export { compileHvp, compileProgram, compileSymmetric, compileValue, compileValueGrad, programSource, upperEntries, type ProgramSpec } from "./compile.js";
export { compileComplex, type ComplexFn } from "./complex.js";
export { recordShipped, shippedCode, type ShippedArg, type ShippedCode } from "./shipped.js";
export { MIN_GROUP, planSum, type Sequence, type SumPlan, type TermGroup } from "./sum-plan.js";
export { loopComplex, loopHessian, loopHvp, loopValue, loopValueGrad } from "./sum-loops.js";
export { SymbolicProblem } from "./problem.js";
export { SymbolicDataProblem } from "./data.js";
export { checkFamily, FAMILIES, FAMILY_NAMES, type Family, type FamilySpec } from "./family.js";
export { SymbolicExpression, SymbolicMatrix, SymbolicVector, type Label } from "./display.js";
export { expandRanges, orderNames, parseIndexed } from "./variables.js";
export { buildObjective, listNames, looksLikeFunction, type BuildOptions, type Built, type DataColumn } from "./build.js";
export { toPoint, type PointInput } from "./point.js";
