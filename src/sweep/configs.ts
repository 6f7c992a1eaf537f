/**
 * The configurations of a sweep: hyperparameter points from a grid (Cartesian product) or a
 * seeded random search, and start points (one, a list, or a grid over two or more variables).
 *
 * Order ("grid order"): hyperparameter points in the order of the grid's Cartesian product (the
 * first key varies slowest, as Python's itertools.product), and for each of them every start,
 * in order. Run r = hIndex · starts + sIndex.
 */
import { DslError, describe } from "../errors/index.js";
import { mulberry32 } from "../optim/index.js";

/** A hyperparameter point: key → value (numbers, or anything the optimizer function accepts). */
export type HyperPoint = Record<string, unknown>;

/** A random-search range: uniform in [min, max], log-uniform with `log`, or a choice. */
export type RandomRange = readonly [number, number] | { min: number; max: number; log?: boolean } | { values: readonly unknown[] };

/** Cartesian product of the grid's value lists, first key slowest. */
export function gridPoints(grid: Record<string, readonly unknown[]>, who = "sweep"): HyperPoint[] {
  const keys = Object.keys(grid);
  for (const k of keys) {
    const v = grid[k];
    if (!Array.isArray(v) || v.length === 0) {
      throw new DslError("bad-option", `${who}: grid.${k} must be a non-empty array of values, got ${describe(v)}`, { path: `${who}.grid.${k}` });
    }
  }
  let points: HyperPoint[] = [{}];
  for (const k of keys) points = points.flatMap((p) => grid[k]!.map((v) => ({ ...p, [k]: v })));
  return points;
}

/** `samples` seeded random points; each key drawn independently. */
export function randomPoints(spec: Record<string, RandomRange>, samples: number, seed: number, who = "sweep"): HyperPoint[] {
  if (!Number.isInteger(samples) || samples < 1) throw new DslError("bad-option", `${who}: samples must be a positive integer (random search), got ${describe(samples)}`, { path: `${who}.samples` });
  const rand = mulberry32(seed ^ 0x51ee9);
  const draws = Object.entries(spec).map(([k, r]) => [k, drawer(k, r, rand, who)] as const);
  return Array.from({ length: samples }, () => Object.fromEntries(draws.map(([k, d]) => [k, d()])));
}

function drawer(k: string, r: RandomRange, rand: () => number, who: string): () => unknown {
  const bad = (): never => {
    throw new DslError(
      "bad-option",
      `${who}: random.${k} must be [min, max], { min, max, log? } or { values: [...] }, got ${describe(r)}`,
      { path: `${who}.random.${k}` },
    );
  };
  if (Array.isArray(r)) {
    const [lo, hi] = r as [number, number];
    if (r.length !== 2 || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) bad();
    return () => lo + (hi - lo) * rand();
  }
  if (r && typeof r === "object" && "values" in r) {
    const vs = (r as { values: readonly unknown[] }).values;
    if (!Array.isArray(vs) || vs.length === 0) bad();
    return () => vs[Math.floor(rand() * vs.length)];
  }
  if (r && typeof r === "object" && "min" in r) {
    const { min, max, log } = r as { min: number; max: number; log?: boolean };
    if (!Number.isFinite(min) || !Number.isFinite(max) || min > max || (log && !(min > 0))) {
      if (log && !(min > 0)) throw new DslError("bad-option", `${who}: random.${k} is log-uniform, so min must be > 0, got ${describe(min)}`, { path: `${who}.random.${k}` });
      bad();
    }
    if (log) {
      const a = Math.log(min);
      const b = Math.log(max);
      return () => Math.exp(a + (b - a) * rand());
    }
    return () => min + (max - min) * rand();
  }
  return bad();
}

/**
 * Start points: from `from` (one), a list, or a grid by variable name `{ x: [..], y: [..], base? }`
 * (product, first name slowest; variables not named come from `base`, default 0).
 */
