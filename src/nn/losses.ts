/**
 * Losses on the network's output O (S samples × K outputs, row-major), with torch semantics and
 * the mean reduction: value, gradient ∂L/∂O, and its directional derivative (the R-operator,
 * H_O·R{O}) for exact Hessian-vector products.
 *
 * - `"mse"`: `torch.nn.MSELoss()`, L = (1/(S·K)) Σ (O − Y)².
 * - `"cross-entropy"`: `torch.nn.CrossEntropyLoss()` with class indices y,
 *   L = (1/S) Σ_s [log Σ_k e^{O_sk} − O_{s,y_s}], log-sum-exp shifted by the row maximum.
 * - `"bce"`: `torch.nn.BCEWithLogitsLoss()`, L = (1/(S·K)) Σ [max(O, 0) − O·Y + log(1 + e^{−|O|})].
 */

/** The losses `nn.loss` knows. */
export const LOSSES = ["mse", "cross-entropy", "bce"] as const;

/** One of `LOSSES`. */
export type LossKind = (typeof LOSSES)[number];

/** Targets: real values [samples × K] for mse and bce, class indices for cross-entropy. */
export type Targets = { kind: "real"; values: Float64Array } | { kind: "class"; classes: Int32Array };

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** A loss that is a mean of one term per output entry: its term, ∂term/∂z and ∂²term/∂z². */
interface PointwiseLoss {
  value(z: number, y: number): number;
  slope(z: number, y: number): number;
  curvature(z: number): number;
}

/** The per-entry terms of mse and bce (the mean over S·K entries is taken by the callers). */
const POINTWISE: Record<Exclude<LossKind, "cross-entropy">, PointwiseLoss> = {
  mse: {
    value: (z, y) => (z - y) * (z - y),
    slope: (z, y) => 2 * (z - y),
    curvature: () => 2,
  },
  bce: {
    // max(z, 0) − z·y + log(1 + e^{−|z|}): no overflow for any z
    value: (z, y) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))),
    slope: (z, y) => sigmoid(z) - y,
    curvature: (z) => {
      const p = sigmoid(z);
      return p * (1 - p);
    },
  },
};

/** log Σ_k e^{O[o0 + k]}, shifted by the row maximum. */
function rowLogSumExp(O: Float64Array, o0: number, K: number): number {
  let m = -Infinity;
  for (let k = 0; k < K; k++) if (O[o0 + k]! > m) m = O[o0 + k]!;
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(O[o0 + k]! - m);
  return m + Math.log(sum);
}

/**
 * The loss over the S rows (`rows[s]` indexes the targets; null: row s), writing ∂L/∂O into `GO`.
 *
 * @example
 * const GO = new Float64Array(2);
 * lossValueAndGrad("mse", Float64Array.of(1, 3), 2, 1, { kind: "real", values: Float64Array.of(0, 1) }, null, GO); // 2.5, GO = [1, 2]
 */
export function lossValueAndGrad(kind: LossKind, O: Float64Array, S: number, K: number, Y: Targets, rows: Int32Array | null, GO: Float64Array): number {
  let total = 0;
  if (kind === "cross-entropy") {
    const cls = (Y as { classes: Int32Array }).classes;
    const inv = 1 / S;
    for (let s = 0; s < S; s++) {
      const o0 = s * K;
      const lse = rowLogSumExp(O, o0, K);
      const y = cls[rows ? rows[s]! : s]!;
      total += lse - O[o0 + y]!;
      for (let k = 0; k < K; k++) GO[o0 + k] = Math.exp(O[o0 + k]! - lse) * inv;
      GO[o0 + y] = GO[o0 + y]! - inv;
    }
    return total / S;
  }
  const term = POINTWISE[kind];
  const Yv = (Y as { values: Float64Array }).values;
  const inv = 1 / (S * K);
  for (let s = 0; s < S; s++) {
    const o0 = s * K;
    const y0 = (rows ? rows[s]! : s) * K;
    for (let k = 0; k < K; k++) {
      const z = O[o0 + k]!, y = Yv[y0 + k]!;
      total += term.value(z, y);
      GO[o0 + k] = term.slope(z, y) * inv;
    }
  }
  return total * inv;
}

/** R{∂L/∂O} = ∇²_O L · RO, written into `RGO`. */
export function lossR(kind: LossKind, O: Float64Array, RO: Float64Array, S: number, K: number, RGO: Float64Array): void {
  if (kind === "cross-entropy") {
    const inv = 1 / S;
    for (let s = 0; s < S; s++) {
      const o0 = s * K;
      const lse = rowLogSumExp(O, o0, K);
      let pr = 0;
      for (let k = 0; k < K; k++) pr += Math.exp(O[o0 + k]! - lse) * RO[o0 + k]!;
      for (let k = 0; k < K; k++) RGO[o0 + k] = Math.exp(O[o0 + k]! - lse) * (RO[o0 + k]! - pr) * inv;
    }
    return;
  }
  const term = POINTWISE[kind];
  const inv = 1 / (S * K);
  for (let j = 0; j < S * K; j++) RGO[j] = term.curvature(O[j]!) * RO[j]! * inv;
}

/** The loss in LaTeX, over outputs ŷ (for a model's display). */
export function lossLatex(kind: LossKind, K: number): string {
  switch (kind) {
    case "mse": return K === 1 ? "L = \\frac{1}{S}\\sum_{s=1}^{S} (\\hat y_s - y_s)^2" : `L = \\frac{1}{${K}S}\\sum_{s=1}^{S}\\sum_{k=1}^{${K}} (\\hat y_{sk} - y_{sk})^2`;
    case "cross-entropy": return "L = \\frac{1}{S}\\sum_{s=1}^{S} \\Big(\\log \\sum_{k} e^{\\hat y_{sk}} - \\hat y_{s,y_s}\\Big)";
    case "bce": return "L = \\frac{1}{S}\\sum_{s} \\Big(\\log(1 + e^{\\hat y_s}) - y_s \\hat y_s\\Big)";
  }
}
