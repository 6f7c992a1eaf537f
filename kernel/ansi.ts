/**
 * ANSI escape sequences (tracebacks, colored logs) as HTML, with `ansi_up` (MIT, no install
 * script): the 8 standard colors become the classes Jupyter's front ends use (`ansi-red-fg`,
 * `ansi-green-bg`) and the 8 bright ones ansi_up's (`ansi-bright-red-fg`); 256-color and 24-bit
 * colors, bold, italic and underline become inline styles, OSC 8 hyperlinks (http/https only)
 * links; other sequences (cursor movement, erase line) are dropped. Text is HTML-escaped.
 *
 * Reference: https://github.com/drudru/ansi_up
 */
import { AnsiUp } from "ansi_up";

/**
 * Text with ANSI escapes → escaped HTML with `<span class="ansi-…">`.
 *
 * Each call starts from the default state: a color left open at the end of one output does not
 * leak into the next.
 *
 * @example
 * ansiToHtml("\u001b[0;31mError\u001b[0m: <boom>"); // '<span class="ansi-red-fg">Error</span>: &lt;boom&gt;'
 */
export function ansiToHtml(text: string): string {
  const a = new AnsiUp();
  a.use_classes = true;
  return a.ansi_to_html(text);
}

/** Text without ANSI escapes (CSI sequences such as colors and OSC sequences such as hyperlinks). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, "").replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}

const COLORS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];
// The palette of Jupyter's front ends (nbconvert's and the classic Notebook's CSS), normal then
// bright ("intense" there).
const NORMAL = ["#3e424d", "#e75c58", "#00a250", "#c8a400", "#208ffb", "#d160c4", "#60c6c8", "#c5c1b4"];
const BRIGHT = ["#282c36", "#b22b31", "#007427", "#b27d12", "#0065ca", "#a03196", "#258f8f", "#a1a6b2"];

/** CSS for the classes `ansiToHtml` emits. */
export const ANSI_CSS = COLORS.map((c, i) => `.ansi-${c}-fg{color:${NORMAL[i]}}.ansi-${c}-bg{background:${NORMAL[i]}}.ansi-bright-${c}-fg{color:${BRIGHT[i]}}.ansi-bright-${c}-bg{background:${BRIGHT[i]}}`).join("");
