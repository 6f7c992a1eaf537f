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
 * - interrupts: synchronous code stops through `vm`'s `breakOnSigint`, awaited code through the
 *   run context's `abort` promise;
 * - a cell that throws (or is interrupted) keeps the declarations that completed before, values
 *   and types, as IPython does (completed-declarations.ts); tslab keeps neither the types nor,
 *   for names after the error, the earlier values.
 */
import { createRequire, Module } from "node:module";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { completedSource, dropExportResets } from "./completed-declarations.js";
import type { Prelude } from "./prelude.js";
import { fixShorthand } from "./shorthand.js";
import { CellMap } from "./source-map.js";
import { diagnosticsError, interruptError, runtimeError, type CellInfo, type ErrorInfo } from "./traceback.js";
import type { Converter, ConvertResult, TsHost } from "./ts-host.js";

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
}

interface Compiled {
  file: string;
  source: string;
  result: ConvertResult;
  map?: CellMap;
  script?: vm.Script;
}

/** The outcome of a cell that ran (or was skipped) and has no value to show. */
const NO_VALUE: Outcome = Object.freeze({ status: "ok", value: undefined, hasValue: false });

const CELL_GLOBAL = Symbol.for("optlab.cell");
const SIGINT_MESSAGE = "Script execution was interrupted by `SIGINT`";
const CACHE_SIZE = 200;
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
}

export class Executor {
  readonly converter: Converter;
  readonly rootDir: string;
  /** The cells' top-level names (tslab keeps them on one `exports` object). */
  readonly locals: Record<string, unknown>;
  private prevDecl: string;
  private readonly cache = new Map<string, Compiled>();
  private readonly cells = new Map<string, { source: string; count: number | null; map?: CellMap }>();
  private readonly cellRequire: NodeJS.Require;
  private readonly sideOutputs = new Map<string, string>();
  private readonly sideModules = new Map<string, Module>();
  private readonly kernelDir: string;
  /** The names the running cell has assigned on `locals` (its declarations that completed). */
  private assigned: Set<string> | null = null;

  constructor(private readonly o: ExecutorOptions) {
    this.rootDir = o.rootDir ?? process.cwd();
    this.converter = o.converter ?? o.host.createConverter();
    this.locals = createExports((name) => this.assigned?.add(name));
    Object.assign(this.locals, o.prelude.values);
    this.prevDecl = o.prelude.declaration;
    this.cellRequire = this.makeRequire(createRequire(join(this.rootDir, "__optlab_cell__.js")), this.rootDir);
    this.kernelDir = dirname(fileURLToPath(import.meta.url)) + sep;
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
    return this.prevDecl;
  }

  /** Type-checks, compiles and runs a cell. */
  async execute(source: string, ctx: RunContext): Promise<Outcome> {
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
    else this.keepCompleted(compiled, assigned);
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
    const compiled = this.compile(expression, null);
    if ("status" in compiled) return compiled;
    if (!compiled.result.lastExpressionVar) return { status: "error", interrupted: false, ename: "SyntaxError", evalue: "not an expression", traceback: [`SyntaxError: ${expression} is not an expression`] };
    return this.run(compiled, ctx);
  }

