/**
 * Step sizes for finite differences in float64, and the constants behind them.
 *
 * A finite difference trades truncation error (which shrinks with the step h) against rounding
 * error (which grows like ε·|f|/h, ε = 2⁻⁵² the unit roundoff of float64). Balancing the two gives
 * the classic optimal steps (Nocedal & Wright, "Numerical Optimization", 2nd ed., §8.1;
 * Gill, Murray & Wright, "Practical Optimization", 1981, §8.6):
 *
 * - forward  (f(x+h) − f(x))/h,        error ≈ h|f''|/2 + 2ε|f|/h     → h* ≈ √ε      ≈ 1.5e-8
 * - central  (f(x+h) − f(x−h))/(2h),   error ≈ h²|f'''|/6 + ε|f|/h    → h* ≈ ε^(1/3) ≈ 6.1e-6
 *
 * (the constants assume |f|, |f''|, |f'''| of the same order on the scale of x). Each coordinate
 * gets a step proportional to its own magnitude, h_i = c·max(|x_i|, 1): relative for large
 * coordinates (so x + h differs from x in the same number of bits), absolute near zero.
 *
 * Complex step has no subtractive cancellation at all (Squire & Trapp, "Using complex variables to
 * estimate derivatives of real functions", SIAM Review 40(1), 1998), so its step can be tiny:
 * h = 1e-20 makes the truncation error (h²|f'''|/6) vanish below ε.
 */

/** Unit roundoff of float64: 2⁻⁵² ≈ 2.22e-16 (the gap between 1 and the next double). */
export const EPS = 2 ** -52;

/**
 * Default step coefficients c (the step for coordinate i is c·max(|x_i|, 1)).
 *
 * - `forward`: √ε ≈ 1.49e-8.
 * - `central`: ε^(1/3) ≈ 6.06e-6.
 * - `richardson`: the first (largest) step of the Romberg tableau, 1e-2; the tableau halves it
 *   until the extrapolated value stops improving (see `romberg.ts`).
 * - `complex`: 1e-20 (absolute; any step below ~1e-8 is exact to rounding for analytic f).
 */
export const STEP = {
  forward: Math.sqrt(EPS),
  central: Math.cbrt(EPS),
  richardson: 1e-2,
  complex: 1e-20,
} as const;

/** The scale of a coordinate used for its step: max(|x_i|, 1). */
export function coordScale(xi: number): number {
  const a = Math.abs(xi);
  return a > 1 ? a : 1;
}

/**
 * The step for coordinate value `xi` with coefficient `c`: c·max(|xi|, 1).
 *
 * @param xi the coordinate (finite).
 * @param c the step coefficient (> 0); see `STEP` for the defaults of each method.
 * @example
 * scaledStep(0.5, STEP.central); // 6.06e-6 (absolute near zero)
 * scaledStep(1000, STEP.central); // 6.06e-3 (relative for large |x|)
 */
export function scaledStep(xi: number, c: number): number {
  return c * coordScale(xi);
}
