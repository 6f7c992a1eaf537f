/**
 * `optlab run`: executes notebooks in this process — the same kernel code as under Jupyter,
 * over an in-memory transport — and writes the executed notebooks and offline HTML pages.
 *
 * Each notebook gets a fresh kernel (fresh cell state, its directory as the working directory);
 * notebooks in the same directory share one TypeScript compiler, which is the slow part to
 * start. A cell error stops that notebook (later cells are not run) unless `allowErrors` is set
 * or the cell is tagged `raises-exception`, as with `jupyter nbconvert --execute`.
 *
 * Where the executed notebook goes (`executedPath`): over its input with `inplace`, else into
 * `out`, else next to the HTML (`html`); with none of them it is not written (the run still
 * checks that every cell runs). The input is never overwritten without `inplace`; the CLI
 * refuses an `--out` or `--html` directory that would.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, Worker } from "node:worker_threads";
import { notebookClaim, notebookTitle, renderGalleryIndex, type GalleryEntry } from "./gallery-index.js";
import { kernelInfoContent } from "./handlers/kernel-info.js";
import { Kernel } from "./kernel.js";
import { joinText, OutputCollector, readNotebook, writeNotebook, type CodeCell, type DisplayOutput, type Notebook, type ResultOutput } from "./notebook.js";
import { renderNotebookHtml } from "./render-html.js";
import { MemoryTransport } from "./transport.js";
import type { Converter } from "./ts-host.js";
import { decode, encode, newHeader, Signer, type Message } from "./wire.js";

export interface RunOptions {
  /** Write an HTML page per notebook into this directory. */
  html?: string;
  /** Write the executed notebooks here (default: the HTML directory). */
  out?: string;
  /** Write the executed notebook over its input (`out` is then ignored; the HTML still goes to `html`). */
  inplace?: boolean;
  /** Keep running after a cell error; the notebook still counts as run (`ok`), its errors are listed. */
  allowErrors?: boolean;
  /** Interrupt a cell after this long. */
  timeoutMs?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /**
   * Write `index.html` into the `html` directory, linking every page with its title and one-line
   * claim (./gallery-index.ts). Default: when an argument is a directory (`optlab run notebooks
   * --html build/html`, which `npm start` runs). Never over the page of a notebook named `index`.
   */
  index?: boolean;
}

/** One notebook's run. */
export interface NotebookResult {
  path: string;
  /** No cell raised, or only cells tagged `raises-exception`, or `allowErrors` was set. */
  ok: boolean;
  /** Where the executed notebook was written (absent: not written, see `executedPath`). */
  ipynb?: string;
  html?: string;
  /** Code cells run. */
  cells: number;
  /** Of `cells`: the code cells of the notebook. */
  codeCells: number;
  /**
   * Cells that raised: `cell` is the index in the notebook's `cells` (markdown included, from 0);
   * `expected` for a cell tagged `raises-exception`. A notebook that could not be read has one
   * error with `cell` -1.
   */
  errors: { cell: number; ename: string; evalue: string; expected: boolean }[];
  seconds: number;
}

/** Expands directories to the notebooks in them (sorted); throws a one-line error for a path that does not exist. */
export function notebookPaths(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const p = resolve(a);
    if (!existsSync(p)) throw new Error(`${a}: no such file or directory`);
    if (statSync(p).isDirectory()) out.push(...readdirSync(p).filter((f) => f.endsWith(".ipynb") && !f.startsWith(".")).sort().map((f) => join(p, f)));
    else out.push(p);
  }
  return out;
}

/** Where the executed copy of `path` goes under `o` (see the module comment); undefined: not written. */
export function executedPath(path: string, o: Pick<RunOptions, "out" | "html" | "inplace">): string | undefined {
  if (o.inplace) return resolve(path);
  const dir = o.out ?? o.html;
  return dir !== undefined ? join(resolve(dir), basename(path)) : undefined;
}

/** The line `optlab run` prints for a notebook. */
export function summaryLine(r: NotebookResult): string {
  const name = basename(r.path);
  const where = [r.ipynb ?? "executed notebook not saved (--out DIR, --html DIR or --inplace saves it)", ...(r.html ? [r.html] : [])].join(", ");
  const unread = r.errors.find((e) => e.cell < 0);
  if (unread) return `${name}: FAILED, ${unread.evalue}`;
  const raised = r.errors.filter((e) => !e.expected);
  const list = raised.map((e) => `cell ${e.cell + 1}: ${e.ename}: ${firstLine(e.evalue)}`).join("; ");
  const plural = (n: number) => `${n} cell${n === 1 ? "" : "s"}`;
  const cells = r.cells === r.codeCells ? plural(r.cells) : `${r.cells} of ${plural(r.codeCells)}`;
  const status = raised.length === 0 ? "ok" : r.ok ? `ERRORS allowed by --allow-errors, ${plural(raised.length)} raised (${list})` : `FAILED (${list})`;
  return `${name}: ${cells} in ${r.seconds.toFixed(1)} s, ${status} → ${where}`;
}

