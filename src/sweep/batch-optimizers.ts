/**
 * From `optimizer: (h) => adam({ lr: h.lr })` and a list of hyperparameter points to as few
 * optimizers as possible whose hyperparameters are per-run arrays (src/optim's `HyperValue`
 * arrays, read through `ops.perRun`), so that B configurations run as one tensor program.
 *
 * Fast path: the function is called twice with distinct sentinel values; when every option is
 * either the same in both calls or exactly one of the h values (passed straight through), one
 * alias call with per-run arrays builds the batched optimizer (one call for 10⁵ configurations).
 * Otherwise the function is called once per point, and points are grouped by alias and by their
 * non-numeric options (booleans, enums), each group merged into one optimizer.
 */
import { DslError, describe } from "../errors/index.js";
import { ALIASES, type Hyper, type Optimizer, type Transform } from "../optim/index.js";
import type { HyperPoint } from "./configs.js";

/**
 * A per-run hyperparameter array (one value per run, in run order): a plain array that also
 * marks which options of a merged optimizer vary per run. src/optim's `hyperAt` hands an
 * all-numbers array to `ops.perRun` as is, the same array at every step (scanned once), so
 * batched backends upload it once.
 */
export class PerRunValues extends Array<Hyper> {
  static from2(values: readonly Hyper[]): PerRunValues {
    // pushed one by one: a packed (not holey) array, fast to scan
    const a = new PerRunValues();
    for (let i = 0; i < values.length; i++) a.push(values[i]!);
    return a;
  }
}

/** One batched optimizer and the runs (indices into the sweep's run list) it drives. */
export interface OptimizerGroup {
  runs: number[];
  transform: Transform;
  /** `adam(lr=…, …)` of the group's first configuration. */
  label: string;
}

type Make = (h: HyperPoint) => unknown;

const isTransform = (t: unknown): t is Transform =>
  !!t && typeof t === "object" && typeof (t as Transform).init === "function" && typeof (t as Transform).update === "function";

function call(make: Make, h: HyperPoint, who: string): Transform {
  let t: unknown;
  try {
    t = make(h);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new DslError("bad-optimizer", `${who}: optimizer(h) failed for h = ${show(h)}: ${msg}`, { path: `${who}.optimizer`, cause: e });
  }
  if (!isTransform(t)) throw new DslError("bad-optimizer", `${who}: optimizer(h) must return an optimizer such as adam({ lr: h.lr }), got ${describe(t)} for h = ${show(h)}`, { path: `${who}.optimizer` });
  return t;
}

function show(h: HyperPoint): string {
  return `{ ${Object.entries(h).map(([k, v]) => `${k}: ${typeof v === "number" ? Number(v.toPrecision(6)) : describe(v)}`).join(", ")} }`;
}

const aliasOf = (t: Transform): { name: keyof typeof ALIASES; options: Record<string, unknown> } | undefined => {
  const o = t as Optimizer;
  return typeof o.name === "string" && o.name in ALIASES && o.options ? { name: o.name as keyof typeof ALIASES, options: o.options as Record<string, unknown> } : undefined;
};

/**
 * Builds the batched optimizers for runs = points × starts (run r uses point ⌊r / starts⌋).
 */
