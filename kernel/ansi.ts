/**
 * ANSI SGR colors (tracebacks, colored logs) as HTML spans; other escape sequences are dropped.
 */
import { escapeHtml } from "../src/display/index.js";

const COLORS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

/** Text with ANSI escapes → escaped HTML with `<span class="ansi-…">`. */
export function ansiToHtml(text: string): string {
  let out = "";
  let open = false;
  let state = { fg: "", bg: "", bold: false };
  const re = /\u001b\[([0-9;]*)([A-Za-z])/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += escapeHtml(text.slice(last, m.index));
    last = re.lastIndex;
    if (m[2] !== "m") continue;
    state = applySgr(state, m[1] === "" ? [0] : m[1]!.split(";").map(Number));
    if (open) out += "</span>";
    const cls = [state.fg && `ansi-${state.fg}-fg`, state.bg && `ansi-${state.bg}-bg`, state.bold && "ansi-bold"].filter(Boolean).join(" ");
    open = cls !== "";
    if (open) out += `<span class="${cls}">`;
  }
  out += escapeHtml(text.slice(last));
  return open ? out + "</span>" : out;
}

function applySgr(s: { fg: string; bg: string; bold: boolean }, codes: number[]): { fg: string; bg: string; bold: boolean } {
  const n = { ...s };
  for (const c of codes) {
    if (c === 0) Object.assign(n, { fg: "", bg: "", bold: false });
    else if (c === 1) n.bold = true;
    else if (c === 22) n.bold = false;
    else if (c >= 30 && c <= 37) n.fg = COLORS[c - 30]!;
    else if (c >= 90 && c <= 97) n.fg = COLORS[c - 90]!;
    else if (c === 39) n.fg = "";
    else if (c >= 40 && c <= 47) n.bg = COLORS[c - 40]!;
    else if (c === 49) n.bg = "";
  }
  return n;
}

/** Text without ANSI escapes. */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
}

/** CSS for the classes `ansiToHtml` emits. */
export const ANSI_CSS = COLORS.map((c, i) => {
  const hex = ["#3e424d", "#e75c58", "#00a250", "#c8a400", "#208ffb", "#d160c4", "#60c6c8", "#c5c1b4"][i];
  return `.ansi-${c}-fg{color:${hex}}.ansi-${c}-bg{background:${hex}}`;
}).join("") + ".ansi-bold{font-weight:bold}";
