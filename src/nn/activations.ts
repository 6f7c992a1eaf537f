/**
 * Activation functions of the networks, elementwise on flat Float64Arrays, with their first and
 * second derivatives (the second for exact Hessian-vector products). Semantics follow torch:
 * `relu'(0) = 0`; `softplus` is `torch.nn.Softplus()` (β = 1, threshold 20: x itself above 20);
 * `gelu` is the exact x·Φ(x) of `torch.nn.GELU()` (approximate="none").
 */
import { normalCdf, normalPdf } from "../numeric/erf.js";

/** The activations a layer may use. */
export const ACTIVATIONS = ["identity", "tanh", "relu", "sigmoid", "softplus", "gelu"] as const;

/** One of `ACTIVATIONS`. */
export type Activation = (typeof ACTIVATIONS)[number];

/** The activation's formula in LaTeX, applied to `z` (for the layer equations of a display). */
export function activationLatex(a: Activation, z: string): string {
  switch (a) {
    case "identity": return z;
    case "tanh": return `\\tanh(${z})`;
    case "relu": return `\\max(0, ${z})`;
    case "sigmoid": return `\\sigma(${z})`;
    case "softplus": return `\\log(1 + e^{${z}})`;
    case "gelu": return `\\mathrm{GELU}(${z})`;
  }
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/**
 * A = f(Z) and D = f'(Z) over the first `len` entries (float64, or float32 for ./f32-engine.ts).
 *
 * @example
 * const Z = Float64Array.of(-1, 0, 2), A = new Float64Array(3), D = new Float64Array(3);
 * activate("relu", Z, A, D, 3); // A = [0, 0, 2], D = [0, 0, 1]
 */
export function activate(a: Activation, Z: Float64Array | Float32Array, A: Float64Array | Float32Array, D: Float64Array | Float32Array, len: number): void {
  switch (a) {
    case "identity":
      for (let i = 0; i < len; i++) { A[i] = Z[i]!; D[i] = 1; }
      return;
    case "tanh":
      for (let i = 0; i < len; i++) { const t = Math.tanh(Z[i]!); A[i] = t; D[i] = 1 - t * t; }
      return;
    case "relu":
      for (let i = 0; i < len; i++) { const z = Z[i]!; if (z > 0) { A[i] = z; D[i] = 1; } else { A[i] = 0; D[i] = 0; } }
      return;
    case "sigmoid":
      for (let i = 0; i < len; i++) { const s = sigmoid(Z[i]!); A[i] = s; D[i] = s * (1 - s); }
      return;
    case "softplus":
      for (let i = 0; i < len; i++) {
        const z = Z[i]!;
        if (z > 20) { A[i] = z; D[i] = 1; } else { A[i] = Math.log1p(Math.exp(z)); D[i] = sigmoid(z); }
      }
      return;
    case "gelu":
      for (let i = 0; i < len; i++) { const z = Z[i]!; const c = normalCdf(z); A[i] = z * c; D[i] = c + z * normalPdf(z); }
      return;
  }
}

/** The value of f''(z), given z and a = f(z). */
function second(a: Activation, z: number, v: number): number {
  switch (a) {
    case "identity": case "relu": return 0;
    case "tanh": return -2 * v * (1 - v * v);
    case "sigmoid": return v * (1 - v) * (1 - 2 * v);
    case "softplus": { if (z > 20) return 0; const s = sigmoid(z); return s * (1 - s); }
    case "gelu": return normalPdf(z) * (2 - z * z);
  }
}

/** S = f''(Z) over the first `len` entries (A = f(Z) from `activate`). */
export function activateSecond(a: Activation, Z: Float64Array, A: Float64Array, S: Float64Array, len: number): void {
  if (a === "identity" || a === "relu") { S.fill(0, 0, len); return; }
  for (let i = 0; i < len; i++) S[i] = second(a, Z[i]!, A[i]!);
}

/** True for an activation with zero curvature almost everywhere (the R-pass skips its f'' term). */
export function isPiecewiseLinear(a: Activation): boolean {
  return a === "identity" || a === "relu";
}
