/**
 * `Run` and `Comparison`: what `optimize` and `compare` return. The data stay in the runner's
 * preallocated Float64Arrays; the `number[]` views (`xs`, `losses`, ...) are built on first
 * access and cached (rebuilt while a live run grows). Both display as a text summary and an
 * HTML table, passed through the display registry (`renderWith("run" | "comparison", ...)`), so
 * the chart code, when loaded (dsl/plot.ts registers it), adds the charts; the fields charts need
 * (xs, losses, gradNorms, lrs, names, hyperparameters, the comparison's objective) are public.
 */
import { DISPLAY, columnFormat, escapeHtml, formatNumber, formatOptionNumbers, renderWith, type MimeBundle } from "../display/index.js";
import { DslError } from "../errors/index.js";
import type { Problem } from "../problem/index.js";
import { runDifferences } from "./run-differences.js";

/**
 * How a run ended. "running" only while `optimizeAsync` reports progress. "stationary": the
 * gradient test held at a point whose Hessian has a negative eigenvalue (a saddle or a maximum),
 * so the run did not converge to a minimum. One function decides (`runOutcome` in
 * run-diagnostics.ts), so the status and the message agree.
 */
export type RunStatus = "converged" | "stationary" | "max-steps" | "diverged" | "aborted" | "running";

/** Why the loop stopped. */
export type StopReason = "tol" | "max-steps" | "diverged" | "early-stopping" | "aborted";

/** The runner's buffers (internal; `Run` exposes them as arrays). */
export interface RunRecord {
  n: number;
  names: readonly string[];
  /** Steps planned. */
  steps: number;
  /** Points recorded so far (steps taken + 1). */
  length: number;
  /**
   * The iterates: every point ((steps + 1) × n, point i at i·n) when `kept` is "all" (or
   * absent); with `kept` "final" only 2 × n: the start at 0 and the latest point at n.
   */
  xs: Float64Array;
  /** Which iterates `xs` holds (the run option `trajectory`; absent: "all"). */
  kept?: TrajectoryKept;
  /**
   * With `kept` "final": the last step k with x_k ≠ x_{k−1} (some coordinate differs), set by the
   * float64 runner when it stops (a full record compares its points instead).
   */
  lastChange?: number;
  losses: Float64Array;
  gradNorms: Float64Array;
  lrs: Float64Array;
  batchLosses: Float64Array | null;
  valLosses: number[] | null;
  valSteps: number[] | null;
  batchesPerEpoch: number;
  evaluations: number;
  /**
   * Per-leaf gradient norms, when the problem has a tree layout with more than one leaf (a
   * network's `[0].W`, `[0].b`, ...): one Float64Array per leaf, one entry per point.
   */
  leafGradNorms?: { leaves: readonly { path: string; offset: number; size: number }[]; values: Float64Array[] };
}

/**
 * Which iterates a run keeps (the run option `trajectory`): "all" (the default) every point
 * x₀ … x_steps; "final" only the start x₀ and the latest point (a fixed 2 × n buffer, for models
 * with many parameters: no per-step growth). Losses, gradient norms, per-leaf gradient norms and
 * learning rates are recorded at every step either way.
 */
export type TrajectoryKept = "all" | "final";

/**
 * Turns a record of every point into one that keeps only the start and the last point (the
 * tfjs runners record every point, then keep what `trajectory: "final"` asks for).
 */
export function keepFinalOnly(rec: RunRecord): void {
  const { n, length, xs } = rec;
  // the last step k with x_k ≠ x_{k−1}, for convergedAt (it compares consecutive points)
  let changed = length - 1;
  outer: for (; changed > 0; changed--) {
    for (let i = 0; i < n; i++) if (xs[changed * n + i] !== xs[(changed - 1) * n + i]) break outer;
  }
  rec.lastChange = changed;
  const out = new Float64Array(2 * n);
  out.set(xs.subarray(0, n), 0);
  out.set(xs.subarray(Math.max(0, length - 1) * n, Math.max(1, length) * n), n);
  rec.xs = out;
  rec.kept = "final";
}

