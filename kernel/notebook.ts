/**
 * Notebook files (nbformat 4): the types we read and write, and conversions between kernel
 * output messages and stored outputs.
 *
 * Reference: https://nbformat.readthedocs.io/en/latest/format_description.html
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

/** Text as stored: one string or a list of lines (each keeping its "\n"). */
export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayOutput {
  output_type: "display_data";
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayOutput | ResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown> & { tags?: string[] };
  outputs: Output[];
  execution_count: number | null;
}
export interface TextCell {
  cell_type: "markdown" | "raw";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  attachments?: Record<string, Record<string, string>>;
}
export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** A stored string as one string. */
export function joinText(t: MultilineString | undefined): string {
  return Array.isArray(t) ? t.join("") : (t ?? "");
}

/** A string as stored lines (Jupyter's own layout). */
export function splitLines(s: string): string[] {
  const lines = s.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === "" ? [] : lines;
}

/** Reads and checks a notebook file. */
export function readNotebook(path: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(readFileSync(path, "utf8")) as Notebook;
  } catch (e) {
    throw new Error(`${path}: not a notebook (${(e as Error).message})`);
  }
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) throw new Error(`${path}: only nbformat 4 notebooks can be run (found nbformat ${String(nb.nbformat)})`);
  for (const c of nb.cells) {
    c.metadata ??= {};
    if (c.cell_type === "code") {
      c.outputs ??= [];
      c.execution_count ??= null;
    }
  }
  return nb;
}

/** Writes a notebook the way Jupyter does (1-space indent, sorted keys are not required). */
export function writeNotebook(path: string, nb: Notebook): void {
  if (nb.nbformat_minor >= 5) for (const c of nb.cells) c.id ??= randomBytes(4).toString("hex");
  writeFileSync(path, JSON.stringify(nb, null, 1) + "\n");
}

/** MIME data as stored: text types as lines, JSON types as objects. */
export function storedData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, v] of Object.entries(data)) {
    const json = mime === "application/json" || mime.endsWith("+json");
    out[mime] = !json && typeof v === "string" && (mime.startsWith("text/") || mime === "image/svg+xml") ? splitLines(v) : v;
  }
  return out;
}

/**
 * Collects a cell's outputs from kernel messages: streams merge, `clear_output` (also with
 * `wait`), and `update_display_data` rewrites every earlier output with that display id (in any
 * cell of the notebook, hence the shared `displays` map).
 */
export class OutputCollector {
  readonly outputs: Output[] = [];
  private clearPending = false;

  constructor(private readonly displays: Map<string, (DisplayOutput | ResultOutput)[]>) {}

  add(msgType: string, content: Record<string, unknown>): void {
    if (msgType === "clear_output") {
      if (content.wait === true) this.clearPending = true;
      else this.outputs.length = 0;
      return;
    }
    if (msgType === "update_display_data") {
      const id = (content.transient as { display_id?: string } | undefined)?.display_id;
      for (const o of (id && this.displays.get(id)) || []) {
        o.data = storedData(content.data as Record<string, unknown>);
        o.metadata = (content.metadata as Record<string, unknown>) ?? {};
      }
      return;
    }
    const out = toOutput(msgType, content);
    if (!out) return;
    if (this.clearPending) {
      this.outputs.length = 0;
      this.clearPending = false;
    }
    const last = this.outputs.at(-1);
    if (out.output_type === "stream" && last?.output_type === "stream" && last.name === out.name) {
      last.text = joinText(last.text) + joinText(out.text);
      return;
    }
    this.outputs.push(out);
    const id = (content.transient as { display_id?: string } | undefined)?.display_id;
    if (id && (out.output_type === "display_data" || out.output_type === "execute_result")) {
      const list = this.displays.get(id) ?? [];
      list.push(out);
      this.displays.set(id, list);
    }
  }

  /** The outputs as stored (stream text split in lines). */
  stored(): Output[] {
    return this.outputs.map((o) => (o.output_type === "stream" ? { ...o, text: splitLines(joinText(o.text)) } : o));
  }
}

function toOutput(msgType: string, c: Record<string, unknown>): Output | null {
  switch (msgType) {
    case "stream":
      return { output_type: "stream", name: c.name === "stderr" ? "stderr" : "stdout", text: String(c.text ?? "") };
    case "display_data":
      return { output_type: "display_data", data: storedData(c.data as Record<string, unknown>), metadata: (c.metadata as Record<string, unknown>) ?? {} };
    case "execute_result":
      return { output_type: "execute_result", execution_count: (c.execution_count as number) ?? null, data: storedData(c.data as Record<string, unknown>), metadata: (c.metadata as Record<string, unknown>) ?? {} };
    case "error":
      return { output_type: "error", ename: String(c.ename ?? ""), evalue: String(c.evalue ?? ""), traceback: (c.traceback as string[]) ?? [] };
    default:
      return null;
  }
}
