/**
 * Small helpers that turn number series into what Plotly's JSON can carry: `null` for values that
 * are not finite (or not positive on a log axis), bounded point counts for long runs, short
 * numbers in legends and titles.
 */
import { columnFormat } from "../display/numbers.js";
import type { Points, Series } from "./types.js";

/** A finite number, or null (JSON has no NaN or Infinity; Plotly draws null as a gap). */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Default cap on points per curve: beyond it, curves are decimated (min/max kept). */
export const MAX_POINTS = 600;

/**
 * The values at `idx` as a plain array, rounded to 5 significant digits (display precision:
 * keeps chart JSON small; the run keeps full precision), non-finite values (and non-positive
 * ones for log axes) → null.
 */
export function pick(values: Series, idx: readonly number[], positiveOnly = false): (number | null)[] {
  const out = new Array<number | null>(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const v = values[idx[k]!]!;
    out[k] = Number.isFinite(v) && (!positiveOnly || v > 0) ? roundSig(v, 5) : null;
  }
  return out;
}

/** Trace x keys for step indices: `x0`/`dx` when they are 0, 1, 2, ... (half the JSON), else `x`. */
export function stepAxis(idx: readonly number[]): { x: number[] } | { x0: number; dx: number } {
  for (let k = 0; k < idx.length; k++) if (idx[k] !== k) return { x: idx.slice() };
  return { x0: 0, dx: 1 };
}

/** 0, 1, ..., n−1. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** True when every finite value of every series is > 0 and at least one value is finite. */
export function allPositive(series: readonly Series[]): boolean {
  let seen = false;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (!Number.isFinite(v)) continue;
      if (v <= 0) return false;
      seen = true;
    }
  }
  return seen;
}

/** Smallest and largest finite value over the series (null when none is finite). */
export function extent(series: readonly Series[]): [number, number] | null {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The indices to draw for a series of length `n` with at most about `maxPoints` points: all of
 * them when short; otherwise the first and last index plus, per bucket of consecutive indices,
 * the positions of the smallest and largest value of `guide` (min/max decimation), so spikes
 * and oscillations survive and the envelope of the curve is exact.
 *
 * @param n series length (≥ 0).
 * @param guide the values whose extremes must survive (the loss); may be shorter than n.
 * @param maxPoints target point count (≥ 4; default `MAX_POINTS`).
 */
export function decimate(n: number, guide: Series, maxPoints = MAX_POINTS): number[] {
  if (n <= maxPoints) return range(n);
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const width = (n - 2) / buckets;
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor(b * width), hi = Math.min(n - 1, 1 + Math.floor((b + 1) * width));
    // The first non-finite value of a bucket is kept too: it is where a run diverged.
    let iMin = -1, iMax = -1, iBad = -1;
    for (let i = lo; i < hi; i++) {
      const v = i < guide.length ? guide[i]! : NaN;
      if (!Number.isFinite(v)) { if (iBad < 0) iBad = i; continue; }
      if (iMin < 0 || v < guide[iMin]!) iMin = i;
      if (iMax < 0 || v > guide[iMax]!) iMax = i;
    }
    const keep = [...new Set([iMin, iMax, iBad])].filter((i) => i >= 0).sort((a, c) => a - c);
    out.push(...(keep.length > 0 ? keep : hi > lo ? [lo] : []));
  }
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/**
 * A number in a legend or title: up to 4 significant digits, power form (2.5×10⁻⁷) for very small or
 * large magnitudes (`0.01`, `3×10⁻⁴`, `1.5×10⁶`, `0.9`).
 */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(4)));
  return powerForm(v.toExponential(Math.min(3, significantDecimals(v))));
}

/**
 * A formatter for numbers that must be told apart (the final losses of a chart's runs): the shared
 * number format of src/display/numbers.ts (`columnFormat`: at least 5 significant digits, as many
 * as it takes for different values to print differently), written in the charts' power form
 * (2.5×10⁻⁷).
 */
