/**
 * Display enhancers: a small registry through which result objects of the engine get charts
 * without importing the chart code (STYLE.md §1: src/optim and src/numeric must not import
 * src/plots, and src/plots depends on src/display only).
 *
 * The contract:
 * - A result class builds its own bundle (`text/plain`, usually an HTML table) and returns
 *   `renderWith(kind, this, own)` from its `[DISPLAY]()`.
 * - Whoever owns the charts registers one renderer per kind at import time
 *   (`registerRenderer("run", (run, own) => ...)`); dsl/plot.ts does, so anything that imports
 *   "optlab" gets charts. A renderer returns `own` enhanced (a chart added), synchronously or as
 *   a promise, and must keep `own["text/plain"]`.
 * - Without a renderer for the kind, `renderWith` returns `own` unchanged (the engine alone shows
 *   text and tables). A renderer that throws (or rejects) does not break the display either: the
 *   object shows its own bundle with one line saying why its chart is missing.
 *
 * Kinds used by optlab: "run" (`Run`), "comparison" (`Comparison`), "schedule" (`ScheduleFn`),
 * "gradcheck" (`GradcheckReport`), "theory" (`Theory`). Another host (the kernel, a test) may
 * register its own renderers for these kinds or new ones.
 *
 * The table lives on `globalThis` under `Symbol.for("optlab.display.renderers")`, so two copies
 * of this module (sources and a build loaded side by side) share it, as they share the display
 * symbol. This module imports nothing of ours.
 */
import type { MimeBundle } from "./index.js";

/**
 * Enhances an object's own bundle: `(value, own) => bundle`. Keep `own["text/plain"]`; add MIME
 * types (a chart's plotly JSON, HTML after `own`'s HTML).
 */
export type Renderer<T extends object = any> = (value: T, own: MimeBundle) => MimeBundle | Promise<MimeBundle>;

const KEY = Symbol.for("optlab.display.renderers");

function table(): Map<string, Renderer> {
  const g = globalThis as Record<symbol, Map<string, Renderer> | undefined>;
  return (g[KEY] ??= new Map());
}

/**
 * Registers the renderer of `kind` (replacing any earlier one). Returns a function that removes
 * it again (if it is still the one registered).
 *
 * @param kind what the renderer displays: "run", "comparison", "schedule", "gradcheck", "theory", ...
 * @param fn `(value, own) => bundle`.
 * @example
 * registerRenderer("run", (run, own) => ({ ...own, "text/html": `${own["text/html"]}<p>${run.steps} steps</p>` }));
 */
export function registerRenderer<T extends object>(kind: string, fn: Renderer<T>): () => void {
  const t = table();
  t.set(kind, fn as Renderer);
  return () => {
    if (t.get(kind) === fn) t.delete(kind);
  };
}

/** True when a renderer is registered for `kind`. */
export function hasRenderer(kind: string): boolean {
  return table().has(kind);
}

/**
 * The display bundle of `value`: `own` passed through the renderer of `kind` when there is one,
 * else `own` as is. Synchronous when the renderer is.
 *
 * @param kind the renderer to ask ("run", "comparison", ...).
 * @param value the object being displayed.
 * @param own its own bundle (text, table).
 * @example
 * [DISPLAY]() { return renderWith("run", this, { "text/plain": this.summary(), "text/html": table }); }
 */
export function renderWith(kind: string, value: object, own: MimeBundle): MimeBundle | Promise<MimeBundle> {
  const fn = table().get(kind);
  if (!fn) return own;
  let out: MimeBundle | Promise<MimeBundle>;
  try {
    out = fn(value, own);
  } catch (e) {
    return failed(kind, own, e);
  }
  if (out && typeof (out as Promise<MimeBundle>).then === "function") {
    return (out as Promise<MimeBundle>).then((b) => checked(kind, own, b), (e: unknown) => failed(kind, own, e));
  }
  return checked(kind, own, out as MimeBundle);
}

function checked(kind: string, own: MimeBundle, b: MimeBundle): MimeBundle {
  if (b && typeof b === "object" && typeof b["text/plain"] === "string") return b;
  return failed(kind, own, new TypeError(`the renderer returned ${b === null ? "null" : typeof b}, not a MIME bundle`));
}

/** The object's own bundle, saying (in text and HTML) why its chart is missing. */
function failed(kind: string, own: MimeBundle, e: unknown): MimeBundle {
  const why = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
  const out: MimeBundle = { ...own, "text/plain": `${own["text/plain"]}\n(no ${kind} chart: ${why})` };
  if (typeof own["text/html"] === "string") {
    const safe = why.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    out["text/html"] = `${own["text/html"]}<div style="color:#888;font-size:90%">no ${kind} chart: ${safe}</div>`;
  }
  return out;
}
