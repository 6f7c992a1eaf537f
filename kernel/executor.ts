/**
 * Runs notebook cells: tslab's converter type-checks a cell against the declarations of all
 * earlier cells and compiles it; we run the result in this V8 context and keep the cell's
 * top-level names for later cells (tslab's design, see node_modules/tslab/dist/executor.js).
 *
 * What differs from tslab's executor, and why:
 * - a cell's last value is returned (for `execute_result`), not printed;
 * - errors come back as data (`ErrorInfo`, cell coordinates) instead of stderr text;
 * - the first declarations are the prelude (every DSL name, `display`, `prompt`, `comms`);
 * - `require("optlab")` is this package wherever the notebook lives;
 * - compiled cells are cached by (declarations, source): re-running a cell skips the compiler;
 * - interrupts: the cell's code runs in a callback of its own (`interrupts.runIsolated`), where the
 *   io worker can end it even while it blocks the main thread (interrupt.ts); awaited code stops
 *   through the run context's `abort` promise. The kernel waits on the cell with its own copy of
 *   `Promise.prototype.then`, so a cell that replaces it still gets an answer;
 * - a failure inside tslab's converter (it used to be "Unexpected pending rebuildTimer") replaces the
 *   converter with a fresh one and answers the cell with a `CompilerError`;
 * - a cell that throws (or is interrupted) keeps the declarations that completed before, values
 *   and types, as IPython does (completed-declarations.ts); tslab keeps neither the types nor,
 *   for names after the error, the earlier values.
 */
import { createRequire, Module } from "node:module";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { rewriteAwaitCalls } from "./await-call.js";
import { completedSource, dropExportResets } from "./completed-declarations.js";
import type { Prelude } from "./prelude.js";
import { fixShorthand } from "./shorthand.js";
import { originalFrameFile } from "./bundle-frames.js";
import { createSharedRequire, type SharedRequire } from "./shared-modules.js";
import { CellMap } from "./source-map.js";
import { diagnosticsError, interruptError, runtimeError, type CellInfo, type ErrorInfo, type RuntimeErrorOptions } from "./traceback.js";
import type { Converter, ConvertResult, TsDiagnostic, TsHost } from "./ts-host.js";

/** A cell's outcome. */
export type Outcome = { status: "ok"; value: unknown; hasValue: boolean } | ({ status: "error"; interrupted: boolean } & ErrorInfo);

/** What the kernel gives each run. */
export interface RunContext {
  /** Execution count (for "Cell In[n]" in tracebacks), null when not counted. */
  count: number | null;
  /** Rejects when the user interrupts. */
  abort: Promise<never>;
  /** Runs `fn` with this cell as the current cell (output routing). */
  enter<T>(fn: () => T): T;
  /** Whether the user interrupted the cell already (then its code does not start). */
  interrupted?: () => boolean;
}

/** Where cell code runs so that an interrupt can end it (interrupt.ts `InterruptController`). */
export interface CellIsolation {
  runIsolated(fn: () => unknown, done: (value: unknown) => void): Promise<void>;
  enterUser(): void;
  leaveUser(): void;
}

// The kernel's own references, taken before any cell can replace them.
const NativePromise = Promise;
const promiseThen = Promise.prototype.then;
const reflectApply = Reflect.apply;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const objectToString = Object.prototype.toString;

/**
 * Resolves (with undefined) when `p` fulfils, rejects when `p` or `abort` rejects — through the
 * intrinsic `then`, never a replaced `Promise.prototype.then` or an `Object.prototype.then`.
 */
function settle(p: unknown, abort: Promise<never>): Promise<void> {
  return new NativePromise<void>((resolve, reject) => {
    if (p instanceof NativePromise) reflectApply(promiseThen, p, [() => resolve(undefined), reject]);
    else resolve(undefined);
    reflectApply(promiseThen, abort, [undefined, reject]);
  });
}

/** A compiled cell: its code in a function of the cells' `exports` object and `require`. */
type CellFunction = (exports: Record<string, unknown>, require: NodeJS.Require) => unknown;

