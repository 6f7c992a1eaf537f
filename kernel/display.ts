/**
 * `display(...)` in cells, and the rich display of any value: the object's own MIME bundle
 * (`[Symbol.for("Jupyter.display")]()`, the protocol of DESIGN.md) or `text/plain` through
 * `util.inspect` (an array of plain records also as an HTML table: src/display/records-table.ts). Sent as `display_data`, or `update_display_data` with `{ displayId, update }`.
 *
 * A bundle that is ready synchronously is sent at once, so a display updated from inside a
 * synchronous loop shows while the loop runs; an async bundle is awaited in order.
 */
import { randomBytes } from "node:crypto";
import { DISPLAY, isDisplayable, plainBundle, plainText, type MimeBundle } from "../src/display/index.js";
import type { CellContext } from "./cell-context.js";
import type { DisplayFunction, DisplayOptions, PlotlyFigure } from "./cell-api.js";

/** A value's bundle: synchronous when its display method is. */
export function bundleOf(value: unknown): MimeBundle | Promise<MimeBundle> {
  // an array of plain records (a table of measured against predicted numbers) also as HTML
  if (!isDisplayable(value)) return plainBundle(value, plainText);
  const b = value[DISPLAY]();
  return isThenable(b) ? Promise.resolve(b).then((x) => withPlain(x, value)) : withPlain(b, value);
}

function isThenable(x: unknown): x is PromiseLike<MimeBundle> {
  return typeof x === "object" && x !== null && typeof (x as PromiseLike<unknown>).then === "function";
}

function withPlain(bundle: MimeBundle, value: unknown): MimeBundle {
  if (bundle && typeof bundle["text/plain"] === "string") return bundle;
  return { ...bundle, "text/plain": Object.prototype.toString.call(value) };
}

/** A fresh display id. */
export function newDisplayId(): string {
  return `optlab-${randomBytes(8).toString("hex")}`;
}

/** Binary values become base64 (the JSON on the wire carries images that way). */
export function jsonReady(bundle: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(bundle)) out[k] = v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v;
  return out;
}

/** Sends a bundle as an output of `ctx` (in order with queued async displays). */
export function sendBundle(ctx: CellContext, bundle: MimeBundle | Promise<MimeBundle>, o: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): void {
  const send = (b: MimeBundle) =>
    ctx.publish(o.update ? "update_display_data" : "display_data", {
      data: jsonReady(b),
      metadata: o.metadata ?? {},
      transient: o.displayId ? { display_id: o.displayId } : {},
    });
  if (!isThenable(bundle) && !ctx.busy) send(bundle);
  else ctx.enqueue(async () => send(await bundle));
}

/** The `display` function of cells; `current` gives the context outputs go to. */
export function createDisplay(current: () => CellContext | null, fallback: (text: string) => void): DisplayFunction {
  const show = (bundle: MimeBundle | Promise<MimeBundle> | (() => MimeBundle | Promise<MimeBundle>), options: DisplayOptions = {}): string | undefined => {
    const id = options.displayId === true ? newDisplayId() : options.displayId;
    if (options.update && !id) throw new TypeError("display: update needs a displayId");
    const ctx = current();
    const b = typeof bundle === "function" ? bundle() : bundle;
    if (!ctx) {
      void Promise.resolve(b).then((x) => fallback(`${x["text/plain"]}\n`));
      return id;
    }
    sendBundle(ctx, b, { ...(id ? { displayId: id } : {}), ...(options.update ? { update: true } : {}), ...(options.metadata ? { metadata: options.metadata } : {}) });
    return id;
  };
  const binary = (x: Uint8Array | string) => (typeof x === "string" ? x : Buffer.from(x).toString("base64"));
  const display = ((value: unknown, options?: DisplayOptions) => show(() => bundleOf(value), options)) as DisplayFunction;
  display.html = (html, o) => show({ "text/html": html, "text/plain": "[HTML]" }, o);
  display.markdown = (md, o) => show({ "text/markdown": md, "text/plain": md }, o);
  display.latex = (tex, o) => show({ "text/latex": tex, "text/plain": tex }, o);
  display.svg = (svg, o) => show({ "image/svg+xml": svg, "text/plain": "[SVG image]" }, o);
  display.png = (png, o) => show({ "image/png": binary(png), "text/plain": "[PNG image]" }, o);
  display.jpeg = (jpeg, o) => show({ "image/jpeg": binary(jpeg), "text/plain": "[JPEG image]" }, o);
  display.json = (value, o) => show({ "application/json": value, "text/plain": plainText(value) }, o);
  display.plotly = (fig: PlotlyFigure, o) => show({ "application/vnd.plotly.v1+json": fig, "text/plain": `[Plotly chart: ${fig.data?.length ?? 0} traces]` }, o);
  display.text = (text, o) => show({ "text/plain": text }, o);
  display.mime = (bundle, o) => show(withPlain(bundle as MimeBundle, bundle), o);
  display.clear = (o = {}) => current()?.publish("clear_output", { wait: o.wait === true });
  return display;
}
