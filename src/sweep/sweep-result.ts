/**
 * `Sweep`: what `sweep(...)` returns. `results` lists every run in grid order with its
 * hyperparameters, start, final loss, divergence and steps to tolerance; the display picks the
 * chart that fits the sweep's shape: a stability heatmap over two swept hyperparameters (lr ×
 * momentum, as in Goh's "Why Momentum Really Works", Distill 2017), basins of attraction over a
 * 2-D grid of starts (which minimum each start reaches), else a table.
 */
import { DISPLAY, escapeHtml, type MimeBundle } from "../display/index.js";
import { DslError, describe } from "../errors/index.js";
import { fmtTol } from "../optim/index.js";
import { basinsMap, sweepHeatmap, type Figure } from "../plots/index.js";
import type { HyperPoint } from "./configs.js";

/** One run of a sweep. */
export interface SweepResult {
  /** Position in grid order. */
  index: number;
  /** The hyperparameter point. */
  h: HyperPoint;
  /** The start point. */
  from: number[];
  /** Loss at the last point (for a diverged run: where it diverged). */
  finalLoss: number;
  /** Gradient norm at the last point. */
  finalGradNorm: number;
  /** The last point. */
  x: number[];
  diverged: boolean;
  /** Step at which the run diverged, or null. */
  divergedAt: number | null;
  /** First step whose gradient norm was ≤ tol, or null if none. */
  stepsToTol: number | null;
}

/** Facts about how the sweep ran. */
export interface SweepInfo {
  /** Backend that ran it ("float64", "wasm", "webgpu", ...) and why it was chosen. */
  backend: string;
  why: string;
  /** How the steps ran: "fused kernel", "tfjs ops", "float64 loops". */
  engine: string;
  steps: number;
  tol: number;
  /** The optimizer of the first configuration, e.g. `adam(lr=0.01, ...)`. */
  optimizer: string;
  /** Names of the swept hyperparameters, in grid order. */
  keys: string[];
  /** The grid's values per key (grid sweeps), for heatmap axes. */
  grid?: Record<string, unknown[]>;
  /** Number of hyperparameter points and of starts. */
  points: number;
  starts: number;
  /** A 2-D grid of starts (for basins maps). */
  startGrid?: { names: [string, string]; x: number[]; y: number[] };
  /** Variable names of the objective. */
  names: readonly string[];
  /** Wall-clock milliseconds. */
  time: number;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}

const showH = (h: HyperPoint) => Object.entries(h).map(([k, v]) => `${k}=${typeof v === "number" ? fmt(v) : String(v)}`).join(", ");

/**
 * A sweep's outcomes by column (run r in grid order: hyperparameter point ⌊r / starts⌋, start
 * r mod starts): 10⁵ runs are a few typed arrays, and the `SweepResult` records are built only
 * when `results` is read.
 */
export interface SweepColumns {
  points: readonly HyperPoint[];
  starts: readonly Float64Array[];
  finalLoss: Float64Array;
  finalGradNorm: Float64Array;
  /** Point where the run diverged, or −1. */
  divergedAt: Int32Array;
  /** First point with |∇f| ≤ tol, or −1. */
  stepsToTol: Int32Array;
  /** Final points, row-major runs × n. */
  x: Float64Array;
}

/** The results of a sweep (see the file comment). */
export class Sweep {
  private records?: SweepResult[];

  constructor(readonly columns: SweepColumns, readonly info: SweepInfo) {}

  /** Every run in grid order: `{ h, from, finalLoss, diverged, stepsToTol, x, ... }`. */
  get results(): readonly SweepResult[] {
    return (this.records ??= Array.from({ length: this.size }, (_, r) => this.result(r)));
  }

  /** Run r's record (grid order). */
  result(r: number): SweepResult {
    const c = this.columns;
    const S = c.starts.length;
    const n = this.info.names.length;
    const dv = c.divergedAt[r]!;
    const st = c.stepsToTol[r]!;
    return {
      index: r, h: c.points[Math.floor(r / S)]!, from: Array.from(c.starts[r % S]!),
      finalLoss: c.finalLoss[r]!, finalGradNorm: c.finalGradNorm[r]!, x: Array.from(c.x.subarray(r * n, (r + 1) * n)),
      diverged: dv >= 0, divergedAt: dv >= 0 ? dv : null, stepsToTol: st >= 0 ? st : null,
    };
  }

  /** Number of runs (configurations × starts). */
  get size(): number {
    return this.columns.finalLoss.length;
  }

  /** Runs × steps per second. */
  get throughput(): number {
    return (this.size * this.info.steps) / (this.info.time / 1000);
  }

