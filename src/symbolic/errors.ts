/**
 * User errors of the symbolic layer: stable codes, the expression quoted, a caret under the
 * position, close matches for misspelled names.
 *
 * Codes: `parse` (syntax), `unknown-function`, `unknown-symbol`, `unsupported-syntax`,
 * `bad-arity` (wrong number of arguments), `bad-index` (an index or a sum bound that is not a
 * constant integer).
 */
import { DslError } from "../errors/index.js";

/** The expression an error is about, and where in it (0-based character offset), if known. */
export interface SourceRef {
  readonly src: string;
  readonly pos?: number;
  /** For multi-line sources (TS functions): 1-based line and column of `pos`. */
  readonly line?: number;
  readonly col?: number;
}

/** Two lines: the source line and a caret under `pos`. */
export function caret(src: string, pos: number): string {
  const lines = src.split("\n");
  let offset = 0;
  for (const line of lines) {
    if (pos <= offset + line.length) {
      const col = Math.max(0, pos - offset);
      return `  ${line}\n  ${" ".repeat(col)}^`;
    }
    offset += line.length + 1;
  }
  const last = lines[lines.length - 1] ?? "";
  return `  ${last}\n  ${" ".repeat(last.length)}^`;
}

/** 1-based line and column of a 0-based offset. */
export function lineCol(src: string, pos: number): { line: number; col: number } {
  const before = src.slice(0, pos).split("\n");
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

/** Short quote of an expression for messages. */
export function quote(src: string): string {
  const one = src.replace(/\s+/g, " ").trim();
  return JSON.stringify(one.length > 80 ? one.slice(0, 77) + "..." : one);
}

/** Offset of the first whole-word occurrence of `name` in `src` (−1 when absent). */
export function findWord(src: string, name: string, after = "", from = 0): number {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`(?<![\\w$.])${esc}(?![\\w$])${after}`, "g");
  re.lastIndex = from;
  const m = re.exec(src);
  return m ? m.index : -1;
}

/** Edit distance (Levenshtein), for suggestions. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
    }
  }
  return d[a.length]![b.length]!;
}

/** Up to three candidates close to `name` (edit distance ≤ 2, or sharing a prefix of 3+). */
export function closeMatches(name: string, candidates: readonly string[]): string[] {
  const scored = candidates
    .map((c) => ({ c, d: editDistance(name, c) }))
    .filter(({ c, d }) => d <= (name.length <= 2 ? 0 : name.length <= 4 ? 1 : 2) || (name.length >= 3 && c.toLowerCase().startsWith(name.toLowerCase())))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return [...new Set(scored.map((s) => s.c))].slice(0, 3);
}

/** A `DslError` about an expression: message, then where (line/col or caret). */
export function exprError(code: string, message: string, ref: SourceRef, detail?: Record<string, unknown>): DslError {
  let where = "";
  if (ref.line !== undefined && ref.col !== undefined) where = ` (line ${ref.line}, col ${ref.col})`;
  const pic = ref.pos !== undefined && ref.pos >= 0 ? `\n${caret(ref.src, ref.pos)}` : "";
  return new DslError(code, `${message}${where}${pic}`, { path: "objective", detail: { source: ref.src, ...detail } });
}
