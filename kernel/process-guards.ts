/**
 * Errors thrown outside any cell's call stack (a timer, a promise a cell left behind) must not end
 * the kernel (BRIEF rule 9, "a kernel must never die on a user error"): the kernel's own
 * `uncaughtException` / `unhandledRejection` listeners report them (kernel.ts shows them on a
 * cell's stderr) and stay in charge.
 *
 * Staying in charge takes more than adding two listeners. Node calls every listener of these
 * events, and one that throws ends the process at once (a throw inside `uncaughtException` is
 * fatal). Libraries add such listeners: the emscripten runtime inside
 * `@tensorflow/tfjs-backend-wasm` adds `process.on("unhandledRejection", (r) => { throw r })` and
 * an `uncaughtException` listener that rethrows, when the wasm backend starts (emscripten's
 * `NODEJS_CATCH_REJECTION` / `NODEJS_CATCH_EXIT`, see
 * https://github.com/emscripten-core/emscripten/issues/11768 and
 * node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js around line 8596;
 * src/backends/tfjs.ts removes them right after a backend starts). So
 * while the guards are on:
 *
 * - a foreign listener of either event is replaced by a wrapper that calls it and catches what it
 *   throws (it may observe, never rethrow); the wrapper carries `.listener = original`, so
 *   `process.off(event, original)` still removes it;
 * - when the kernel's own listener is removed (`process.removeAllListeners(...)`, or emscripten's
 *   `_dispose`, which removes *every* listener of the two events), it is put back;
 * - `reassert()` redoes both checks (the kernel calls it before each cell, which also covers
 *   `process.removeAllListeners()` without arguments, which removes the watchers themselves).
 *
 * Also raises V8's stack depth so deep DSL calls keep the cell's own frames.
 */
import { inspect } from "node:util";

/**
 * `process.exit()` called by a cell (or by work a cell started) would end the kernel and every
 * name the notebook defined: it throws instead, an error that says how to stop the kernel (as
 * IPython turns `sys.exit()` into a `SystemExit` shown on the cell). The kernel's own exits
 * (shutdown, a vanished parent) run outside any cell and go through. Returns the function that
 * puts `process.exit` back.
 *
 * @param inCell whether the code running now belongs to a cell.
 */
export function guardExit(inCell: () => boolean): () => void {
  const original = process.exit;
  const guarded = function exit(code?: number | string | null): never {
    if (!inCell()) return original.call(process, code);
    const e = new Error(`process.exit(${code === undefined ? "" : String(code)}) would end the kernel and lose every name this notebook defined; to stop it, use the front end's Restart or Shut Down (Kernel menu)`);
    e.name = "ExitError";
    throw e;
  } as typeof process.exit;
  process.exit = guarded;
  return () => {
    if (process.exit === guarded) process.exit = original;
  };
}

/** The two process events the guards own. */
export type GuardedEvent = "uncaughtException" | "unhandledRejection";

/** Receives what nobody caught. Must not throw (if it does, the error goes to the real stderr). */
export type BackgroundErrorReporter = (event: GuardedEvent, error: unknown) => void;

/** The installed guards. */
export interface ProcessGuard {
  /** Puts the kernel's listeners back if they were removed and tames foreign listeners now. */
  reassert(): void;
  /** Removes the guards (foreign listeners get their original functions back). */
  release(): void;
}

const EVENTS: readonly GuardedEvent[] = ["uncaughtException", "unhandledRejection"];
const isGuarded = (event: string | symbol): event is GuardedEvent => event === "uncaughtException" || event === "unhandledRejection";
type Listener = (...args: unknown[]) => void;
/** Marks wrappers (ours and tamed foreign ones) so that they are never wrapped twice. */
const TAMED = Symbol("optlab.tamed");
type Tamed = Listener & { [TAMED]: Listener; listener?: Listener };

/** The default reporter: the error on stderr (a cell's, while the kernel captures the streams). */
export function reportToStderr(event: GuardedEvent, error: unknown): void {
  process.stderr.write(`${event === "unhandledRejection" ? "Unhandled promise rejection" : "Uncaught"}: ${errorText(error)}\n`);
}

