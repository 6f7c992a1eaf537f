/**
 * Errors as the Jupyter protocol shows them: `ename`, `evalue` and a `traceback` (lines, ANSI
 * colored) in cell coordinates — for type errors (tslab diagnostics) and for runtime errors
 * (V8 stack frames mapped back through the cell's source maps).
 *
 * A `DslError` (optlab's errors for bad input) shows its message and the cell lines only, not
 * the engine's internals (STYLE.md §6). Any other error keeps its frames, but a stretch of
 * frames inside optlab (with the libraries it called) becomes one line, `… 5 frames inside
 * optlab`: the cell's own frames, a user callback that threw from inside `optimize`, and the
 * user's own modules stay readable (the full stack is still the error's `stack`).
 */
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import type { TsDiagnostic } from "./ts-host.js";

/** An error reply's fields. */
export interface ErrorInfo {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** What the executor knows about a compiled cell, to name and map its frames. */
export interface CellInfo {
  source: string;
  count: number | null;
  /** Cell position (0-based) of a position (0-based) in the executed script. */
  map(line: number, column: number): { line: number; column: number } | null;
}

const RED = "\u001b[0;31m";
const GREEN = "\u001b[0;32m";
const CYAN = "\u001b[0;36m";
const BOLD = "\u001b[1m";
const RESET = "\u001b[0m";

/** "Cell In[3]" (or "Cell" for a cell run without a count). */
export function cellLabel(count: number | null): string {
  return count === null ? "Cell" : `Cell In[${count}]`;
}

/** Source lines around `line` (0-based) with a marker, and a caret under `column` when given. */
export function codeFrame(source: string, line: number, column?: number, context = 2): string[] {
  const lines = source.split("\n");
  const from = Math.max(0, line - context);
  const to = Math.min(lines.length - 1, line + context);
  const width = String(to + 1).length;
  const out: string[] = [];
  for (let i = from; i <= to; i++) {
    const num = String(i + 1).padStart(width);
    if (i === line) {
      out.push(`${GREEN}----> ${num}${RESET} ${lines[i]}`);
      if (column !== undefined) out.push(`${" ".repeat(6 + width + 1 + column)}${RED}^${RESET}`);
    } else out.push(`      ${num} ${lines[i]}`);
  }
  return out;
}

/** Type-checking diagnostics of a cell as one error. */
export function diagnosticsError(diags: TsDiagnostic[], source: string, count: number | null): ErrorInfo {
  const groups: TsDiagnostic[][] = [];
  for (const d of diags) {
    const last = groups.at(-1);
    // tslab flattens a message chain into several diagnostics at the same place.
    if (last && last[0]!.start.offset === d.start.offset && last[0]!.fileName === d.fileName && d.code !== last[0]!.code) last.push(d);
    else groups.push([d]);
  }
  const where = (d: TsDiagnostic) => `${d.fileName ?? cellLabel(count)}, line ${d.start.line + 1}, column ${d.start.character + 1}`;
  const message = (g: TsDiagnostic[]) => g.map((d, i) => (i === 0 ? "" : "  ".repeat(i)) + d.messageText).join("\n");
  const first = groups[0]!;
  const more = groups.length > 1 ? ` (and ${groups.length - 1} more)` : "";
  const traceback: string[] = [`${RED}TSError${RESET}: ${groups.length} type error${groups.length === 1 ? "" : "s"}`];
  for (const g of groups) {
    const d = g[0]!;
    traceback.push("", `${CYAN}${where(d)}${RESET}: ${BOLD}TS${d.code}${RESET} ${message(g)}`);
    if (!d.fileName) traceback.push(...codeFrame(source, d.start.line, d.start.character, 1));
  }
  return { ename: "TSError", evalue: `${where(first[0]!)}: ${message(first).split("\n")[0]} (TS${first[0]!.code})${more}`, traceback };
}

interface Frame {
  fn: string;
  file: string;
  line: number;
  column: number;
}

const FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/;

function parseFrames(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const l of stack.split("\n")) {
    const m = FRAME.exec(l);
    if (m) frames.push({ fn: m[1] ?? "", file: filePath(m[2]!), line: +m[3]!, column: +m[4]! });
  }
  return frames;
}