/** The error of reading an iterate that a `trajectory: "final"` run did not keep. */
function notKept(what: string, steps: number): DslError {
  return new DslError(
    "trajectory-not-kept",
    `${what}: this run kept only its start and final point (run option trajectory: "final"); run.params is the final point and run.paramsAt(0) the start (also paramsAt(${steps})). Run with trajectory: "all" (the default) to keep every point`,
    { path: what },
  );
}

/** The best validation point of a run with a validation split. */
export interface BestPoint {
  epoch: number;
  step: number;
  valLoss: number;
  x: number[];
}

/** The one number format of tables (src/display/numbers.ts): 5 significant digits. */
const fmt = (v: number): string => formatNumber(v, 5);

/** |∇f| at or below this counts as converged when the run had no `tol` (run-options' DEFAULT_STATUS_TOL). */
const STATUS_TOL = 1e-6;

/** Up to this many coordinates a point shows in full; longer ones (a network's weights) show their first 4. */
const SHOWN = 8;

const fmtPoint = (x: readonly number[]): string => (x.length <= SHOWN ? `[${x.map((v) => fmt(v)).join(", ")}]` : `[${x.slice(0, 4).map(fmt).join(", ")}, … (${x.length} coordinates)]`);

/** The coordinate names of a table row: all of them, or the first 4 and how many. */
const fmtNames = (names: readonly string[]): string => (names.length <= SHOWN ? names.join(", ") : `${names.slice(0, 4).join(", ")}, … ${names.length}`);

/**
 * One optimization run: the trajectory, losses, gradient norms, learning rates, and how it
 * ended. `xs` has `steps + 1` points (the start and the point after each step), `losses` and
 * `gradNorms` one per point, `lrs` one per step. For a batched data-backed run, `losses` and
 * `gradNorms` are over all training rows at each point and `batchLosses` are the mini-batch
 * losses the optimizer saw.
 *
 * With the run option `trajectory: "final"` the run keeps only its start and its final point:
 * `params`, `x`, `paramsAt(0)` and `paramsAt(steps)` work; `xs`, `trajectory` and `paramsAt(k)`
 * for any other k throw a DslError with code "trajectory-not-kept"; charts that draw the path say
 * why they cannot. Losses, gradient norms and learning rates are recorded at every step either way.
 */
export class Run {
  /** The run's name (the optimizer's name, or the key given to `compare`). */
  readonly name: string;
  /** The optimizer with its options: `adam(lr=0.001, betas=[0.9, 0.999], ...)`. */
  readonly optimizer: string;
  /** The optimizer's options, defaults filled in. */
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  /** Parameter names. */
  readonly names: readonly string[];
  status: RunStatus = "running";
  /** Why the loop stopped. */
  stopReason: StopReason | undefined;
  /** One sentence on how it ended (empty while running). */
  message = "";
  /** Things worth knowing: vanishing or exploding gradients, a saddle at the start. */
  warnings: string[] = [];
  /** Wall-clock milliseconds. */
  time = 0;
  /** Best validation point (data-backed runs with a validation split). */
  best: BestPoint | undefined;
  /**
   * The run options this run had that can differ between the entries of a `compare` (`from`,
   * `steps`, `clipNorm`, `batchSize`, `seed`, ...), as given; set by `compare`.
   */
  settings: Readonly<Record<string, unknown>> = {};
  /** Shapes a flat point like the start point (set by the runner; default a number[]). */
  private shapePoint: (x: Float64Array) => unknown = (x) => Array.from(x);
  private cache: { len: number; xs?: number[][]; losses?: number[]; gradNorms?: number[]; lrs?: number[] } = { len: -1 };

  constructor(private readonly rec: RunRecord, meta: { name: string; optimizer: string; hyperparameters: Readonly<Record<string, unknown>> }) {
    this.name = meta.name;
    this.optimizer = meta.optimizer;
    this.hyperparameters = meta.hyperparameters;
    this.names = rec.names;
  }

  /** @internal Called by the runner at the end. */
  finish(status: RunStatus, reason: StopReason, message: string, warnings: string[], time: number): void {
    this.status = status;
    this.stopReason = reason;
    this.message = message;
    this.warnings = warnings;
    this.time = time;
  }

