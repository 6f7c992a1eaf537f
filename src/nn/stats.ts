/**
 * Activation statistics per layer at a point: what a student looks at to see saturation
 * (sigmoid/tanh units stuck near their asymptotes) and dead ReLUs.
 *
 * For layer l with pre-activations Z and activations A = f(Z) over S samples:
 * mean and std of A over all entries; `saturated`: the fraction of entries where f'(Z) is below
 * 5% of f's largest slope (tanh: f' < 0.05, sigmoid: f' < 0.0125, relu: Z ≤ 0); `dead`: the
 * fraction of units saturated on every sample (for ReLU, units that never fire: no gradient
 * flows through them). Identity layers have neither.
 */
import { activate, type Activation } from "./activations.js";

/** The statistics of one layer. */
export interface LayerStats {
  readonly layer: number;
  readonly activation: Activation;
  readonly units: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly saturated: number;
  readonly dead: number;
}

const MAX_SLOPE: Record<Activation, number> = { identity: 1, tanh: 1, relu: 1, sigmoid: 0.25, softplus: 1, gelu: 1.1289 };

/**
 * Statistics of A = f(Z) for one layer (Z row-major S × units).
 *
 * @example
 * layerStats(0, "relu", Float64Array.of(-1, 2, -3, 4), 2, 2).dead; // 0.5 (unit 0 never fires)
 */
export function layerStats(layer: number, activation: Activation, Z: Float64Array, S: number, units: number): LayerStats {
  const len = S * units;
  const A = new Float64Array(len);
  const D = new Float64Array(len);
  activate(activation, Z, A, D, len);
  let sum = 0, sq = 0, min = Infinity, max = -Infinity;
  for (let j = 0; j < len; j++) {
    const a = A[j]!;
    sum += a;
    if (a < min) min = a;
    if (a > max) max = a;
  }
  const mean = sum / len;
  for (let j = 0; j < len; j++) sq += (A[j]! - mean) ** 2;
  let sat = 0;
  let dead = 0;
  if (activation !== "identity") {
    const cut = 0.05 * MAX_SLOPE[activation];
    const alive = new Uint8Array(units);
    for (let s = 0; s < S; s++) {
      for (let u = 0; u < units; u++) {
        if (D[s * units + u]! < cut) sat++;
        else alive[u] = 1;
      }
    }
    for (let u = 0; u < units; u++) if (!alive[u]) dead++;
  }
  return { layer, activation, units, mean, std: Math.sqrt(sq / len), min, max, saturated: sat / len, dead: dead / units };
}
