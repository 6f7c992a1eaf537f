/**
 * The running kernel cell's AbortSignal, found through the kernel's hooks
 * (`globalThis[Symbol.for("optlab.kernel")]`, kernel/hooks.ts; absent outside a kernel).
 */

/**
 * The running cell's signal combined with the user's own `signal`: interrupting the cell stops
 * the work (a run, a comparison, a sweep) instead of leaving it running after the cell ended.
 * Read it when the work starts, before any `await`: each cell has its own signal.
 *
 * @param own the user's `signal` option, if any.
 * @returns the combined signal; the user's own (or undefined) outside a kernel.
 * @example
 * const signal = withKernelSignal(options.signal);
 */
export function withKernelSignal(own: AbortSignal | undefined): AbortSignal | undefined {
  const k = (globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")] as { version?: number; signal?: AbortSignal } | undefined;
  const cell = k?.version === 1 && k.signal && typeof k.signal.aborted === "boolean" ? k.signal : undefined;
  if (!cell) return own;
  if (!own) return cell;
  return AbortSignal.any([own, cell]);
}
