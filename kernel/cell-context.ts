/**
 * One request's output context: where its stdout/stderr, displays and errors go (iopub messages
 * with the request as parent), its interrupt signal, and the promise of its pending displays.
 *
 * Every async continuation a cell starts carries its context (AsyncLocalStorage), so output from
 * work a cell left running (a timer, an unawaited promise) goes to that cell's output, never to
 * the cell that runs next. Once a cell was interrupted and answered, its context is closed: what
 * its leftover work prints or displays is dropped (the front end has moved on; the interrupt
 * asked for that work to stop, and DSL work stops through the cell's AbortSignal).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Message } from "./wire.js";

/** Publishes one iopub message for a context (the kernel signs and sends it). */
export type Publish = (msgType: string, content: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Buffer[]) => void;

/** The error that interrupts awaited work. */
export class InterruptError extends Error {
  override name = "InterruptError";
  /** Where the interrupt ended code that blocked the kernel (a stack), or "". */
  where: string;
  constructor(where = "") {
    super("interrupted by the user");
    this.where = where;
  }
}

/** Stream text of one stream. */
type Segment = { name: "stdout" | "stderr"; text: string };

const FLUSH_MS = 50;
const FLUSH_BYTES = 64 * 1024;

export class CellContext {
  readonly controller = new AbortController();
  /** Rejects with an `InterruptError` when the user interrupts this cell. */
  readonly abort: Promise<never>;
  private rejectAbort!: (e: Error) => void;
  private segments: Segment[] = [];
  private pendingBytes = 0;
  private firstPendingAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private pendingDisplays = 0;
  /** Stream text written while displays were pending, in the last queued task (appended to until a display queues after it). */
  private queuedStream: Segment[] | null = null;
  /** Set when the user interrupted this cell. */
  interrupted = false;
  /** The execution count of an `execute_request` (null when not counted or not a cell). */
  count: number | null = null;
  /** Set by `close()`: outputs are dropped from then on. */
  closed = false;
  /** Outputs dropped after `close()`. */
  dropped = 0;

  constructor(
    readonly parent: Message | null,
    private readonly publishRaw: Publish,
    /** `ids`: the request's routing ids (the client's stdin socket has the same identity as its shell socket). */
    readonly options: { silent?: boolean; allowStdin?: boolean; ids?: Buffer[] } = {},
  ) {
    this.abort = new Promise<never>((_, reject) => (this.rejectAbort = reject));
    this.abort.catch(() => {});
  }

  /** Whether displays are waiting for an async bundle (later outputs queue behind them). */
  get busy(): boolean {
    return this.pendingDisplays > 0;
  }

  /**
   * Buffers stream text; sends it within 50 ms (also from inside a busy loop) or before any other
   * output. While a display waits for its async bundle, the text queues behind it, so that
   * `display(chart); console.log("after")` shows the chart first.
   */
  write(name: "stdout" | "stderr", text: string): void {
    if (this.options.silent || text === "") return;
    if (this.closed) {
      this.dropped++;
      return;
    }
    if (this.busy) {
      if (!this.queuedStream) {
        const segs: Segment[] = [];
        this.enqueue(async () => {
          if (this.queuedStream === segs) this.queuedStream = null;
          for (const s of segs) this.append(s.name, s.text);
        });
        this.queuedStream = segs;
      }
      this.queuedStream.push({ name, text });
      return;
    }
    this.append(name, text);
  }

  private append(name: "stdout" | "stderr", text: string): void {
    const last = this.segments.at(-1);
    if (last && last.name === name) last.text += text;
    else this.segments.push({ name, text });
    const now = performance.now();
    if (this.pendingBytes === 0) this.firstPendingAt = now;
    this.pendingBytes += text.length;
    if (this.pendingBytes >= FLUSH_BYTES || now - this.firstPendingAt >= FLUSH_MS) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends buffered stream text now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const segs = this.segments;
    if (segs.length === 0) return;
    this.segments = [];
    this.pendingBytes = 0;
    for (const s of segs) this.publishRaw("stream", { name: s.name, text: s.text });
  }

  /** Sends an output message (after any buffered stream text). Silent requests send nothing. */
  publish(msgType: string, content: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Buffer[]): void {
    if (!this.options.silent) this.publishAlways(msgType, content, metadata, buffers);
  }

  /** Sends a message even for silent requests (status, comm traffic). */
  publishAlways(msgType: string, content: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Buffer[]): void {
    if (this.closed && msgType !== "status") {
      this.dropped++;
      return;
    }
    this.flush();
    this.publishRaw(msgType, content, metadata, buffers);
  }

  /** Runs `task` after the displays already queued (keeps outputs in order when a bundle is async). */
  enqueue(task: () => Promise<void>): void {
    this.queuedStream = null;
    this.pendingDisplays++;
    this.chain = this.chain.then(task).catch((e: unknown) => this.append("stderr", `display failed: ${e instanceof Error ? e.message : String(e)}\n`)).finally(() => this.pendingDisplays--);
  }

  /** Resolves when queued displays (and what queued behind them meanwhile) are sent, or the cell is interrupted, and streams are flushed. */
  async settle(): Promise<void> {
    let chain: Promise<void>;
    do {
      chain = this.chain;
      await Promise.race([chain, this.abort]).catch(() => {});
    } while (chain !== this.chain && !this.interrupted);
    this.flush();
  }

  /** Closes the context (after an interrupted cell was answered): later outputs are dropped. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Interrupts: aborts the signal and rejects `abort`. */
  interrupt(where = ""): void {
    if (this.interrupted) return;
    this.interrupted = true;
    const e = new InterruptError(where);
    this.controller.abort(e);
    this.rejectAbort(e);
  }
}

/** The context of the code running now (through async continuations). */
export const cellStore = new AsyncLocalStorage<CellContext>();