export function batchOptimizers(make: Make, points: readonly HyperPoint[], starts: number, who = "sweep"): OptimizerGroup[] {
  const all = Array.from({ length: points.length * starts }, (_, r) => r);
  const fast = fastPath(make, points, starts, who);
  if (fast) return [{ runs: all, transform: fast.transform, label: fast.label }];
  const ts = points.map((h) => call(make, h, who));
  if (ts.every((t) => t === ts[0])) return [{ runs: all, transform: ts[0]!, label: labelOf(ts[0]!) }];
  // group by alias and non-batchable options
  const groups = new Map<string, number[]>();
  ts.forEach((t, i) => {
    const a = aliasOf(t);
    if (!a) {
      throw new DslError(
        "bad-optimizer",
        `${who}: configurations with different custom transforms cannot run as one batch; use an alias such as adam({ lr: h.lr }) (h = ${show(points[i]!)})`,
        { path: `${who}.optimizer` },
      );
    }
    const key = a.name + JSON.stringify(Object.entries(a.options).filter(([, v]) => !batchable(v)));
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const out: OptimizerGroup[] = [];
  for (const idx of groups.values()) out.push(...mergeGroup(ts, idx, starts, who));
  return out;
}

/** A value that may differ per run: a number, a schedule, or a pair of them (betas). */
function batchable(v: unknown): boolean {
  const one = (x: unknown) => typeof x === "number" || typeof x === "function";
  return one(v) || (Array.isArray(v) && v.length === 2 && v.every(one));
}

function runsOf(idx: readonly number[], starts: number): number[] {
  return idx.flatMap((i) => Array.from({ length: starts }, (_, s) => i * starts + s));
}

function perRun(values: readonly unknown[], idx: readonly number[], starts: number): unknown {
  const first = values[idx[0]!];
  if (idx.every((i) => values[i] === first)) return first;
  return PerRunValues.from2(idx.flatMap((i) => Array.from({ length: starts }, () => values[i] as Hyper)));
}

function mergeGroup(ts: readonly Transform[], idx: number[], starts: number, who: string): OptimizerGroup[] {
  const { name, options } = aliasOf(ts[idx[0]!]!)!;
  const merged: Record<string, unknown> = {};
  for (const [key, v0] of Object.entries(options)) {
    const vals = ts.map((t) => (aliasOf(t)?.options[key]));
    // a pair (betas): each entry per run on its own, so a swept β₁ stays one batch
    if (Array.isArray(v0) && v0.length === 2) {
      merged[key] = [0, 1].map((j) => perRun(vals.map((v) => (v as unknown[] | undefined)?.[j]), idx, starts));
    } else merged[key] = perRun(vals, idx, starts);
  }
  try {
    return [{ runs: runsOf(idx, starts), transform: rebuild(name, merged), label: labelOf(ts[idx[0]!]!) }];
  } catch (e) {
    throw new DslError("bad-optimizer", `${who}: cannot batch the ${name} configurations: ${e instanceof Error ? e.message : String(e)}`, { path: `${who}.optimizer`, cause: e });
  }
}

/**
 * Calls the alias with merged options. An alias's recorded `options` may hold keys it fills in
 * itself and does not accept back (momentum() records dampening: 0): such keys are dropped when
 * they are the same for every configuration.
 */
function rebuild(name: keyof typeof ALIASES, merged: Record<string, unknown>): Transform {
  const o = { ...merged };
  for (let tries = 0; tries <= Object.keys(merged).length; tries++) {
    try {
      return (ALIASES[name] as (opts: unknown) => Transform)(o);
    } catch (e) {
      const key = (e as { code?: string; detail?: { option?: string } }).code === "unknown-option" ? (e as { detail?: { option?: string } }).detail?.option : undefined;
      const v = key === undefined ? undefined : o[key];
      const varies = v instanceof PerRunValues || (Array.isArray(v) && v.some((x) => x instanceof PerRunValues));
      if (key === undefined || varies) throw e;
      delete o[key];
    }
  }
  return (ALIASES[name] as (opts: unknown) => Transform)(o);
}

function labelOf(t: Transform): string {
  const o = t as Optimizer;
  return typeof o.describe === "function" ? o.describe() : (o.name ?? "custom transform");
}

/** Sentinel probing (see the file comment). Returns undefined when the fast path does not apply. */
function fastPath(make: Make, points: readonly HyperPoint[], starts: number, who: string): { transform: Transform; label: string } | undefined {
  const keys = Object.keys(points[0] ?? {});
  if (points.length < 2 || keys.length === 0) return undefined;
  if (!points.every((p) => keys.every((k) => typeof p[k] === "number"))) return undefined;
  const probe = (base: number) => Object.fromEntries(keys.map((k, i) => [k, base + 0.0123 * i]));
  const hA = probe(0.3141592653589793);
  const hB = probe(0.2718281828459045);
  let tA: Transform;
  let tB: Transform;
  try {
    tA = make(hA) as Transform;
    tB = make(hB) as Transform;
  } catch {
    return undefined;
  }
  const a = isTransform(tA) ? aliasOf(tA) : undefined;
  const b = isTransform(tB) ? aliasOf(tB) : undefined;
  if (!a || !b || a.name !== b.name) return undefined;
  const keyOf = (va: unknown, vb: unknown): string | null | undefined => {
    if (va === vb) return null; // constant
    const k = keys.find((kk) => va === hA[kk] && vb === hB[kk]);
    return k; // undefined: depends on h in some other way
  };
  const runs = points.length * starts;
  const column = (k: string) => PerRunValues.from2(Array.from({ length: runs }, (_, r) => points[Math.floor(r / starts)]![k] as number));
  const merged: Record<string, unknown> = {};
  for (const [key, va] of Object.entries(a.options)) {
    const vb = b.options[key];
    if (Array.isArray(va) && Array.isArray(vb) && va.length === vb.length) {
      const parts = va.map((x, j) => keyOf(x, vb[j]));
      if (parts.some((p) => p === undefined)) return undefined;
      merged[key] = va.map((x, j) => (parts[j] === null ? x : column(parts[j]!)));
      continue;
    }
    const m = keyOf(va, vb);
    if (m === undefined) return undefined;
    merged[key] = m === null ? va : column(m);
  }
  try {
    const transform = rebuild(a.name, merged);
    return { transform, label: labelOf(call(make, points[0]!, who)) };
  } catch {
    return undefined;
  }
}
