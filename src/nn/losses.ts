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
      let m = -Infinity;
      for (let k = 0; k < K; k++) if (O[o0 + k]! > m) m = O[o0 + k]!;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(O[o0 + k]! - m);
      const lse = m + Math.log(sum);
      const y = cls[rows ? rows[s]! : s]!;
      total += lse - O[o0 + y]!;
      for (let k = 0; k < K; k++) GO[o0 + k] = Math.exp(O[o0 + k]! - lse) * inv;
      GO[o0 + y] = GO[o0 + y]! - inv;
    }
    return total / S;
  }
  const Yv = (Y as { values: Float64Array }).values;
  const inv = 1 / (S * K);
  for (let s = 0; s < S; s++) {
    const o0 = s * K;
    const y0 = (rows ? rows[s]! : s) * K;
    if (kind === "mse") {
      for (let k = 0; k < K; k++) {
        const d = O[o0 + k]! - Yv[y0 + k]!;
        total += d * d;
        GO[o0 + k] = 2 * d * inv;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const z = O[o0 + k]!;
        const y = Yv[y0 + k]!;
        total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
        GO[o0 + k] = (sigmoid(z) - y) * inv;
      }
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
      let m = -Infinity;
      for (let k = 0; k < K; k++) if (O[o0 + k]! > m) m = O[o0 + k]!;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(O[o0 + k]! - m);
      const lse = m + Math.log(sum);
      let pr = 0;
      for (let k = 0; k < K; k++) pr += Math.exp(O[o0 + k]! - lse) * RO[o0 + k]!;
      for (let k = 0; k < K; k++) RGO[o0 + k] = Math.exp(O[o0 + k]! - lse) * (RO[o0 + k]! - pr) * inv;
    }
    return;
  }
  const inv = 1 / (S * K);
  const len = S * K;
  if (kind === "mse") {
    for (let j = 0; j < len; j++) RGO[j] = 2 * RO[j]! * inv;
  } else {
    for (let j = 0; j < len; j++) {
      const p = sigmoid(O[j]!);
      RGO[j] = p * (1 - p) * RO[j]! * inv;
    }
  }
}

/** The loss in LaTeX, over outputs ŷ (for a model's display). */
export function lossLatex(kind: LossKind, K: number): string {
  switch (kind) {
    case "mse": return K === 1 ? "L = \\frac{1}{S}\\sum_{s=1}^{S} (\\hat y_s - y_s)^2" : `L = \\frac{1}{${K}S}\\sum_{s=1}^{S}\\sum_{k=1}^{${K}} (\\hat y_{sk} - y_{sk})^2`;
    case "cross-entropy": return "L = \\frac{1}{S}\\sum_{s=1}^{S} \\Big(\\log \\sum_{k} e^{\\hat y_{sk}} - \\hat y_{s,y_s}\\Big)";
    case "bce": return "L = \\frac{1}{S}\\sum_{s} \\Big(\\log(1 + e^{\\hat y_s}) - y_s \\hat y_s\\Big)";
  }
}
