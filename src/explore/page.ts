/**
 * The page runtime: builds the sliders of an explorable, runs the experiment in the page for
 * their values, and redraws the chart in place (`Plotly.restyle`) after each move. Dragging on the
 * contour panel (2 variables) moves the start point. Runs are coalesced to one per animation
 * frame. Browser-only (DOM and `window.Plotly`), nothing is fetched.
 *
 * Redraws update only what changed: `Plotly.restyle` of the trajectory, start-point and loss
 * traces (their x, y and mode), never the contour trace or the layout (the contour axes have fixed
 * ranges; the loss axes autorange over the new data). Tick labels are drawn with
 * `ticklabeloverflow: "allow"` (no bounding-box measurement per label on every redraw; the fixed
 * margins keep them inside the div). A root with `data-draw="react"` redraws the way it did before
 * (the whole figure through `Plotly.react`, Plotly's default tick labels): test/bench/explore.bench.ts
 * measures both side by side.
 *
 * State for readers and tests lives on the root element as `root.optlabExplore`:
 * `{ h, from, results, renders, lastRunMs, lastDrawMs }`.
 */
import { Experiment, type ExploreResult } from "./engine.js";
import { exploreFigure } from "./figure.js";
import type { WireParam, WireSpec } from "./wire.js";
import { formatNumber } from "./format.js";

