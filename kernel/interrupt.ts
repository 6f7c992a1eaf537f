/**
 * Stopping any user code on interrupt, on the main thread's side.
 *
 * A cell can block the main thread in ways no JavaScript handler on that thread can see: a
 * synchronous loop, a loop of microtasks (`while (true) await Promise.resolve()`), synchronous code
 * after an `await`. The io worker (io-worker.ts) receives interrupts while the main thread is busy
 * (SIGINT through Node's SIGINT watchdog, `interrupt_request` on the control socket it owns) and:
 *
 * 1. posts `{ type: "interrupt" }` to the main thread; when the main thread is free, the kernel
 *    handles it at once (`Kernel.interrupt()`: the cell's `abort` promise rejects, its
 *    AbortSignal fires) and acknowledges in the shared `state`;
 * 2. when no acknowledgement comes within `GRACE_MS`, the main thread is blocked: the worker
 *    evaluates `globalThis[TERMINATE]()` on it through an `inspector.Session` connected to the main
 *    thread. V8 runs inspector commands at its next interrupt check, *inside* the blocked code, so
 *    `terminate` sees the kernel's state exactly as it is there: when a cell's code is running
 *    (`phase` = USER) it ends that code with `Runtime.terminateExecution` (an uncatchable
 *    termination that unwinds the JavaScript stack, then V8 cancels it); otherwise (the kernel is
 *    compiling, formatting a result) it does nothing and step 1 takes effect once the kernel is
 *    free.
 *
 * Node is not written for a termination in the middle of an event-loop callback: the async-id
 * stack that `async_hooks` keeps (used by AsyncLocalStorage) would be left with the terminated
 * callback's entries, and Node aborts the process on its consistency checks. `terminate` therefore
 * turns those checks off just before terminating (`kCheck` and `kTotals` in the async-hook fields),
 * and `recover()`, which runs in a fresh callback right after, empties the stack and turns them
 * back on. The cell's code runs in a callback of its own (`runIsolated`, a MessagePort message) so
 * that the termination unwinds only that callback, never the kernel's request handling.
 *
 * What a termination loses: the rest of the JavaScript stack it hit (the cell's own frames) and
 * the microtasks queued at that moment (V8 drops the whole queue). The kernel never waits on those:
 * it settles the cell through its `abort` promise when `recover()` reports the termination.
 * A module being loaded (`require`) would stay half-initialized in the module cache: `terminate`
 * waits (up to `LOADING_WAIT_MS`) while a module loads, and `recover()` drops from the cache any
 * module that did not finish loading, so that the next `require` loads it afresh.
 */
import { Session } from "node:inspector";
import { createRequire } from "node:module";
import { MessageChannel } from "node:worker_threads";

/** Slots of the shared state (an Int32Array over a SharedArrayBuffer). */
export const SLOT = {
  /** 1 while a cell's code may be on the stack (from starting the cell to its outcome), else 0. */
  phase: 0,
  /** The running cell's id (0: none). */
  cell: 1,
  /** The last interrupt the worker posted (a sequence number). */
  requested: 2,
  /** The last interrupt the main thread handled. */
  acked: 3,
  /** How many times the main thread was terminated (for tests and the log). */
  terminations: 4,
} as const;

export const PHASE_NONE = 0;
export const PHASE_USER = 1;

/** How long the worker waits for the main thread to take an interrupt before terminating its code. */
export const GRACE_MS = 300;

/** How long `terminate` defers while a module is being loaded. */
export const LOADING_WAIT_MS = 1000;

/** How long `terminate` defers while only Node's internal frames run (no frame of the cell's). */
export const FRAMES_WAIT_MS = 250;

/** The CommonJS module cache (the same object for every `require`). */
const moduleCache = createRequire(import.meta.url).cache as Record<string, { loaded?: boolean } | undefined>;

/** Modules in the cache that have not finished loading. */
function loadingModules(): string[] {
  const out: string[] = [];
  for (const key of objectKeys(moduleCache)) if (moduleCache[key] && moduleCache[key]!.loaded === false) out.push(key);
  return out;
}

/**
 * The global the worker's inspector session evaluates (a string key, non-writable and
 * non-configurable: the expression must not depend on anything a cell can replace).
 */
export const TERMINATE = "__optlab_interrupt_terminate__";

/** The expression the worker evaluates on the main thread. */
export const TERMINATE_EXPRESSION = `globalThis[${JSON.stringify(TERMINATE)}]()`;

