/**
 * Loads tslab's TypeScript converter (cross-cell declarations, type checking, top-level await)
 * with three adjustments made from outside, without changing tslab's code:
 *
 * 1. Source maps. tslab compiles a cell to an ES module and then to CommonJS and keeps no map,
 *    so a runtime error's line would be a line of generated JavaScript. We give tslab a copy of
 *    its TypeScript module whose `createWatchCompilerHost` adds `inlineSourceMap` and whose
 *    `transpileModule` also returns a map; `takeMaps(output)` hands both maps to the executor,
 *    which composes them only when an error needs a cell line (`source-map.ts`).
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

/** The two maps of one compiled cell (base64 of the ESM map, JSON of the CommonJS map). */
export interface RawMaps {
  esmBase64: string;
  cjs: string;
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
   * to `send(content, update)`; tslab reads the function from its `jupyter.js` module.
   */
  setTslabDisplay(send: (content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id?: string } }, update: boolean) => void): void;
}

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
export function loadTsHost(packageRoot: string): TsHost {
  if (host) return host;
  const req = createRequire(import.meta.url);
  const tslabDir = dirname(req.resolve("tslab/package.json"));
  const treq = createRequire(join(tslabDir, "package.json"));
  const tsPath = treq.resolve("@tslab/typescript-for-tslab");
  const realTs = treq(tsPath) as TsModule;
  const maps = new Map<string, RawMaps>();
  const cached = treq.cache[tsPath];
  if (!cached) throw new Error("optlab kernel: TypeScript did not load through require");
  cached.exports = patchedTs(realTs, maps, compilerPaths(packageRoot));
  patchSys(realTs.sys, packageRoot.replace(/\\/g, "/"));
  const converter = treq("./dist/converter.js") as { createConverter(o: { isJS: boolean; isBrowser: boolean }): Converter };
  const metadata = treq("./dist/metadata.js") as { getCodeMetadata(src: string): CodeMetadata };
  const inspect = treq("./dist/inspect.js") as { printQuickInfo(info: QuickInfo): string };
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
      (treq("./dist/jupyter.js") as { lastWriteDisplayData: unknown }).lastWriteDisplayData = send;
    },
  };
  return host;
}

const MAP_PREFIX = "//# sourceMappingURL=data:application/json;base64,";

/** A copy of TypeScript's module object (its exports are non-configurable getters) with two functions wrapped. */
function patchedTs(realTs: TsModule, maps: Map<string, RawMaps>, paths: Record<string, string[]>): TsModule {
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(realTs)) Object.defineProperty(copy, k, { get: () => realTs[k], enumerable: true, configurable: true });
  const define = (k: string, value: unknown) => Object.defineProperty(copy, k, { value, enumerable: true, configurable: true });
  define("createWatchCompilerHost", (roots: string[], options: Record<string, unknown>, ...rest: unknown[]) => {
    const typeRoots = (options.typeRoots as string[] | undefined) ?? [];
    const hasNodeTypes = typeRoots.some((r) => realTs.sys.fileExists(`${r}/node/package.json`));
    return realTs.createWatchCompilerHost(roots, { ...options, inlineSourceMap: true, paths: { ...paths, ...(options.paths as Record<string, string[]> | undefined) }, ...(hasNodeTypes ? { types: ["node"] } : {}) }, ...rest);
  });
  define("transpileModule", (input: string, options: { compilerOptions?: Record<string, unknown> }) => {
    const i = input.lastIndexOf(MAP_PREFIX);
    if (i < 0) return realTs.transpileModule(input, options);
    const esmBase64 = input.slice(i + MAP_PREFIX.length).trim();
    const out = realTs.transpileModule(input.slice(0, i), { ...options, compilerOptions: { ...options.compilerOptions, sourceMap: true } });
    const j = (out.outputText as string).lastIndexOf("//# sourceMappingURL=");
    const outputText = j >= 0 ? (out.outputText as string).slice(0, j) : (out.outputText as string);
    if (out.sourceMapText) maps.set(outputText, { esmBase64, cjs: out.sourceMapText as string });
    return { ...out, outputText };
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
