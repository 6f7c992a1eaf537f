/**
 * A fix for tslab's compiled cells: tslab rewrites a reference to an earlier cell's name `x` to
 * `exports.x`, but misses shorthand properties — `{ x }` stays `{ x }` and throws
 * "x is not defined" at run time. This pass rewrites such a property to `{ x: exports.x }` when
 * `x` is an earlier cell's name that the cell does not declare itself.
 */
import type { TsModule } from "./ts-host.js";

interface Node {
  kind: number;
  pos: number;
  end: number;
  name?: Node & { text?: string; escapedText?: string };
  forEachChild<T>(cb: (n: Node) => T | undefined): T | undefined;
}

const MAYBE = /[{,]\s*[A-Za-z_$][\w$]*\s*[,}]/;

/** `output` with shorthand references to `earlier` names made explicit. */
export function fixShorthand(ts: TsModule, output: string, earlier: (name: string) => boolean): string {
  if (!MAYBE.test(output)) return output;
  const sf = ts.createSourceFile("cell.js", output, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS) as Node;
  const declared = new Set<string>();
  const shorthand: { name: string; end: number }[] = [];
  const K = ts.SyntaxKind;
  const declKinds = new Set([K.VariableDeclaration, K.FunctionDeclaration, K.ClassDeclaration, K.Parameter, K.BindingElement, K.FunctionExpression, K.ClassExpression, K.ImportSpecifier, K.ImportClause, K.NamespaceImport]);
  const visit = (n: Node): undefined => {
    const name = n.name;
    if (n.kind === K.ShorthandPropertyAssignment && name) shorthand.push({ name: name.text ?? "", end: name.end });
    else if (declKinds.has(n.kind) && name && name.kind === K.Identifier) declared.add(name.text ?? "");
    n.forEachChild(visit);
    return undefined;
  };
  visit(sf);
  const edits = shorthand.filter((s) => earlier(s.name) && !declared.has(s.name)).sort((a, b) => b.end - a.end);
  let out = output;
  for (const e of edits) out = `${out.slice(0, e.end)}: exports.${e.name}${out.slice(e.end)}`;
  return out;
}