interface PlotlyLike {
  newPlot(el: HTMLElement, data: unknown[], layout: unknown, config: unknown): Promise<unknown>;
  react(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown>;
  restyle(el: HTMLElement, update: Record<string, unknown[]>, traces: number[]): Promise<unknown>;
}

/** What a mounted explorable exposes on its root element. */
export interface ExploreState {
  h: Record<string, number>;
  from: number[];
  results: ExploreResult[];
  /** Charts drawn so far (the initial one counts). */
  renders: number;
  lastRunMs: number;
  lastDrawMs: number;
  /** A re-run is scheduled or drawing (the chart and this state may be about to change). */
  busy: boolean;
  /** Re-run for these values now (tests, scripted demos); resolves when the chart is drawn. */
  set(h: Record<string, number>, from?: number[]): Promise<void>;
}

const fmt = formatNumber;

/** A slider position's value: linear, or 10^position for log sliders, rounded to 6 significant digits. */
export function sliderValue(p: WireParam, position: number): number {
  return Number((p.log ? 10 ** position : position).toPrecision(6));
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function statusLine(results: readonly ExploreResult[]): string {
  return results.map((r) => {
    const steps = r.losses.length - 1;
    const f = r.losses[steps]!;
    return `${r.name}: ${r.status} after ${steps} step${steps === 1 ? "" : "s"}, f = ${fmt(f)}`;
  }).join(" · ");
}

/** Mounts the explorable whose container is `root` (it holds `script.ox-spec`). */
export function mount(root: HTMLElement, Plotly: PlotlyLike): ExploreState {
  const specEl = root.querySelector("script.ox-spec");
  if (!specEl) throw new Error("optlab explore: no spec in this element");
  const spec = JSON.parse(specEl.textContent ?? "") as WireSpec;
  const exp = new Experiment(spec);
  const controls = root.querySelector<HTMLElement>(".ox-controls")!;
  const chart = root.querySelector<HTMLElement>(".ox-chart")!;
  const status = root.querySelector<HTMLElement>(".ox-status")!;
  const fallback = root.querySelector<HTMLElement>(".ox-fallback");
  const h = exp.initialH();
  let from = spec.from.slice();
  const state: ExploreState = {
    h, from, results: [], renders: 0, lastRunMs: 0, lastDrawMs: 0, busy: true,
    set: (nh, nf) => {
      Object.assign(h, nh);
      if (nf) from = nf.slice();
      syncInputs();
      return redraw();
    },
  };
  (root as unknown as { optlabExplore: ExploreState }).optlabExplore = state;

  // sliders with value readouts
  const inputs: { p: WireParam; input: HTMLInputElement; out: HTMLOutputElement }[] = [];
  for (const p of spec.params) {
    const lo = p.log ? Math.log10(p.min) : p.min;
    const hi = p.log ? Math.log10(p.max) : p.max;
    const row = el("label", { class: "ox-row" });
    row.appendChild(el("span", { class: "ox-name" }, p.label));
    const input = el("input", { type: "range", min: String(lo), max: String(hi), step: String((hi - lo) / p.ticks), "data-param": p.name, "aria-label": p.label });
    input.value = String(p.log ? Math.log10(p.value) : p.value);
    const out = el("output", { class: "ox-value", "data-param": p.name }, fmt(p.value));
    input.addEventListener("input", () => {
      h[p.name] = sliderValue(p, input.valueAsNumber);
      out.textContent = fmt(h[p.name]!);
      schedule();
    });
    row.append(input, out);
    controls.appendChild(row);
    inputs.push({ p, input, out });
  }
  const fromOut = el("span", { class: "ox-from" });
  controls.appendChild(fromOut);
  const syncInputs = (): void => {
    for (const { p, input, out } of inputs) {
      input.value = String(p.log ? Math.log10(h[p.name]!) : h[p.name]!);
      out.textContent = fmt(h[p.name]!);
    }
  };

  let pending = false;
  let waiters: (() => void)[] = [];
  const schedule = (): Promise<void> => {
    const done = new Promise<void>((resolve) => waiters.push(resolve));
    if (!pending) {
      pending = true;
      state.busy = true;
      requestAnimationFrame(() => {
        pending = false;
        const ws = waiters;
        waiters = [];
        void redraw().then(() => ws.forEach((w) => w()));
      });
    }
    return done;
  };

  let first = true;
  // "react": the redraw before restyle (the whole figure, Plotly's default tick labels), for the bench
  const legacy = root.dataset.draw === "react";
  let kept: { contour: Record<string, unknown>; layout: Record<string, unknown> } | null = null;
  async function redraw(): Promise<void> {
    state.busy = true;
    try {
      await draw();
    } finally {
      state.busy = pending;
    }
  }

  async function draw(): Promise<void> {
    const t0 = performance.now();
    let results: ExploreResult[];
    try {
      results = exp.run(h, from);
    } catch (e) {
      status.textContent = `optlab explore: ${e instanceof Error ? e.message : String(e)}`;
      status.classList.add("ox-error");
      state.renders++;
      return;
    }
    status.classList.remove("ox-error");
    const t1 = performance.now();
    const fig = exploreFigure(spec, results, from);
    if (first) {
      first = false;
      if (!legacy) {
        for (const k of ["xaxis", "yaxis", "xaxis2", "yaxis2"]) {
          const ax = fig.layout[k] as Record<string, unknown> | undefined;
          if (ax) ax.ticklabeloverflow = "allow";
        }
      }
      kept = { contour: fig.data[0]!, layout: fig.layout };
      chart.innerHTML = "";
      if (fallback) fallback.style.display = "none";
      await Plotly.newPlot(chart, fig.data, fig.layout, fig.config);
    } else if (!legacy) {
      // Only the traces that move: the figure's traces are in the same order every run (contour,
      // paths, start, losses), so index i here is index i in the chart.
      const idx: number[] = [];
      const x: unknown[] = [];
      const y: unknown[] = [];
      const mode: unknown[] = [];
      fig.data.forEach((t, i) => {
        if ((t.meta as { role: string }).role === "contour") return;
        idx.push(i);
        x.push(t.x);
        y.push(t.y);
        mode.push(t.mode);
      });
      await Plotly.restyle(chart, { x, y, mode }, idx);
    } else {
      // Plotly.react redraws what changed. Keep the layout object it drew: Plotly fills computed
      // ranges into it, and a fresh layout without them reads as a relayout. The contour trace
      // goes in as a shallow copy of the first one, with the same arrays.
      if (spec.contour) fig.data[0] = { ...kept!.contour };
      // No config: react compares a given config with the full one it keeps and would replot.
      await Plotly.react(chart, fig.data, kept!.layout);
    }
    state.results = results;
    state.from = from.slice();
    state.lastRunMs = t1 - t0;
    state.lastDrawMs = performance.now() - t1;
    state.renders++;
    status.textContent = statusLine(results);
    fromOut.textContent = `from = (${from.map(fmt).join(", ")})${spec.draggable ? " — drag on the contours to move it" : ""}`;
  }

  if (spec.draggable && spec.contour) {
    let dragging = false;
    const at = (e: PointerEvent): number[] | null => {
      const fl = (chart as unknown as { _fullLayout?: { xaxis: Axis; yaxis: Axis } })._fullLayout;
      if (!fl) return null;
      const r = chart.getBoundingClientRect();
      const px = e.clientX - r.left - fl.xaxis._offset;
      const py = e.clientY - r.top - fl.yaxis._offset;
      if (px < 0 || py < 0 || px > fl.xaxis._length || py > fl.yaxis._length) return null;
      return [fl.xaxis.p2l(px), fl.yaxis.p2l(py)];
    };
    chart.addEventListener("pointerdown", (e) => {
      const p = at(e);
      if (!p) return;
      dragging = true;
      e.preventDefault();
      e.stopPropagation();
      from = p;
      void schedule();
    }, true);
    window.addEventListener("pointermove", (e) => {
      if (!dragging) return;
      const p = at(e);
      if (p) {
        from = p;
        void schedule();
      }
    });
    window.addEventListener("pointerup", () => (dragging = false));
  }

  controls.style.display = "";
  void redraw();
  return state;
}

interface Axis {
  _offset: number;
  _length: number;
  p2l(px: number): number;
}
