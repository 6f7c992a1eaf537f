/**
 * Reading runs for charts by their shape (no import of the optimizer code): a `Run` of
 * `optimize` has `name`, `optimizer`, `hyperparameters`, `losses`, `gradNorms`, `lrs`, `xs`,
 * `status`; a `Comparison` has `names` and `runs` by name. Legends name the optimizer and the
 * hyperparameters that tell runs apart.
 */
import { DslError, describe } from "../errors/index.js";
import { flatPoints, fmt, fmtPoint } from "./data.js";
import type { RunSeries } from "./loss.js";
import type { Series } from "./types.js";

/** What `Run.views()` returns: the run's data as Float64Array views, no copies. */
export interface RunViews {
  n: number;
  trajectory: Float64Array;
  losses: Float64Array;
  gradNorms: Float64Array;
  lrs: Float64Array;
  /** "final": the run kept only its start and final point (run option `trajectory`), `trajectory` is empty. */
  kept?: "all" | "final";
}

/** The views of a `Run` (src/optim's `views()`), or null for plain run-like data. */
export function viewsOf(run: unknown): RunViews | null {
  const views = (run as { views?: unknown } | null)?.views;
  return typeof views === "function" ? (views.call(run) as RunViews) : null;
}

/** A run's losses without copying them (a `Run`'s view, else its `losses`). */
export function lossesOf(run: { losses: Series }): Series {
  return viewsOf(run)?.losses ?? run.losses;
}

/** What a chart accepts as "runs": one run, a comparison, an array, or a record of runs by name. */
export type RunsInput = RunSeries | { names: readonly string[]; runs: Readonly<Record<string, RunSeries>> } | readonly RunSeries[] | Readonly<Record<string, RunSeries>>;

/** The runs in `value`, in order, as chart series with legend names. */
export function runsOf(value: unknown, who: string): RunSeries[] {
  return distinctNames(runsOfRaw(value, who));
}

/** A run to be named in a legend: the name it came under, the run, and its differing run options. */
interface NamedRun {
  name: string;
  run: RunSeries & { optimizer?: unknown };
  notes?: readonly string[];
}

/**
 * Legend names for a group of runs (a comparison, an array or a record of runs), all named by one
 * rule:
 * - when any entry carries a name of the user's own (a `compare` key that is not its optimizer's
 *   name, such as "B = 4" or "full batch"), every name is kept as written;
 * - otherwise (names are optimizer names: `gd`, `adam`) each gets the hyperparameters and run
 *   options that tell it apart, only those that differ between the runs (`sgd (batch=4)` beside
 *   `sgd (batch=full)`, not `lr=0.02` on both), never an unset option (`seed=none`). Where that
 *   would leave two runs one name (one optimizer from several starts), the full names are kept
 *   for `distinctNames` to tell apart by start.
 * One run alone is named with its telling hyperparameters (`legendName`).
 */
export function groupNames(entries: readonly NamedRun[]): RunSeries[] {
  const notes = entries.map((e) => (e.notes ?? []).filter((n) => !/=none$/.test(n)));
  if (entries.length === 1) return [runSeries(entries[0]!.run, entries[0]!.name, notes[0])];
  if (entries.some((e) => isUserName(e.name, e.run))) return entries.map((e) => ({ ...runSeries(e.run, e.name), name: e.name }));
  const parts = entries.map((e, i) => (e.name.includes("=") ? [] : [...legendParts(e.run.hyperparameters), ...notes[i]!]));
  const differing = parts.map((p) => p.filter((part) => !parts.every((q) => q.includes(part))));
  const names = entries.map((e, i) => (differing[i]!.length ? `${e.name} (${differing[i]!.join(", ")})` : e.name));
  if (new Set(names).size < names.length) return entries.map((e, i) => runSeries(e.run, e.name, notes[i]));
  return entries.map((e, i) => ({ ...runSeries(e.run, e.name), name: names[i]! }));
}

/**
 * True when `name` is the user's own rather than its optimizer's (`adam`, `adam2`, `adam #2` are
 * the optimizer's; `B = 4`, `full batch`, `fast` are the user's). Runs without an optimizer
 * description (plain chart data) count as optimizer-named.
 */