  private compile(source: string, count: number | null): Compiled | Outcome {
    const meta = this.o.host.getCodeMetadata(source);
    if (meta.module) {
      const diags = this.converter.addModule(meta.module, source, meta);
      this.cache.clear();
      return diags.length ? { status: "error", interrupted: false, ...diagnosticsError(diags, source, count) } : NO_VALUE;
    }
    if (meta.mode === "browser") return NO_VALUE; // as tslab: not run in Node
    const key = `${this.prevDecl}\u0000${source}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const result = this.converter.convert(this.prevDecl, source);
    const maps = result.output ? this.o.host.takeMaps(result.output) : undefined;
    for (const out of result.sideOutputs ?? []) {
      this.sideModules.delete(out.path);
      this.sideOutputs.set(out.path, out.data);
    }
    if (result.diagnostics.length > 0) return { status: "error", interrupted: false, ...diagnosticsError(result.diagnostics, source, count) };
    if (result.output) result.output = dropExportResets(fixShorthand(this.o.host.ts, result.output, (name) => Object.prototype.hasOwnProperty.call(this.locals, name)));
    const compiled: Compiled = { file: `optlab-cell-${++fileCounter}.ts`, source, result, ...(maps ? { map: new CellMap(maps, 1) } : {}) };
    if (cacheable(source, this.prevDecl)) {
      this.cache.set(key, compiled);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return compiled;
  }

  private async run(c: Compiled, ctx: RunContext): Promise<Outcome> {
    const { result } = c;
    this.cells.delete(c.file);
    this.cells.set(c.file, { source: c.source, count: ctx.count, ...(c.map ? { map: c.map } : {}) });
    if (this.cells.size > CELLS_KEPT) this.cells.delete(this.cells.keys().next().value!);
    if (!result.output) return NO_VALUE;
    (globalThis as Record<symbol, unknown>)[CELL_GLOBAL] = { exports: this.locals, require: this.cellRequire };
    c.script ??= new vm.Script(
      `(${result.hasToplevelAwait ? "async " : ""}function (exports, require) {\n${result.output}\n})(globalThis[Symbol.for("optlab.cell")].exports, globalThis[Symbol.for("optlab.cell")].require)`,
      { filename: c.file },
    );
    const script = c.script;
    let ret: unknown;
    try {
      ret = ctx.enter(() => script.runInThisContext({ breakOnSigint: true }));
      if (result.hasToplevelAwait) await Promise.race([ret, ctx.abort]);
    } catch (e) {
      return this.failure(e);
    }
    const name = result.lastExpressionVar;
    if (!name) return NO_VALUE;
    const value = this.locals[name];
    delete this.locals[name];
    return { status: "ok", value, hasValue: value !== undefined };
  }

  /** An error outcome for anything a cell threw. */
  failure(e: unknown): Outcome {
    if (isInterrupt(e)) return { status: "error", interrupted: true, ...interruptError() };
    return {
      status: "error",
      interrupted: false,
      ...runtimeError(e, {
        cell: (file) => this.cellInfo(file),
        isKernelFile: (file) => file.startsWith(this.kernelDir) || file === "node:vm" || file.startsWith("node:internal/vm"),
        shortPath: (file) => (file.startsWith(this.o.packageRoot) ? `optlab/${relative(this.o.packageRoot, file)}` : file),
        isLibraryFile: (file) => file.startsWith(this.o.packageRoot + sep) && !relative(this.o.packageRoot, file).split(sep).includes("node_modules"),
      }),
    };
  }

  private cellInfo(file: string): CellInfo | undefined {
    const c = this.cells.get(file);
    if (!c) return undefined;
    return { source: c.source, count: c.count, map: (l, col) => c.map?.lookup(l, col) ?? null };
  }

  /** Completions at a UTF-16 offset. */
  complete(source: string, cursor: number): { start: number; end: number; matches: string[] } {
    try {
      const info = this.converter.complete(this.prevDecl, source, cursor);
      return { start: info.start, end: info.end, matches: info.candidates };
    } catch {
      return { start: cursor, end: cursor, matches: [] };
    }
  }

  /** Hover text for the name at (or just before) a UTF-16 offset, or null. */
  inspect(source: string, cursor: number): string | null {
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

  /** Releases the compiler's watchers (unless the converter is shared). */
  close(): void {
    if (!this.o.converter || this.o.ownsConverter) this.converter.close();
  }

  /** `require` for cells: tslab's hooks (`tslab`, modules compiled from `.ts` files) plus `optlab`. */
  private makeRequire(base: NodeJS.Require, dir: string): NodeJS.Require {
    const optlab = this.o.prelude.dsl;
    const req = ((id: string) => {
      if (id === "optlab" && optlab) return optlab;
      if (id === "optlab" || id.startsWith("optlab/")) return base(join(this.o.packageRoot, id.slice("optlab".length)));
      if (id === "tslab") return base(this.o.host.tslabDir);
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

function isInterrupt(e: unknown): boolean {
  return e instanceof Error && (e.name === "InterruptError" || e.message === SIGINT_MESSAGE);
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