export function distinctFormat(values: Iterable<number>): (v: number) => string {
  const f = columnFormat(values);
  return (v) => {
    const text = f(v);
    return /e[+-]?\d+$/.test(text) ? powerForm(text.replace("e+", "e")) : text;
  };
}

const SUPERSCRIPT: Readonly<Record<string, string>> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", n: "ⁿ", i: "ⁱ" };

/** `text` (digits, minus, n, i) in Unicode superscripts: "-12" → "⁻¹²". */
export function superscript(text: string): string {
  return [...text].map((c) => SUPERSCRIPT[c] ?? c).join("");
}

/**
 * `"2.5e-7"` as `"2.5×10⁻⁷"` and `"1e-4"` as `"10⁻⁴"`: the one number format of every chart (as
 * Plotly's `exponentformat: "power"` writes tick labels), never computer notation.
 */
export function powerForm(exp: string): string {
  const m = /^(-?)([\d.]+)e([+-]?)(\d+)$/.exec(exp);
  if (!m) return exp;
  const [, sign, mant, esign, digits] = m;
  const power = "10" + [...(esign === "-" ? "-" : "") + String(Number(digits))].map((c) => SUPERSCRIPT[c]!).join("");
  return `${sign}${mant === "1" ? "" : `${mant}×`}${power}`;
}

function significantDecimals(v: number): number {
  const m = v.toExponential(3).split("e")[0]!.replace(/0+$/, "").replace(/\.$/, "");
  const dot = m.indexOf(".");
  return dot < 0 ? 0 : m.length - dot - 1;
}

/** Round to `digits` significant digits (keeps chart JSON small; display precision only). */
export function roundSig(v: number, digits: number): number {
  return v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(digits));
}

/** Coordinates of a point as "(1, 2.5)". */
export function fmtPoint(p: ArrayLike<number>): string {
  return "(" + Array.from(p, fmt).join(", ") + ")";
}

/** Plotly hover templates treat `%{...}` specially; a user's series name must not inject one. */
export function escapeTemplate(s: string): string {
  return s.replace(/%\{/g, "%\u200b{");
}

/**
 * Plotly line shape for a per-step series: "hv" (stairs) when it is piecewise constant (few
 * distinct values, as a step decay), else "linear" (stairs of a smooth schedule look like noise).
 */
export function lineShape(values: Series): "hv" | "linear" {
  const distinct = new Set<number>();
  for (let i = 0; i < values.length; i++) distinct.add(values[i]!);
  return distinct.size <= Math.max(2, values.length / 8) ? "hv" : "linear";
}

const FLAT = Symbol("optlab.flatPoints");
const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * The points of a flat trajectory (point t is `data[t·n .. (t+1)·n)`, as `Run.views()` gives it)
 * as `Points`, without building them: `points[t]` is a `subarray` view made when it is read, so
 * a chart that draws 600 of 10⁷ points touches 600. `flatOf(points)` gives the flat data back
 * for loops over every point.
 *
 * @param data the coordinates, point after point.
 * @param n coordinates per point (≥ 1).
 * @example
 * const pts = flatPoints(new Float64Array([0, 1, 2, 3]), 2);
 * pts.length; // 2
 * pts[1];     // Float64Array [2, 3]
 */
export function flatPoints(data: Float64Array, n: number): Points {
  const length = n > 0 ? Math.floor(data.length / n) : 0;
  const target: { length: number; [FLAT]: { data: Float64Array; n: number } } = { length, [FLAT]: { data, n } };
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === "string" && INDEX.test(prop)) {
        const i = Number(prop);
        return i < length ? data.subarray(i * n, i * n + n) : undefined;
      }
      return Reflect.get(t, prop, receiver);
    },
    has(t, prop) {
      return typeof prop === "string" && INDEX.test(prop) ? Number(prop) < length : Reflect.has(t, prop);
    },
  }) as unknown as Points;
}

/** The flat data behind `flatPoints(...)`, or null for other point lists. */
export function flatOf(points: Points): { data: Float64Array; n: number } | null {
  return (points as { [FLAT]?: { data: Float64Array; n: number } })[FLAT] ?? null;
}