  private fresh(): typeof this.cache {
    if (this.cache.len !== this.rec.length) this.cache = { len: this.rec.length };
    return this.cache;
  }

  /** Number of parameters. */
  get n(): number {
    return this.rec.n;
  }
  /** Steps taken. */
  get steps(): number {
    return this.rec.length - 1;
  }
  /**
   * Which iterates the run kept (its run option `trajectory`): "all" (x₀ … x_steps, the default)
   * or "final" (only the start and the final point).
   */
  get trajectoryKept(): TrajectoryKept {
    return this.rec.kept ?? "all";
  }
  /** Where point `i` starts in `rec.xs`, or −1 when the run did not keep it. */
  private offsetOf(i: number): number {
    const { n, length } = this.rec;
    if (this.rec.kept !== "final") return i * n;
    return i === 0 ? 0 : i === length - 1 ? n : -1;
  }
  /**
   * Objective (or training-loss) evaluations, line searches included, counted as torch's
   * `func_evals`: a full-batch run that used its whole step budget does not count the final
   * point's evaluation (it only records the last loss; no step used it).
   */
  get evaluations(): number {
    return this.rec.evaluations;
  }
  /** The points x₀ … x_steps (throws "trajectory-not-kept" for a run with `trajectory: "final"`). */
  get xs(): number[][] {
    if (this.rec.kept === "final") throw notKept("run.xs", this.steps);
    const c = this.fresh();
    if (!c.xs) {
      const { n, xs } = this.rec;
      c.xs = Array.from({ length: this.rec.length }, (_, i) => Array.from(xs.subarray(i * n, i * n + n)));
    }
    return c.xs;
  }
  /** f(x₀) … f(x_steps). */
  get losses(): number[] {
    const c = this.fresh();
    return (c.losses ??= Array.from(this.rec.losses.subarray(0, this.rec.length)));
  }
  /** ‖∇f(x_k)‖₂ at each point (before clipping). */
  get gradNorms(): number[] {
    const c = this.fresh();
    return (c.gradNorms ??= Array.from(this.rec.gradNorms.subarray(0, this.rec.length)));
  }
  /**
   * ‖∇f(x_k)‖₂ of each leaf of the parameter tree at each point (before clipping), by leaf path
   * (`{ "[0].W": [...], "[0].b": [...] }`): per-layer gradient norms, for vanishing or exploding
   * gradients. Undefined when the objective has no tree layout (recorded on the float64 engine).
   */
  get leafGradNorms(): Record<string, number[]> | undefined {
    const lg = this.rec.leafGradNorms;
    if (!lg) return undefined;
    const out: Record<string, number[]> = {};
    lg.leaves.forEach((l, i) => (out[l.path] = Array.from(lg.values[i]!.subarray(0, this.rec.length))));
    return out;
  }
  /** The learning rate of each step (the schedule's value; NaN when the optimizer has none). */
  get lrs(): number[] {
    const c = this.fresh();
    return (c.lrs ??= Array.from(this.rec.lrs.subarray(0, this.rec.length - 1)));
  }
  /** Mini-batch losses the optimizer saw (batched data-backed runs). */
  get batchLosses(): number[] | undefined {
    return this.rec.batchLosses ? Array.from(this.rec.batchLosses.subarray(0, this.rec.length - 1)) : undefined;
  }
  /** Validation losses at the start and after each epoch (runs with a validation split). */
  get valLosses(): number[] | undefined {
    return this.rec.valLosses?.slice();
  }
  /** The step after which each validation loss was taken. */
  get valSteps(): number[] | undefined {
    return this.rec.valSteps?.slice();
  }
  /** Batches per epoch (1 on full batch). */
  get batchesPerEpoch(): number {
    return this.rec.batchesPerEpoch;
  }
  /**
   * The trajectory as one flat Float64Array view (length (steps+1)·n), no copy (throws
   * "trajectory-not-kept" for a run with `trajectory: "final"`).
   */
  get trajectory(): Float64Array {
    if (this.rec.kept === "final") throw notKept("run.trajectory", this.steps);
    return this.rec.xs.subarray(0, this.rec.length * this.rec.n);
  }
  /**
   * The recorded data as Float64Array views of the runner's buffers, without the copies that
   * `xs`, `losses`, `gradNorms` and `lrs` make (each a `number[]`; `xs` one array per point):
   * charts of long runs read these and decimate before building anything. The views have the
   * length of the moment they are taken (a live run keeps growing). Point t is
   * `trajectory.subarray(t·n, (t+1)·n)`. A run with `trajectory: "final"` gives an empty
   * `trajectory` (and `kept: "final"`): it has no path to draw.
   *
   * @example
   * const { n, trajectory, losses } = run.views();
   * const last = trajectory.subarray((losses.length - 1) * n);
   */
  views(): { n: number; trajectory: Float64Array; losses: Float64Array; gradNorms: Float64Array; lrs: Float64Array; kept: TrajectoryKept } {
    const { n, length } = this.rec;
    const kept = this.trajectoryKept;
    return {
      n,
      kept,
      trajectory: kept === "final" ? new Float64Array(0) : this.rec.xs.subarray(0, length * n),
      losses: this.rec.losses.subarray(0, length),
      gradNorms: this.rec.gradNorms.subarray(0, length),
      lrs: this.rec.lrs.subarray(0, Math.max(0, length - 1)),
    };
  }
  /** The last point. */
  get x(): number[] {
    const { n, xs, length } = this.rec;
    const o = this.offsetOf(length - 1);
    return Array.from(xs.subarray(o, o + n));
  }
  /** @internal How `params` shapes a point: like the start point `from` (a tree, a record by name, an array). */
  setPointShape(f: (x: Float64Array) => unknown): void {
    this.shapePoint = f;
  }
  /**
   * The final point in the structure of the start point `from`: a tree (`{ W: [[..]], b: [..] }`)
   * for a tree start, a record by name for a record start, a number[] (or Float64Array) otherwise.
   * Typed `any` on purpose: its structure is the caller's `from`, and notebook cells index into it
   * (`run.params[1].b`) without an annotation.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  get params(): any {
    return this.paramsAt(this.steps);
  }
  /**
   * The point after `k` steps (0: the start; negative counts from the end), shaped as `params`.
   * A run with `trajectory: "final"` has only k = 0 and k = steps (−1); any other k throws a
   * DslError with code "trajectory-not-kept".
   * @example
   * run.paramsAt(0); // the start, as given
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  paramsAt(k: number): any {
    const { n, xs, length } = this.rec;
    const i = k < 0 ? length + k : k;
    if (!Number.isInteger(i) || i < 0 || i >= length) {
      throw new DslError("bad-argument", `run.paramsAt: k must be an integer step in 0..${length - 1} (or -${length}..-1 from the end), got ${k}`, { path: "k" });
    }
    const o = this.offsetOf(i);
    if (o < 0) throw notKept(`run.paramsAt(${k})`, this.steps);
    return this.shapePoint(xs.slice(o, o + n));
  }
  /**
   * The step at which a converged run met its convergence test, when it kept running after that
   * (no `tol` given, so it used its whole step budget): the first step from which |∇f| stayed at
   * or below the status tolerance (`tol`, default 1e-6), or the last step that moved the point
   * (the optimizer's own tests stopped it: Newton, L-BFGS), whichever came first. Equals `steps`
   * for a run stopped by its test; undefined unless the status is "converged".
   *
   * @example
   * compare(f, { newton: newton() }, { from: [1, 1], steps: 500 }).get("newton").convergedAt; // 1
   */
  get convergedAt(): number | undefined {
    if (this.status !== "converged") return undefined;
    const steps = this.steps;
    if (this.stopReason !== "max-steps") return steps;
    const tol = typeof this.settings.tol === "number" ? this.settings.tol : STATUS_TOL;
    const { gradNorms, xs, n, length } = this.rec;
    let first = length - 1;
    while (first > 0 && gradNorms[first - 1]! <= tol) first--;
    if (!(gradNorms[first]! <= tol)) first = steps;
    let moved = steps;
    // the last step k with x_k ≠ x_{k−1} (a run that kept only its final point has no
    // consecutive iterates to compare: the runner's own record of the last move, if any)
    if (this.rec.kept === "final") return Math.min(first, this.rec.lastChange ?? steps);
    outer: for (; moved > 0; moved--) {
      for (let i = 0; i < n; i++) if (xs[moved * n + i] !== xs[(moved - 1) * n + i]) break outer;
    }
    return Math.min(first, moved);
  }
  /** The steps column of a table: `steps`, or `4 of 500` for a run that met its test at step 4 and kept running. */
  stepsText(): string {
    const at = this.convergedAt;
    return at !== undefined && at < this.steps ? `${at} of ${this.steps}` : String(this.steps);
  }
  /** The last loss. */
  get loss(): number {
    return this.rec.losses[this.rec.length - 1]!;
  }
  /** The last gradient norm. */
  get gradNorm(): number {
    return this.rec.gradNorms[this.rec.length - 1]!;
  }