export function startPoints(
  names: readonly string[],
  from: unknown,
  starts: unknown,
  who = "sweep",
): { points: Float64Array[]; grid?: { names: [string, string]; x: number[]; y: number[] } } {
  const n = names.length;
  const point = (p: unknown, path: string): Float64Array => {
    let x: Float64Array;
    if (Array.isArray(p) || ArrayBuffer.isView(p)) {
      const a = p as ArrayLike<number>;
      if (a.length !== n) throw new DslError("bad-start", `${who}: ${path} has ${a.length} values, the objective has ${n} variables (${names.join(", ")})`, { path: `${who}.${path}` });
      x = Float64Array.from(a);
    } else if (p && typeof p === "object") {
      const r = p as Record<string, unknown>;
      for (const k of Object.keys(r)) if (!names.includes(k)) throw new DslError("bad-start", `${who}: ${path} names '${k}', which is not a variable (variables: ${names.join(", ")})`, { path: `${who}.${path}` });
      x = Float64Array.from(names, (nm) => {
        const v = r[nm];
        if (typeof v !== "number") throw new DslError("bad-start", `${who}: ${path} has no value for '${nm}' (variables: ${names.join(", ")})`, { path: `${who}.${path}` });
        return v;
      });
    } else throw new DslError("bad-start", `${who}: ${path} must be a number[] or a record by variable name, got ${describe(p)}`, { path: `${who}.${path}` });
    x.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new DslError("bad-start", `${who}: ${path} has a non-finite value ${v} for '${names[i]}'`, { path: `${who}.${path}` });
    });
    return x;
  };
  if (from !== undefined && starts !== undefined) throw new DslError("bad-option", `${who}: give from (one start) or starts (several), not both`, { path: `${who}.starts` });
  if (starts === undefined) {
    if (from === undefined) throw new DslError("missing-option", `${who}: a start point is required: from: [..] or starts: [[..], ..] (variables: ${names.join(", ")})`, { path: `${who}.from` });
    return { points: [point(from, "from")] };
  }
  if (Array.isArray(starts)) {
    if (starts.length === 0) throw new DslError("bad-option", `${who}: starts is empty`, { path: `${who}.starts` });
    return { points: starts.map((s, i) => point(s, `starts[${i}]`)) };
  }
  if (starts && typeof starts === "object") {
    // a grid over variables: { x: [..], y: [..] }, the other variables from `base`
    const spec = starts as Record<string, unknown>;
    const base = spec.base === undefined ? new Float64Array(n) : point(spec.base, "starts.base");
    const axes = Object.keys(spec).filter((k) => k !== "base");
    for (const k of axes) {
      if (!names.includes(k)) throw new DslError("bad-start", `${who}: starts.${k}: '${k}' is not a variable (variables: ${names.join(", ")})`, { path: `${who}.starts.${k}` });
      const v = spec[k];
      if (!Array.isArray(v) || v.length === 0 || v.some((e) => typeof e !== "number" || !Number.isFinite(e))) {
        throw new DslError("bad-start", `${who}: starts.${k} must be a non-empty array of finite numbers, got ${describe(v)}`, { path: `${who}.starts.${k}` });
      }
    }
    let pts: Float64Array[] = [base];
    for (const k of axes) {
      const i = names.indexOf(k);
      pts = pts.flatMap((p) => (spec[k] as number[]).map((v) => {
        const q = Float64Array.from(p);
        q[i] = v;
        return q;
      }));
    }
    // Two axes {a, b}: a is drawn horizontally, b vertically; the start (a[i], b[j]) is point i·|b| + j.
    const grid = axes.length === 2 ? { names: [axes[0]!, axes[1]!] as [string, string], x: (spec[axes[0]!] as number[]).slice(), y: (spec[axes[1]!] as number[]).slice() } : undefined;
    return { points: pts, ...(grid ? { grid } : {}) };
  }
  throw new DslError("bad-start", `${who}: starts must be an array of points or a grid { x: [..], y: [..] }, got ${describe(starts)}`, { path: `${who}.starts` });
}