interface Compiled {
  file: string;
  source: string;
  result: ConvertResult;
  map?: CellMap;
  fn?: CellFunction;
  /** What it holds of its own while cached (`cachedChars`). */
  chars?: number;
}

/** The outcome of a cell that ran (or was skipped) and has no value to show. */
const NO_VALUE: Outcome = Object.freeze({ status: "ok", value: undefined, hasValue: false });

const SIGINT_MESSAGE = "Script execution was interrupted by `SIGINT`";
const CACHE_SIZE = 200;
/** Characters the cached cells may hold of their own (sources, outputs, declarations): ~0.5 MB. */
const CACHE_CHARS = 500_000;

/** The characters a cached cell holds of its own: its declarations unless shared with the current ones. */
function cachedChars(c: Compiled, current: string): number {
  const d = c.result.declOutput;
  return c.source.length + (c.result.output?.length ?? 0) + (d === undefined || d === current ? 0 : d.length);
}
const CELLS_KEPT = 1000;
let fileCounter = 0;

export interface ExecutorOptions {
  host: TsHost;
  prelude: Prelude;
  /** This package's directory. */
  packageRoot: string;
  /** Where relative imports and files resolve (the notebook's directory). */
  rootDir?: string;
  /** Reuse a converter created for the same `rootDir` (the runner runs many notebooks). */
  converter?: Converter;
  /** Close `converter` with the executor (default: only a converter the executor created). */
  ownsConverter?: boolean;
  /** Runs cell code where an interrupt can stop it (the kernel's InterruptController). */
  isolation?: CellIsolation;
  /** Called right before a cell's code starts (a cell's own versions of the built-ins go back in). */
  beforeUserCode?: () => void;
  /** Called right after a cell's code settles, before the kernel goes on (the built-ins check). */
  afterUserCode?: () => void;
  /** How many compiled cells the compile cache keeps (default 200). */
  compileCacheSize?: number;
  /** How many cells are kept for tracebacks of code they defined (default 1000). */
  cellsKept?: number;
}

export class Executor {
  private converterValue: Converter;
  private ownsConverter: boolean;
  readonly rootDir: string;
  /** The cells' top-level names (tslab keeps them on one `exports` object). */
  readonly locals: Record<string, unknown>;
  /** The declarations later cells are checked against, and a number that changes with them. */
  private decl = { text: "", id: 0 };
  private get prevDecl(): string {
    return this.decl.text;
  }
  private set prevDecl(text: string) {
    // The compile cache is keyed by this id, not by the text: a key holding a copy of all
    // declarations (tens of KB after a few hundred cells) per cached cell grew with every cell.
    if (text !== this.decl.text) this.decl = { text, id: this.decl.id + 1 };
  }
  private readonly cache = new Map<string, Compiled>();
  private readonly cells = new Map<string, { source: string; count: number | null; map?: CellMap }>();
  private readonly cellRequire: NodeJS.Require;
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, Module>();
  private readonly kernelDir: string;
  /** optlab's TensorFlow.js for cells that import it (shared-modules.ts). */
  private readonly shared: SharedRequire;
  /** Adds a failed cell's completed declarations (run by `settleDeclarations`). */
  private pendingKeep: (() => void) | null = null;
  /** The names the running cell has assigned on `locals` (its declarations that completed). */
  private assigned: Set<string> | null = null;

  constructor(private readonly o: ExecutorOptions) {
    this.rootDir = o.rootDir ?? process.cwd();
    this.converterValue = o.converter ?? o.host.createConverter();
    this.ownsConverter = !o.converter || o.ownsConverter === true;
    this.locals = createExports((name) => this.assigned?.add(name));
    Object.assign(this.locals, o.prelude.values);
    this.prevDecl = o.prelude.declaration;
    this.shared = createSharedRequire(o.packageRoot);
    this.cellRequire = this.makeRequire(createRequire(join(this.rootDir, "__optlab_cell__.js")), this.rootDir);
    this.kernelDir = dirname(fileURLToPath(import.meta.url)) + sep;
  }

  /** tslab's converter (replaced by a fresh one after it failed). */
  get converter(): Converter {
    return this.converterValue;
  }

