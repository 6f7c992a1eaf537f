/**
 * A plain-JavaScript evaluator of traced graphs, run by run: computes the initial optimizer state
 * of a fused run, and is the reference the generated kernels are tested against. Booleans are 1
 * and 0. Results are rounded to float32 where they are stored (as the kernels store them).
 */
import { RUNTIME } from "../../symbolic/index.js";
import type { Op, TNode } from "./trace.js";

const F: Partial<Record<Op, (...x: number[]) => number>> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  pow: Math.pow, atan2: Math.atan2,
  gt: (a, b) => (a > b ? 1 : 0), ge: (a, b) => (a >= b ? 1 : 0), lt: (a, b) => (a < b ? 1 : 0), le: (a, b) => (a <= b ? 1 : 0),
  and: (a, b) => (a && b ? 1 : 0), or: (a, b) => (a || b ? 1 : 0),
  neg: (a) => -a, sqrt: Math.sqrt, abs: Math.abs, sign: Math.sign, floor: Math.floor, ceil: Math.ceil, recip: (a) => 1 / a,
  isfin: (a) => (Number.isFinite(a) ? 1 : 0), not: (a) => (a ? 0 : 1),
  exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1, sin: Math.sin, cos: Math.cos, tan: Math.tan,
  asin: Math.asin, acos: Math.acos, atan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh, erf: RUNTIME.erf,
  sel: (c, a, b) => (c ? a : b),
};

/**
 * Evaluates `outputs` for every run. `input(row, b)` reads a state row of run b; per-run slots
 * read `perRun[slot][b]`; uniforms `uniforms[slot]`. Returns the outputs row-major [outputs, B].
 */
export function interpret(
  nodes: readonly TNode[],
  order: readonly number[],
  outputs: readonly number[],
  B: number,
  input: (row: number, b: number) => number,
  perRun: readonly (readonly number[])[],
  uniforms: readonly number[],
): Float32Array {
  const out = new Float32Array(outputs.length * B);
  const val = new Float64Array(nodes.length);
  for (let b = 0; b < B; b++) {
    for (const i of order) {
      const nd = nodes[i]!;
      switch (nd.op) {
        case "in":
          val[i] = input(nd.v, b);
          break;
        case "prun":
          val[i] = perRun[nd.v]![b]!;
          break;
        case "uni":
          val[i] = uniforms[nd.v]!;
          break;
        case "const":
          val[i] = nd.v;
          break;
        default: {
          const f = F[nd.op]!;
          const a = nd.a;
          val[i] = Math.fround(a.length === 1 ? f(val[a[0]!]!) : a.length === 2 ? f(val[a[0]!]!, val[a[1]!]!) : f(val[a[0]!]!, val[a[1]!]!, val[a[2]!]!));
        }
      }
    }
    outputs.forEach((o, k) => (out[k * B + b] = val[o]!));
  }
  return out;
}