  /** One line: `adam · max-steps · 150 steps · loss 24.2 → 0.0123 · |∇f| 0.51 · x = [...]`. */
  summary(): string {
    const l0 = this.rec.losses[0]!;
    return `${this.name} · ${this.status} · ${this.steps} steps · loss ${fmt(l0)} → ${fmt(this.loss)} · |∇f| ${fmt(this.gradNorm)} · x = ${fmtPoint(this.x)} · ${fmt(this.time)} ms`;
  }

  toString(): string {
    return `Run(${this.summary()})`;
  }

  /** Plain data (for JSON and plots). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name, optimizer: this.optimizer, hyperparameters: this.hyperparameters, names: this.names,
      status: this.status, message: this.message, warnings: this.warnings, steps: this.steps,
      ...(this.trajectoryKept === "final" ? { trajectory: "final", start: Array.from(this.rec.xs.subarray(0, this.n)), x: this.x } : { xs: this.xs }),
      losses: this.losses, gradNorms: this.gradNorms, lrs: this.lrs, time: this.time,
      ...(this.valLosses ? { valLosses: this.valLosses, valSteps: this.valSteps } : {}),
      ...(this.batchLosses ? { batchLosses: this.batchLosses } : {}),
    };
  }

  /**
   * The run's display: its text summary and HTML table, plus (when the chart code is loaded, as
   * in `import "optlab"`) its loss curve with gradient-norm (and varying-lr) panels.
   */
  [DISPLAY](): MimeBundle | Promise<MimeBundle> {
    return renderWith("run", this, this.tableBundle());
  }