// terminate() runs in the middle of a cell's code, with the cell's versions of the built-ins:
// what it needs is taken before any cell runs — when the first controller is made (not at
// module load: a start-up snapshot is built without `Atomics`, kernel/snapshot-entry.ts).
let atomicsLoad: typeof Atomics.load;
let atomicsStore: typeof Atomics.store;
let atomicsAdd: typeof Atomics.add;
const objectKeys = Object.keys;
function takeAtomics(): void {
  atomicsLoad ??= Atomics.load;
  atomicsStore ??= Atomics.store;
  atomicsAdd ??= Atomics.add;
}

type Fields = { async_hook_fields: Uint32Array | Float64Array; constants: Record<string, number>; clearAsyncIdStack(): void };

/** Node's async-hook bookkeeping (process.binding, deprecated but stable since Node 8). */
function asyncWrap(): Fields | null {
  const before = process.noDeprecation;
  process.noDeprecation = true;
  try {
    const b = (process as unknown as { binding(name: string): Fields }).binding("async_wrap");
    return b && b.async_hook_fields && typeof b.clearAsyncIdStack === "function" ? b : null;
  } catch {
    return null;
  } finally {
    process.noDeprecation = before;
  }
}

/**
 * The main thread's part of interrupts: the shared state, the terminate function the worker
 * calls, recovery after a termination, and `runIsolated` for cell code.
 */