  /** A fresh converter after a failure inside tslab (its state can no longer be trusted). */
  private resetConverter(): void {
    try {
      if (this.ownsConverter) this.converterValue.close();
    } catch {
      /* a broken converter may fail to close */
    }
    this.converterValue = this.o.host.createConverter();
    this.ownsConverter = true;
    this.cache.clear();
  }

  /** Compiles a small cell against the prelude so that the first real cell is quick. */
  warm(): void {
    this.converter.convert(this.prevDecl, "const __optlab_warm__ = 1 + 1;");
  }

  /** Loads the completion code paths (the first completion would otherwise take a moment). */
  warmCompletions(): void {
    this.complete("Math.", 5);
  }

  /** The declarations later cells are checked against (for tests and debugging). */
  get declarations(): string {
    this.settleDeclarations();
    return this.prevDecl;
  }

  /**
   * The declarations a failed (or interrupted) cell completed join the declarations here, before
   * anything reads them, not before its reply: the error reply (and the interrupt) comes without
   * waiting for that compile.
   */
  private settleDeclarations(): void {
    const keep = this.pendingKeep;
    if (!keep) return;
    this.pendingKeep = null;
    keep();
  }

  /** Type-checks, compiles and runs a cell. */
  async execute(source: string, ctx: RunContext): Promise<Outcome> {
    this.settleDeclarations();
    const compiled = this.compile(source, ctx.count);
    if ("status" in compiled) return compiled;
    const assigned = new Set<string>();
    this.assigned = assigned;
    let outcome: Outcome;
    try {
      outcome = await this.run(compiled, ctx);
    } finally {
      this.assigned = null;
    }
    if (outcome.status === "ok") this.prevDecl = compiled.result.declOutput ?? "";
    else this.pendingKeep = () => this.keepCompleted(compiled, assigned);
    return outcome;
  }

  /**
   * After a cell threw: the types of the declarations it completed join the declarations later
   * cells see (their values are already kept). Compiles the completed part of the cell; when that
   * does not type-check on its own, the declarations stay as they were.
   */
  private keepCompleted(c: Compiled, assigned: Set<string>): void {
    if (!c.result.output || assigned.size === 0) return;
    const trimmed = completedSource(this.o.host.ts, c.source, assigned);
    if (trimmed === null) return;
    try {
      const r = this.converter.convert(this.prevDecl, trimmed);
      if (r.diagnostics.length === 0 && r.declOutput !== undefined) this.prevDecl = r.declOutput;
    } catch {
      /* keep the declarations as they were */
    }
  }

  /** Evaluates an expression against the current state without changing it (`user_expressions`). */
  async evaluate(expression: string, ctx: RunContext): Promise<Outcome> {
    this.settleDeclarations();
    const compiled = this.compile(expression, null);
    if ("status" in compiled) return compiled;
    if (!compiled.result.lastExpressionVar) return { status: "error", interrupted: false, ename: "SyntaxError", evalue: "not an expression", traceback: [`SyntaxError: ${expression} is not an expression`] };
    return this.run(compiled, ctx);
  }

  private compile(source: string, count: number | null): Compiled | Outcome {
    try {
      return this.compileWith(source, count);
    } catch (e) {
      this.resetConverter();
      const msg = safeMessage(e);
      return {
        status: "error",
        interrupted: false,
        ename: "CompilerError",
        evalue: `the TypeScript compiler failed (${msg}); optlab restarted it: run the cell again`,
        traceback: [`\u001b[0;31mCompilerError\u001b[0m: the TypeScript compiler (tslab's converter) failed: ${msg}`, "optlab replaced it with a fresh one: run the cell again (modules defined with `/** @module */` cells must be run again too)."],
      };
    }
  }

