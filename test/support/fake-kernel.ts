/**
 * A fake optlab kernel for tests of interrupts: registers hooks at
 * `globalThis[Symbol.for("optlab.kernel")]` (as kernel/hooks.ts does) whose running cell's
 * AbortSignal the test aborts, as the kernel does on SIGINT. Remove it with `removeFakeKernel()`
 * (in an `afterEach`).
 */
import { expect } from "vitest";
import { DslError } from "../../src/errors/index.js";

const KERNEL = Symbol.for("optlab.kernel");

/** Installs the fake kernel; `interrupt()` aborts its cell's signal with an InterruptError. */
export function fakeKernel(): { interrupt(): void } {
  const cell = new AbortController();
  (globalThis as Record<symbol, unknown>)[KERNEL] = {
    version: 1, mode: "kernel", signal: cell.signal, documentId: 1, once: () => false, displayBundle: () => "id", display: () => "id", clearOutput: () => {},
  };
  return { interrupt: () => cell.abort(Object.assign(new Error("interrupted by the user"), { name: "InterruptError" })) };
}

/** Removes the fake kernel. */
export function removeFakeKernel(): void {
  delete (globalThis as Record<symbol, unknown>)[KERNEL];
}

/** The DslError `p` rejects with; fails the test when `p` resolves (the work did not stop). */
export async function rejection(p: Promise<unknown>, what = "the work"): Promise<DslError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e, `${what} finished instead of stopping`).toBeInstanceOf(DslError);
  return e as DslError;
}
