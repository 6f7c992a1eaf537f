/**
 * The error-versus-step data of finite differences (the "V curve"): for steps h from 1e-1 down to
 * 1e-13, the error of the forward and central quotients of each coordinate against a reference
 * derivative. On log-log axes it falls like h (forward) or h² (central) while truncation
 * dominates, then rises like ε|f|/h once rounding does: a V whose bottom is near √ε resp. ε^(1/3).
 * Against a wrong analytic gradient the V has a flat floor at the size of the bug.
 *
 * Plain data for the plots module; see Nocedal & Wright, "Numerical Optimization", §8.1.
 */
import type { Problem } from "../problem/index.js";
import { DslError } from "../errors/index.js";
import { CoordLine } from "./line.js";
import { LineEstimate, centralAt, forwardAt } from "./line-derivative.js";
import { complexStepGradInto, richardsonGradInto } from "./fd-gradient.js";
import { STEP } from "./step-size.js";

/** One curve: the error of one method on one coordinate, per step. */
export interface VSeries {
  /** Coordinate index. */
  index: number;
  /** Coordinate name. */
  name: string;
  method: "forward" | "central";
  /** |FD(h) − reference| for each h (NaN where f was not finite). */
  error: number[];
  /** error / max(|reference|, tiny): the same, relative. */
  relError: number[];
}

/** The V-curve data: steps, the reference used and one series per coordinate × method. */
export interface VCurve {
  /** Absolute steps (the same for every coordinate), decreasing. */
  h: number[];
  /** What the errors are measured against. */
  reference: "analytic" | "complex" | "richardson";
  /** The reference derivative of each listed coordinate, in `series` order of indices. */
  referenceValues: number[];
  /** The default step coefficients, for marking the optimum on a chart. */
  optimal: { forward: number; central: number };
  series: VSeries[];
}

/** Options of `vCurve`. */
export interface VCurveOptions {
  /** Coordinates to sweep (default: the first min(n, 10)). */
  indices?: number[];
  /** Steps (default: 10^(-1 − k/2), k = 0..24, i.e. 1e-1 … 1e-13). */
  h?: number[];
  /** Methods (default both). */
  methods?: ("forward" | "central")[];
  /** Reference derivative (default "analytic": the gradient under test). */
  reference?: "analytic" | "complex" | "richardson";
  /** Coordinate names (default `p.names`). */
  names?: readonly string[];
}

/** The default sweep: 25 steps from 1e-1 to 1e-13, half a decade apart. */
export function defaultSweep(): number[] {
  return Array.from({ length: 25 }, (_, k) => 10 ** (-1 - k / 2));
}

/**
 * Computes the V-curve data of `p` at `x` (3 evaluations per step, coordinate and method pair at
 * most; f(x) once).
 *
 * @example
 * const v = vCurve(problem, Float64Array.of(-1.2, 1));
 * v.series[1].error; // central-difference error for x at each v.h
 */
export function vCurve(p: Problem, x: Float64Array, opts: VCurveOptions = {}): VCurve {
  const n = p.n;
  const indices = opts.indices ?? Array.from({ length: Math.min(n, 10) }, (_, i) => i);
  for (const i of indices) if (!Number.isInteger(i) || i < 0 || i >= n) throw new DslError("bad-option", `vcurve: indices must be integers in 0..${n - 1}, got ${i}`, { path: "indices" });
  const hs = opts.h ?? defaultSweep();
  const methods = opts.methods ?? ["forward", "central"];
  const reference = opts.reference ?? "analytic";
  const names = opts.names ?? p.names;
  const ref = new Float64Array(n);
  if (reference === "analytic") p.valueAndGradInto(Float64Array.from(x), ref);
  else if (reference === "complex") complexStepGradInto(p, x, ref);
  else richardsonGradInto(p, x, ref);
  const work = Float64Array.from(x);
  const line = new CoordLine(p, work);
  const est = new LineEstimate();
  const f0 = p.valueAt(work);
  const series: VSeries[] = [];
  for (const i of indices) {
    for (const method of methods) {
      const r = ref[i]!;
      const error: number[] = [];
      const relError: number[] = [];
      for (const h of hs) {
        line.select(i);
        const d = method === "forward" ? forwardAt(line, f0, h, est).value : centralAt(line, f0, h, est).value;
        const e = Math.abs(d - r);
        error.push(e);
        relError.push(e / Math.max(Math.abs(r), Number.MIN_VALUE));
      }
      series.push({ index: i, name: names[i] ?? `x[${i}]`, method, error, relError });
    }
  }
  return { h: [...hs], reference, referenceValues: indices.map((i) => ref[i]!), optimal: { forward: STEP.forward, central: STEP.central }, series };
}
