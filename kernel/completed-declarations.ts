/**
 * What a cell that threw leaves behind: IPython keeps the assignments a cell made before its
 * error (`q = f(); g(q)  # raises` leaves `q` defined); so do we, values and types.
 *
 * Values: the executor runs a cell's compiled code against one `exports` object and records each
 * name the code assigns there. TypeScript's CommonJS output assigns `exports.q = q` right after
 * the declaration of `q` completes (an initializer that throws never gets there), so the recorded
 * names are the declarations that completed. (The executor also drops the line at the top of the
 * output that resets every name of the cell to `undefined`, so a name the cell did not reach keeps
 * its value from earlier cells, matching the type that earlier cells gave it.)
 *
 * Types: later cells are type-checked against a declaration file. For a cell that threw we
 * compile a trimmed copy of it, `completedSource(...)`: its value declarations that completed, and
 * the type-only declarations (interfaces, type aliases, `declare`) written before the first
 * statement that may have thrown (the first statement after the last completed declaration that
 * is not itself a type declaration). Statements that declare nothing (calls, loops) are left out:
 * a declaration's type never depends on code after it. If the trimmed copy does not type-check on
 * its own (a kept declaration uses a function the cell declared after the error), nothing is added
 * to the declarations and the kept values stay untyped (docs/readme/kernel.md says so).
 */
import type { TsModule } from "./ts-host.js";

/** A top-level statement of a cell: the value names it declares, or that it declares only types. */
interface Item {
  text: string;
  kind: "value" | "type" | "other";
  names: string[];
}

/**
 * The statements of `source` whose declarations completed (their names all in `assigned`), plus
 * the type-only declarations before the statement that may have thrown, as cell source; null
 * when no value declaration completed (then there is nothing to keep).
 *
 * @param ts TypeScript (tslab's copy).
 * @param source the cell.
 * @param assigned the names the cell's code assigned on `exports` before it threw.
 * @example
 * completedSource(ts, 'const q = 1;\nf(q);\nconst r = 2;', new Set(["q"])); // "const q = 1;"
 */
export function completedSource(ts: TsModule, source: string, assigned: ReadonlySet<string>): string | null {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const items: Item[] = file.statements.map((s: { pos: number; end: number }) => ({ text: source.slice(s.pos, s.end), ...classify(ts, s) }));
  const done = (i: Item) => i.kind === "value" && i.names.length > 0 && i.names.every((n) => assigned.has(n));
  // The error came from a statement after the last declaration that completed: the first one
  // there that is not a type declaration is where the cell may have stopped.
  let lastDone = -1;
  items.forEach((i, k) => {
    if (done(i)) lastDone = k;
  });
  let stop = items.findIndex((i, k) => k > lastDone && i.kind !== "type");
  if (stop < 0) stop = items.length;
  const kept = items.filter((i, k) => done(i) || (i.kind === "type" && k < stop));
  if (!kept.some(done)) return null;
  return kept.map((i) => i.text).join("\n");
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = any;

function classify(ts: TsModule, s: Node): { kind: Item["kind"]; names: string[] } {
  const K = ts.SyntaxKind;
  const ambient = (ts.getCombinedModifierFlags?.(s) ?? 0) & ts.ModifierFlags.Ambient;
  if (s.kind === K.InterfaceDeclaration || s.kind === K.TypeAliasDeclaration || ambient) return { kind: "type", names: [] };
  if (s.kind === K.VariableStatement) return { kind: "value", names: s.declarationList.declarations.flatMap((d: Node) => bindingNames(ts, d.name)) };
  if (s.kind === K.FunctionDeclaration || s.kind === K.ClassDeclaration || s.kind === K.EnumDeclaration || s.kind === K.ModuleDeclaration || s.kind === K.ImportEqualsDeclaration) {
    return s.name && ts.isIdentifier(s.name) ? { kind: "value", names: [s.name.text] } : { kind: "other", names: [] };
  }
  if (s.kind === K.ImportDeclaration) {
    const clause = s.importClause;
    if (!clause) return { kind: "other", names: [] }; // import "side-effect"
    if (clause.isTypeOnly) return { kind: "type", names: [] };
    const names: string[] = [];
    if (clause.name) names.push(clause.name.text);
    const b = clause.namedBindings;
    if (b && ts.isNamespaceImport(b)) names.push(b.name.text);
    else if (b) for (const e of b.elements) if (!e.isTypeOnly) names.push(e.name.text);
    return names.length ? { kind: "value", names } : { kind: "type", names: [] };
  }
  return { kind: "other", names: [] };
}

function bindingNames(ts: TsModule, name: Node): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e: Node) => (ts.isOmittedExpression(e) ? [] : bindingNames(ts, e.name)));
}

/**
 * The compiled cell without the statements that reset its exported names to `undefined` before
 * it runs (`exports.a = exports.b = void 0;`, right after the `__esModule` marker): a name the
 * cell does not reach keeps its earlier value. Each line is blanked, not removed, so that the
 * cell's source map still holds.
 */
export function dropExportResets(output: string): string {
  const lines = output.split("\n");
  const marker = lines.findIndex((l) => l.startsWith('Object.defineProperty(exports, "__esModule"'));
  if (marker < 0) return output;
  for (let i = marker + 1; i < lines.length && RESET.test(lines[i]!); i++) lines[i] = "";
  return lines.join("\n");
}

const RESET = /^(?:exports\.[A-Za-z_$][\w$]* = )+void 0;$/;
