/**
 * The ZeroMQ transport: shell (ROUTER) and iopub (PUB) live on the main thread; the heartbeat
 * (REP), stdin and control (ROUTER) live in a worker thread (`io-worker.ts`), so the heartbeat
 * answers while a cell computes, `prompt()` can block the main thread until the reply comes, and
 * an `interrupt_request` (or SIGINT) reaches the worker, which can stop a cell that blocks the
 * main thread (interrupt.ts).
 *
 * Sends use `sendTimeout: 0`: zeromq.js then hands every message to ZeroMQ's I/O thread at
 * once (no "socket busy" promise to wait for), so output printed inside a busy loop is not held
 * back until the loop ends.
 */
import { createRequire } from "node:module";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { endpoint, type ConnectionInfo } from "./connection.js";
import type { RequestChannel, SendChannel, Transport, TransportHandlers } from "./transport.js";

type ZmqModule = typeof import("zeromq");
type Sock = import("zeromq").Router | import("zeromq").Publisher;

/** Messages between the main thread and the io worker. */
export type WorkerRequest = { type: "input"; frames: Uint8Array[] } | { type: "cancel-input" } | { type: "send-control"; frames: Uint8Array[] } | { type: "close" };
/** `seq`/`cell`: an interrupt the worker started (for the cell that ran when it arrived). */
export type WorkerEvent =
  | { type: "ready" }
  | { type: "error"; message: string }
  | { type: "closed" }
  | { type: "control"; frames: Uint8Array[]; seq?: number; cell?: number }
  | { type: "interrupt"; seq: number; cell: number };

/** Options of the ZeroMQ transport. */
export interface ZmqTransportOptions {
  /** Watch SIGINT in the io worker (the kernel process does; default false). */
  sigint?: boolean;
}

export class ZmqTransport implements Transport {
  private zmq!: ZmqModule;
  private shell!: import("zeromq").Router;
  private iopub!: import("zeromq").Publisher;
  private worker: Worker | null = null;
  private inputPort: MessagePort | null = null;
  private readonly inputFlag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly log: (msg: string) => void,
    private readonly options: ZmqTransportOptions = {},
  ) {}

  async start(handlers: TransportHandlers): Promise<void> {
    this.zmq = createRequire(import.meta.url)("zeromq") as ZmqModule;
    const z = this.zmq;
    this.shell = new z.Router({ sendTimeout: 0, linger: 1000 });
    this.iopub = new z.Publisher({ sendTimeout: 0, sendHighWaterMark: 0, linger: 1000 });
    const ready = this.startWorker(handlers);
    // Shell requests are answered as soon as shell and iopub are bound, not after the io worker
    // (heartbeat, control, stdin) has started: a new thread that loads ZeroMQ. Waiting for it cost
    // ~140 ms of spawn → first kernel_info_reply (460 → 321 ms, median of 9 starts from the
    // snapshot, 2026-12-08). Control requests queue in ZeroMQ until the worker reads them.
    await Promise.all([this.shell.bind(endpoint(this.info, "shell")), this.iopub.bind(endpoint(this.info, "iopub"))]);
    handlers.started?.();
    void this.loop(this.shell, (f) => handlers.shell(f));
    await ready;
  }

  private startWorker(handlers: TransportHandlers): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    this.inputPort = port1;
    port1.unref();
    const workerData = {
      hb: endpoint(this.info, "hb"),
      stdin: endpoint(this.info, "stdin"),
      control: endpoint(this.info, "control"),
      key: this.info.key,
      signatureScheme: this.info.signature_scheme ?? "hmac-sha256",
      zeromq: createRequire(import.meta.url).resolve("zeromq"),
      flag: this.inputFlag,
      port: port2,
      state: handlers.interruptState ?? new Int32Array(new SharedArrayBuffer(32)),
      sigint: this.options.sigint === true,
    };
    const w = new Worker(new URL("./io-worker.js", import.meta.url), { workerData, transferList: [port2] });
    const ready = new Promise<void>((resolve, reject) => {
      w.on("message", (e: WorkerEvent) => {
        if (e.type === "ready") {
          w.unref();
          resolve();
        }
        else if (e.type === "error") this.log(`optlab kernel: io worker: ${e.message}`);
        else if (e.type === "interrupt") handlers.interrupt?.(e.seq, e.cell);
        else if (e.type === "control") {
          if (e.seq !== undefined) handlers.interrupt?.(e.seq, e.cell ?? 0);
          handlers.control(e.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
        }
      });
      w.once("error", reject);
    });
    w.on("error", (e) => this.log(`optlab kernel: io worker failed: ${e.message}`));
    this.worker = w;
    return ready;
  }

  private async loop(sock: import("zeromq").Router, handle: (frames: Buffer[]) => void): Promise<void> {
    while (!this.closed) {
      let frames: Buffer[];
      try {
        frames = await sock.receive();
      } catch (e) {
        if (this.closed || sock.closed) return;
        this.log(`optlab kernel: receive failed: ${(e as Error).message}`);
        continue;
      }
      try {
        handle(frames);
      } catch (e) {
        this.log(`optlab kernel: handler failed: ${(e as Error).stack ?? e}`);
      }
    }
  }

  send(channel: SendChannel, frames: Buffer[]): void {
    if (this.closed) return;
    if (channel === "control") {
      this.worker?.postMessage({ type: "send-control", frames } satisfies WorkerRequest);
      return;
    }
    const sock: Sock = channel === "iopub" ? this.iopub : this.shell;
    try {
      void sock.send(frames).catch((e: Error) => this.log(`optlab kernel: send on ${channel} failed: ${e.message}`));
    } catch (e) {
      this.log(`optlab kernel: send on ${channel} failed: ${(e as Error).message}`);
    }
  }

  requestInput(frames: Buffer[]): Buffer[] {
    if (!this.worker || !this.inputPort) throw new Error("stdin is not available");
    Atomics.store(this.inputFlag, 0, 0);
    while (receiveMessageOnPort(this.inputPort)) {
      /* drop a stale reply */
    }
    this.worker.postMessage({ type: "input", frames } satisfies WorkerRequest);
    for (;;) {
      // Atomics.wait is interrupted by SIGINT inside a cell (vm breakOnSigint terminates execution).
      Atomics.wait(this.inputFlag, 0, 0, 1000);
      const m = receiveMessageOnPort(this.inputPort);
      if (m) return (m.message as { frames: Uint8Array[] }).frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
    }
  }

  cancelInput(): void {
    this.worker?.postMessage({ type: "cancel-input" } satisfies WorkerRequest);
  }

  async settle(channel: RequestChannel): Promise<void> {
    if (channel !== "shell") return;
    // The receive loop hands over what ZeroMQ already queued; wait until it has caught up.
    for (let i = 0; i < 1000 && this.shell.readable; i++) await new Promise((r) => setImmediate(r));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const w = this.worker;
    if (w) {
      const exited = new Promise<void>((r) => w.once("exit", () => r()));
      w.postMessage({ type: "close" } satisfies WorkerRequest);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    for (const s of [this.shell, this.iopub]) if (s && !s.closed) s.close();
  }
}
