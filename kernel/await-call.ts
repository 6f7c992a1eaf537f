/**
 * A fix for top-level `await` followed by a parenthesis: `const r = await (async () => 5)();`.
 *
 * tslab compiles a cell as a script. In a script TypeScript only treats a top-level `await` as an
 * await expression when an identifier, keyword or literal follows it on the same line; before `(`
 * or `[` it parses a call (or index) of a variable named `await`, no top-level await is detected,
 * and the cell fails at run time with "await is not defined". This pass finds such top-level
 * chains (`await(...)...`, `await[...]...`, outside any function or class) and rewrites
 * `await REST` to `await Promise.resolve(REST)`, which TypeScript parses as intended; awaiting
 * `Promise.resolve(p)` gives what awaiting `p` gives, with the same type. Other cells are untouched.
 */
import type { TsModule } from "./ts-host.js";

interface Node {
  kind: number;
  pos: number;
  end: number;
  parent?: Node;
  expression?: Node;
  escapedText?: string;
  getStart(): number;
  forEachChild<T>(cb: (n: Node) => T | undefined): T | undefined;
}

const MAYBE = /(^|[^\w$.])await\s*[([]/;

/** `source` with top-level `await (…)` / `await […]` chains made await expressions. */
export function rewriteAwaitCalls(ts: TsModule, source: string): string {
  if (!MAYBE.test(source)) return source;
  const K = ts.SyntaxKind;
  const sf = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS) as unknown as Node;
  const scopes = new Set([K.ArrowFunction, K.FunctionExpression, K.FunctionDeclaration, K.MethodDeclaration, K.Constructor, K.GetAccessor, K.SetAccessor, K.ClassDeclaration, K.ClassExpression, K.ModuleDeclaration]);
  const chain = new Set([K.CallExpression, K.ElementAccessExpression, K.PropertyAccessExpression, K.NonNullExpression]);
  const edits: { start: number; restStart: number; end: number }[] = [];
  const visit = (n: Node): undefined => {
    if (scopes.has(n.kind)) return undefined;
    if (n.kind === K.Identifier && n.escapedText === "await") {
      // climb the call/index chain whose leftmost part is this identifier
      let top = n;
      while (top.parent && chain.has(top.parent.kind) && top.parent.expression === top) top = top.parent;
      if (top !== n) edits.push({ start: n.getStart(), restStart: n.end, end: top.end });
      return undefined;
    }
    n.forEachChild(visit);
    return undefined;
  };
  visit(sf);
  if (edits.length === 0) return source;
  // innermost first (a later start); an enclosing chain's end moves by what the inner edit added
  edits.sort((a, b) => b.start - a.start);
  let out = source;
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i]!;
    const before = out.length;
    const rest = out.slice(e.restStart, e.end).trimStart();
    out = `${out.slice(0, e.start)}await Promise.resolve(${rest})${out.slice(e.end)}`;
    for (let j = i + 1; j < edits.length; j++) if (edits[j]!.end >= e.end) edits[j]!.end += out.length - before;
  }
  return out;
}
