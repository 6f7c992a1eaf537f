/**
 * A small CommonJS loader for building the kernel's start-up snapshot (kernel/snapshot-entry.ts).
 *
 * While `node --build-snapshot` runs, Node's own `require` loads only built-in modules (and a
 * `createRequire` used then breaks the deserialized process), so TypeScript and tslab's converter
 * — plain CommonJS packages — are loaded by this loader instead: Node's resolution for relative
 * paths, `node_modules` directories and a package's `main`, files compiled with
 * `vm.runInThisContext` in Node's module wrapper. Once the snapshot is deserialized, anything the
 * loader has not loaded yet goes to Node's real `createRequire` (`setFallback`).
 */
import { readFileSync, statSync } from "node:fs";
import { isBuiltin as nodeIsBuiltin } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { runInThisContext } from "node:vm";

interface LoadedModule {
  exports: unknown;
  filename: string;
  loaded: boolean;
}

/** A loader's `require` for one file: call it, `.resolve` an id, read or replace `.cache` entries. */
export type MiniRequire = NodeJS.Require;

/** Built-in module names (`builtinModules` is empty while a snapshot is built: ask `isBuiltin`). */
const isBuiltin = (id: string): boolean => id.startsWith("node:") || nodeIsBuiltin(id);

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The file `p` names as Node would find it (exact, `.js`, `.json`, a package's main, `index.js`). */
function tryFile(p: string): string | undefined {
  if (isFile(p)) return p;
  for (const ext of [".js", ".json", ".cjs"]) if (isFile(p + ext)) return p + ext;
  if (isDir(p)) {
    const pkg = join(p, "package.json");
    if (isFile(pkg)) {
      const main = (JSON.parse(readFileSync(pkg, "utf8")) as { main?: string }).main;
      if (main) {
        const m = tryFile(resolve(p, main));
        if (m) return m;
      }
    }
    for (const index of ["index.js", "index.json"]) if (isFile(join(p, index))) return join(p, index);
  }
  return undefined;
}

/**
 * A CommonJS loader with its own module cache. `requireFrom(file)` is the `require` of `file`;
 * builtins come from `builtin` (Node's own).
 */
export function createMiniLoader(builtin: (id: string) => unknown): { requireFrom(file: string): MiniRequire; setFallback(f: (file: string) => NodeJS.Require): void } {
  const cache: Record<string, LoadedModule> = Object.create(null) as Record<string, LoadedModule>;
  let fallback: ((file: string) => NodeJS.Require) | null = null;

  const resolveFrom = (dir: string, id: string): string => {
    if (isBuiltin(id)) return id;
    if (id.startsWith("./") || id.startsWith("../") || id === "." || id === ".." || isAbsolute(id)) {
      const f = tryFile(resolve(dir, id));
      if (f) return f;
    } else {
      for (let d = dir; ; d = dirname(d)) {
        if (!d.endsWith("/node_modules")) {
          const f = tryFile(join(d, "node_modules", id));
          if (f) return f;
        }
        if (dirname(d) === d) break;
      }
    }
    const e = new Error(`Cannot find module '${id}' from ${dir}`) as Error & { code: string };
    e.code = "MODULE_NOT_FOUND";
    throw e;
  };

  const load = (file: string): unknown => {
    const known = cache[file];
    if (known) return known.exports;
    const m: LoadedModule = { exports: {}, filename: file, loaded: false };
    cache[file] = m;
    try {
      if (file.endsWith(".json")) m.exports = JSON.parse(readFileSync(file, "utf8"));
      else {
        const wrapper = runInThisContext(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`, { filename: file }) as (
          exports: unknown,
          require: MiniRequire,
          module: LoadedModule,
          filename: string,
          dirname: string,
        ) => void;
        wrapper.call(m.exports, m.exports, requireFrom(file), m, file, dirname(file));
      }
    } catch (e) {
      delete cache[file];
      throw e;
    }
    m.loaded = true;
    return m.exports;
  };

  function requireFrom(file: string): MiniRequire {
    const dir = dirname(file);
    const req = ((id: string) => {
      if (isBuiltin(id)) return builtin(id);
      let target: string;
      try {
        target = resolveFrom(dir, id);
      } catch (e) {
        if (fallback) return fallback(file)(id);
        throw e;
      }
      if (!cache[target] && fallback) return fallback(file)(id);
      return load(target);
    }) as MiniRequire;
    const resolveId = ((id: string) => resolveFrom(dir, id)) as NodeJS.RequireResolve;
    return Object.assign(req, { resolve: resolveId, cache: cache as unknown as NodeJS.Require["cache"] });
  }

  return {
    requireFrom,
    setFallback(f) {
      fallback = f;
    },
  };
}
