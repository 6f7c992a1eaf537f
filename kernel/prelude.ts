/**
 * The prelude: what every cell can use without an import — every export of the DSL (`optlab`)
 * plus the kernel's own `display`, `prompt` and `comms`.
 *
 * The names are not listed anywhere: values are the DSL module's runtime exports
 * (`Object.keys`), types are the remaining names its declaration files export (read with the
 * TypeScript parser, following `export *`). The prelude becomes the first "earlier cell"
 * declarations (`import { ... } from "optlab"`), so a cell may shadow any of them.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { TsModule } from "./ts-host.js";

/** What the executor starts from. */
export interface Prelude {
  /** Runtime values by name (DSL exports and the kernel API). */
  values: Record<string, unknown>;
  /** The declarations cells are checked against first. */
  declaration: string;
  /** DSL value and type names, and the kernel's names. */
  names: { values: string[]; types: string[]; kernel: string[] };
  /** The DSL module namespace (`require("optlab")` in cells), or null when it failed to load. */
  dsl: Record<string, unknown> | null;
  /** Why the DSL could not be loaded, if it could not. */
  loadError?: string;
}

/** Module specifier of the kernel API's declarations, as cells see it. */
export const CELL_API_MODULE = "optlab/dist/kernel/cell-api.js";

const IDENT = /^[A-Za-z_$][\w$]*$/;

let bundledDsl: Record<string, unknown> | null = null;
/** The DSL's exported names, read once per process (from dist/dsl/index.d.ts and what it re-exports). */
let typeNames: string[] | undefined;

/**
 * The DSL module when the kernel runs from its start-up snapshot (kernel/snapshot-entry.ts), where
 * the DSL is part of the snapshot and `import()` is not available.
 */
export function setBundledDsl(dsl: Record<string, unknown>): void {
  bundledDsl = dsl;
}

/** Imports the DSL and builds the prelude around `kernelApi` (display, prompt, comms). */
export async function loadPrelude(packageRoot: string, ts: TsModule, kernelApi: Record<string, unknown>): Promise<Prelude> {
  const kernel = Object.keys(kernelApi);
  let dsl: Record<string, unknown> | null = bundledDsl;
  let loadError: string | undefined;
  if (!dsl) {
    try {
      dsl = (await import(pathToFileURL(join(packageRoot, "dist/dsl/index.js")).href)) as Record<string, unknown>;
    } catch (e) {
      loadError = e instanceof Error ? e.message : String(e);
    }
  }
  const values = dsl ? Object.keys(dsl).filter((k) => IDENT.test(k) && k !== "default" && !kernel.includes(k)).sort() : [];
  let types: string[] = [];
  const dts = join(packageRoot, "dist/dsl/index.d.ts");
  if (dsl && existsSync(dts)) {
    const taken = new Set([...values, ...kernel]);
    typeNames ??= [...exportedNames(ts, dts, new Set())];
    types = typeNames.filter((k) => !taken.has(k) && IDENT.test(k)).sort();
  }
  const specifiers = [...values, ...types.map((t) => `type ${t}`)];
  const declaration =
    (specifiers.length ? `import { ${specifiers.join(", ")} } from "optlab";\n` : "") +
    `import { ${kernel.join(", ")} } from "${CELL_API_MODULE}";\n`;
  const runtime: Record<string, unknown> = { ...kernelApi };
  for (const v of values) runtime[v] = dsl![v];
  return { values: runtime, declaration, names: { values, types, kernel }, dsl, ...(loadError ? { loadError } : {}) };
}

/** Every name a declaration file exports, following `export * from` into sibling files. */
export function exportedNames(ts: TsModule, file: string, seen: Set<string>): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return names;
  }
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  for (const st of sf.statements as { kind: number; [k: string]: unknown }[]) {
    if (st.kind === ts.SyntaxKind.ExportDeclaration) {
      const clause = st.exportClause as { kind: number; name?: { text: string }; elements?: { name: { text: string } }[] } | undefined;
      const spec = (st.moduleSpecifier as { text?: string } | undefined)?.text;
      if (!clause) {
        if (spec) for (const n of exportedNames(ts, resolveDts(file, spec), seen)) names.add(n);
      } else if (clause.kind === ts.SyntaxKind.NamespaceExport) names.add(clause.name!.text);
      else for (const el of clause.elements ?? []) names.add(el.name.text);
      continue;
    }
    const mods = (st.modifiers as { kind: number }[] | undefined) ?? [];
    if (!mods.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const decl = st as { name?: { text?: string }; declarationList?: { declarations: { name: { text?: string } }[] } };
    if (decl.name?.text) names.add(decl.name.text);
    for (const d of decl.declarationList?.declarations ?? []) if (d.name.text) names.add(d.name.text);
  }
  return names;
}

function resolveDts(from: string, spec: string): string {
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, ".d.ts"), `${base}.d.ts`, join(base, "index.d.ts")];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}
