/**
 * `complete_request`: TypeScript completions (tslab's converter, with the cells' declarations).
 * The converter matches the typed word anywhere in a name, so `ada` also offered
 * `ReadableStream` (re-ADA-ble); the reply keeps the names the word starts, or starts one of
 * the name's camelCase or snake_case words (`scaleByAdam`), best first. (The cells' type check
 * has no lib.dom: its lib is es2022 plus @types/node, whose web-stream globals exist in Node.)
 */
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";
import { codeAndCursor, utf16ToCodePoint } from "./positions.js";

/** Where the words of a name start: 0, each capital after a lower-case letter or digit, each letter after `_` or `$`. */
function wordStarts(name: string): number[] {
  const out = [0];
  for (let j = 1; j < name.length; j++) {
    const c = name[j]!, p = name[j - 1]!;
    if ((/[A-Z]/.test(c) && /[a-z0-9]/.test(p)) || (/[_$]/.test(p) && /[A-Za-z0-9]/.test(c))) out.push(j);
  }
  return out;
}

/**
 * The candidates worth offering for the typed `word`: names it starts (exact case first), then
 * names one of whose words it starts; others are dropped. An empty word keeps everything.
 *
 * @example
 * relevantCompletions("ada", ["adam", "ReadableStream", "scaleByAdam"]); // ["adam", "scaleByAdam"]
 */
export function relevantCompletions(word: string, candidates: readonly string[]): string[] {
  if (word === "") return [...candidates];
  const w = word.toLowerCase();
  const rank = (c: string): number => {
    if (c.startsWith(word)) return 0;
    if (c.toLowerCase().startsWith(w)) return 1;
    return wordStarts(c).some((j) => j > 0 && c.slice(j).toLowerCase().startsWith(w)) ? 2 : -1;
  };
  return candidates
    .map((c, i) => ({ c, i, r: rank(c) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}

/** Answers `complete_request` (cursor positions in code points). */
export async function complete(k: Kernel, r: Request): Promise<void> {
  const { code, cursor } = codeAndCursor(r.env.msg.content);
  const ex = await k.executor();
  const res = ex.complete(code, cursor);
  k.reply(r, "complete_reply", {
    status: "ok",
    matches: relevantCompletions(code.slice(res.start, cursor), res.matches),
    cursor_start: utf16ToCodePoint(code, res.start),
    cursor_end: utf16ToCodePoint(code, res.end),
    metadata: {},
  });
}
