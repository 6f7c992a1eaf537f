/**
 * A measured noise floor of f: how much one evaluation of f scatters around a smooth function,
 * from high-order differences of f on 7 equally spaced points (Hamming's difference table, as in
 * Moré & Wild, "Estimating computational noise", SIAM J. Sci. Comput. 33(3), 2011).
 *
 * Why: the rounding of f is usually ~ε·|f|, but f may be built from much larger terms that cancel
 * ((x+1e8)² + (y+1e8)² − 2e16 is ≈ 4e8 while its terms are 1e16: its rounding is ε·1e16 ≈ 2, not
 * ε·4e8). The difference table sees that: for noise of standard deviation σ, the k-th differences
 * have mean square C(2k, k)·σ², while a smooth f's k-th differences vanish like δᵏ.
 *
 * A kink of f within the points also leaves large differences, but they shrink with the spacing δ
 * and noise does not: the floor is measured at two spacings 100× apart and accepted only where
 * both agree (within `AGREE`), or where f is exactly constant on the finer table (quantized
 * inputs). Costs 12 evaluations of f.
 */
import type { Line } from "./line.js";

/** Spacings of the two difference tables, relative to the coordinate scale of the line. */
export const NOISE_SPACINGS = [1e-7, 1e-9] as const;
/** The two spacings' estimates must agree within this factor to be called noise. */
export const AGREE = 10;

/** The noise estimate of f along `line` with spacing δ: σ from the 4th, 5th and 6th differences. */
export function noiseAt(line: Line, f0: number, delta: number): number {
  const v = [line.at(-3 * delta), line.at(-2 * delta), line.at(-delta), f0, line.at(delta), line.at(2 * delta), line.at(3 * delta)];
  if (!v.every(Number.isFinite)) return NaN;
  let d = v;
  let sum = 0;
  let count = 0;
  for (let k = 1; k <= 6; k++) {
    d = d.slice(1).map((x, i) => x - d[i]!);
    if (k < 4) continue;
    const ms = d.reduce((s, x) => s + x * x, 0) / d.length;
    sum += Math.sqrt(ms / binom(2 * k, k));
    count++;
  }
  return sum / count;
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * The noise floor σ of f at the point along `line` (0 when f looks smooth to rounding, or when the
 * two spacings disagree, as at a kink), and the evaluations spent.
 *
 * @example
 * measureNoise(line, f0, 1).sigma; // ≈ 2 for (x+1e8)² + (y+1e8)² − 2e16 near (0.5, 1.5)
 */
export function measureNoise(line: Line, f0: number, scale: number): { sigma: number; evals: number } {
  const a = noiseAt(line, f0, NOISE_SPACINGS[0] * scale);
  const b = noiseAt(line, f0, NOISE_SPACINGS[1] * scale);
  const evals = 12;
  // f constant on the finer table (every difference exactly 0) while the coarser one scatters:
  // f is quantized (an input rounded to a coarse grid, as x + 1e8 is to 1.5e-8): that is noise.
  if (a > 0 && b === 0) return { sigma: a, evals };
  if (!(a > 0) || !(b > 0)) return { sigma: 0, evals };
  if (Math.max(a, b) > AGREE * Math.min(a, b)) return { sigma: 0, evals };
  return { sigma: Math.max(a, b), evals };
}