/** ES modules name their frames by URL (`file:///…`); the options compare paths. */
function filePath(file: string): string {
  if (!file.startsWith("file://")) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
}

/** Options for `runtimeError`. */
export interface RuntimeErrorOptions {
  /** Looks up a compiled cell by its script file name. */
  cell(file: string): CellInfo | undefined;
  /** Files of the kernel itself (their frames and everything below them are dropped). */
  isKernelFile(file: string): boolean;
  /** Shortens a file path for display. */
  shortPath(file: string): string;
  /** Files of optlab itself (DSL and engine): a stretch of frames with one of them is collapsed. */
  isLibraryFile?(file: string): boolean;
  /** The file a frame's code came from (frames in the snapshot's bundle name their module, kernel/bundle-frames.ts). */
  frameFile?(file: string, line: number): string;
}

/** A thrown value as an error reply, with frames in cells mapped to cell lines. */
export function runtimeError(e: unknown, o: RuntimeErrorOptions): ErrorInfo {
  if (!(e instanceof Error) && !(typeof e === "object" && e !== null && "stack" in e && "message" in e)) {
    const text = inspect(e, { depth: 2, breakLength: 100 });
    return { ename: "Uncaught", evalue: text, traceback: [`${RED}Uncaught${RESET} ${text}`] };
  }
  const err = e as Error & { code?: unknown };
  const ename = err.name || err.constructor?.name || "Error";
  const evalue = String(err.message ?? "");
  const dsl = ename === "DslError" && typeof err.code === "string";
  const head = dsl ? `${RED}${ename}${RESET} [${err.code}]: ${evalue}` : `${RED}${ename}${RESET}: ${evalue}`;
  const traceback = [head];
  let innermost: { cell: CellInfo; line: number; column: number } | undefined;
  // Frames outside cells, since the last cell frame: shown as they are, or as one line when optlab is among them.
  let outside: Frame[] = [];
  const flush = () => {
    if (outside.length === 0) return;
    if (outside.some((f) => o.isLibraryFile?.(f.file))) traceback.push(`    … ${outside.length} frame${outside.length === 1 ? "" : "s"} inside optlab`);
    else for (const f of outside) traceback.push(`    at ${f.fn ? `${f.fn} (${o.shortPath(f.file)}:${f.line})` : `${o.shortPath(f.file)}:${f.line}`}`);
    outside = [];
  };
  for (const raw of parseFrames(typeof err.stack === "string" ? err.stack : "")) {
    const f = o.frameFile ? { ...raw, file: o.frameFile(raw.file, raw.line) } : raw;
    if (o.isKernelFile(f.file)) break;
    const cell = o.cell(f.file);
    if (cell) {
      const pos = cell.map(f.line - 2, f.column - 1); // the script starts with one wrapper line
      if (!pos) continue; // the wrapper's own call
      flush();
      const at = `${cellLabel(cell.count)}, line ${pos.line + 1}`;
      traceback.push(`    at ${f.fn ? `${f.fn} (${at})` : at}`);
      innermost ??= { cell, line: pos.line, column: pos.column };
    } else if (!dsl && !f.file.startsWith("node:")) {
      outside.push(f);
    }
  }
  flush();
  if (innermost) traceback.push("", ...codeFrame(innermost.cell.source, innermost.line, innermost.column));
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && !dsl) traceback.push("", `Caused by ${cause.name}: ${cause.message}`);
  return { ename, evalue, traceback };
}

/** The error reply of an interrupted cell (IPython's name, which tools such as papermill know). */
export function interruptError(what = "interrupted by the user"): ErrorInfo {
  return { ename: "KeyboardInterrupt", evalue: what, traceback: [`${RED}KeyboardInterrupt${RESET}: ${what}`] };
}