/** An error's stack (or message), or `util.inspect` of a thrown non-error. */
export function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : inspect(e);
}

/**
 * Installs the guards: the kernel's listeners first, foreign listeners tamed now and whenever
 * one is added.
 *
 * @param report where uncaught exceptions and unhandled rejections go (default: stderr).
 * @example
 * const guard = guardProcess((event, e) => kernel.backgroundError(event, e));
 * // ... before each cell:
 * guard.reassert();
 */
export function guardProcess(report: BackgroundErrorReporter = reportToStderr): ProcessGuard {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = typeof limit === "number" && limit > 50 ? limit : 50;
  let active = true;
  let scheduled = false;
  /** Off while the guards change the listener lists themselves. */
  let watching = true;
  const safeReport = (event: GuardedEvent, e: unknown) => {
    try {
      report(event, e);
    } catch (failure) {
      realStderr(`optlab: could not report an ${event}: ${errorText(e)}\n(reporting failed: ${errorText(failure)})\n`);
    }
  };
  const own: Record<GuardedEvent, Listener> = {
    uncaughtException: (e) => safeReport("uncaughtException", e),
    unhandledRejection: (e) => safeReport("unhandledRejection", e),
  };
  // Marked like tamed listeners, so that a second set of guards (another kernel in this process)
  // leaves these alone instead of wrapping them.
  for (const event of EVENTS) (own[event] as Tamed)[TAMED] = own[event];
  const isOwn = (l: unknown) => l === own.uncaughtException || l === own.unhandledRejection;

  const tame = (event: GuardedEvent, original: Listener): Tamed => {
    const wrapper = function (this: unknown, ...args: unknown[]) {
      try {
        original.apply(this, args);
      } catch (thrown) {
        // Rethrowing what the kernel already reported (emscripten's listeners do) is dropped;
        // anything else a listener throws is reported too.
        if (thrown !== args[0]) safeReport(event, thrown);
      }
    } as Tamed;
    wrapper[TAMED] = original;
    wrapper.listener = (original as Partial<Tamed>).listener ?? original;
    return wrapper;
  };

  const check = () => {
    scheduled = false;
    if (!active) return;
    for (const event of EVENTS) {
      const raw = process.rawListeners(event) as Listener[];
      const ours = raw.includes(own[event]);
      const wild = raw.some((l) => !(TAMED in l));
      if (ours && !wild) continue;
      // Rebuild the list: ours first, then the others (tamed), in their order.
      watching = false;
      try {
        process.removeAllListeners(event);
        process.on(event, own[event]);
        for (const l of raw) if (!isOwn(l)) process.on(event, TAMED in l ? l : tame(event, l));
      } finally {
        watching = true;
      }
    }
    if (!process.rawListeners("newListener").includes(onNew)) process.on("newListener", onNew);
    if (!process.rawListeners("removeListener").includes(onRemove)) process.on("removeListener", onRemove);
  };
  const soon = () => {
    if (scheduled || !active) return;
    scheduled = true;
    process.nextTick(check);
  };
  // `newListener` fires before the listener is in the list: tame it on the next tick.
  const onNew = (event: string | symbol, l: unknown) => {
    if (watching && isGuarded(event) && !(typeof l === "function" && TAMED in l)) soon();
  };
  const onRemove = (event: string | symbol, l: unknown) => {
    if (watching && isGuarded(event) && isOwn(l)) soon();
    if (watching && (l === onNew || l === onRemove)) soon();
  };

  check();
  return {
    reassert: check,
    release() {
      if (!active) return;
      active = false;
      watching = false;
      process.off("newListener", onNew);
      process.off("removeListener", onRemove);
      for (const event of EVENTS) {
        const raw = process.rawListeners(event) as Listener[];
        process.removeAllListeners(event);
        for (const l of raw) if (!isOwn(l)) process.on(event, (l as Partial<Tamed>)[TAMED] ?? l); // (another guard's own: itself)
      }
    },
  };
}

/** The last resort when a reporter fails. */
function realStderr(text: string): void {
  try {
    process.stderr.write(text);
  } catch {
    /* nowhere left to say it */
  }
}

