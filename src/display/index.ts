/**
 * The rich display protocol shared by every result object.
 *
 * An object that is worth showing implements `[DISPLAY]()` (the key `Symbol.for("Jupyter.display")`,
 * the convention of Deno's Jupyter kernel) and returns a MIME bundle, synchronously or as a promise.
 * Every bundle carries `text/plain`; expressions add `text/latex`, tables `text/html`, charts
 * `application/vnd.plotly.v1+json` plus an offline `text/html` fallback.
 *
 * This module imports nothing of ours outside src/display: the kernel and every engine folder may
 * depend on it. A value without a display method shows as `util.inspect` text, and an array of
 * plain records also as an HTML table (./records-table.ts).
 */
import { plainBundle } from "./records-table.js";
import { inspect } from "node:util";

/** The key under which objects expose their MIME bundle (shared with Deno's kernel). */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A MIME bundle: MIME type → data. `text/plain` is always present in bundles we produce. */
export interface MimeBundle {
  "text/plain": string;
  [mime: string]: unknown;
}

/** Anything that can show itself. */
export interface Displayable {
  [DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/** True when `value` implements the display protocol. */
export function isDisplayable(value: unknown): value is Displayable {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as Record<symbol, unknown>)[DISPLAY] === "function"
  );
}

/** `text/plain` for any value, as Node's REPL would show it. */
export function plainText(value: unknown): string {
  if (typeof value === "string") return inspect(value);
  return inspect(value, { depth: 4, colors: false, maxArrayLength: 100, breakLength: 100 });
}

/**
 * The MIME bundle for any value: the display symbol first, then plain text through
 * `util.inspect`. A bundle missing `text/plain` gets one, so clients always have a fallback.
 */
export async function format(value: unknown): Promise<MimeBundle> {
  if (isDisplayable(value)) {
    const bundle = await value[DISPLAY]();
    return withPlain(bundle, value);
  }
  return plainBundle(value, plainText);
}

/** Synchronous `format` for displayables whose bundle is not a promise (throws otherwise). */
export function formatSync(value: unknown): MimeBundle {
  if (isDisplayable(value)) {
    const bundle = value[DISPLAY]();
    if (bundle instanceof Promise) throw new TypeError("formatSync: this value displays asynchronously; use format()");
    return withPlain(bundle, value);
  }
  return plainBundle(value, plainText);
}

function withPlain(bundle: MimeBundle, value: unknown): MimeBundle {
  if (bundle && typeof bundle["text/plain"] === "string") return bundle;
  return { ...bundle, "text/plain": Object.prototype.toString.call(value) };
}

/** Escape text for inclusion in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export { hasRenderer, registerRenderer, renderWith, type Renderer } from "./renderers.js";
export { plainBundle, recordColumns, recordsTable, RECORDS_TABLE_LIMITS } from "./records-table.js";
export { columnFormat, distinctDigits, formatNumber, formatOptionNumbers } from "./numbers.js";