  /** The display without charts: the text summary and an HTML table. */
  tableBundle(): MimeBundle {
    const optimizer = formatOptionNumbers(this.optimizer);
    const lines = [`Run ${optimizer}`, `  ${this.status}: ${this.message}`, `  ${this.summary()}`, ...this.warnings.map((w) => `  warning: ${w}`)];
    const at = this.convergedAt;
    const rows: [string, string][] = [
      ["optimizer", optimizer],
      ["status", `${this.status}${this.message ? ` — ${this.message}` : ""}`],
      ["steps", `${this.steps}${this.evaluations ? ` (${this.evaluations} evaluations)` : ""}${at !== undefined && at < this.steps ? `; converged at step ${at}` : ""}`],
      ["loss", `${fmt(this.rec.losses[0]!)} → ${fmt(this.loss)}`],
      ["|∇f|", `${fmt(this.rec.gradNorms[0]!)} → ${fmt(this.gradNorm)}`],
      [`x (${fmtNames(this.names)})`, fmtPoint(this.x)],
      ["time", `${fmt(this.time)} ms`],
    ];
    if (this.valLosses?.length) rows.push(["validation loss", `${fmt(this.valLosses[0]!)} → ${fmt(this.valLosses.at(-1)!)}${this.best ? ` (best ${fmt(this.best.valLoss)} after epoch ${this.best.epoch})` : ""}`]);
    for (const w of this.warnings) rows.push(["warning", w]);
    const html = `<table class="optlab-run"><caption>${escapeHtml(this.name)}</caption><tbody>${rows
      .map(([k, v]) => `<tr><th style="text-align:left">${escapeHtml(k)}</th><td style="text-align:left">${escapeHtml(v)}</td></tr>`)
      .join("")}</tbody></table>`;
    return { "text/plain": lines.join("\n"), "text/html": html };
  }
}

