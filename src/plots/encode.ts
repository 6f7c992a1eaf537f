/**
 * Compact chart JSON: long numeric arrays of the traces become Plotly's typed-array specs
 * (`{ dtype: "f4", bdata: "<base64>", shape: "rows,cols" }`, read by plotly.js ≥ 2.28 and
 * emitted by plotly.py ≥ 6 as well).
 *
 * Why: Jupyter saves notebooks with `indent=1`, which puts every array element on its own line;
 * a 80×80 contour grid becomes 110 KB of whitespace and digits. As one base64 string the same
 * grid takes 34 KB (float32) and stays one line. Builders round their values to ≤ 6
 * significant digits, which float32 (7.2 digits) keeps; an array float32 would visibly change
 * (values outside its range, or a curve varying in its 8th digit) is written as float64.
 * Non-finite values and nulls become NaN, which Plotly treats as gaps, like null.
 */
import type { FigureSpec, Trace } from "./types.js";

/** Arrays shorter than this stay plain JSON (readability beats a few bytes). */
const MIN_LENGTH = 32;

/** A Plotly typed-array spec. */
export interface TypedArraySpec {
  dtype: "f4" | "f8" | "i4";
  bdata: string;
  shape?: string;
}

/**
 * The spec with long numeric trace arrays encoded (the layout and short arrays untouched; the
 * input is not modified).
 *
 * @param fig a figure spec with plain arrays.
 */
export function encodeArrays(fig: FigureSpec): FigureSpec {
  return { ...fig, data: fig.data.map((t) => encodeObject(t) as Trace) };
}

function encodeObject(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = encodeValue(v);
  return out;
}

function encodeValue(v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length >= MIN_LENGTH && v.every(isNum)) return typed(v as (number | null)[]);
    if (v.length > 0 && v.every((row) => Array.isArray(row) && row.length === (v[0] as unknown[]).length && row.every(isNum))) {
      const rows = v as (number | null)[][];
      if (rows.length * rows[0]!.length >= MIN_LENGTH) return typed(rows.flat(), `${rows.length},${rows[0]!.length}`);
    }
    return v;
  }
  if (v && typeof v === "object" && !ArrayBuffer.isView(v)) return encodeObject(v as Record<string, unknown>);
  return v;
}

function isNum(x: unknown): boolean {
  return x === null || typeof x === "number";
}

function typed(values: (number | null)[], shape?: string): TypedArraySpec {
  const spec = (dtype: TypedArraySpec["dtype"], a: Int32Array | Float32Array | Float64Array): TypedArraySpec => {
    const s: TypedArraySpec = { dtype, bdata: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64") };
    if (shape) s.shape = shape;
    return s;
  };
  if (values.every((x) => x !== null && Number.isInteger(x) && Math.abs(x) < 2 ** 31)) return spec("i4", Int32Array.from(values as number[]));
  const f = Float64Array.from(values, (x) => (x === null || !Number.isFinite(x) ? NaN : x));
  return fitsFloat32(f) ? spec("f4", Float32Array.from(f)) : spec("f8", f);
}

/**
 * True when float32 is exact enough to draw: every value keeps 6 significant digits (relative
 * error < 5e-7) and moves by less than 1e-5 of the array's span (far below a pixel, so a curve
 * varying in its 9th digit is not flattened into steps).
 */
function fitsFloat32(f: Float64Array): boolean {
  let lo = Infinity, hi = -Infinity;
  for (const x of f) if (Number.isFinite(x)) { if (x < lo) lo = x; if (x > hi) hi = x; }
  const span = hi - lo;
  for (let i = 0; i < f.length; i++) {
    const x = f[i]!;
    if (Number.isNaN(x) || x === 0) continue;
    const r = Math.fround(x);
    const err = Math.abs(r - x);
    if (!Number.isFinite(r) || err > 5e-7 * Math.abs(x) || (span > 0 && err > 1e-5 * span)) return false;
  }
  return true;
}

/** The plain array a typed-array spec stands for (NaN where a gap was); for tests and tools. */
export function decodeArray(s: TypedArraySpec): number[] | number[][] {
  const bytes = Buffer.from(s.bdata, "base64");
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const flat = Array.from(s.dtype === "i4" ? new Int32Array(buf) : s.dtype === "f4" ? new Float32Array(buf) : new Float64Array(buf));
  if (!s.shape) return flat;
  const [rows, cols] = s.shape.split(",").map(Number) as [number, number];
  return Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
}
