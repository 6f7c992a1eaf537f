/**
 * `lastRun()`: the most recent run of `optimize`, `optimizeAsync`, `compare` or `compareAsync`,
 * finished or interrupted, so that the steps an interrupted cell computed are never lost.
 *
 * The run is recorded when it starts (the `Run` record grows while the run goes), not when it
 * returns: an interrupted run is there with status "aborted" and the steps it took. A float64 run
 * whose cell is interrupted while the run holds the thread (synchronous `optimize`, stopped by the
 * kernel mid-step) is marked "aborted" when the cell's interrupt arrives. On a TensorFlow.js
 * backend the trajectory lives on the device until the run ends: a tfjs run is recorded when it
 * returns, and an interrupted one leaves no record (`lastRun()` is then `undefined`, never an
 * older run that could be taken for it).
 */
import type { Run } from "../src/optim/index.js";
import { withKernelSignal } from "./kernel-signal.js";

let last: Run | undefined;

/**
 * The most recent run (of `optimize`, `optimizeAsync`, `compare`, `compareAsync`), finished or
 * interrupted, or `undefined` before any. An interrupted run has `status: "aborted"` and the steps
 * it took (`losses`, `xs`, ...). In a comparison, each run counts when it starts.
 *
 * @example
 * await optimizeAsync(f, adam({ lr: 1e-3 }), { from: [-1.2, 1], steps: 1e7 }); // interrupted
 * lastRun()!.status; // "aborted"
 * lastRun()!.losses.length; // the steps done so far, + 1
 */
export function lastRun(): Run | undefined {
  return last;
}

/**
 * What the DSL's runners call with each run they start (read the cell's signal now, before any
 * `await`). Not part of the public API.
 *
 * @internal
 */
export function runRecorder(): (run: Run) => void {
  const signal = withKernelSignal(undefined);
  return (run) => {
    last = run;
    if (!signal || signal.aborted) return;
    // One "abort" listener per signal, however many runs a cell starts (a listener per run made
    // Node warn "MaxListenersExceededWarning" from the 11th run of a cell on).
    let runs = running.get(signal);
    if (!runs) {
      const mine = new Map<Run, number>();
      runs = mine;
      running.set(signal, mine);
      // A run that never got back to its loop (the kernel stopped the thread) is ended here; a run
      // that did (optimizeAsync) ends itself with its own message, which replaces this one.
      signal.addEventListener("abort", () => {
        for (const [r, t0] of mine) if (r.status === "running") r.finish("aborted", "aborted", `interrupted after ${Math.max(0, r.steps)} steps`, [], performance.now() - t0);
        mine.clear();
      }, { once: true });
    }
    for (const r of runs.keys()) if (r.status !== "running") runs.delete(r);
    runs.set(run, performance.now());
  };
}

/** The runs started under each cell's signal, with their start times (dropped once finished). */
const running = new WeakMap<AbortSignal, Map<Run, number>>();

/** A tfjs run is starting: until it returns there is no run to show (see the file comment). @internal */
export function forgetLastRun(): void {
  last = undefined;
}