export class InterruptController {
  readonly state = (takeAtomics(), new Int32Array(new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT)));
  /**
   * Called (in a fresh callback) after a termination ended the running cell's code, with the
   * stack where it stopped (the frames below V8's interrupt check: the cell's code) and the id of
   * that cell. Other callbacks may run first (an interrupt message queued while the cell blocked
   * the thread), so that cell may already be answered and another one running.
   */
  onTerminated: ((stack: string, cell: number) => void) | null = null;
  /** Where the last termination stopped the code, until `recover()` has run ("" otherwise). */
  stoppedAt = "";
  private session: Session | null = null;
  private readonly fields = asyncWrap();
  private saved: [number, number] | null = null;
  private readonly recovery: MessageChannel;
  private readonly entry: MessageChannel;
  private readonly pending = new Map<number, () => void>();
  private nextCell = 0;
  private nextEntry = 0;
  private installed = false;
  private readonly terminateBound = () => this.terminate();
  private deferredSince: number | null = null;

  constructor() {
    this.recovery = new MessageChannel();
    this.recovery.port2.on("message", (cell: number) => this.recover(cell));
    this.recovery.port2.unref();
    this.entry = new MessageChannel();
    this.entry.port2.on("message", (id: number) => {
      const run = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) this.entry.port2.unref();
      run?.();
    });
    this.entry.port2.unref();
  }

  /** Whether a termination is possible here (an inspector and Node's async-hook fields). */
  get canTerminate(): boolean {
    return this.fields !== null;
  }

  /** Registers the terminate function and connects the main thread's own inspector session. */
  install(): void {
    if (this.installed) return;
    this.installed = true;
    const key = TERMINATE;
    if ((globalThis as Record<string, unknown>)[key] === undefined) {
      Object.defineProperty(globalThis, key, { value: () => (current ? current() : "idle"), writable: false, configurable: false, enumerable: false });
    }
    current = this.terminateBound;
  }

  /** A cell (an execute request) starts. Returns its id (interrupts name the cell they are for). */
  begin(): number {
    const id = ++this.nextCell;
    Atomics.store(this.state, SLOT.cell, id);
    return id;
  }

  /** The cell's request is answered. */
  end(): void {
    Atomics.store(this.state, SLOT.phase, PHASE_NONE);
    Atomics.store(this.state, SLOT.cell, 0);
  }

  /** The cell's own code may run from now on (a termination may end it)… */
  enterUser(): void {
    if (Atomics.load(this.state, SLOT.cell) !== 0) Atomics.store(this.state, SLOT.phase, PHASE_USER);
  }

  /** …until now: the kernel's code runs again. */
  leaveUser(): void {
    Atomics.store(this.state, SLOT.phase, PHASE_NONE);
  }

  /** The id of the cell running now (0: none). */
  get runningCell(): number {
    return Atomics.load(this.state, SLOT.cell);
  }

  /** The main thread has taken interrupt `seq` (the worker then does not terminate). */
  ack(seq: number): void {
    if (seq > Atomics.load(this.state, SLOT.acked)) Atomics.store(this.state, SLOT.acked, seq);
  }

  /**
   * Runs `fn` in a callback of its own (a MessagePort message), so that a termination inside it
   * unwinds that callback only. Resolves with `undefined` when `fn` returned (its value is handed
   * to `done`), rejects with what it threw; stays pending when it was terminated.
   */
  runIsolated(fn: () => unknown, done: (value: unknown) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const id = ++this.nextEntry;
      this.pending.set(id, () => {
        let value: unknown;
        try {
          value = fn();
        } catch (e) {
          reject(e);
          return;
        }
        done(value);
        resolve();
      });
      this.entry.port2.ref();
      this.entry.port1.postMessage(id);
    });
  }

  /** Runs on the main thread at V8's interrupt check (the worker's inspector command). */
  private terminate(): string {
    if (atomicsLoad(this.state, SLOT.phase) !== PHASE_USER) return "idle";
    const f = this.fields;
    if (!f) return "unsupported";
    let stack = "";
    try {
      stack = this.stackOrLater();
    } catch {
      stack = ""; // the cell replaced what the checks use: terminate now, without a location
    }
    if (stack === "later") return "later";
    this.stoppedAt = stack;
    if (!this.session) {
      this.session = new Session();
      this.session.connect();
    }
    const k = f.constants;
    if (!this.saved) this.saved = [f.async_hook_fields[k.kCheck!]!, f.async_hook_fields[k.kTotals!]!];
    f.async_hook_fields[k.kCheck!] = 0;
    f.async_hook_fields[k.kTotals!] = 0;
    atomicsStore(this.state, SLOT.phase, PHASE_NONE);
    atomicsAdd(this.state, SLOT.terminations, 1);
    this.recovery.port2.ref();
    this.recovery.port1.postMessage(atomicsLoad(this.state, SLOT.cell));
    this.session.post("Runtime.terminateExecution");
    return "terminated";
  }

  /**
   * Where the code runs now, or "later": the worker asks again in 50 ms while a module loads, and
   * (briefly) while only Node's own frames run (an async hook between two of the cell's
   * microtasks), so that the traceback can say where in the cell it stopped.
   */
  private stackOrLater(): string {
    const stack = stackHere();
    const now = performance.now();
    const wait = loadingModules().length > 0 ? LOADING_WAIT_MS : hasOwnFrames(stack) ? 0 : FRAMES_WAIT_MS;
    if (wait > 0) {
      this.deferredSince ??= now;
      if (now - this.deferredSince < wait) return "later";
    }
    this.deferredSince = null;
    return stack;
  }

  /** After a termination: Node's async-hook state back in order, then the kernel is told. */
  private recover(cell: number): void {
    this.recovery.port2.unref();
    try {
      for (const key of loadingModules()) delete moduleCache[key];
    } catch {
      /* a cell replaced Object.keys: the next require of a half-loaded module may fail */
    }
    const f = this.fields;
    if (f) {
      f.clearAsyncIdStack();
      if (this.saved) {
        const k = f.constants;
        f.async_hook_fields[k.kCheck!] = this.saved[0];
        f.async_hook_fields[k.kTotals!] = this.saved[1];
        this.saved = null;
      }
    }
    const stack = this.stoppedAt;
    this.stoppedAt = "";
    this.onTerminated?.(stack, cell);
  }

  /** Disconnects the inspector session and closes the ports. */
  close(): void {
    if (current === this.terminateBound) current = null;
    this.session?.disconnect();
    this.session = null;
    this.recovery.port1.close();
    this.recovery.port2.close();
    this.entry.port1.close();
    this.entry.port2.close();
  }
}

/**
 * The stack at V8's interrupt check, without the frames of `terminate` itself and of the
 * inspector's evaluation: the code that was running.
 */
function stackHere(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error("stopped").stack ?? "";
  Error.stackTraceLimit = limit;
  const lines = stack.split("\n");
  // [0] the message, then terminate, the global's wrapper, the evaluated expression.
  const i = lines.findIndex((l, k) => k > 0 && !l.includes("interrupt.js") && !/at <anonymous>:1:/.test(l) && !l.includes("[as optlab.interrupt.terminate]"));
  return i < 0 ? "" : lines.slice(i).join("\n");
}

/** Whether a stack has a frame outside Node's internals (the cell's code, or a library it called). */
function hasOwnFrames(stack: string): boolean {
  for (const line of stack.split("\n")) {
    const m = /\(?([^()\s]+):\d+:\d+\)?$/.exec(line.trim());
    if (m && !m[1]!.startsWith("node:")) return true;
  }
  return false;
}

/** The controller the global terminate function calls (one kernel per process at a time). */
let current: (() => string) | null = null;