  /** The run with the lowest final loss among those that did not diverge. */
  get best(): SweepResult | undefined {
    const { finalLoss, divergedAt } = this.columns;
    let b = -1;
    for (let r = 0; r < finalLoss.length; r++) {
      if (divergedAt[r]! < 0 && Number.isFinite(finalLoss[r]!) && (b < 0 || finalLoss[r]! < finalLoss[b]!)) b = r;
    }
    return b < 0 ? undefined : this.result(b);
  }

  /** Runs that diverged. */
  get diverged(): SweepResult[] {
    const out: SweepResult[] = [];
    this.columns.divergedAt.forEach((d, r) => d >= 0 && out.push(this.result(r)));
    return out;
  }

  /**
   * A heatmap over two swept hyperparameters (default the first two keys of the grid) of
   * `"finalLoss"` (default) or `"stepsToTol"`, diverged cells marked ✕. With several starts, a
   * cell shows the median over starts (diverged if any start diverged).
   *
   * @example
   * (await sweep(f, { optimizer: (h) => momentum({ lr: h.lr, momentum: h.m }), grid: { lr, m }, from: [1, 1] })).heatmap("stepsToTol");
   */
  heatmap(z: "finalLoss" | "stepsToTol" = "finalLoss", axes?: [string, string]): Figure {
    if (z !== "finalLoss" && z !== "stepsToTol") {
      throw new DslError("bad-argument", `sweep.heatmap: z must be "finalLoss" or "stepsToTol", got ${describe(z)}`, { path: "sweep.heatmap.z" });
    }
    const grid = this.info.grid;
    const keys = axes ?? (this.info.keys.slice(0, 2) as [string, string]);
    if (!grid || keys.length < 1 || !keys.every((k) => k in grid)) {
      throw new DslError("no-grid", `sweep.heatmap: needs a grid over one or two hyperparameters (this sweep has ${this.info.grid ? `keys ${this.info.keys.join(", ")}` : "no grid"})`, { path: "sweep.heatmap" });
    }
    const [kx, ky] = keys;
    const xs = grid[kx!]!;
    const ys = ky ? grid[ky]! : ["—"];
    const cell = (x: unknown, y: unknown) => this.results.filter((r) => r.h[kx!] === x && (!ky || r.h[ky] === y));
    const zName = z === "finalLoss" ? "final loss" : "steps to tol";
    const zs: number[][] = [];
    const status: string[][] = [];
    for (const y of ys) {
      const row: number[] = [];
      const srow: string[] = [];
      for (const x of xs) {
        const rs = cell(x, y);
        const div = rs.some((r) => r.diverged);
        const vals = rs.map((r) => (z === "finalLoss" ? r.finalLoss : r.stepsToTol ?? NaN)).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
        row.push(div || vals.length === 0 ? NaN : vals[Math.floor(vals.length / 2)]!);
        srow.push(div ? "diverged" : "ok");
      }
      zs.push(row);
      status.push(srow);
    }
    return sweepHeatmap({
      x: { name: kx!, values: xs.map(Number) },
      y: { name: ky ?? "", values: ky ? ys.map(Number) : [0] },
      z: zs, zName, status,
    }, { title: `${zName} after ${this.info.steps} steps of ${this.info.optimizer.split("(")[0]}${ky ? "" : ` over ${kx}`}` });
  }