function firstLine(s: string): string {
  const line = s.split("\n", 1)[0]!;
  return line.length > 200 ? line.slice(0, 200) + "…" : line;
}

/** Runs notebooks one after the other. */
export async function runNotebooks(args: string[], o: RunOptions = {}): Promise<{ ok: boolean; results: NotebookResult[] }> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + "\n"));
  const results: NotebookResult[] = [];
  const converters = new Map<string, Converter>();
  for (const path of notebookPaths(args)) {
    let r: NotebookResult;
    try {
      r = await runNotebook(path, o, converters);
    } catch (e) {
      // A file that is not a notebook fails that notebook, not the whole run.
      if (!(e instanceof NotebookReadError)) throw e;
      const evalue = e.message.startsWith(path + ": ") ? e.message.slice(path.length + 2) : e.message;
      r = { path, ok: false, cells: 0, codeCells: 0, errors: [{ cell: -1, ename: "NotebookReadError", evalue, expected: false }], seconds: 0 };
    }
    results.push(r);
    log(summaryLine(r));
  }
  for (const c of converters.values()) c.close();
  const index = o.index ?? args.some((a) => existsSync(a) && statSync(a).isDirectory());
  if (o.html && index) {
    const written = writeIndex(resolve(o.html), results);
    log(written ? `index of ${results.filter((r) => r.html).length} pages → ${written}` : `no index.html: a notebook's own page is ${join(resolve(o.html), "index.html")}`);
  }
  return { ok: results.every((r) => r.ok), results };
}

/**
 * Writes `DIR/index.html` linking the pages of `results` that were written (see
 * ./gallery-index.ts); returns its path, or undefined when a notebook's own page has that name.
 */
export function writeIndex(dir: string, results: readonly NotebookResult[]): string | undefined {
  const target = join(dir, "index.html");
  const pages = results.filter((r) => r.html !== undefined);
  if (pages.some((r) => resolve(r.html!) === target)) return undefined;
  const entries: GalleryEntry[] = pages.map((r) => {
    let nb: Notebook | undefined;
    try {
      nb = readNotebook(r.path);
    } catch {
      nb = undefined;
    }
    const { claim, fromMetadata } = nb ? notebookClaim(nb) : { claim: "", fromMetadata: false };
    const name = basename(r.path, extname(r.path));
    return { href: relative(dir, r.html!).split(sep).join("/"), notebook: basename(r.path), title: (nb && notebookTitle(nb)) ?? name, claim, claimFromMetadata: fromMetadata, ok: r.ok };
  });
  mkdirSync(dir, { recursive: true });
  writeFileSync(target, renderGalleryIndex(entries));
  return target;
}

/** Runs one notebook and writes the results. */
export async function runNotebook(path: string, o: RunOptions = {}, converters?: Map<string, Converter>): Promise<NotebookResult> {
  const started = performance.now();
  let nb: Notebook;
  try {
    nb = readNotebook(path);
  } catch (e) {
    throw new NotebookReadError((e as Error).message);
  }
  const dir = dirname(path);
  const cwd = process.cwd();
  const transport = new MemoryTransport();
  const kernel = new Kernel({ transport, key: "", mode: "runner", guardProcess: true, warmDelayMs: 0, rootDir: dir, ...(converters ? { converters } : {}) });
  const client = new InProcessClient(transport, kernel.signer);
  const onSigint = () => kernel.interrupt();
  process.on("SIGINT", onSigint);
  const errors: NotebookResult["errors"] = [];
  const displays = new Map<string, (DisplayOutput | ResultOutput)[]>();
  let cellsRun = 0;
  try {
    process.chdir(dir);
    await kernel.start();
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const ok = await runCell(client, cell, displays, o.timeoutMs ? () => startWatchdog(o.timeoutMs!, kernel, transport) : null);
      cellsRun++;
      if (!ok.ok) {
        const expected = cell.metadata.tags?.includes("raises-exception") === true;
        errors.push({ cell: i, ename: ok.ename, evalue: ok.evalue, expected });
        if (!o.allowErrors && !expected) break;
      }
    }
  } finally {
    process.off("SIGINT", onSigint);
    await kernel.close();
    process.chdir(cwd);
  }
  const failed = errors.some((e) => !e.expected);
  finishMetadata(nb);
  const ipynb = executedPath(path, o);
  if (ipynb) {
    mkdirSync(dirname(ipynb), { recursive: true });
    writeNotebook(ipynb, nb);
  }
  let html: string | undefined;
  if (o.html) {
    html = join(resolve(o.html), basename(path, extname(path)) + ".html");
    mkdirSync(dirname(html), { recursive: true });
    writeFileSync(html, renderNotebookHtml(nb, { title: basename(path, extname(path)) }));
  }
  const codeCells = nb.cells.filter((c) => c.cell_type === "code").length;
  return { path, ok: !failed || o.allowErrors === true, ...(ipynb ? { ipynb } : {}), ...(html ? { html } : {}), cells: cellsRun, codeCells, errors, seconds: (performance.now() - started) / 1000 };
}

