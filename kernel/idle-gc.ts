/**
 * Keeps the kernel's memory near what it uses: a full garbage collection after a request, once
 * the heap has grown by `thresholdBytes` since the last one.
 *
 * Why: every new cell is type-checked by a fresh TypeScript program over all earlier
 * declarations, and the compiler leaves about a megabyte of garbage per cell. V8 sizes its heap
 * for throughput (a limit of several GB on a large machine) and collects the old generation
 * lazily, so that garbage stayed as resident memory: RSS 200 → 628 MB over 2000 small cells
 * (half `objective(...)` + `grad`, half `1 + i`), while the live heap after a full collection
 * grew by ~15 MB per 1000 cells (measured with `--expose-gc` and `process.memoryUsage()`).
 * Collecting once the heap has grown by 48 MB: 206 → 362 MB; by 16 MB (the default): 202 → 272 MB
 * (IPython with numpy: 83 → 87 MB; test/bench/kernel.bench.ts). A collection costs tens of ms at
 * this heap size. It runs when the kernel is idle: `idleMs` after a reply with no request in
 * between (a request that comes first postpones it to after its own reply). Cells sent back to
 * back (a notebook run headlessly, a benchmark) do not wait for collections then, except when
 * the heap has grown by `hardFactor` × the threshold: that collection runs right after the reply.
 * (Collecting right after every reply past the threshold cost ~3.5 ms of the median round trip
 * of new cells sent back to back, and ~7 ms of the mean: 400 `1 + i` cells, 10.8 against 7.3 ms
 * median with no collections.)
 *
 * The collector is V8's `gc` (exposed through `v8.setFlagsFromString("--expose-gc")` in a fresh
 * context; the kernel's and the cells' global object get no `gc`). Where that fails it does nothing.
 */
import v8 from "node:v8";
import vm from "node:vm";

/** Schedules collections; call `beforeRequest()` when a request comes, `afterRequest()` when it has been answered. */
export interface IdleGc {
  beforeRequest(): void;
  afterRequest(): void;
  /** Collections run so far. */
  readonly collections: number;
}

/** Heap growth (bytes) since the last collection that triggers the next one. */
export const DEFAULT_GC_THRESHOLD = 16 * 1024 * 1024;

/** The V8 collector, or null where it cannot be had. */
function v8Gc(): (() => void) | null {
  const own = (globalThis as { gc?: () => void }).gc;
  if (typeof own === "function") return own;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** When collections run (see the file comment). */
export interface IdleGcTiming {
  /** Quiet time after a reply before a collection (ms). */
  idleMs: number;
  /** Growth, in thresholds, past which the collection runs right after the reply. */
  hardFactor: number;
  /** The heap's used size in bytes (default: V8's; tests give their own figures). */
  heapUsed?: () => number;
}

/** The default timing: 50 ms of quiet, or right away past 2 × the threshold (2 kept RSS growth as it was; 4 doubled it in the kernel started from its snapshot). */
export const DEFAULT_GC_TIMING: IdleGcTiming = { idleMs: 50, hardFactor: 2 };

/**
 * An `IdleGc`. The threshold defaults to `OPTLAB_IDLE_GC_MB` (megabytes) or 16 MB; collections
 * are off with `thresholdBytes` ≤ 0 or `OPTLAB_IDLE_GC=0`.
 *
 * @example
 * const gc = createIdleGc();
 * // when a request comes:
 * gc.beforeRequest();
 * // after its reply and idle status:
 * gc.afterRequest();
 */
export function createIdleGc(thresholdBytes = Number(process.env.OPTLAB_IDLE_GC_MB ?? NaN) * 1024 * 1024 || DEFAULT_GC_THRESHOLD, timing: IdleGcTiming = DEFAULT_GC_TIMING): IdleGc {
  const gc = process.env.OPTLAB_IDLE_GC === "0" || thresholdBytes <= 0 ? null : v8Gc();
  // v8's heap statistics, not process.memoryUsage(), which also reads the RSS (measurably slower)
  const used = timing.heapUsed ?? (() => v8.getHeapStatistics().used_heap_size);
  let base = used();
  // the collection waiting for quiet, and whether one runs right after the queued replies
  let quiet: NodeJS.Timeout | null = null;
  let soon = false;
  let collections = 0;
  const collect = () => {
    gc!();
    collections++;
    base = used();
  };
  return {
    beforeRequest() {
      // a request came: no collection before its reply (the one after it schedules again)
      if (quiet) clearTimeout(quiet);
      quiet = null;
    },
    afterRequest() {
      if (!gc || quiet || soon) return;
      const grown = used() - base;
      if (grown < thresholdBytes) return;
      if (grown >= timing.hardFactor * thresholdBytes) {
        soon = true;
        setImmediate(() => {
          soon = false;
          collect();
        }).unref();
      } else {
        quiet = setTimeout(() => {
          quiet = null;
          collect();
        }, timing.idleMs);
        quiet.unref();
      }
    },
    get collections() {
      return collections;
    },
  };
}
