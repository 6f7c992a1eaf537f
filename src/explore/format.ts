/**
 * Numbers in an explorable's text (status line, slider readouts, the static fallback), written as
 * the chart style guide asks (docs/readme/charts.md): six significant digits, and powers as
 * 1.189×10⁻⁴⁷, never 1.189e-47. No imports: the page bundle carries it.
 */
const SUP: Record<string, string> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

/** `v` with six significant digits; below 10⁻³ or from 10⁵ on as a power of ten. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5)) return String(Number(v.toPrecision(6)));
  const [mantissa, exponent] = v.toExponential(3).split("e") as [string, string];
  const m = mantissa.replace(/\.?0+$/, "");
  const e = [...String(Number(exponent))].map((c) => SUP[c] ?? c).join("");
  return m === "1" ? `10${e}` : m === "-1" ? `-10${e}` : `${m}×10${e}`;
}
