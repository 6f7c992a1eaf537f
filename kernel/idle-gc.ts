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
 * this heap size, once per ~20 new cells, and runs after the reply and the idle status are sent,
 * so the cell's round trip does not include it.
 *
 * The collector is V8's `gc` (exposed through `v8.setFlagsFromString("--expose-gc")` in a fresh
 * context; the kernel's and the cells' global object get no `gc`). Where that fails it does nothing.
 */
import v8 from "node:v8";
import vm from "node:vm";

/** Schedules collections; call `afterRequest()` when a request has been answered. */
export interface IdleGc {
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

/**
 * An `IdleGc`. The threshold defaults to `OPTLAB_IDLE_GC_MB` (megabytes) or 48 MB; collections
 * are off with `thresholdBytes` ≤ 0 or `OPTLAB_IDLE_GC=0`.
 *
 * @example
 * const gc = createIdleGc();
 * // after each reply and idle status:
 * gc.afterRequest();
 */
export function createIdleGc(thresholdBytes = Number(process.env.OPTLAB_IDLE_GC_MB ?? NaN) * 1024 * 1024 || DEFAULT_GC_THRESHOLD): IdleGc {
  const gc = process.env.OPTLAB_IDLE_GC === "0" || thresholdBytes <= 0 ? null : v8Gc();
  // v8's heap statistics, not process.memoryUsage(), which also reads the RSS (measurably slower)
  const used = () => v8.getHeapStatistics().used_heap_size;
  let base = used();
  let scheduled = false;
  let collections = 0;
  return {
    afterRequest() {
      if (!gc || scheduled || used() - base < thresholdBytes) return;
      scheduled = true;
      // after the replies queued now have gone out
      setImmediate(() => {
        scheduled = false;
        gc();
        collections++;
        base = used();
      }).unref();
    },
    get collections() {
      return collections;
    },
  };
}
