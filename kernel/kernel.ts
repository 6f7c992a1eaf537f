/**
 * The kernel: receives requests from a `Transport`, runs them one at a time on the shell
 * channel (control requests at once), and publishes status, outputs and replies.
 *
 * Each request gets busy → outputs → reply → idle on iopub, with the request as parent; a cell's
 * outputs are all sent before its idle. After an error with `stop_on_error`, execute requests
 * that were already waiting are answered "aborted" (as the IPython kernel does).
 *
 * The TypeScript compiler is heavy (about a second to start): the kernel answers `kernel_info`
 * at once and warms the compiler right after, so the first cell waits only for what is left.
 */
import { randomUUID } from "node:crypto";
import { captureStreams, type RealStreams } from "./capture.js";
import { cellStore, CellContext } from "./cell-context.js";
import type { CommManager, DisplayFunction } from "./cell-api.js";
import { Comms } from "./comms.js";
import { createDisplay } from "./display.js";
import { Executor } from "./executor.js";
import { HANDLERS, type Request } from "./handlers/index.js";
import { History } from "./history.js";
import { createHooks, KERNEL_HOOKS } from "./hooks.js";
import { packageRoot } from "./package-root.js";
import { loadPrelude, type Prelude } from "./prelude.js";
import { errorText, guardExit, guardProcess, type GuardedEvent, type ProcessGuard } from "./process-guards.js";
import { cellLabel } from "./traceback.js";
import type { Transport } from "./transport.js";
import { loadTsHost, type Converter, type TsHost } from "./ts-host.js";
import { decode, encode, reply, Signer, WireError, type Envelope, type Message } from "./wire.js";

export interface KernelOptions {
  transport: Transport;
  /** The connection's key and signature scheme. */
  key: string;
  signatureScheme?: string;
  /** "kernel" under Jupyter, "runner" in `optlab run`. */
  mode?: "kernel" | "runner";
  /** Called after a shutdown request was answered and everything is closed. */
  onShutdown?: (restart: boolean) => void;
  /** Milliseconds to wait for a first `kernel_info_request` before warming the compiler (default 250). */
  warmDelayMs?: number;
  /** The directory cells resolve relative paths against (default: the process's). */
  rootDir?: string;
  /** Compilers by directory, shared between kernels of one process (the runner's notebooks). */
  converters?: Map<string, Converter>;
  /**
   * Own the process's `uncaughtException` / `unhandledRejection` listeners while the kernel runs
   * (process-guards.ts): errors nobody caught are shown on a cell instead of ending the process.
   * On in `optlab kernel` and `optlab run`; off by default (tests, embedding).
   */
  guardProcess?: boolean;
}

type QueueItem = { kind: "request"; env: Envelope } | { kind: "stop-aborting" };

const SEEN_SIGNATURES = 16384;

export class Kernel {
  readonly session = randomUUID();
  readonly signer: Signer;
  readonly history = new History();
  readonly comms: Comms;
  readonly display: DisplayFunction;
  readonly hooks: ReturnType<typeof createHooks>;
  /** The execution counter (the count of the last counted cell). */
  executionCount = 0;
  /** While true, waiting execute requests are aborted. */
  aborting = false;
  /** Why the DSL could not be loaded (reported once, in the first cell). */
  preludeWarning: string | null = null;
  private readonly queue: QueueItem[] = [];
  private processing = false;
  /** Signatures of the latest requests, oldest first (a Set keeps insertion order). */
  private readonly seen = new Set<string>();
  /** iopub topic frames by message type (the same few types over and over). */
  private readonly topics = new Map<string, Buffer>();
  private current: CellContext | null = null;
  private running: CellContext | null = null;
  private capture: { real: RealStreams; restore(): void } | null = null;
  private executorPromise: Promise<Executor> | null = null;
  private executorValue: Executor | null = null;
  private warmTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private guard: ProcessGuard | null = null;
  private releaseExit: (() => void) | null = null;
  /** Background errors that arrived while no cell ran: shown on the next cell's stderr. */
  private pendingErrors: string[] = [];

  constructor(readonly options: KernelOptions) {
    this.signer = new Signer(options.key, options.signatureScheme ?? "hmac-sha256");
    const current = () => this.currentOrNull();
    this.comms = new Comms((type, content, metadata, buffers) => this.currentOrNull()?.publishAlways(type, content, metadata, buffers), (m) => this.log(m));
    this.display = createDisplay(current, (t) => this.real.stdout(t));
    this.hooks = createHooks(options.mode ?? "kernel", current);
  }

  /** The real stdout/stderr (the kernel's own log lines must not end up in a cell). */
  get real(): RealStreams {
    return this.capture?.real ?? { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };
  }

  /** Logs a line to the real stderr. */
  log(message: string): void {
    this.real.stderr(`${message}\n`);
  }

  private currentOrNull(): CellContext | null {
    return cellStore.getStore() ?? this.current;
  }