/**
 * Several runs from the same start (`compare`): `runs` by name, in the order given. Displays as a
 * table sorted as given, with the lowest final loss marked, plus (with the chart code loaded) the
 * loss curves of every run and, for an objective of two variables, the trajectories over its
 * contours.
 */
export class Comparison {
  /** Run names, in the order given. */
  readonly names: string[];
  /**
   * What tells each run apart from the others, by run name: the run options that differ between
   * entries (`start=[0, 1]`, `clipNorm=1`, `batch=8`, ...) and, among runs of one optimizer, the
   * hyperparameters that differ (`lr=0.1`). Empty lists when everything but the optimizer is shared.
   */
  readonly differences: Readonly<Record<string, readonly string[]>>;
  /** The run-option part of `differences` (legends add it to the optimizer's own hyperparameters). */
  readonly optionDifferences: Readonly<Record<string, readonly string[]>>;
  /**
   * @param runs the runs by name.
   * @param objective the objective they minimized (charts draw its contours when n = 2).
   */
  constructor(readonly runs: Record<string, Run>, readonly objective?: Problem) {
    this.names = Object.keys(runs);
    const { hyper, options } = runDifferences(this.names.map((n) => runs[n]!));
    this.optionDifferences = Object.fromEntries(this.names.map((n, i) => [n, options[i]!]));
    this.differences = Object.fromEntries(this.names.map((n, i) => [n, [...hyper[i]!, ...options[i]!]]));
  }
  /** The run called `name`. */
  get(name: string): Run | undefined {
    return this.runs[name];
  }
  /** The run with the lowest final loss among those that did not diverge. */
  best(): Run | undefined {
    let b: Run | undefined;
    for (const r of Object.values(this.runs)) if (r.status !== "diverged" && (!b || r.loss < b.loss)) b = r;
    return b;
  }
  toJSON(): Record<string, unknown> {
    return { runs: Object.fromEntries(this.names.map((n) => [n, this.runs[n]!.toJSON()])) };
  }
  /** The display: the table, and with the chart code loaded the loss curves (and trajectories over contours when n = 2). */
  [DISPLAY](): MimeBundle | Promise<MimeBundle> {
    return renderWith("comparison", this, this.tableBundle());
  }

  /** The display without charts: a text table and an HTML table. */
  tableBundle(): MimeBundle {
    const best = this.best();
    const differs = this.names.some((n) => this.differences[n]!.length > 0);
    const head = ["name", ...(differs ? ["differs"] : []), "optimizer", "status", "steps", "final loss", "final |∇f|", "final x", "time (ms)"];
    const runs = this.names.map((n) => this.runs[n]!);
    // Enough digits in each column to tell different values apart (three converged runs must not all read 2.5593).
    const lossFmt = columnFormat(runs.map((r) => r.loss));
    const gradFmt = columnFormat(runs.map((r) => r.gradNorm));
    const optimizers = runs.map((r) => r.optimizer);
    const rows = this.names.map((n, i) => {
      const r = runs[i]!;
      const d = differs ? [this.differences[n]!.join(", ") || "—"] : [];
      return [n + (r === best ? " ★" : ""), ...d, formatOptionNumbers(r.optimizer, optimizers), r.status, r.stepsText(), lossFmt(r.loss), gradFmt(r.gradNorm), fmtPoint(r.x), fmt(r.time)];
    });
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
    const early = runs.some((r) => r.stepsText() !== String(r.steps));
    const footnote = early ? "steps “k of N”: the run met its convergence test at step k and kept running to N (no tol given)" : "";
    const text = [`Comparison of ${this.names.length} runs`, line(head), ...rows.map(line), ...(footnote ? [footnote] : [])].join("\n");
    const html = `<table class="optlab-comparison"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
      .join("")}</tbody>${footnote ? `<caption style="caption-side:bottom;text-align:left">${escapeHtml(footnote)}</caption>` : ""}</table>`;
    return { "text/plain": text, "text/html": html };
  }
}

