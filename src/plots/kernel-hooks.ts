/**
 * The kernel's hooks, found at run time without importing the kernel (imports go kernel → dsl →
 * src): the kernel registers an object at `globalThis[Symbol.for("optlab.kernel")]` (see
 * kernel/hooks.ts). Charts use it to show live displays in the running cell, to decide which
 * output of a document carries plotly.js (`once("plotly.js")`), and to notice a new document
 * (`documentId`: the runner starts one per notebook). Outside a kernel there is none.
 */
import type { MimeBundle } from "../display/index.js";

/** The part of the kernel hooks (version 1) charts use. */
export interface KernelHooksLike {
  readonly version: 1;
  /** "kernel" under Jupyter, "runner" under `optlab run`. */
  readonly mode: "kernel" | "runner";
  displayBundle(bundle: MimeBundle | Promise<MimeBundle>, o?: { displayId?: string; update?: boolean }): string;
  /** True the first time `key` is asked in this document. */
  once(key: string): boolean;
  readonly documentId: number;
}

/** The running kernel's hooks, or null outside a kernel. */
export function kernelHooks(): KernelHooksLike | null {
  const k = (globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")] as Partial<KernelHooksLike> | undefined;
  return k && k.version === 1 && typeof k.displayBundle === "function" && typeof k.once === "function" ? (k as KernelHooksLike) : null;
}