  /** Binds the transport, captures output, registers the hooks; warms the compiler soon after. */
  async start(): Promise<void> {
    this.capture = captureStreams(() => this.currentOrNull());
    if (this.options.guardProcess) {
      this.guard = guardProcess((event, e) => this.backgroundError(event, e));
      this.releaseExit = guardExit(() => cellStore.getStore() !== undefined);
    }
    (globalThis as Record<symbol, unknown>)[KERNEL_HOOKS] = this.hooks;
    await this.options.transport.start({
      shell: (frames) => this.receive(frames, "shell"),
      control: (frames) => this.receive(frames, "control"),
    });
    this.publish(null, "status", { execution_state: "starting" });
    this.scheduleWarm(this.options.warmDelayMs ?? 250);
  }

  private scheduleWarm(delayMs: number): void {
    this.warmTimer = setTimeout(() => void this.executor().catch(() => {}), delayMs);
  }

  /** The executor, created (once) on first use. */
  executor(): Promise<Executor> {
    if (this.warmTimer) {
      clearTimeout(this.warmTimer);
      this.warmTimer = null;
    }
    this.executorPromise ??= this.boot().then((e) => (this.executorValue = e));
    return this.executorPromise;
  }

  /** Schedules the compiler warm-up now (after a first `kernel_info_reply`). */
  warmSoon(): void {
    if (this.warmTimer) {
      clearTimeout(this.warmTimer);
      this.scheduleWarm(0);
    }
  }

  /** TypeScript (for `is_complete`, which needs no compiler). */
  tsHost(): TsHost {
    return loadTsHost(packageRoot());
  }

  private async boot(): Promise<Executor> {
    const tick = () => new Promise<void>((r) => setImmediate(r));
    await tick();
    const host = this.tsHost();
    host.setTslabDisplay((content, update) => {
      const ctx = this.currentOrNull();
      const id = content.transient?.display_id;
      if (ctx) ctx.publish(update ? "update_display_data" : "display_data", { data: content.data, metadata: content.metadata ?? {}, transient: id ? { display_id: id } : {} });
    });
    await tick();
    const prelude: Prelude = await loadPrelude(packageRoot(), host.ts, this.kernelApi());
    if (prelude.loadError) this.preludeWarning = `optlab: the DSL did not load, so its names are missing from this session: ${prelude.loadError}\n`;
    await tick();
    const rootDir = this.options.rootDir ?? process.cwd();
    const shared = this.options.converters;
    let converter = shared?.get(rootDir);
    if (!converter) {
      converter = host.createConverter();
      shared?.set(rootDir, converter);
    }
    const ex = new Executor({ host, prelude, packageRoot: packageRoot(), rootDir, ...(shared ? { converter } : { converter, ownsConverter: true }) });
    await tick();
    ex.warm();
    // Completions are needed later than the first cell: load them when the kernel is idle.
    setTimeout(() => {
      if (!this.closed && !this.running) ex.warmCompletions();
    }, 1500).unref();
    return ex;
  }

  /** The kernel's names in cells. */
  private kernelApi(): { display: DisplayFunction; prompt: (m?: string, d?: string) => string | null; comms: CommManager } {
    return { display: this.display, prompt: (m, d) => this.prompt(m, d), comms: this.comms };
  }

  private receive(frames: Buffer[], channel: "shell" | "control"): void {
    let env: Envelope & { signature: string };
    try {
      env = decode(frames, this.signer);
    } catch (e) {
      this.log(`optlab kernel: dropped a message on ${channel}: ${e instanceof WireError ? e.message : String(e)}`);
      return;
    }
    if (this.signer.enabled && !this.fresh(env.signature)) {
      this.log(`optlab kernel: dropped a replayed message on ${channel} (duplicate signature)`);
      return;
    }
    if (channel === "control") {
      void this.handle(env, "control");
      return;
    }
    this.queue.push({ kind: "request", env });
    if (!this.processing) void this.drain();
  }

