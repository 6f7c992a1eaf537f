/**
 * A natural logarithm from + − × ÷ only, so that it gives the same bits on every JavaScript
 * engine and machine (ECMAScript leaves `Math.log`'s last-bit rounding to the implementation;
 * IEEE-754 basic operations are exact-rounded everywhere, and JS has no fused multiply-add).
 *
 * Method: x = m·2^e with m ∈ [√½, √2), then ln m = 2·atanh(f), f = (m−1)/(m+1), |f| ≤ 0.1716,
 * summed as the odd series 2(f + f³/3 + … + f²³/23) (the next term is below 1e-19 relative);
 * ln x = e·ln2 + ln m with ln2 split into a high part exact in 32 bits and a low correction.
 * Accuracy: within a few ulps of the true value (tested against Math.log).
 */
const LN2_HI = 0.6931471806019545; // ln 2 rounded to 32 significant bits: round(ln2·2³²)/2³² (e·LN2_HI is exact for |e| < 2^21)
const LN2_LO = -4.2009173917278986e-11; // Math.LN2 − LN2_HI
const SQRT_HALF = 0.7071067811865476;
const [C3, C5, C7, C9, C11, C13, C15, C17, C19, C21, C23] = [3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23].map((k) => 1 / k) as [number, number, number, number, number, number, number, number, number, number, number];

/** ln(x) for finite x > 0 (deterministic; see the module comment). */
export function detLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return x === 0 ? -Infinity : x === Infinity ? Infinity : NaN;
  let m = x;
  let e = 0;
  // Scale by exact powers of two (multiplying by 2^k is exact for normal results).
  while (m < 2.3283064365386963e-10) { m *= 4294967296; e -= 32; }
  while (m > 4294967296) { m /= 4294967296; e += 32; }
  while (m < SQRT_HALF) { m *= 2; e--; }
  while (m >= 2 * SQRT_HALF) { m /= 2; e++; }
  const f = (m - 1) / (m + 1);
  const z = f * f;
  // Horner form of 1 + f²/3 + f⁴/5 + … + f²²/23; the constants are the doubles nearest 1/k (what
  // the division 1 / k gives on every IEEE-754 machine), written out to spare 11 divisions.
  const s = 1 + z * (C3 + z * (C5 + z * (C7 + z * (C9 + z * (C11 + z * (C13 + z * (C15 + z * (C17 + z * (C19 + z * (C21 + z * C23))))))))));
  return e * LN2_HI + (2 * f * s + e * LN2_LO);
}
