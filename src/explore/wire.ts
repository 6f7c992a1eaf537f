/**
 * What the kernel sends to the page: the objective's compiled float64 code, the optimizer
 * function's source, the sliders, the run options and the contour grid. Plain JSON; typed arrays
 * travel as base64 of their bytes (exact, and 8 bytes per float64 become 10.7 characters).
 *
 * Browser-safe: no Node APIs (the engine bundle imports this file).
 */

/** A compiled closure: `new Function(...params, body)(...args)`. */
export interface WireCode {
  params: string[];
  body: string;
  args: WireArg[];
}

/** One factory argument (see src/symbolic/shipped.ts). */
export type WireArg =
  | { kind: "runtime" }
  | { kind: "complex-runtime" }
  | { kind: "scratch"; size: number }
  | { kind: "arrays"; arrays: { type: "f64" | "i32"; b64: string }[] }
  | { kind: "number"; value: number }
  | { kind: "code"; code: WireCode }
  | { kind: "undefined" };

/** The objective as the page runs it. */
export interface WireProblem {
  n: number;
  names: string[];
  /** f(x) (and f(x, rows) when `rows`). */
  value: WireCode;
  /** (f, ∇f) into g (and `rows` last when `rows`). */
  valueGrad: WireCode;
  /** ∇²f into H (second-order optimizers). */
  hessian?: WireCode;
  /** The closures take a trailing `rows` argument (data-backed objectives; null = all rows). */
  rows: boolean;
}

/** One slider. */
export interface WireParam {
  name: string;
  min: number;
  max: number;
  value: number;
  log: boolean;
  /** Slider positions between min and max (in log₁₀ space for log sliders). */
  ticks: number;
  /** Label shown next to the slider (default: the name). */
  label: string;
}

/** One optimizer of the explorable (several: side by side). */
export interface WireOptimizer {
  name: string;
  /** The function's source text (checked by the kernel; evaluated against the constructors). */
  source: string;
  /** Identifiers the compiled source uses as module objects (`exports`, `optlab_1`). */
  namespaces: string[];
}

/** The contour panel: the grid of f (computed in the kernel; it never changes). */
export interface WireContour {
  x: number[];
  y: number[];
  /** The contour trace as the kernel's `landscape` builds it (levels, colours, colour bar). */
  trace: Record<string, unknown>;
  xRange: [number, number];
  yRange: [number, number];
  names: [string, string];
}

/** The whole explorable. */
export interface WireSpec {
  version: 1;
  title: string;
  problem: WireProblem;
  optimizers: WireOptimizer[];
  params: WireParam[];
  from: number[];
  steps: number;
  /** Run options other than from/steps (clipNorm, clipValue, tol). */
  options: Record<string, number>;
  contour: WireContour | null;
  loss: { log: boolean } | null;
  /** The start point may be dragged on the contour (2 variables). */
  draggable: boolean;
  height: number;
}

const decode = (b64: string): Uint8Array => {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

/** Typed array from its wire form (little-endian bytes, as every browser and Node stores them). */
export function wireArray(a: { type: "f64" | "i32"; b64: string }): Float64Array | Int32Array {
  const bytes = decode(a.b64);
  return a.type === "f64" ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8) : new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Rebuilds a compiled closure from its wire form, with the float64 runtimes the compilers used. */
export function rebuild(code: WireCode, runtimes: { R: unknown; C: unknown }): unknown {
  const args = code.args.map((a): unknown => {
    switch (a.kind) {
      case "runtime": return runtimes.R;
      case "complex-runtime": return runtimes.C;
      case "scratch": return new Float64Array(a.size);
      case "arrays": return a.arrays.map(wireArray);
      case "number": return a.value;
      case "code": return rebuild(a.code, runtimes);
      case "undefined": return undefined;
    }
  });
  return new Function(...code.params, code.body)(...args);
}