/** The promise protocol: what the engine itself looks up whenever any promise resolves. */
export interface PromiseProtocolGuard {
  /**
   * Puts back what a cell changed; returns one line per change, e.g.
   * `"Promise.prototype.then was replaced"`.
   */
  check(): string[];
}

/**
 * Guards the few built-ins that no code can keep its own reference to: V8 looks up `then` on
 * every object a promise resolves with (so an `Object.prototype.then` turns every object into a
 * "thenable" that never settles) and calls `Promise.prototype.then` when it adopts a promise. A
 * cell that replaces them stops every `async` function in the process — the kernel's, the DSL's,
 * zeromq.js's — so the kernel would never answer again. `check()` (run by the kernel right after
 * a cell's code settles) restores:
 *
 * - `globalThis.Promise`, and `then`, `catch`, `finally`, `constructor` of `Promise.prototype`,
 *   `Promise.resolve`, `reject`, `all`, `race`, `allSettled`, `any`, `Promise[Symbol.species]`;
 * - a `then` added to `Object.prototype`, `Array.prototype`, `Function.prototype`,
 *   `Error.prototype`, `Map.prototype`, `Set.prototype`, `RegExp.prototype`, `Date.prototype`
 *   (removed, or its original put back).
 *
 * Everything else a cell changes stays changed; the kernel keeps its own references to the
 * built-ins it needs (JSON in wire.ts, `then` in executor.ts).
 */
export function guardPromiseProtocol(): PromiseProtocolGuard {
  type Slot = { owner: object; key: PropertyKey; label: string; original: PropertyDescriptor | undefined };
  const getOwn = Object.getOwnPropertyDescriptor;
  const define = Object.defineProperty;
  const remove = Reflect.deleteProperty;
  const slots: Slot[] = [];
  const add = (owner: object, key: PropertyKey, label: string) => slots.push({ owner, key, label, original: getOwn(owner, key) });
  add(globalThis, "Promise", "Promise");
  for (const k of ["then", "catch", "finally", "constructor"]) add(Promise.prototype, k, `Promise.prototype.${k}`);
  for (const k of ["resolve", "reject", "all", "race", "allSettled", "any"]) add(Promise, k, `Promise.${k}`);
  add(Promise, Symbol.species, "Promise[Symbol.species]");
  const protos: [object, string][] = [
    [Object.prototype, "Object"],
    [Array.prototype, "Array"],
    [Function.prototype, "Function"],
    [Error.prototype, "Error"],
    [Map.prototype, "Map"],
    [Set.prototype, "Set"],
    [RegExp.prototype, "RegExp"],
    [Date.prototype, "Date"],
  ];
  for (const [p, name] of protos) add(p, "then", `${name}.prototype.then`);
  const same = (a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined) =>
    a === b || (a !== undefined && b !== undefined && a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.configurable === b.configurable && a.enumerable === b.enumerable);
  return {
    check() {
      const changed: string[] = [];
      for (const s of slots) {
        let now: PropertyDescriptor | undefined;
        try {
          now = getOwn(s.owner, s.key);
        } catch {
          now = undefined;
        }
        if (same(now, s.original)) continue;
        try {
          if (s.original) define(s.owner, s.key, s.original);
          else remove(s.owner, s.key);
          changed.push(`${s.label} was ${s.original ? "replaced" : "added"}`);
        } catch {
          changed.push(`${s.label} was ${s.original ? "replaced" : "added"} and could not be put back (the object was frozen)`);
        }
      }
      return changed;
    },
  };
}

/** Swaps between the built-ins as the kernel needs them and as the cells changed them. */
export interface BuiltinsGuard {
  /** The kernel's code runs from now on: the originals are put in, a cell's changes saved. */
  enterKernel(): void;
  /** A cell's code runs from now on: its changes are put back. */
  enterUser(): void;
  /** The names a cell has changed (as `JSON.stringify`), for tests and the log. */
  readonly changed: readonly string[];
}