function isUserName(name: string, run: { optimizer?: unknown }): boolean {
  if (typeof run.optimizer !== "string") return false;
  const base = /^[A-Za-z]+/.exec(run.optimizer)?.[0]?.toLowerCase();
  if (!base) return false;
  const stem = name.toLowerCase().replace(/\s*\(.*\)$/, "").replace(/[\s_#-]*\d*$/, "");
  return stem !== base;
}

/**
 * Legend names that tell runs apart: runs sharing a name (one optimizer from several starts)
 * get their start appended, `adam (lr=0.01) from (−1.2, 1)`, else a number `#2`, `#3`. When
 * every run shares the one name, the legend entries keep only the optimizer and the start
 * (`adam from (−1.2, 1)`) and each run's `group` holds the full shared name (the legend's title).
 */
export function distinctNames(runs: RunSeries[]): RunSeries[] {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  if ([...count.values()].every((c) => c === 1)) return runs;
  const allOne = count.size === 1;
  const used = new Set<string>();
  return runs.map((r, i) => {
    if (count.get(r.name) === 1) return r;
    const base = allOne ? r.name.replace(/ \(.*\)$/, "") : r.name;
    const start = r.xs && r.xs.length > 0 ? r.xs[0] : undefined;
    let name = start && start.length <= 4 ? `${base} from ${fmtPoint(start)}` : `${base} #${i + 1}`;
    if (used.has(name)) name = `${name} #${i + 1}`;
    used.add(name);
    return { ...r, name, ...(allOne ? { group: r.name } : {}) };
  });
}

function runsOfRaw(value: unknown, who: string): RunSeries[] {
  const v = value as Record<string, unknown> | null;
  if (isRun(v)) return [runSeries(v as unknown as RunSeries)];
  if (Array.isArray(value) && value.length > 0 && value.every(isRun)) return groupNames(value.map((r: RunSeries) => ({ name: r.name, run: r })));
  if (v && typeof v === "object" && Array.isArray(v.names) && v.runs && typeof v.runs === "object") {
    const runs = v.runs as Record<string, unknown>;
    // compare with per-entry options: the legend also says which run options differ (clip, batch, start)
    const notes = v.optionDifferences as Record<string, readonly string[]> | undefined;
    return groupNames((v.names as string[]).map((n) => ({ name: n, run: runs[n] as RunSeries, notes: notes?.[n] ?? [] })));
  }
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const entries = Object.entries(v);
    if (entries.length > 0 && entries.every(([, r]) => isRun(r))) return groupNames(entries.map(([n, r]) => ({ name: n, run: r as RunSeries })));
  }
  throw new DslError("bad-argument", `${who}: expected a run (from optimize), a comparison (from compare), an array of runs or { name: run }, got ${describe(value)}`, { path: who });
}

function isRun(v: unknown): boolean {
  const r = v as Record<string, unknown> | null;
  if (!r || typeof r !== "object" || typeof r.name !== "string") return false;
  // A Run: recognised by its views, without reading `losses` (which would copy every loss).
  if (typeof r.views === "function" && "losses" in r) return true;
  return r.losses !== undefined && typeof (r.losses as ArrayLike<number>).length === "number";
}

/**
 * A run as chart data, named `name` (default its own) plus its telling hyperparameters.
 *
 * A `Run`'s array getters (`xs`, `losses`, ...) copy its buffers into `number[]`s, one array per
 * point for `xs`: for a run of 10⁷ steps that is seconds and gigabytes, while a chart draws ~600
 * points per curve. So a `Run` is read through `views()` (Float64Array views, no copy) and its
 * points through `flatPoints` (a point is made only when a chart reads it); the builders decimate
 * before they build arrays. Plain run-like objects are read as they are.
 */
export function runSeries(run: RunSeries, name: string = run.name, notes: readonly string[] = []): RunSeries {
  const r = run;
  const v = viewsOf(r);
  const s: RunSeries = { name: legendName(name, r.hyperparameters, notes), losses: v ? v.losses : r.losses };
  if (v) {
    s.gradNorms = v.gradNorms;
    s.lrs = v.lrs;
    // a run with trajectory: "final" has no path: charts that draw one say so (no xs)
    if (v.kept !== "final") s.xs = flatPoints(v.trajectory, v.n);
  } else {
    if (r.gradNorms) s.gradNorms = r.gradNorms;
    if (r.lrs) s.lrs = r.lrs;
    if (r.xs) s.xs = r.xs;
  }
  if (r.status) s.status = r.status;
  if (r.hyperparameters) s.hyperparameters = r.hyperparameters;
  return s;
}

/**
 * `name (lr=0.01, momentum=0.9)`: the run's name and the hyperparameters worth telling apart
 * (the learning rate, and others where they leave their usual defaults). A name that already
 * says `=` is kept as the user wrote it. `notes` (a comparison's differing run options, such as
 * `clipNorm=1`, `batch=8`) are added after the hyperparameters.
 */
export function legendName(name: string, hyper?: Readonly<Record<string, unknown>>, notes: readonly string[] = []): string {
  if (name.includes("=")) return name;
  const parts = [...legendParts(hyper), ...notes];
  return parts.length ? `${name} (${parts.join(", ")})` : name;
}

/** The telling hyperparameters of `legendName`, as `label=value` strings (`lr=0.01`, `momentum=0.9`). */
function legendParts(hyper?: Readonly<Record<string, unknown>>): string[] {
  const parts: string[] = [];
  if (!hyper) return parts;
  const lr = hyper.lr;
  if (typeof lr === "number") parts.push(`lr=${fmt(lr)}`);
  else if (typeof lr === "function" && lr.name) parts.push(`lr=${lr.name}`);
  const num = (k: string) => (typeof hyper[k] === "number" ? (hyper[k] as number) : undefined);
  if ((num("momentum") ?? 0) > 0) parts.push(`momentum=${fmt(num("momentum")!)}`);
  if (hyper.nesterov === true) parts.push("nesterov");
  const betas = hyper.betas;
  if (Array.isArray(betas) && (betas[0] !== 0.9 || betas[1] !== 0.999)) parts.push(`betas=(${betas.map((b) => fmt(Number(b))).join(", ")})`);
  if ((num("weightDecay") ?? 0) > 0) parts.push(`wd=${fmt(num("weightDecay")!)}`);
  if ((num("damping") ?? 0) > 0) parts.push(`damping=${fmt(num("damping")!)}`);
  for (const flag of ["amsgrad", "centered"]) if (hyper[flag] === true) parts.push(flag);
  if (typeof hyper.lineSearch === "string" && hyper.lineSearch !== "backtracking") parts.push(hyper.lineSearch);
  return parts;
}