async function runCell(client: InProcessClient, cell: CodeCell, displays: Map<string, (DisplayOutput | ResultOutput)[]>, watch: (() => Watchdog) | null): Promise<{ ok: true } | { ok: false; ename: string; evalue: string }> {
  const collector = new OutputCollector(displays);
  const watchdog = watch ? watch() : null;
  try {
    const reply = await client.execute(joinText(cell.source), (m) => collector.add(m.header.msg_type, m.content));
    cell.outputs = collector.stored();
    cell.execution_count = typeof reply.content.execution_count === "number" ? reply.content.execution_count : null;
    if (reply.content.status === "ok") return { ok: true };
    return { ok: false, ename: String(reply.content.ename ?? "Error"), evalue: String(reply.content.evalue ?? "") };
  } finally {
    watchdog?.stop();
  }
}

/** The timer of `--timeout` for one cell. */
interface Watchdog {
  stop(): void;
}

/**
 * A timer that does not need this thread (timeout-worker.ts): when it fires, the cell is
 * interrupted as under Jupyter, and code that blocks this thread (a synchronous loop) is ended.
 */
function startWatchdog(ms: number, kernel: Kernel, transport: MemoryTransport): Watchdog {
  const { port1, port2 } = new MessageChannel();
  const here = new URL("./timeout-worker.js", import.meta.url);
  // run from the TypeScript sources (tests), the worker is the built one
  const file = existsSync(here) ? here : join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "kernel", "timeout-worker.js");
  const w = new Worker(file, { workerData: { state: kernel.interrupts.state, ms: Math.round(ms), port: port2 }, transferList: [port2] });
  port1.on("message", (m: { type: string; seq?: number; cell?: number; message?: string }) => {
    if (m.type === "interrupt") transport.interrupt(m.seq!, m.cell!);
    else if (m.type === "error") process.stderr.write(`optlab run: ${m.message}\n`);
  });
  w.unref();
  port1.unref();
  return {
    stop() {
      w.postMessage({ type: "close" });
      port1.close();
    },
  };
}

/** A notebook file that cannot be read or is not nbformat 4 (a one-line message naming the file). */
export class NotebookReadError extends Error {
  override name = "NotebookReadError";
}

function finishMetadata(nb: Notebook): void {
  const info = kernelInfoContent();
  nb.metadata.kernelspec = { name: "optlab", display_name: "TypeScript (optlab)", language: "typescript" };
  nb.metadata.language_info = info.language_info;
}

/** Plays the client over a `MemoryTransport`. */
class InProcessClient {
  private readonly session = randomUUID();
  private readonly listeners = new Map<string, (m: Message) => void>();

  constructor(private readonly transport: MemoryTransport, private readonly signer: Signer) {
    transport.onSend(({ frames }) => {
      const m = decode(frames, this.signer).msg;
      const parent = (m.parent_header as { msg_id?: string }).msg_id;
      if (parent) this.listeners.get(parent)?.(m);
    });
  }

  /** Executes code; `onOutput` sees its iopub messages; resolves with the reply after the idle status. */
  execute(code: string, onOutput: (m: Message) => void): Promise<Message> {
    const msg: Message = {
      header: newHeader("execute_request", this.session),
      parent_header: {},
      metadata: {},
      content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      buffers: [],
    };
    return new Promise((resolvePromise) => {
      let reply: Message | null = null;
      let idle = false;
      const done = () => {
        if (reply && idle) {
          this.listeners.delete(msg.header.msg_id);
          resolvePromise(reply);
        }
      };
      this.listeners.set(msg.header.msg_id, (m) => {
        const t = m.header.msg_type;
        if (t === "execute_reply") reply = m;
        else if (t === "status") {
          if (m.content.execution_state === "idle") idle = true;
        } else if (t !== "execute_input") onOutput(m);
        done();
      });
      this.transport.deliver("shell", encode(msg, [], this.signer));
    });
  }
}