/**
 * The built-ins the kernel's code and the libraries it runs on (the TypeScript compiler, the
 * display formatters, zeromq.js) call — `JSON`, `Object`, `Array.prototype`, `String.prototype`,
 * `Reflect`, `Math`, `Number`, `Symbol`, `Date.prototype`, `Error`, `Map`/`Set` prototypes,
 * `Function.prototype`, `Buffer`, ... — as they were when the kernel started, while the kernel's
 * code runs; the cells' own versions while cells run. A cell that sets
 * `JSON.stringify = () => { throw ... }` keeps its `JSON.stringify` in its own code and in later
 * cells, and the kernel still compiles, formats and sends (it swaps at the edges of cell code:
 * `enterUser` before, `enterKernel` after). Work a cell left running (a timer) that runs between
 * cells sees the originals. The promise protocol is not swapped but restored
 * (`guardPromiseProtocol`). Built-ins a cell *adds* (a new method) are left alone.
 */
export function guardBuiltins(): BuiltinsGuard {
  type Slot = { owner: object; key: PropertyKey; label: string; original: PropertyDescriptor; user: PropertyDescriptor | null | undefined };
  const getOwn = Object.getOwnPropertyDescriptor;
  const define = Object.defineProperty;
  const remove = Reflect.deleteProperty;
  const ownKeys = Reflect.ownKeys;
  const slots: Slot[] = [];
  const owners: [object, string][] = [
    [JSON, "JSON"],
    [Object, "Object"],
    [Object.prototype, "Object.prototype"],
    [Array, "Array"],
    [Array.prototype, "Array.prototype"],
    [String, "String"],
    [String.prototype, "String.prototype"],
    [Number, "Number"],
    [Number.prototype, "Number.prototype"],
    [Boolean.prototype, "Boolean.prototype"],
    [Symbol, "Symbol"],
    [Symbol.prototype, "Symbol.prototype"],
    [Reflect, "Reflect"],
    [Math, "Math"],
    [Function.prototype, "Function.prototype"],
    [Error, "Error"],
    [Error.prototype, "Error.prototype"],
    [Map.prototype, "Map.prototype"],
    [Set.prototype, "Set.prototype"],
    [WeakMap.prototype, "WeakMap.prototype"],
    [Date, "Date"],
    [Date.prototype, "Date.prototype"],
    [RegExp.prototype, "RegExp.prototype"],
    [Buffer, "Buffer"],
    [Object.getPrototypeOf(Uint8Array.prototype) as object, "TypedArray.prototype"],
    [Uint8Array.prototype, "Uint8Array.prototype"],
    [ArrayBuffer, "ArrayBuffer"],
    [globalThis, "globalThis"],
  ];
  const GLOBALS = new Set<PropertyKey>(["JSON", "Object", "Array", "String", "Number", "Boolean", "Symbol", "Reflect", "Math", "Error", "TypeError", "RangeError", "Map", "Set", "WeakMap", "Date", "RegExp", "Buffer", "Uint8Array", "ArrayBuffer", "Function", "parseInt", "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent"]);
  for (const [owner, name] of owners) {
    for (const key of ownKeys(owner)) {
      if (owner === globalThis && !GLOBALS.has(key)) continue;
      if (owner === Object.prototype && key === "__proto__") continue;
      const d = getOwn(owner, key);
      if (!d || !d.configurable) continue; // non-configurable: no cell can replace it either
      slots.push({ owner, key, label: `${name === "globalThis" ? "" : `${name}.`}${String(key)}`, original: d, user: undefined });
    }
  }
  const same = (a: PropertyDescriptor | undefined, b: PropertyDescriptor) =>
    a !== undefined && a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable;
  let changed: string[] = [];
  return {
    enterKernel() {
      const names: string[] = [];
      for (const s of slots) {
        let now: PropertyDescriptor | undefined;
        try {
          now = getOwn(s.owner, s.key);
        } catch {
          continue;
        }
        if (same(now, s.original)) {
          s.user = undefined;
          continue;
        }
        try {
          define(s.owner, s.key, s.original);
          s.user = now ?? null; // null: the cell deleted it
          names.push(s.label);
        } catch {
          s.user = undefined;
        }
      }
      changed = names;
    },
    enterUser() {
      for (const s of slots) {
        if (s.user === undefined) continue;
        try {
          if (s.user === null) remove(s.owner, s.key);
          else define(s.owner, s.key, s.user);
        } catch {
          /* leave the original */
        }
      }
    },
    get changed() {
      return changed;
    },
  };
}
