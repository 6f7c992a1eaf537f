/**
 * The ZeroMQ transport: shell and control (ROUTER) and iopub (PUB) live on the main thread; the
 * heartbeat (REP) and stdin (ROUTER) live in a worker thread (`io-worker.ts`), so the heartbeat
 * answers while a cell computes and `prompt()` can block the main thread until the reply comes.
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
export type WorkerRequest = { type: "input"; frames: Uint8Array[] } | { type: "cancel-input" } | { type: "close" };
export type WorkerEvent = { type: "ready" } | { type: "error"; message: string } | { type: "closed" };

export class ZmqTransport implements Transport {
  private zmq!: ZmqModule;
  private shell!: import("zeromq").Router;
  private control!: import("zeromq").Router;
  private iopub!: import("zeromq").Publisher;
  private worker: Worker | null = null;
  private inputPort: MessagePort | null = null;
  private readonly inputFlag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  constructor(private readonly info: ConnectionInfo, private readonly log: (msg: string) => void) {}

  async start(handlers: TransportHandlers): Promise<void> {
    this.zmq = createRequire(import.meta.url)("zeromq") as ZmqModule;
    const z = this.zmq;
    this.shell = new z.Router({ sendTimeout: 0, linger: 1000 });
    this.control = new z.Router({ sendTimeout: 0, linger: 1000 });
    this.iopub = new z.Publisher({ sendTimeout: 0, sendHighWaterMark: 0, linger: 1000 });
    this.startWorker();
    await Promise.all([
      this.shell.bind(endpoint(this.info, "shell")),
      this.control.bind(endpoint(this.info, "control")),
      this.iopub.bind(endpoint(this.info, "iopub")),
    ]);
    void this.loop(this.shell, (f) => handlers.shell(f));
    void this.loop(this.control, (f) => handlers.control(f));
  }

  private startWorker(): void {
    const { port1, port2 } = new MessageChannel();
    this.inputPort = port1;
    port1.unref();
    const workerData = {
      hb: endpoint(this.info, "hb"),
      stdin: endpoint(this.info, "stdin"),
      zeromq: createRequire(import.meta.url).resolve("zeromq"),
      flag: this.inputFlag,
      port: port2,
    };
    const w = new Worker(new URL("./io-worker.js", import.meta.url), { workerData, transferList: [port2] });
    w.on("message", (e: WorkerEvent) => {
      if (e.type === "error") this.log(`optlab kernel: io worker: ${e.message}`);
    });
    w.on("error", (e) => this.log(`optlab kernel: io worker failed: ${e.message}`));
    w.unref();
    this.worker = w;
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
    const sock: Sock = channel === "iopub" ? this.iopub : channel === "shell" ? this.shell : this.control;
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
    const sock = channel === "shell" ? this.shell : this.control;
    // The receive loop hands over what ZeroMQ already queued; wait until it has caught up.
    for (let i = 0; i < 1000 && sock.readable; i++) await new Promise((r) => setImmediate(r));
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
    for (const s of [this.shell, this.control, this.iopub]) if (s && !s.closed) s.close();
  }
}
