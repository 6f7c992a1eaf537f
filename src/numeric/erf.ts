/**
 * erf, erfc and the standard normal CDF in float64, accurate to a few ulps (≈1e-15 relative):
 * the one erf of optlab, for the networks' exact GELU (torch's default `approximate="none"`:
 * x·Φ(x), src/nn/activations.ts) and for `erf` in symbolic objectives (src/symbolic/runtime.ts).
 * No imports: every floor may use it.
 *
 * |x| < 2: the all-positive series erf(x) = (2/√π)·e^{−x²}·Σ_{n≥0} 2ⁿ x^{2n+1} / (2n+1)!!
 * (no cancellation, about 40 terms at |x| = 2). |x| ≥ 2: 1 − erfc, erfc from its continued fraction
 * (modified Lentz), erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
 * Reference: Abramowitz & Stegun, Handbook of Mathematical Functions (1964), 7.1.6 and 7.1.14.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

function erfSeries(x: number): number {
  if (x < 0) return -erfSeries(-x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 2 by its continued fraction (relative accuracy, no cancellation). */
function erfcFraction(x: number): number {
  // f = x + a1/(x + a2/(x + ...)), a_k = k/2
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    D = x + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/**
 * The error function.
 *
 * @example
 * erf(0.5); // 0.5204998778130465
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2) return erfSeries(x);
  if (a >= 6) return Math.sign(x); // erfc(6) ≈ 2e-17 is below half an ulp of 1 (and erf(±∞) = ±1)
  const v = 1 - erfcFraction(a);
  return x < 0 ? -v : v;
}

/**
 * The complementary error function 1 − erf(x), accurate in relative terms for large x.
 *
 * @example
 * erfc(5); // 1.5374597944280349e-12
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  // the fraction converges fast enough from 2 on; below, 1 − erf loses at most 3 digits (of 1e-16)
  if (x > 2) return erfcFraction(x);
  if (x < -2) return 2 - erfcFraction(-x);
  return 1 - erfSeries(x);
}

/**
 * The standard normal CDF Φ(x) = erfc(−x/√2)/2.
 *
 * @example
 * normalCdf(0); // 0.5
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return 0.3989422804014327 * Math.exp(-0.5 * x * x);
}
