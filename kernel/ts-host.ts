/**
 * Loads tslab's TypeScript converter (cross-cell declarations, type checking, top-level await)
 * with three adjustments made from outside, without changing tslab's code:
 *
 * 1. One emit, with a source map. tslab compiles a cell to an ES module and then, with
 *    `transpileModule` (a second parse, check and print: ~1 ms of a ~4.5 ms never-seen cell), to
 *    CommonJS, and keeps no map, so a runtime error's line would be a line of generated
 *    JavaScript. We give tslab a copy of its TypeScript module whose `createWatchCompilerHost`
 *    makes the program emit CommonJS itself, with `inlineSourceMap`, and whose `transpileModule`
 *    hands such output back as it is (without the map comment); `takeMaps(output)` gives the map
 *    to the executor, which decodes it only when an error needs a cell line (`source-map.ts`).
 *    tslab's own fork of TypeScript reports a top-level `await` the same way under either module
 *    kind (`disableTopLevelAwait`), and the CommonJS it emits is what `transpileModule` made of
 *    the ES module (the same transformer, after tslab's).
 * 2. `import ... from "optlab"` type-checks wherever the notebook lives: paths under any
 *    `node_modules/optlab/` are served from this package (tslab fakes `node_modules/tslab` the
 *    same way). The executor's `require` does the same at run time.
 * 3. `@tensorflow/tfjs*` imports type-check against optlab's copies (`paths`, see
 *    shared-modules.ts); the executor's `require` loads those same copies.
 * 4. Automatic type inclusion is limited to `@types/node` (`types: ["node"]`): a kernel started
 *    inside a project would otherwise parse every `@types/*` package there before the first cell
 *    (imports still find a package's own types).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compilerPaths } from "./shared-modules.js";

/** A position in a diagnostic (0-based line and character, in the cell). */
export interface DiagnosticPos {
  offset: number;
  line: number;
  character: number;
}

/** A type-checking diagnostic from tslab's converter. */
export interface TsDiagnostic {
  start: DiagnosticPos;
  end: DiagnosticPos;
  messageText: string;
  category: number;
  code: number;
  fileName?: string;
}

/** What tslab's `convert` returns. */
export interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: TsDiagnostic[];
  lastExpressionVar?: string;
  hasToplevelAwait?: boolean;
  sideOutputs?: { path: string; data: string }[];
}

/** tslab's converter (see node_modules/tslab/dist/converter.d.ts). */
export interface Converter {
  convert(prevDecl: string, src: string): ConvertResult;
  inspect(prevDecl: string, src: string, position: number): QuickInfo | undefined;
  complete(prevDecl: string, src: string, position: number): { start: number; end: number; candidates: string[] };
  addModule(name: string, content: string, meta?: CodeMetadata): TsDiagnostic[];
  close(): void;
}

/** TypeScript's QuickInfo (the parts we read). */
export interface QuickInfo {
  /** The symbol's kind; "" (ScriptElementKind.unknown) when no symbol resolves there. */
  kind?: string;
  textSpan?: { start: number; length: number };
  displayParts?: { text: string }[];
  documentation?: { text: string }[];
  tags?: { name: string; text?: { text: string }[] }[];
}

/** tslab's per-cell metadata (`/** @module name *\/`, `@browser`, `@node`, `@jsx`). */
export interface CodeMetadata {
  mode?: "node" | "browser";
  module?: string;
  jsx?: true;
}

/** The map of one compiled cell: base64 of the source map the program emitted inline (TypeScript → CommonJS). */
export interface RawMaps {
  base64: string;
}

