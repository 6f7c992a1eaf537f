/**
 * The one number format of tables and text: significant digits (5 by default), plain between
 * 1e-3 and 1e5 and in exponent form outside, no trailing zeros; and, for a column of values that
 * must be told apart (final losses of runs that all converged), as many digits as it takes for
 * different values to print differently.
 *
 * @example
 * formatNumber(0.019801980198019802); // "0.019802"
 * columnFormat([2.559312, 2.559348, 2.559301]); // a formatter printing 2.55931, 2.55935, 2.5593
 */

/**
 * `v` to `digits` significant digits: `0.019802`, `2.5593`, `1.5e+6`, `2.821e-18`.
 *
 * @param digits significant digits, 1 to 17 (default 5).
 */
export function formatNumber(v: number, digits = 5): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const d = Math.min(17, Math.max(1, Math.round(digits)));
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) {
    const plain = Number(v.toPrecision(d));
    // toPrecision can round up past the boundary (99999.7 → 1.0000e+5): plain text still fits
    return String(plain);
  }
  const [mant, exp] = v.toExponential(d - 1).split("e");
  const m = mant!.includes(".") ? mant!.replace(/0+$/, "").replace(/\.$/, "") : mant!;
  return `${m}e${exp}`;
}

/**
 * The fewest significant digits, at least `min`, at which the distinct finite values of `values`
 * all print differently (at most 17, which tells any two doubles apart).
 *
 * @example
 * distinctDigits([2.55931, 2.55935]); // 6
 */
export function distinctDigits(values: Iterable<number>, min = 5): number {
  const distinct = [...new Set([...values].filter(Number.isFinite).map((v) => (v === 0 ? 0 : v)))];
  for (let d = min; d < 17; d++) {
    if (new Set(distinct.map((v) => formatNumber(v, d))).size === distinct.length) return d;
  }
  return 17;
}

/**
 * A formatter for one column of a table: `formatNumber` with `distinctDigits(values, min)`.
 *
 * @example
 * const f = columnFormat(runs.map((r) => r.loss)); runs.map((r) => f(r.loss));
 */
export function columnFormat(values: Iterable<number>, min = 5): (v: number) => string {
  const d = distinctDigits(values, min);
  return (v) => formatNumber(v, d);
}

/**
 * An optimizer's text (`gd(lr=0.019801980198019802)`) with its numbers in the one format:
 * `gd(lr=0.019802)`. With `others` (the texts of the other rows of a table), each option keeps
 * as many digits as it takes to tell its values apart across the rows.
 *
 * @example
 * formatOptionNumbers("gd(lr=0.019801980198019802)"); // "gd(lr=0.019802)"
 */
export function formatOptionNumbers(text: string, others: readonly string[] = []): string {
  const re = /([A-Za-z_$][\w$]*)=(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/g;
  const byKey = new Map<string, number[]>();
  for (const t of [text, ...others]) for (const m of t.matchAll(re)) byKey.set(m[1]!, [...(byKey.get(m[1]!) ?? []), Number(m[2])]);
  const digits = new Map([...byKey].map(([k, vs]) => [k, distinctDigits(vs)]));
  return text.replace(re, (_all, key: string, num: string) => `${key}=${formatNumber(Number(num), digits.get(key) ?? 5)}`);
}
