/**
 * `is_complete`: whether a console should run the code now (`complete`), wait for another line
 * (`incomplete`, with the indent to use), or report it as broken (`invalid`).
 *
 * The TypeScript parser decides: code that parses is complete; code whose only syntax errors
 * sit at its very end and say "... expected" (an open bracket, an unfinished template or block
 * comment) is incomplete; any other syntax error makes it invalid. As in tslab, code that ends
 * with a blank line is run anyway unless it is invalid.
 */
import type { TsModule } from "./ts-host.js";

export type Completeness = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

interface ParseDiagnostic {
  start: number;
  length: number;
  messageText: string | { messageText: string };
}

/** Classifies `code` (see the module comment). */
export function isComplete(ts: TsModule, code: string): Completeness {
  if (code.trim() === "") return { status: "complete" };
  const jsx = /@jsx\b/.test(code);
  const sf = ts.createSourceFile(jsx ? "cell.tsx" : "cell.ts", code, ts.ScriptTarget.Latest, false, jsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const diags = ((sf as { parseDiagnostics?: ParseDiagnostic[] }).parseDiagnostics ?? []) as ParseDiagnostic[];
  if (diags.length === 0) return { status: "complete" };
  const end = code.trimEnd().length;
  const atEnd = (d: ParseDiagnostic) => d.start >= end && /expected\.$|^Unterminated template literal\.$/.test(text(d));
  if (!diags.every(atEnd)) return { status: "invalid" };
  if (/\n[ \t]*\n[ \t]*$/.test(code)) return { status: "complete" };
  return { status: "incomplete", indent: indentFor(code) };
}

function text(d: ParseDiagnostic): string {
  return typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
}

/** The indent of the next line: the last line's, plus two spaces after an opening bracket. */
function indentFor(code: string): string {
  const last = /[^\n]*$/.exec(code)![0];
  const current = /^\s*/.exec(last)![0];
  return /[{([]\s*$/.test(last) ? current + "  " : current;
}