  private fresh(signature: string): boolean {
    if (this.seen.has(signature)) return false;
    this.seen.add(signature);
    if (this.seen.size > SEEN_SIGNATURES) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  private async drain(): Promise<void> {
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const item = this.queue.shift()!;
        if (item.kind === "stop-aborting") this.aborting = false;
        else await this.handle(item.env, "shell");
      }
    } finally {
      this.processing = false;
    }
  }

  /** After an error: abort the execute requests that already arrived. */
  abortQueued(): void {
    this.aborting = true;
    void this.options.transport.settle("shell").then(() => {
      this.queue.push({ kind: "stop-aborting" });
      if (!this.processing) void this.drain();
    });
  }

  private async handle(env: Envelope, channel: "shell" | "control"): Promise<void> {
    const msg = env.msg;
    const type = msg.header.msg_type;
    const ctx = new CellContext(msg, (t, c, m, b) => this.publish(msg, t, c, m, b), {
      allowStdin: msg.content.allow_stdin === true,
      ids: env.ids,
      silent: type === "execute_request" && msg.content.silent === true,
    });
    const r: Request = { env, channel, ctx };
    this.publish(msg, "status", { execution_state: "busy" });
    try {
      if (this.aborting && type === "execute_request" && channel === "shell") {
        this.reply(r, "execute_reply", { status: "aborted" }, { status: "aborted" });
        return;
      }
      const handler = HANDLERS[type];
      if (!handler) {
        this.log(`optlab kernel: unknown message type ${JSON.stringify(type)} on ${channel}`);
        return;
      }
      await handler(this, r);
    } catch (e) {
      this.log(`optlab kernel: ${type} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      ctx.flush();
      this.publish(msg, "status", { execution_state: "idle" });
    }
  }

  /**
   * Before a cell runs: the process guards are put back in charge (a library may have added
   * listeners that rethrow, as tfjs-backend-wasm's emscripten runtime does), and errors that
   * arrived while no cell ran are shown on this cell's stderr.
   */
  beforeCell(ctx: CellContext): void {
    this.guard?.reassert();
    if (this.pendingErrors.length === 0 || ctx.options.silent) return;
    for (const text of this.pendingErrors.splice(0)) ctx.write("stderr", text);
  }

  /**
   * An uncaught exception or unhandled rejection (process-guards.ts calls this). IPython-like: it
   * shows as stderr text with a traceback in cell coordinates — on the cell whose work threw while
   * that cell runs; once that cell has finished (its idle is sent, so front ends no longer show
   * its outputs), on the cell running now, else on the next cell to run (and in the kernel's log).
   */
  backgroundError(event: GuardedEvent, e: unknown): void {
    const origin = cellStore.getStore() ?? null;
    const running = this.running && !this.running.options.silent ? this.running : null;
    const what = event === "unhandledRejection" ? "Unhandled promise rejection" : "Uncaught exception";
    const from = origin && origin !== running && origin.count !== null ? ` (in work started by ${cellLabel(origin.count)})` : "";
    const text = `${what}${from}:\n${this.errorLines(e).join("\n")}\n`;
    if (running) {
      running.write("stderr", text);
      return;
    }
    this.pendingErrors.push(text);
    if (this.pendingErrors.length > 20) this.pendingErrors.splice(0, this.pendingErrors.length - 20);
    this.log(`optlab kernel: ${what}${from} while no cell ran (shown in the next cell): ${errorText(e)}`);
  }

  /** A thrown value as traceback lines in cell coordinates (its stack when the compiler is not up). */
  private errorLines(e: unknown): string[] {
    const outcome = this.executorValue?.failure(e);
    if (outcome && outcome.status === "error") return outcome.traceback;
    return errorText(e).split("\n");
  }

  /** Runs `fn` with `ctx` as the running cell (interrupts and output fallback go to it). */
  async withRunning<T>(ctx: CellContext, fn: () => Promise<T>): Promise<T> {
    this.current = ctx;
    this.running = ctx;
    try {
      return await fn();
    } finally {
      this.running = null;
    }
  }

  /** The executor if it is ready (without waiting). */
  get readyExecutor(): Executor | null {
    return this.executorValue;
  }

  /** SIGINT / `interrupt_request`: interrupts the running cell (awaited work and input waits). */
  interrupt(): void {
    this.options.transport.cancelInput();
    this.running?.interrupt();
  }

  /** Sends a reply on the request's channel. */
  reply(r: Request, msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): void {
    this.options.transport.send(r.channel, encode(reply(r.env.msg, msgType, content, this.session, metadata), r.env.ids, this.signer));
  }

  /** Publishes on iopub. */
  publish(parent: Message | null, msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): void {
    const m = reply(parent, msgType, content, this.session, metadata);
    m.buffers = buffers;
    let topic = this.topics.get(msgType);
    if (!topic) this.topics.set(msgType, (topic = Buffer.from(`kernel.${this.session}.${msgType}`)));
    this.options.transport.send("iopub", encode(m, [topic], this.signer));
  }

  /** `prompt()` in cells: an input request on stdin, waiting for the answer. */
  prompt(message?: string, defaultValue?: string): string | null {
    const ctx = this.currentOrNull();
    if (!ctx || !ctx.options.allowStdin || !ctx.parent) throw new Error("prompt: this front end does not answer input requests (allow_stdin is false)");
    ctx.flush();
    const parent = ctx.parent;
    const request = encode(reply(parent, "input_request", { prompt: message ?? "", password: false }, this.session), ctx.options.ids ?? [], this.signer);
    const answer = decode(this.options.transport.requestInput(request), this.signer);
    const value = answer.msg.content.value;
    const text = typeof value === "string" ? value : "";
    return text === "" && defaultValue !== undefined ? defaultValue : text;
  }

  /** Closes the transport and restores the process's streams. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.warmTimer) clearTimeout(this.warmTimer);
    this.guard?.release();
    this.guard = null;
    this.releaseExit?.();
    this.releaseExit = null;
    this.pendingErrors = [];
    this.executorValue?.close();
    await this.options.transport.close();
    this.capture?.restore();
    this.capture = null;
    if ((globalThis as Record<symbol, unknown>)[KERNEL_HOOKS] === this.hooks) delete (globalThis as Record<symbol, unknown>)[KERNEL_HOOKS];
  }
}
