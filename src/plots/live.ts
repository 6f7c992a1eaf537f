/**
 * Live progress charts: while a long run goes, one output shows its loss curve and is updated in
 * place (`update_display_data`) a few times a second with a light SVG chart; when the run ends
 * the same output becomes the interactive Plotly chart.
 *
 * The kernel provides the display (its hooks' `displayBundle(bundle, { displayId, update })`,
 * sending `display_data` or `update_display_data` for the running cell; `setDisplayHook` can put
 * another in its place). Without one (plain Node, `optlab run`) a live chart does nothing.
 */
import { randomBytes } from "node:crypto";
import type { MimeBundle } from "../display/index.js";
import { allPositive, decimate, fmt, pick } from "./data.js";
import { Figure } from "./figure.js";
import { kernelHooks } from "./kernel-hooks.js";
import { colorOf } from "./palette.js";
import { lossesOf } from "./runs.js";
import { lineChartSvg } from "./svg.js";
import type { Series } from "./types.js";

/** Sends a bundle to the front end: a new output (`update: false`) or a replacement of `displayId`'s outputs. */
export type DisplayHook = (bundle: MimeBundle, o: { displayId: string; update: boolean }) => void | Promise<void>;

let hook: DisplayHook | null = null;

/**
 * Install (or remove, with null) a function for live charts to display through, in place of the
 * kernel's (tests, other hosts).
 */
export function setDisplayHook(fn: DisplayHook | null): void {
  hook = fn;
}

/**
 * Where live charts display: the installed hook, else the running Jupyter kernel's
 * `displayBundle` (not under `optlab run`: nobody watches a headless run, and its notebook keeps
 * the final chart of the run's own display), else nowhere.
 */
function currentHook(): DisplayHook | null {
  if (hook) return hook;
  const k = kernelHooks();
  return k && k.mode === "kernel" ? (bundle, o) => void k.displayBundle(bundle, o) : null;
}

/** True when live charts can display (in a kernel, or with a hook installed). */
export function liveDisplayAvailable(): boolean {
  return currentHook() !== null;
}

/** What a live chart reads from each run on every redraw (a `Run` of `optimizeAsync` fits). */
export interface LiveRun {
  name: string;
  losses: Series;
  status?: string;
  steps?: number;
}

export interface LiveChartOptions {
  /** Chart title (default "Optimizing…"). */
  title?: string;
  /** Minimum milliseconds between redraws (default 250: four per second). */
  throttleMs?: number;
  /** Planned steps (fixes the x axis so the curve grows into it). */
  totalSteps?: number;
  /** Points per curve in the live SVG (default 500). */
  maxPoints?: number;
}

const shownLive = new WeakSet<object>();

/** True when `value` (a run or comparison) was already drawn by a live chart that ended with its interactive chart. */
export function wasShownLive(value: unknown): boolean {
  return typeof value === "object" && value !== null && shownLive.has(value);
}

/**
 * A chart that follows runs while they go.
 *
 * @example
 * const live = new LiveChart({ title: "adam on Rosenbrock", totalSteps: 1e5 });
 * await optimizeAsync(f, adam(), { from, steps: 1e5, onProgress: (r) => live.progress(r) })
 *   .then((run) => live.finish(plot.loss(run), run));
 */
export class LiveChart {
  /** The display id of this chart's output. */
  readonly displayId = `optlab-live-${randomBytes(6).toString("hex")}`;
  private readonly runs = new Map<string, LiveRun>();
  private lastDraw = -Infinity;
  private shown = false;
  private readonly started: number;
  private failed = false;
  /** Redraws so far (the first display included). */
  redraws = 0;

  /**
   * @param o options; see `LiveChartOptions`.
   * @param sink where to display (default: the kernel's display, see `setDisplayHook`).
   * @param clock milliseconds now (default `Date.now`; tests pass a fake clock). Redraws follow
   *   this clock, not the step count: at most one per `throttleMs`, however long a step takes.
   */
  constructor(private readonly o: LiveChartOptions = {}, private readonly sink: DisplayHook | null = currentHook(), private readonly clock: () => number = () => Date.now()) {
    this.started = clock();
  }

  /** Whether this chart can display at all. */
  get active(): boolean {
    return this.sink !== null && !this.failed;
  }

  /** Record the latest state of a run (the object is kept and re-read on each redraw); redraws when the throttle allows. */
  progress(run: LiveRun): void {
    this.runs.set(run.name, run);
    const now = this.clock();
    if (now - this.lastDraw < (this.o.throttleMs ?? 250)) return;
    this.lastDraw = now;
    this.send(this.svgBundle(), this.shown);
    this.shown = true;
    this.redraws++;
  }

  /**
   * End the live display: replace it with `final` (the interactive chart; its Plotly JSON is left
   * out because JupyterLab does not redraw JSON on update, the offline HTML draws it instead).
   * When nothing was shown yet (a short run) nothing is displayed, and `result` keeps its own chart.
   *
   * @param final the chart to end with.
   * @param result the run or comparison it shows; marked so its own display can skip the chart.
   */
  async finish(final: Figure | MimeBundle, result?: object): Promise<void> {
    if (!this.shown || !this.active) return;
    const bundle: MimeBundle = final instanceof Figure ? await final.bundle() : { ...final };
    delete bundle["application/vnd.plotly.v1+json"];
    this.send(bundle, true);
    if (result) shownLive.add(result);
  }

  private svgBundle(): MimeBundle {
    const runs = [...this.runs.values()];
    const maxPoints = this.o.maxPoints ?? 500;
    // A Run's `losses` getter copies every loss (and again whenever the run has grown): read its
    // Float64Array view instead, redraw after redraw.
    const losses = runs.map((r) => lossesOf(r));
    const log = allPositive(losses);
    const series = runs.map((r, k) => {
      const idx = decimate(losses[k]!.length, losses[k]!, maxPoints);
      return { name: r.name, color: colorOf(r.name), x: idx, y: pick(losses[k]!, idx, log) };
    });
    const secs = ((this.clock() - this.started) / 1000).toFixed(1);
    const status = runs.map((r, k) => {
      const l = losses[k]!;
      const step = r.steps ?? Math.max(0, l.length - 1);
      return `${r.name}: step ${step.toLocaleString("en-US")}${this.o.totalSteps ? `/${this.o.totalSteps.toLocaleString("en-US")}` : ""}${l.length ? `, loss ${fmt(l[l.length - 1]!)}` : ", no loss yet"}`;
    });
    const svg = lineChartSvg(series, {
      title: this.o.title ?? "Optimizing…",
      subtitle: `${status.slice(-2).join(" · ")} · ${secs} s`,
      xLabel: "step", yLabel: log ? "loss (log)" : "loss", log, ...(this.o.totalSteps ? { xMax: this.o.totalSteps } : {}),
    });
    return { "text/html": `<div class="optlab-live">${svg}</div>`, "text/plain": `${this.o.title ?? "optimizing"}: ${status.join("; ")} (${secs} s)` };
  }

  private send(bundle: MimeBundle, update: boolean): void {
    if (!this.active) return;
    try {
      const r = this.sink!(bundle, { displayId: this.displayId, update });
      if (r && typeof (r as Promise<void>).catch === "function") (r as Promise<void>).catch((e) => this.fail(e));
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    // A display that fails must not stop the run: say it once and go on without live updates.
    if (this.failed) return;
    this.failed = true;
    console.warn(`optlab: live chart off for this run (${e instanceof Error ? e.message : String(e)})`);
  }
}
