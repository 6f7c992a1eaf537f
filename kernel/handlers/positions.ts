/**
 * Cursor positions: Jupyter counts Unicode code points (messaging spec ≥ 5.2), JavaScript
 * strings count UTF-16 code units. The two differ after any character outside the BMP (emoji).
 */

/** The UTF-16 index of code point `cp` in `s` (clamped to the string). */
export function codePointToUtf16(s: string, cp: number): number {
  let i = 0;
  for (let n = 0; n < cp && i < s.length; n++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

/** The code point index of UTF-16 index `i` in `s`. */
export function utf16ToCodePoint(s: string, i: number): number {
  let n = 0;
  for (let k = 0; k < i && k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0xd800 && c <= 0xdbff && k + 1 < s.length) k++;
    n++;
  }
  return n;
}

/**
 * The `code` of a `complete_request` / `inspect_request` and its `cursor_pos` (code points,
 * default: the end of the code) as a UTF-16 index.
 */
export function codeAndCursor(content: Record<string, unknown>): { code: string; cursor: number } {
  const code = String(content.code ?? "");
  const cp = typeof content.cursor_pos === "number" ? content.cursor_pos : [...code].length;
  return { code, cursor: codePointToUtf16(code, cp) };
}