/** The TypeScript module bundled with tslab, typed loosely (we use a handful of functions). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TsModule = any;

/** tslab and its TypeScript, loaded once per process. */
export interface TsHost {
  ts: TsModule;
  tsVersion: string;
  tslabVersion: string;
  /** tslab's package directory (for `require("tslab")` in cells). */
  tslabDir: string;
  createConverter(): Converter;
  getCodeMetadata(src: string): CodeMetadata;
  printQuickInfo(info: QuickInfo): string;
  /** The maps recorded for a compiled output (and forget all others). */
  takeMaps(output: string): RawMaps | undefined;
  /**
   * Routes tslab's own display API (`import * as tslab from "tslab"; tslab.display.html(...)`)
   * to `send(content, update)`; tslab reads the function from its `jupyter.js` module, which is
   * loaded (with `requireTslab`) only when a cell imports tslab.
   */
  setTslabDisplay(send: TslabDisplay): void;
  /** tslab's public module for a cell's `require("tslab")`, its display routed to `setTslabDisplay`'s function. */
  requireTslab(req: NodeJS.Require): unknown;
}

/** What tslab's display API calls. */
export type TslabDisplay = (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void;

/** A `require` for a file: Node's `createRequire`, or the snapshot's own loader (kernel/cjs-loader.ts). */
export type RequireFrom = (file: string) => NodeJS.Require;

let host: TsHost | undefined;

/** Versions without loading TypeScript (for `kernel_info`). */
export function tsVersions(): { typescript: string; tslab: string } {
  const req = createRequire(import.meta.url);
  const tslabPkg = req.resolve("tslab/package.json");
  const tsPkg = createRequire(tslabPkg).resolve("@tslab/typescript-for-tslab/package.json");
  const version = (p: string) => (JSON.parse(readFileSync(p, "utf8")) as { version: string }).version;
  return { typescript: version(tsPkg), tslab: version(tslabPkg) };
}

/**
 * Loads (once) tslab's converter with the adjustments above. `packageRoot` is this package's
 * directory (what `node_modules/optlab` stands for).
 */
export function loadTsHost(packageRoot: string, requireFrom: RequireFrom = createRequire): TsHost {
  if (host) return host;
  const req = requireFrom(fileURLToPath(import.meta.url));
  const tslabDir = dirname(req.resolve("tslab/package.json"));
  const treq = requireFrom(join(tslabDir, "package.json"));
  const tsPath = treq.resolve("@tslab/typescript-for-tslab");
  const realTs = treq(tsPath) as TsModule;
  const maps = new Map<string, RawMaps>();
  const cached = treq.cache[tsPath];
  if (!cached) throw new Error("optlab kernel: TypeScript did not load through require");
  const libDir = dirname(realTs.getDefaultLibFilePath({}) as string).replace(/\\/g, "/");
  const stableDirs = [libDir + "/", packageRoot.replace(/\\/g, "/") + "/dist/"];
  // "optlab" resolves to this package by its real path, wherever the notebook is: the same
  // declaration files for every working directory (so the start-up snapshot's parsed copies serve
  // them; patchSys below still serves any `node_modules/optlab` path).
  const own = packageRoot.replace(/\\/g, "/");
  const paths = { optlab: [own], "optlab/*": [`${own}/*`], ...compilerPaths(packageRoot) };
  cached.exports = patchedTs(realTs, maps, paths, stableDirs);
  patchSys(realTs.sys, packageRoot.replace(/\\/g, "/"));
  const converter = treq("./dist/converter.js") as { createConverter(o: { isJS: boolean; isBrowser: boolean }): Converter };
  const metadata = treq("./dist/metadata.js") as { getCodeMetadata(src: string): CodeMetadata };
  const inspect = treq("./dist/inspect.js") as { printQuickInfo(info: QuickInfo): string };
  let display: TslabDisplay | null = null;
  host = {
    ts: realTs,
    tsVersion: realTs.version as string,
    tslabVersion: (JSON.parse(readFileSync(join(tslabDir, "package.json"), "utf8")) as { version: string }).version,
    tslabDir,
    createConverter: () => converter.createConverter({ isJS: false, isBrowser: false }),
    getCodeMetadata: (src) => metadata.getCodeMetadata(src),
    printQuickInfo: (info) => inspect.printQuickInfo(info),
    takeMaps(output) {
      const m = maps.get(output);
      maps.clear();
      return m;
    },
    setTslabDisplay(send) {
      display = send;
    },
    requireTslab(cellRequire) {
      const tslab = cellRequire(tslabDir);
      (cellRequire(join(tslabDir, "dist", "jupyter.js")) as { lastWriteDisplayData: unknown }).lastWriteDisplayData = display;
      return tslab;
    },
  };
  return host;
}

const MAP_PREFIX = "//# sourceMappingURL=data:application/json;base64,";

/** A copy of TypeScript's module object (its exports are non-configurable getters) with two functions wrapped. */
function patchedTs(realTs: TsModule, maps: Map<string, RawMaps>, paths: Record<string, string[]>, stableDirs: string[]): TsModule {
  const copy: Record<string, unknown> = {};
  const sysWatchers = new Map<string, FileWatcherCallback>();
  for (const k of Object.keys(realTs)) Object.defineProperty(copy, k, { get: () => realTs[k], enumerable: true, configurable: true });
  const define = (k: string, value: unknown) => Object.defineProperty(copy, k, { value, enumerable: true, configurable: true });
  define("createWatchCompilerHost", (roots: string[], options: Record<string, unknown>, system: QuietSys) => {
    const typeRoots = (options.typeRoots as string[] | undefined) ?? [];
    const hasNodeTypes = typeRoots.some((r) => realTs.sys.fileExists(`${r}/node/package.json`));
    const merged = { ...options, module: realTs.ModuleKind.CommonJS, inlineSourceMap: true, paths: { ...paths, ...(options.paths as Record<string, string[]> | undefined) }, ...(hasNodeTypes ? { types: ["node"] } : {}) };
    const host: QuietWatchHost = { roots: [...roots], options: merged, system };
    return host;
  });
  define("createWatchProgram", (host: QuietWatchHost) => createQuietWatch(realTs, host, stableDirs, sysWatchers));
  define("sys", quietSys(realTs.sys, sysWatchers));
  // tslab's `esModuleToCommonJSModule`: the program's output (with its inline map) is CommonJS already
  define("transpileModule", (input: string, options: { compilerOptions?: Record<string, unknown> }) => {
    const i = input.lastIndexOf(MAP_PREFIX);
    if (i < 0) return realTs.transpileModule(input, options);
    const outputText = input.slice(0, i);
    maps.set(outputText, { base64: input.slice(i + MAP_PREFIX.length).trim() });
    return { outputText, diagnostics: [] };
  });
  return copy;
}

/** Serves every `.../node_modules/optlab[/...]` path from `root` (this package). */
function patchSys(sys: Record<string, (...a: never[]) => unknown>, root: string): void {
  if ((sys as { __optlabPatched?: boolean }).__optlabPatched) return;
  (sys as { __optlabPatched?: boolean }).__optlabPatched = true;
  const MARK = "/node_modules/optlab";
  const map = (p: string): string => {
    if (typeof p !== "string") return p;
    const i = p.replace(/\\/g, "/").lastIndexOf(MARK);
    if (i < 0) return p;
    const rest = p.slice(i + MARK.length).replace(/\\/g, "/");
    return rest === "" || rest.startsWith("/") ? root + rest : p;
  };
  for (const name of ["fileExists", "readFile", "directoryExists", "realpath", "getDirectories", "readDirectory", "getModifiedTime"]) {
    const orig = sys[name];
    if (typeof orig !== "function") continue;
    sys[name] = ((p: string, ...rest: never[]) => (orig as (...a: unknown[]) => unknown).call(sys, map(p), ...rest)) as never;
  }
}

/**
 * Parsed (and, once a check has run, bound) declaration files that do not change while the
 * process lives — under node_modules, TypeScript's lib, this package's dist/ — shared by every
 * converter of the process (and kept in the kernel's start-up snapshot, kernel/snapshot-entry.ts).
 */
const stableSourceFiles = new Map<string, unknown>();

const resolutionCaches = new Map<string, { modules: unknown; types: unknown }>();

/** The process's resolution caches for one set of resolution options. */
function sharedResolutionCaches(ts: TsModule, options: Record<string, unknown>): { modules: unknown; types: unknown } {
  const key = JSON.stringify([options.paths, options.typeRoots, options.types, options.moduleResolution]);
  let c = resolutionCaches.get(key);
  if (!c) {
    const modules = ts.createModuleResolutionCache("/", (f: string) => f, options);
    c = { modules, types: ts.createTypeReferenceDirectiveResolutionCache("/", (f: string) => f, options, modules.getPackageJsonInfoCache()) };
    resolutionCaches.set(key, c);
  }
  return c;
}

/** How many declaration files the process holds parsed (for the snapshot's build report). */
export function stableSourceFileCount(): number {
  return stableSourceFiles.size;
}

let rootsParsed = 0;
/** How many times the converters of this process have parsed a root file (the cell or the declarations; for tests). */
export function rootParseCount(): number {
  return rootsParsed;
}

let programsMade = 0;
/** How many TypeScript programs the converters of this process have made (one per converted cell; for tests). */
export function programCount(): number {
  return programsMade;
}

/** What tslab's `sys` offers (the parts the quiet watch uses). */
interface QuietSys {
  readFile(path: string, encoding?: string): string | undefined;
  fileExists(path: string): boolean;
  directoryExists(path: string): boolean;
  getDirectories(path: string): string[];
  realpath?(path: string): string;
  getCurrentDirectory(): string;
  watchFile(path: string, callback: FileWatcherCallback): { close(): void };
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

type FileWatcherCallback = (fileName: string, kind: number) => void;

/** A statement of a parsed root file, as far as the quiet watch looks into it. */
interface RootStatement {
  declarationList?: { declarations: readonly unknown[] };
  importClause?: { name?: unknown; namedBindings?: NamedBindings };
}

/** An import's `{ a, b }` or `* as ns`. */
interface NamedBindings {
  elements?: readonly unknown[];
}

/** A parsed root file, as far as the quiet watch looks into it. */
interface RootFile {
  statements: RootStatement[];
  locals?: Map<string, unknown>;
}

/** The parts of a statement that tslab replaces when it prints the remaining declarations. */
interface StatementParts {
  declarations?: readonly unknown[];
  importName?: unknown;
  namedBindings?: NamedBindings;
  elements?: readonly unknown[];
}

function statementParts(st: RootStatement): StatementParts {
  const c = st.importClause;
  return { declarations: st.declarationList?.declarations, importName: c?.name, namedBindings: c?.namedBindings, elements: c?.namedBindings?.elements };
}

/** Puts back what tslab replaced or deleted in a statement (`remainingDecls`, `keepNamesInImport` in tslab's converter). */
function restoreParts(st: RootStatement, was: StatementParts): void {
  if (st.declarationList && was.declarations) st.declarationList.declarations = was.declarations;
  const c = st.importClause;
  if (!c) return;
  if (was.importName !== undefined) c.name = was.importName;
  if (was.namedBindings !== undefined) c.namedBindings = was.namedBindings;
  if (c.namedBindings && was.elements) c.namedBindings.elements = was.elements;
}

/** What our `createWatchCompilerHost` returns to tslab (tslab adds `afterProgramCreate`). */
interface QuietWatchHost {
  roots: string[];
  options: Record<string, unknown>;
  system: QuietSys;
  afterProgramCreate?: (builder: unknown) => void;
}

/**
 * TypeScript's `sys` for tslab without file-system watchers: `watchFile` only records the
 * callback (the quiet watch calls it when it sees a file change). Everything else is `realSys`.
 */
function quietSys(realSys: Record<string, unknown>, watchers: Map<string, FileWatcherCallback>): Record<string, unknown> {
  const sys = Object.create(realSys) as Record<string, unknown>;
  sys.watchFile = (path: string, callback: FileWatcherCallback) => {
    watchers.set(path, callback);
    return { close: () => watchers.delete(path) };
  };
  sys.watchDirectory = () => ({ close: () => undefined });
  return sys;
}

/**
 * The watch program tslab asks for, without watchers or timers of its own: tslab tells it of a
 * new cell (through the `watchFile` callbacks of its two root files) and runs the rebuild itself
 * (through its `sys.setTimeout`). Each rebuild is `ts.createProgram` with the previous program,
 * so unchanged files keep their parsed and bound source (declarations under node_modules, the
 * lib and this package's dist/ are read once per process; other files are read again and
 * re-parsed only when their text changed — a changed local module is reported to tslab so that
 * it compiles it again). No builder state is kept (tslab needs only `getAllDependencies`, which
 * follows the resolved imports).
 *
 * The program is made lazily. tslab converts a cell that declares names in two rounds: it reads
 * the cell's `locals` (round one) and then sends the cell again with an `export { ... }` of them
 * (round two, which is checked and emitted). Round one needs only the cell parsed and bound,
 * not a program: the builder handed to tslab answers `getSourceFile` of the two root files from
 * a parse of their text while no program has been asked for, and makes the program on the first
 * call that needs one. Each root file's last parse is kept by its text and reused by the program
 * (the declarations file is parsed once per change of the declarations, not twice per cell).
 */
function createQuietWatch(ts: TsModule, h: QuietWatchHost, stableDirs: string[], sysWatchers: Map<string, FileWatcherCallback>): { close(): void; updateRootFileNames(names: string[]): void; getProgram(): unknown } {
  const sys = h.system;
  const fresh = new Set(h.roots);
  const cache = new Map<string, { text: string; sf: unknown }>();
  const watched = new Set<string>();
  let rootNames = [...h.roots];
  let program: { getSourceFile(f: string): { resolvedModules?: { forEach(cb: (r: { resolvedModule?: { resolvedFileName: string } } | undefined) => void): void } } | undefined; getTypeChecker(): unknown; getSourceFiles(): { fileName: string }[] } | undefined;
  let pending = false;
  let building = false;
  // the last parse of each root file (the cell and the declarations), by text, with the arrays
  // tslab replaces when it prints the declarations that remain (it edits the parsed file in place:
  // such a parse is not reused)
  const rootParses = new Map<string, { text: string; sf: RootFile; statements: RootStatement[]; parts: StatementParts[] }>();
  // what createProgram passes to getSourceFile for the root files (the same for every program)
  let rootParseOptions: unknown;
  const parseRoot = (fileName: string, text: string, languageVersion: unknown): RootFile => {
    const last = rootParses.get(fileName);
    // tslab edits the declarations file's parse after every cell when it prints the declarations
    // that remain (it replaces the statements, each variable statement's declarations and each
    // import's names, and drops names); the same text parses to the same tree, so the parse is put
    // back as it was and reused: no parse, bind and module resolution of the declarations per
    // cell that leaves them unchanged (a cell that declares nothing)
    if (last && last.text === text) {
      last.sf.statements = last.statements;
      last.statements.forEach((st, i) => restoreParts(st, last.parts[i]!));
      return last.sf;
    }
    const sf = ts.createSourceFile(fileName, text, languageVersion, true) as RootFile;
    rootsParsed++;
    rootParses.set(fileName, { text, sf, statements: sf.statements, parts: sf.statements.map(statementParts) });
    return sf;
  };
  // tslab reads the cell's `locals` right after the rebuild: the roots are bound when handed out
  // (the checker, made when a check needs it, binds the rest once per process)
  const canBind = typeof ts.bindSourceFile === "function";
  const bindRoot = (sf: { locals?: Map<string, unknown> } | undefined): void => {
    if (!sf || !canBind) return;
    ts.bindSourceFile(sf, h.options);
    if (sf.locals) unescapedKeys(sf.locals);
  };
  const isStable = (f: string) => f.includes("/node_modules/") || stableDirs.some((d) => f.startsWith(d));
  const CHANGED = ts.FileWatcherEventKind.Changed as number;
  const schedule = () => {
    if (pending || building) return;
    pending = true;
    sys.setTimeout(() => {
      pending = false;
      build();
    }, 0);
  };
  for (const r of h.roots) sys.watchFile(r, schedule);
  const compilerHost = ts.createCompilerHost(h.options, true) as Record<string, unknown>;
  Object.assign(compilerHost, {
    fileExists: (f: string) => sys.fileExists(f),
    readFile: (f: string) => sys.readFile(f),
    directoryExists: (d: string) => sys.directoryExists(d),
    getDirectories: (d: string) => sys.getDirectories(d),
    realpath: sys.realpath ? (p: string) => sys.realpath!(p) : undefined,
    getCurrentDirectory: () => sys.getCurrentDirectory(),
    useCaseSensitiveFileNames: () => true,
    getCanonicalFileName: (f: string) => f,
    writeFile: () => {
      throw new Error("optlab kernel: the compiler must not write files");
    },
    getSourceFile(fileName: string, languageVersion: unknown) {
      const stable = isStable(fileName);
      if (stable) {
        const known = stableSourceFiles.get(fileName);
        if (known) return known;
      }
      const old = cache.get(fileName);
      const text = sys.readFile(fileName);
      if (text === undefined) return undefined;
      if (fresh.has(fileName)) {
        rootParseOptions = languageVersion;
        return parseRoot(fileName, text, languageVersion);
      }
      if (old && old.text === text) return old.sf;
      const sf = ts.createSourceFile(fileName, text, languageVersion, true);
      if (stable) {
        stableSourceFiles.set(fileName, sf);
        return sf;
      }
      cache.set(fileName, { text, sf });
      if (old && !stable) sysWatchers.get(fileName)?.(fileName, CHANGED);
      else if (!stable && !watched.has(fileName)) {
        watched.add(fileName);
        sys.watchFile(fileName, schedule);
      }
      return sf;
    },
  });
  // Module and type-reference resolutions from stable files (declarations under node_modules,
  // the lib, dist/) are shared by every converter of the process and kept in the start-up
  // snapshot; those from cells and local modules are made afresh (a file may appear later).
  const shared = sharedResolutionCaches(ts, h.options);
  Object.assign(compilerHost, {
    resolveModuleNames(names: string[], containingFile: string, _reused: unknown, redirected: unknown, options: unknown) {
      const cache = isStable(containingFile) ? shared.modules : undefined;
      return names.map((n) => ts.resolveModuleName(n, containingFile, options, compilerHost, cache, redirected).resolvedModule);
    },
    resolveTypeReferenceDirectives(names: (string | { fileName: string })[], containingFile: string, redirected: unknown, options: unknown, mode: unknown) {
      const cache = isStable(containingFile) ? shared.types : undefined;
      return names.map((n) => ts.resolveTypeReferenceDirective(typeof n === "string" ? n : n.fileName.toLowerCase(), containingFile, options, compilerHost, redirected, cache, mode).resolvedTypeReferenceDirective);
    },
  });
  // the program and its builder for the roots' current text, or null until one is asked for
  let current: Record<string, unknown> | null = null;
  const realize = (): Record<string, unknown> => {
    if (current) return current;
    building = true;
    try {
      program = ts.createProgram({ rootNames, options: h.options, host: compilerHost, oldProgram: program });
      programsMade++;
      if (canBind) for (const r of fresh) bindRoot(program!.getSourceFile(r) as { locals?: Map<string, unknown> } | undefined);
      else program!.getTypeChecker();
    } finally {
      building = false;
    }
    const builder = ts.createAbstractBuilder(program, {}) as Record<string, unknown>;
    builder.getAllDependencies = (sourceFile: { fileName: string }) => {
      const seen = new Set<string>();
      const queue = [sourceFile.fileName];
      while (queue.length > 0) {
        const f = queue.pop()!;
        if (seen.has(f)) continue;
        seen.add(f);
        program!.getSourceFile(f)?.resolvedModules?.forEach((r) => {
          const n = r?.resolvedModule?.resolvedFileName;
          if (n && !seen.has(n)) queue.push(n);
        });
      }
      return [...seen];
    };
    return (current = builder);
  };
  /** A root file parsed and bound on its own, while no program has been made for the current text (else undefined). */
  const rootWithoutProgram = (fileName: string): unknown => {
    if (current || !canBind || rootParseOptions === undefined || !fresh.has(fileName)) return undefined;
    const text = sys.readFile(fileName);
    if (text === undefined) return undefined;
    const sf = parseRoot(fileName, text, rootParseOptions);
    bindRoot(sf);
    return sf;
  };
  const build = () => {
    current = null;
    // a new builder object per rebuild (tslab checks that it changed); every call but
    // `getSourceFile` of a root file goes to the program, made on the first such call
    const builder = new Proxy({} as Record<string | symbol, unknown>, {
      get(_, key) {
        if (key === "getSourceFile") return (f: string) => rootWithoutProgram(f) ?? (realize().getSourceFile as (f: string) => unknown)(f);
        const real = realize();
        if (key === "emit") return (file: unknown, write: unknown, cancel: unknown, onlyDts: unknown, transformers?: CustomTransformers) => (real.emit as (...a: unknown[]) => unknown)(file, write, cancel, onlyDts, transformers && forCommonJs(ts, transformers));
        const v = real[key as string];
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(real) : v;
      },
    });
    h.afterProgramCreate?.(builder);
  };
  build();
  return {
    close: () => {
      cache.clear();
      rootParses.clear();
      current = null;
      program = undefined;
    },
    updateRootFileNames(names: string[]) {
      rootNames = [...names];
      schedule();
    },
    getProgram: () => (realize(), program),
  };
}

/** The custom transformers tslab passes to `emit` (TypeScript's `CustomTransformers`, loosely). */
interface CustomTransformers {
  after?: ((context: TsTransformationContext) => (node: TsNode) => TsNode)[];
  [phase: string]: unknown;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TsNode = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type TsTransformationContext = any;

/**
 * tslab's `after` transformer, for a program that emits CommonJS (see the top of this file).
 * It runs after TypeScript's module transformer, and it takes the file's last expression
 * statement for the cell's value (`export const tsLastExpr = <expression>`). The CommonJS
 * transformer adds statements of its own: `Object.defineProperty(exports, "__esModule", …)` and
 * `exports.a = void 0` at the top, and `exports.a = a;` after each declaration of an exported
 * name — the value of a cell that ends with `const a = 3` would be 3, and that of a cell that is
 * one string (a directive, which stays first) would be the `exports` object. tslab's transformer
 * runs without them, and they are put back after it. Its `export const` becomes the CommonJS
 * assignment `exports.tsLastExpr = <expression>;` (in the ES module pipeline, `transpileModule`
 * did that). The last expression is written `[<expression>][0]` before TypeScript's own
 * transformers run (`valueKept`).
 */
function forCommonJs(ts: TsModule, transformers: CustomTransformers): CustomTransformers {
  if (!transformers.after) return transformers;
  const SK = ts.SyntaxKind;
  const isExports = (e: TsNode) => ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.escapedText === "exports";
  const isAssign = (e: TsNode) => ts.isBinaryExpression(e) && e.operatorToken.kind === SK.EqualsToken;
  // `exports.a = a` (also several, with commas): an exported name's value after its declaration
  const exportsName = (e: TsNode): boolean =>
    ts.isBinaryExpression(e) &&
    ((e.operatorToken.kind === SK.CommaToken && exportsName(e.left) && exportsName(e.right)) || (isAssign(e) && isExports(e.left) && ts.isIdentifier(e.right) && e.right.escapedText === e.left.name.escapedText));
  // `exports.a = exports.b = void 0`
  const exportsVoid = (e: TsNode): boolean => isAssign(e) && isExports(e.left) && (ts.isVoidExpression(e.right) || exportsVoid(e.right));
  // `Object.defineProperty(exports, "__esModule", { value: true })`
  const esModuleFlag = (e: TsNode): boolean =>
    ts.isCallExpression(e) && e.arguments.length === 3 && ts.isIdentifier(e.arguments[0]) && e.arguments[0].escapedText === "exports" && ts.isStringLiteral(e.arguments[1]) && e.arguments[1].text === "__esModule";
  const expr = (st: TsNode) => (ts.isExpressionStatement(st) ? st.expression : undefined);
  const isHeader = (st: TsNode) => {
    const e = expr(st);
    return !!e && (esModuleFlag(e) || exportsVoid(e));
  };
  const wrap =
    (make: (context: TsTransformationContext) => (node: TsNode) => TsNode) =>
    (context: TsTransformationContext) => {
      const inner = make(context);
      const f = context.factory;
      return (node: TsNode): TsNode => {
        if (!ts.isSourceFile(node)) return inner(node);
        const all = node.statements as TsNode[];
        let k = all.length;
        while (k > 0 && expr(all[k - 1]) && exportsName(expr(all[k - 1]))) k--;
        const header = all.slice(0, k).filter(isHeader);
        const out = inner(f.updateSourceFile(node, all.slice(0, k).filter((st) => !isHeader(st))));
        const statements = (out.statements as TsNode[]).map((st) => {
          const exported = ts.isVariableStatement(st) && st.modifiers?.some((m: TsNode) => m.kind === SK.ExportKeyword);
          if (!exported || st.declarationList.declarations.length !== 1) return st;
          const d = st.declarationList.declarations[0];
          return ts.setTextRange(f.createExpressionStatement(f.createAssignment(f.createPropertyAccessExpression(f.createIdentifier("exports"), d.name), d.initializer)), st);
        });
        // directives ("use strict", any leading string) stay first
        let p = 0;
        while (p < statements.length && expr(statements[p]) && ts.isStringLiteral(expr(statements[p]))) p++;
        return f.updateSourceFile(out, [...statements.slice(0, p), ...header, ...statements.slice(p), ...all.slice(k)]);
      };
    };
  // before TypeScript's transformers: the last expression statement's value is used, so that the
  // CommonJS transformer keeps it (it rewrites `r++` on an exported `r` in a statement as
  // `exports.r = (r++, r)`, whose value is the new one, and a destructuring assignment as a
  // comma list ending in the last name)
  const valueKept = (context: TsTransformationContext) => (node: TsNode): TsNode => {
    if (!ts.isSourceFile(node)) return node;
    const all = node.statements as TsNode[];
    let i = all.length - 1;
    while (i >= 0 && ts.isExportDeclaration(all[i])) i--;
    if (i < 0 || !ts.isExpressionStatement(all[i])) return node;
    const f = context.factory;
    const used = f.updateExpressionStatement(all[i], f.createElementAccessExpression(f.createArrayLiteralExpression([all[i].expression]), 0));
    return f.updateSourceFile(node, [...all.slice(0, i), used, ...all.slice(i + 1)]);
  };
  return { ...transformers, before: [...((transformers.before as unknown[] | undefined) ?? []), valueKept], after: transformers.after.map(wrap) };
}

/**
 * tslab exports a cell's locals by the keys of its `locals` table, which TypeScript escapes
 * (`__x` is stored as `___x`): `const __x = 1` then failed with "Cannot find name '___x'". The
 * table's `forEach` hands out the names as written (symbols and lookups are unchanged).
 */
function unescapedKeys(locals: Map<string, unknown>): void {
  if (Object.prototype.hasOwnProperty.call(locals, "forEach")) return; // patched already (a root parse is reused)
  const forEach = locals.forEach;
  Object.defineProperty(locals, "forEach", {
    value(cb: (v: unknown, k: string, m: Map<string, unknown>) => void, thisArg?: unknown) {
      forEach.call(locals, (v, k, m) => cb.call(thisArg, v, k.startsWith("___") ? k.slice(1) : k, m));
    },
    configurable: true,
  });
}
