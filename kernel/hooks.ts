/**
 * What engine and DSL code can ask of the kernel without importing it (imports go kernel → dsl →
 * src, never back): an object the kernel registers at `globalThis[Symbol.for("optlab.kernel")]`.
 * Code outside a kernel (plain Node, tests) finds nothing there and carries on without it.
 *
 * @example
 * // in DSL code: show a live chart and stop when the user interrupts the cell
 * const k = (globalThis as any)[Symbol.for("optlab.kernel")] as KernelHooks | undefined;
 * const id = k?.displayBundle(bundle, { displayId: "loss-1" });
 * if (k?.signal.aborted) return;
 */
import type { MimeBundle } from "../src/display/index.js";
import { cellStore, type CellContext } from "./cell-context.js";
import { bundleOf, newDisplayId, sendBundle } from "./display.js";

/** The well-known key. */
export const KERNEL_HOOKS = Symbol.for("optlab.kernel");

/** The kernel hooks (version 1). */
export interface KernelHooks {
  readonly version: 1;
  /** "kernel" under Jupyter, "runner" under `optlab run`. */
  readonly mode: "kernel" | "runner";
  /**
   * The running cell's AbortSignal: aborted (reason: an Error named "InterruptError") when the
   * user interrupts that cell. Read it when work starts — each cell has its own signal, and work
   * a cell started keeps its cell's signal.
   */
  readonly signal: AbortSignal;
  /**
   * Shows `value` (its display protocol bundle) in the running cell; `update: true` replaces the
   * outputs of `displayId`. Returns the display id.
   */
  display(value: unknown, o?: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): string;
  /** Same with a ready bundle. */
  displayBundle(bundle: MimeBundle | Promise<MimeBundle>, o?: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> }): string;
  /** `clear_output` for the running cell. */
  clearOutput(wait?: boolean): void;
  /**
   * True the first time `key` is asked in this document (a kernel session, or one notebook of
   * `optlab run`): e.g. `once("plotly.js")` decides which chart output carries plotly.js.
   */
  once(key: string): boolean;
  /** Counts documents: changes when the runner starts the next notebook. */
  readonly documentId: number;
}

let documents = 0;

/** Builds the hooks object for a kernel (each kernel, and each `newDocument()`, starts a new document). */
export function createHooks(mode: "kernel" | "runner", current: () => CellContext | null): KernelHooks & { newDocument(): void } {
  let seen = new Set<string>();
  let documentId = ++documents;
  const idle = new AbortController().signal;
  const show = (b: MimeBundle | Promise<MimeBundle>, o: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {}) => {
    const id = o.displayId ?? newDisplayId();
    const ctx = current();
    if (ctx) sendBundle(ctx, b, { ...o, displayId: id });
    return id;
  };
  return {
    version: 1,
    mode,
    get signal() {
      return (cellStore.getStore() ?? current())?.controller.signal ?? idle;
    },
    display: (value, o) => show(bundleOf(value), o),
    displayBundle: (bundle, o) => show(bundle, o),
    clearOutput: (wait = false) => current()?.publish("clear_output", { wait }),
    once(key) {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
    get documentId() {
      return documentId;
    },
    newDocument() {
      seen = new Set();
      documentId = ++documents;
    },
  };
}