  /**
   * Basins of attraction over a 2-D grid of starts: which minimum each start reaches. The minima
   * are the distinct final points of converged runs (within `tol` of each other; default 1e-3 of
   * the grid's span), or `minima` when given.
   */
  basins(opts: { minima?: readonly (readonly number[])[]; tol?: number } = {}): Figure {
    const g = this.info.startGrid;
    if (!g) throw new DslError("no-grid", "sweep.basins: needs a 2-D grid of starts, e.g. starts: { x: [...], y: [...] }", { path: "sweep.basins" });
    const span = Math.max(...g.x) - Math.min(...g.x) + Math.max(...g.y) - Math.min(...g.y);
    const tol = opts.tol ?? 1e-3 * Math.max(span, 1);
    const minima: number[][] = opts.minima ? opts.minima.map((m) => [...m]) : [];
    const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));
    const label = (r: SweepResult): number => {
      if (r.diverged || r.stepsToTol === null) return -1;
      let k = minima.findIndex((m) => dist(m, r.x) <= (opts.minima ? Math.max(tol, 1e-2 * Math.max(span, 1)) : tol));
      if (k < 0 && !opts.minima) {
        minima.push(r.x.slice());
        k = minima.length - 1;
      }
      return k;
    };
    // one hyperparameter point: the first (basins are per optimizer setting)
    const runs = Array.from({ length: this.info.starts }, (_, r) => this.result(r));
    const labels = g.y.map((_, j) => g.x.map((_, i) => label(runs[i * g.y.length + j]!)));
    const names = this.info.names;
    const ix = names.indexOf(g.names[0]);
    const iy = names.indexOf(g.names[1]);
    return basinsMap({
      x: g.x, y: g.y, labels,
      minima: minima.map((m) => [m[ix]!, m[iy]!]),
      // named to the tolerance they were told apart by: float32 runs end at −4.977e-19, not 0
      names: minima.map((m) => `(${[m[ix]!, m[iy]!].map((v) => fmt(roundTo(v, tol))).join(", ")})`),
      axisNames: [`${g.names[0]}₀ (start)`, `${g.names[1]}₀ (start)`],
    }, { title: `Basins of attraction: ${this.info.optimizer}, ${this.info.steps} steps` });
  }

  /** One paragraph for `text/plain`. */
  summary(): string {
    const i = this.info;
    const b = this.best;
    const nd = this.columns.divergedAt.reduce((k, d) => k + (d >= 0 ? 1 : 0), 0);
    const conv = this.columns.stepsToTol.reduce((k, s) => k + (s >= 0 ? 1 : 0), 0);
    return [
      `Sweep of ${i.optimizer.split("(")[0]}: ${i.points} configuration${i.points === 1 ? "" : "s"} × ${i.starts} start${i.starts === 1 ? "" : "s"} = ${this.size} run${this.size === 1 ? "" : "s"} × ${i.steps} steps on ${i.backend} (${i.engine}), ${fmt(i.time / 1000)} s, ${fmt(this.throughput)} run-steps/s`,
      `  ${conv} reached |∇f| ≤ ${fmtTol(i.tol)}, ${nd} diverged`,
      b ? `  best: ${showH(b.h) || "(no hyperparameters)"} from [${b.from.map(fmt).join(", ")}]: loss ${fmt(b.finalLoss)}${b.stepsToTol !== null ? ` (|∇f| ≤ tol after ${b.stepsToTol} steps)` : ""}` : "  no run finished without diverging",
    ].join("\n");
  }

  toString(): string {
    return this.summary();
  }

  /** An HTML table of the first `limit` results. */
  table(limit = 50): string {
    const keys = this.info.keys;
    const head = [...keys, "from", "final loss", "|∇f|", "steps to tol", "diverged"].map((h) => `<th>${escapeHtml(h)}</th>`).join("");
    const best = this.best;
    const rows = Array.from({ length: Math.min(limit, this.size) }, (_, i) => this.result(i)).map((r) => {
      const cells = [...keys.map((k) => (typeof r.h[k] === "number" ? fmt(r.h[k] as number) : String(r.h[k]))), `[${r.from.map(fmt).join(", ")}]`, fmt(r.finalLoss), fmt(r.finalGradNorm), r.stepsToTol === null ? "—" : String(r.stepsToTol), r.diverged ? `at step ${r.divergedAt}` : ""];
      const style = r.index === best?.index ? ' style="font-weight:bold"' : r.diverged ? ' style="color:#b2182b"' : "";
      return `<tr${style}>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
    });
    const more = this.size > limit ? `<p>… ${this.size - limit} more runs (sweep.results has them all)</p>` : "";
    return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>${more}`;
  }

  /** The chart that fits: a heatmap over two grid keys, basins over a 2-D start grid, else none. */
  chart(): Figure | undefined {
    const i = this.info;
    if (i.startGrid && i.points === 1) return this.basins();
    if (i.grid && i.keys.length >= 1 && i.keys.length <= 2) return this.heatmap();
    return undefined;
  }

  async [DISPLAY](): Promise<MimeBundle> {
    const text = this.summary();
    const html = `<pre>${escapeHtml(text)}</pre>`;
    let fig: Figure | undefined;
    try {
      fig = this.chart();
    } catch {
      fig = undefined;
    }
    if (fig) {
      const b = await fig.bundle();
      return { ...b, "text/plain": text, "text/html": `${html}${String(b["text/html"] ?? "")}` };
    }
    return { "text/plain": text, "text/html": html + this.table() };
  }

  /** Plain data. */
  toJSON(): Record<string, unknown> {
    return { info: this.info, results: this.results };
  }
}

/** v rounded to the decade of `tol` (1e-3 → multiples of 0.001), without a −0. */
function roundTo(v: number, tol: number): number {
  if (!Number.isFinite(v) || !(tol > 0)) return v;
  const q = 10 ** Math.floor(Math.log10(tol));
  return Math.round(v / q) * q + 0;
}
