/**
 * The kernel: receives requests from a `Transport`, runs them one at a time on the shell
 * channel (control requests at once), and publishes status, outputs and replies.
 *
 * Each request gets busy → outputs → reply → idle on iopub, with the request as parent; a cell's
 * outputs are all sent before its idle. After an error with `stop_on_error`, execute requests
 * that were already waiting are answered "aborted" (as the IPython kernel does).
 *
 * Every request that expects a reply gets exactly one: a handler that fails is answered with a
 * `KernelError` reply, a second reply is dropped. Interrupts can stop any cell code, also code
 * that blocks the main thread (interrupt.ts).
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
import { InterruptController } from "./interrupt.js";
import { History } from "./history.js";
import { createIdleGc } from "./idle-gc.js";
import { createHooks, KERNEL_HOOKS } from "./hooks.js";
import { packageRoot } from "./package-root.js";
import { loadPrelude, type Prelude } from "./prelude.js";
import { errorText, guardBuiltins, guardExit, guardProcess, guardPromiseProtocol, type BuiltinsGuard, type GuardedEvent, type ProcessGuard } from "./process-guards.js";
import { cellLabel, interruptError } from "./traceback.js";
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
/** How long after a termination the kernel waits for the interrupted cell's own answer (see `rescue`). */
const RESCUE_MS = 3000;

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
  /** A request waits for the executor (set by `executor()`). */
  private executorWanted = false;
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
  /** Collects the compiler's garbage between requests (idle-gc.ts). */
  private readonly idleGc = createIdleGc();
  /** Interrupts that can stop code blocking the main thread (with a transport that has a worker). */
  readonly interrupts = new InterruptController();
  /** The promise built-ins, as they were before any cell (process-guards.ts). */
  private readonly promiseGuard = guardPromiseProtocol();
  /** The other built-ins: the kernel's while kernel code runs, the cells' while cells run (taken once the compiler is loaded). */
  private builtins: BuiltinsGuard | null = null;
  /** The id of the execute request running now (0: none), as the interrupt state names it. */
  private runningCell = 0;
  /** How many times a cell's code was terminated (it blocked the main thread on interrupt). */
  terminations = 0;
  /** The shell request being handled now. */
  private shellRequest: Request | null = null;
  /** Counts queue drains: a rescued request's old drain loop stops (see `rescue`). */
  private drainGeneration = 0;

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
    this.interrupts.install();
    this.interrupts.onTerminated = (stack, cell) => this.terminated(stack, cell);
    let started = false;
    const announce = () => {
      if (started) return;
      started = true;
      this.publish(null, "status", { execution_state: "starting" });
      this.scheduleWarm(this.options.warmDelayMs ?? 250);
    };
    await this.options.transport.start({
      shell: (frames) => this.receive(frames, "shell"),
      control: (frames) => this.receive(frames, "control"),
      interrupt: (seq, cell) => this.transportInterrupt(seq, cell),
      interruptState: this.interrupts.state,
      started: announce,
    });
    announce();
  }

  private scheduleWarm(delayMs: number): void {
    this.warmTimer = setTimeout(() => void this.executor(true).catch(() => {}), delayMs);
  }

  /**
   * The executor, created (once) on first use. `warming`: asked by the warm-up timer, not by a
   * request (a request waiting for it skips the compiler's warm-up cell: its own cell warms it).
   */
  executor(warming = false): Promise<Executor> {
    if (!warming) this.executorWanted = true;
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
    const ex = new Executor({
      host,
      prelude,
      packageRoot: packageRoot(),
      rootDir,
      ...(shared ? { converter } : { converter, ownsConverter: true }),
      isolation: this.interrupts,
      beforeUserCode: () => this.builtins?.enterUser(),
      afterUserCode: () => this.afterUserCode(),
    });
    this.builtins = guardBuiltins();
    await tick();
    if (!this.executorWanted) ex.warm();
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
    this.idleGc.beforeRequest(); // not idle: a collection waiting for quiet waits longer
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
    const generation = this.drainGeneration;
    try {
      while (this.queue.length > 0 && !this.closed && generation === this.drainGeneration) {
        const item = this.queue.shift()!;
        if (item.kind === "stop-aborting") this.aborting = false;
        else await this.handle(item.env, "shell");
      }
    } finally {
      if (generation === this.drainGeneration) this.processing = false;
    }
  }

  /**
   * The last resort after a termination: when the interrupted cell has not been answered
   * `RESCUE_MS` later (the termination dropped something its answer waited on), the kernel
   * answers it itself and goes on with the next requests; whatever of the old handling comes
   * back later can no longer reply (one reply per request) or hold the queue.
   */
  private rescue(r: Request): void {
    if (r.replied || this.shellRequest !== r || this.closed) return;
    this.log("optlab kernel: interrupt: the interrupted cell did not finish; answering it and going on");
    const error = interruptError();
    try {
      this.builtins?.enterKernel();
      r.ctx.publish("error", { ...error });
      this.reply(r, "execute_reply", { status: "error", execution_count: this.executionCount, ...error }, { status: "error" });
      r.ctx.close();
    } finally {
      r.finished = true;
      this.publish(r.env.msg, "status", { execution_state: "idle" });
      this.running = null;
      this.runningCell = 0;
      this.interrupts.end();
      this.shellRequest = null;
      this.drainGeneration++;
      this.processing = false;
      if ((r.env.msg.content as { stop_on_error?: unknown }).stop_on_error !== false) this.abortQueued();
      else if (this.queue.length > 0) void this.drain();
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
    const r: Request = { env, channel, ctx, replied: false };
    if (channel === "shell") this.shellRequest = r;
    this.publish(msg, "status", { execution_state: "busy" });
    const handler = HANDLERS[type] as (typeof HANDLERS)[string] | undefined;
    try {
      if (this.aborting && type === "execute_request" && channel === "shell") {
        this.reply(r, "execute_reply", { status: "aborted" }, { status: "aborted" });
        return;
      }
      if (!handler) {
        this.log(`optlab kernel: unknown message type ${JSON.stringify(type)} on ${channel}`);
        return;
      }
      await handler(this, r);
    } catch (e) {
      const text = errorText(e);
      this.log(`optlab kernel: ${type} failed: ${text}`);
      // Exactly one reply: a request whose handler failed before answering gets an error reply.
      if (handler && !r.replied && type.endsWith("_request")) this.failedReply(r, type, text);
    } finally {
      try {
        ctx.flush();
      } catch (e) {
        this.log(`optlab kernel: could not send a cell's output: ${errorText(e)}`);
      }
      if (channel === "shell" && this.shellRequest === r) this.shellRequest = null;
      if (!r.finished) this.publish(msg, "status", { execution_state: "idle" });
      r.finished = true;
      this.idleGc.afterRequest();
    }
  }

  /** The error reply of a request whose handler failed (the reply type is the request's with `_reply`). */
  private failedReply(r: Request, type: string, text: string): void {
    const first = text.split("\n")[0] ?? text;
    const content: Record<string, unknown> = { status: "error", ename: "KernelError", evalue: `the kernel failed while answering ${type}: ${first}`, traceback: [`KernelError: the kernel failed while answering ${type}`, ...text.split("\n")] };
    if (type === "execute_request") content.execution_count = this.executionCount;
    try {
      this.reply(r, type.replace(/_request$/, "_reply"), content, { status: "error" });
    } catch (e) {
      this.log(`optlab kernel: could not answer ${type}: ${errorText(e)}`);
    }
  }

  /**
   * Right after a cell's code settled: the promise built-ins a cell replaced are put back (every
   * async function in the process needs them, the kernel's too), and the cell is told.
   */
  private afterUserCode(): void {
    const changed = this.promiseGuard.check();
    this.builtins?.enterKernel();
    if (changed.length === 0) return;
    const text = `optlab: ${changed.join("; ")}. Every promise in this process (the kernel's included) resolves through it, so the kernel put the original back.\n`;
    const ctx = this.running;
    if (ctx) ctx.write("stderr", text);
    else this.log(text.trimEnd());
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
    this.runningCell = this.interrupts.begin();
    try {
      return await fn();
    } finally {
      // (A cell the kernel rescued may come back after a later cell started: leave that one alone.)
      if (this.running === ctx) {
        this.running = null;
        this.runningCell = 0;
        this.interrupts.end();
      }
    }
  }

  /** The executor if it is ready (without waiting). */
  get readyExecutor(): Executor | null {
    return this.executorValue;
  }

  /** SIGINT / `interrupt_request`: interrupts the running cell (awaited work and input waits). */
  interrupt(): void {
    this.options.transport.cancelInput();
    // After a termination, the stack where it stopped (the worker's message may come first).
    this.running?.interrupt(this.interrupts.stoppedAt);
  }

  /** An interrupt the transport's worker received (`cell`: the cell that ran when it arrived). */
  private transportInterrupt(seq: number, cell: number): void {
    this.interrupts.ack(seq);
    if (cell !== 0 && cell === this.runningCell) this.interrupt();
  }

  /** The io worker ended the running cell's code (it blocked the main thread): the cell ends as interrupted. */
  private terminated(stack: string, cell: number): void {
    this.terminations++;
    this.log(`optlab kernel: interrupt: ended cell code that blocked the kernel\n${stack}`);
    // An interrupt message queued while the cell blocked the thread may have ended that cell
    // already (its outcome then carried this stack); the cell running now is another one.
    if (cell !== this.runningCell) return;
    this.interrupt();
    const r = this.shellRequest;
    if (r) setTimeout(() => this.rescue(r), RESCUE_MS).unref();
  }

  /** Sends a reply on the request's channel. */
  reply(r: Request, msgType: string, content: Record<string, unknown>, metadata: Record<string, unknown> = {}): void {
    if (r.replied) {
      this.log(`optlab kernel: dropped a second reply (${msgType}) to one request`);
      return;
    }
    r.replied = true;
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
    this.interrupts.close();
    await this.options.transport.close();
    this.capture?.restore();
    this.capture = null;
    if ((globalThis as Record<symbol, unknown>)[KERNEL_HOOKS] === this.hooks) delete (globalThis as Record<symbol, unknown>)[KERNEL_HOOKS];
  }
}