  private compileWith(source: string, count: number | null): Compiled | Outcome {
    const meta = this.o.host.getCodeMetadata(source);
    if (meta.module) {
      const diags = this.converter.addModule(meta.module, source, meta);
      this.cache.clear();
      return diags.length ? { status: "error", interrupted: false, ...diagnosticsError(this.withoutInstallPaths(diags), source, count) } : NO_VALUE;
    }
    if (meta.mode === "browser") return NO_VALUE; // as tslab: not run in Node
    const key = `${this.decl.id}\u0000${source}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const result = this.converter.convert(this.prevDecl, rewriteAwaitCalls(this.o.host.ts, source));
    // A cell that declares nothing gives back the same declarations: share the string, so that
    // cached cells do not each hold a copy of all declarations (kernel/memory.test.ts).
    if (result.declOutput === this.prevDecl) result.declOutput = this.prevDecl;
    const maps = result.output ? this.o.host.takeMaps(result.output) : undefined;
    for (const out of result.sideOutputs ?? []) {
      this.sideModules.delete(out.path);
      this.sideOutputs.set(out.path, out.data);
    }
    if (result.diagnostics.length > 0) return { status: "error", interrupted: false, ...diagnosticsError(this.withoutInstallPaths(result.diagnostics), source, count) };
    if (result.output) result.output = dropExportResets(fixShorthand(this.o.host.ts, result.output, (name) => Object.prototype.hasOwnProperty.call(this.locals, name)));
    const compiled: Compiled = { file: `optlab-cell-${++fileCounter}.ts`, source, result, ...(maps ? { map: new CellMap(maps, 1) } : {}) };
    if (cacheable(source, this.prevDecl)) {
      compiled.chars = cachedChars(compiled, this.prevDecl);
      this.cache.set(key, compiled);
      // at most CACHE_SIZE cells, holding at most CACHE_CHARS (declarations grow with the session)
      let chars = 0;
      for (const c of this.cache.values()) chars += c.chars ?? 0;
      for (const [oldKey, old] of this.cache) {
        if (this.cache.size <= 1 || (this.cache.size <= (this.o.compileCacheSize ?? CACHE_SIZE) && chars <= CACHE_CHARS)) break;
        this.cache.delete(oldKey);
        chars -= old.chars ?? 0;
      }
    }
    return compiled;
  }

  private async run(c: Compiled, ctx: RunContext): Promise<Outcome> {
    const { result } = c;
    this.cells.delete(c.file);
    this.cells.set(c.file, { source: c.source, count: ctx.count, ...(c.map ? { map: c.map } : {}) });
    if (this.cells.size > (this.o.cellsKept ?? CELLS_KEPT)) this.cells.delete(this.cells.keys().next().value!);
    if (!result.output) return NO_VALUE;
    if (ctx.interrupted?.()) return { status: "error", interrupted: true, ...interruptError() };
    // A function, not a `vm.Script`: Node 20 keeps ~1 KB of every vm.Script it compiled for as long
    // as the process lives (measured: 0.97 KB per script after full collections, 0.01 KB per
    // compiled function), which was most of a `1 + i` cell's growth. The cell's code starts on
    // line 2, as the traceback's source maps expect.
    c.fn ??= vm.compileFunction(result.hasToplevelAwait ? `return (async function () {\n${result.output}\n})();` : `\n${result.output}`, ["exports", "require"], { filename: c.file }) as CellFunction;
    const fn = c.fn;
    const { locals, cellRequire } = this;
    let ret: unknown;
    const iso = this.o.isolation;
    const start = () => {
      this.o.beforeUserCode?.();
      return ctx.enter(() => fn(locals, cellRequire));
    };
    iso?.enterUser();
    try {
      if (iso) await settle(iso.runIsolated(start, (v) => (ret = v)), ctx.abort);
      else ret = start();
      if (result.hasToplevelAwait) await settle(ret, ctx.abort);
    } catch (e) {
      return this.failure(e);
    } finally {
      iso?.leaveUser();
      this.o.afterUserCode?.();
    }
    const name = result.lastExpressionVar;
    if (!name) return NO_VALUE;
    const value = this.locals[name];
    delete this.locals[name];
    return { status: "ok", value, hasValue: value !== undefined };
  }

  /** An error outcome for anything a cell threw. */
  failure(e: unknown): Outcome {
    if (isInterrupt(e)) return this.interrupted(e);
    try {
      return this.describe(e);
    } catch (inner) {
      // The thrown value fights being read (a Proxy whose traps throw, a `name` getter that throws).
      const what = safeDescription(e);
      return { status: "error", interrupted: false, ename: "Uncaught", evalue: what, traceback: [`\u001b[0;31mUncaught\u001b[0m ${what}`, `(the kernel could not read the thrown value: ${safeMessage(inner)})`] };
    }
  }

  private describe(e: unknown): Outcome {
    return { status: "error", interrupted: false, ...runtimeError(e, this.frameOptions()) };
  }

  private frameOptions(): RuntimeErrorOptions {
    return {
      cell: (file) => this.cellInfo(file),
      isKernelFile: (file) => file.startsWith(this.kernelDir) || file === "node:vm" || file.startsWith("node:internal/vm"),
      shortPath: (file) => (file.startsWith(this.o.packageRoot) ? `optlab/${relative(this.o.packageRoot, file)}` : file),
      isLibraryFile: (file) => file.startsWith(this.o.packageRoot + sep) && !relative(this.o.packageRoot, file).split(sep).includes("node_modules"),
      frameFile: originalFrameFile,
    };
  }

  /**
   * The error of an interrupted cell; when the interrupt ended code that blocked the kernel, the
   * traceback says where it stopped (`where`: the stack at that point, interrupt.ts).
   */
  private interrupted(e: unknown): Outcome {
    let where: unknown;
    try {
      where = getOwnDescriptor(e as object, "where")?.value;
    } catch {
      where = undefined;
    }
    if (typeof where !== "string" || where === "") return { status: "error", interrupted: true, ...interruptError() };
    // Leading frames of the kernel or of Node (the exports object, async hooks) are not the cell's.
    const lines = where.split("\n");
    let i = 0;
    while (i < lines.length && this.kernelFrame(lines[i]!)) i++;
    const base = interruptError();
    try {
      const info = runtimeError({ name: base.ename, message: base.evalue, stack: `${base.ename}: ${base.evalue}\n${lines.slice(i).join("\n")}` }, this.frameOptions());
      return { status: "error", interrupted: true, ...info, evalue: base.evalue };
    } catch {
      return { status: "error", interrupted: true, ...base };
    }
  }

  private kernelFrame(line: string): boolean {
    const m = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?$/.exec(line.trim());
    if (!m) return true;
    let file = m[1]!;
    if (file.startsWith("file://")) file = fileURLToPath(file);
    file = originalFrameFile(file, Number(m[2]));
    return file.startsWith(this.kernelDir) || file.startsWith("node:");
  }

  /** Diagnostics with optlab's install directory written as `optlab/` (messages never show where it is installed). */
  private withoutInstallPaths(diags: TsDiagnostic[]): TsDiagnostic[] {
    const root = this.o.packageRoot.replace(/\\/g, "/").replace(/\/$/, "");
    const hide = (t: string) => t.split(root + "/").join("optlab/").split(root).join("optlab");
    return diags.map((d) => ({ ...d, messageText: hide(d.messageText), ...(d.fileName !== undefined ? { fileName: hide(d.fileName) } : {}) }));
  }

  private cellInfo(file: string): CellInfo | undefined {
    const c = this.cells.get(file);
    if (!c) return undefined;
    return { source: c.source, count: c.count, map: (l, col) => c.map?.lookup(l, col) ?? null };
  }

  /** Completions at a UTF-16 offset. */
  complete(source: string, cursor: number): { start: number; end: number; matches: string[] } {
    this.settleDeclarations();
    try {
      const info = this.converter.complete(this.prevDecl, source, cursor);
      return { start: info.start, end: info.end, matches: info.candidates };
    } catch {
      return { start: cursor, end: cursor, matches: [] };
    }
  }

  /** Hover text for the name at (or just before) a UTF-16 offset, or null. */
  inspect(source: string, cursor: number): string | null {
    this.settleDeclarations();
    for (const pos of [cursor, cursor - 1]) {
      if (pos < 0) continue;
      try {
        const info = this.converter.inspect(this.prevDecl, source, pos);
        // A name that resolves to nothing comes back as kind "" with the error type, "any":
        // that is "not found", not a name of type any.
        if (info && !(info.kind === "" && (info.displayParts ?? []).map((p) => p.text).join("") === "any")) return this.o.host.printQuickInfo(info);
      } catch {
        /* no info here */
      }
    }
    return null;
  }

  /** Releases the compiler (unless the converter is shared). */
  close(): void {
    if (this.ownsConverter) this.converter.close();
  }

  /** `require` for cells: tslab's hooks (`tslab`, modules compiled from `.ts` files) plus `optlab`. */
  private makeRequire(base: NodeJS.Require, dir: string): NodeJS.Require {
    const optlab = this.o.prelude.dsl;
    const req = ((id: string) => {
      if (id === "optlab" && optlab) return optlab;
      if (id === "optlab" || id.startsWith("optlab/")) return base(join(this.o.packageRoot, id.slice("optlab".length)));
      if (id === "tslab") return this.o.host.requireTslab(base);
      const shared = this.shared(id);
      if (shared !== undefined) return shared;
      const side = this.requireSide(id, dir);
      return side !== undefined ? side : base(id);
    }) as NodeJS.Require;
    return Object.assign(req, { resolve: base.resolve, cache: base.cache, main: base.main, extensions: base.extensions });
  }

  /** A module compiled from a `.ts` file (or a `@module` cell) next to the notebook. */
  private requireSide(id: string, dir: string): unknown {
    if (!id.startsWith(".") && !id.startsWith("/")) return undefined;
    let file = join(dir, id).replace(/\\/g, "/");
    if (extname(file) === "") file += ".js";
    const cached = this.sideModules.get(file);
    if (cached) return cached.exports;
    const code = this.sideOutputs.get(file);
    if (code === undefined) return undefined;
    const mod = new Module(file) as Module & { _compile(code: string, file: string): void; paths: string[] };
    mod.filename = file;
    mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dirname(file));
    mod.require = this.makeRequire(createRequire(file), dirname(file));
    this.sideModules.set(file, mod);
    mod._compile(code, file);
    return mod.exports;
  }
}

/** Whether `e` is the kernel's interrupt (read without running any getter or trap a cell set). */
function isInterrupt(e: unknown): boolean {
  try {
    if (typeof e !== "object" || e === null) return false;
    const name = getOwnDescriptor(e, "name");
    const message = getOwnDescriptor(e, "message");
    return (name !== undefined && "value" in name && name.value === "InterruptError") || (message !== undefined && "value" in message && message.value === SIGINT_MESSAGE);
  } catch {
    return false; // a Proxy whose getOwnPropertyDescriptor trap throws
  }
}

/** An error's message, or a description of a thrown value that cannot be read. */
function safeMessage(e: unknown): string {
  try {
    if (e instanceof Error) return String(e.message);
    return String(e);
  } catch {
    return "a value that cannot be read";
  }
}

/** What a thrown value is, read as little as possible. */
function safeDescription(e: unknown): string {
  if (typeof e !== "object" && typeof e !== "function") return safeMessage(e);
  if (e === null) return "null";
  try {
    const tag = reflectApply(objectToString, e, []) as string;
    return `${tag} (an object whose properties cannot be read)`;
  } catch {
    return "an object whose properties cannot be read";
  }
}

/** Compiled cells are reused only when nothing outside the two strings can change the result. */
function cacheable(source: string, prevDecl: string): boolean {
  return !/\bimport\b|\brequire\s*\(|\/\/\/\s*<reference|@module/.test(source) && !/from\s+["']\.{1,2}\//.test(prevDecl);
}

/**
 * tslab's `exports`: TypeScript turns named imports into getters (`Object.defineProperty`); we
 * store plain values so a later cell may reassign the name. Every assignment (`exports.q = q`
 * goes through `defineProperty` too) is reported to `onAssign`.
 */
function createExports(onAssign: (name: string) => void): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  return new Proxy(target, {
    defineProperty(_t, prop, attrs) {
      if (prop === "__esModule") return true;
      target[prop as string] = attrs.get ? attrs.get() : attrs.value;
      if (typeof prop === "string") onAssign(prop);
      return true;
    },
  });
}
