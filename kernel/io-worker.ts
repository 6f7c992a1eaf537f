/**
 * The kernel's io worker thread: everything that must work while the main thread runs a long
 * synchronous cell.
 *
 * - the heartbeat (echoes every ping);
 * - the stdin channel (sends the main thread's `input_request`, hands the `input_reply` back
 *   through a MessagePort and wakes the main thread, which waits with `Atomics.wait`);
 * - the control channel: requests are handed to the main thread, replies sent for it; an
 *   `interrupt_request` (signature checked here) starts an interrupt at once;
 * - SIGINT (`interrupt_mode: "signal"`): Node's SIGINT watchdog (the one `vm`'s `breakOnSigint`
 *   uses) catches the signal on its own thread, and this worker polls it every 20 ms;
 * - interrupts: the main thread is told (`{ type: "interrupt" }`); when it does not take the
 *   interrupt within `GRACE_MS` because a cell blocks it, this worker ends the cell's code through
 *   an inspector session connected to the main thread (interrupt.ts explains how).
 */
import { createRequire } from "node:module";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { RemoteInterrupts } from "./interrupt-remote.js";
import { decode, Signer } from "./wire.js";
import type { WorkerEvent, WorkerRequest } from "./zmq-transport.js";

interface Data {
  hb: string;
  stdin: string;
  control: string;
  key: string;
  signatureScheme: string;
  zeromq: string;
  flag: Int32Array;
  port: MessagePort;
  /** The interrupt state shared with the main thread (interrupt.ts `SLOT`). */
  state: Int32Array;
  /** Watch SIGINT (the kernel process; off where the main thread owns SIGINT). */
  sigint: boolean;
}

const data = workerData as Data;
const zmq = createRequire(import.meta.url)(data.zeromq) as typeof import("zeromq");
const post = (e: WorkerEvent): void => parentPort!.postMessage(e);
const signer = new Signer(data.key, data.signatureScheme);
const state = data.state;

const hb = new zmq.Reply({ sendTimeout: 0, linger: 0 });
const stdin = new zmq.Router({ sendTimeout: 0, linger: 500 });
const control = new zmq.Router({ sendTimeout: 0, linger: 1000 });
let waiting = false;
let closing = false;

async function heartbeat(): Promise<void> {
  await hb.bind(data.hb);
  while (!closing) {
    try {
      const ping = await hb.receive();
      await hb.send(ping);
    } catch (e) {
      if (closing || hb.closed) return;
      post({ type: "error", message: `heartbeat: ${(e as Error).message}` });
    }
  }
}

async function replies(): Promise<void> {
  await stdin.bind(data.stdin);
  while (!closing) {
    let frames: Buffer[];
    try {
      frames = await stdin.receive();
    } catch (e) {
      if (closing || stdin.closed) return;
      post({ type: "error", message: `stdin: ${(e as Error).message}` });
      continue;
    }
    if (!waiting) continue; // a reply nobody waits for any more (the cell was interrupted)
    waiting = false;
    data.port.postMessage({ frames });
    Atomics.store(data.flag, 0, 1);
    Atomics.notify(data.flag, 0);
  }
}

/** Signatures of the interrupt requests seen (a replayed one must not interrupt). */
const seen = new Set<string>();

async function controlLoop(): Promise<void> {
  await control.bind(data.control);
  while (!closing) {
    let frames: Buffer[];
    try {
      frames = await control.receive();
    } catch (e) {
      if (closing || control.closed) return;
      post({ type: "error", message: `control: ${(e as Error).message}` });
      continue;
    }
    let isInterrupt = false;
    try {
      const env = decode(frames, signer);
      if (env.msg.header.msg_type === "interrupt_request" && !(signer.enabled && seen.has(env.signature))) {
        isInterrupt = true;
        if (signer.enabled) seen.add(env.signature);
        if (seen.size > 1024) seen.delete(seen.values().next().value!);
      }
    } catch {
      /* the main thread logs what it cannot decode */
    }
    const started = isInterrupt ? interrupt() : null;
    post({ type: "control", frames, ...(started ?? {}) });
  }
}

const remote = new RemoteInterrupts(state, (message) => post({ type: "error", message }));

/** Starts an interrupt (interrupt-remote.ts): its sequence number and the cell it is for. */
function interrupt(): { seq: number; cell: number } {
  return remote.start();
}

/** SIGINT through Node's SIGINT watchdog (process-wide, so it sees the signal while the main thread is busy). */
function watchSigint(): NodeJS.Timeout | null {
  process.noDeprecation = true;
  let c: { startSigintWatchdog(): boolean; stopSigintWatchdog(): boolean } | null = null;
  try {
    c = (process as unknown as { binding(n: string): typeof c }).binding("contextify");
  } catch {
    c = null;
  }
  if (!c || typeof c.startSigintWatchdog !== "function" || !c.startSigintWatchdog()) {
    post({ type: "error", message: "SIGINT cannot be watched from the io worker; SIGINT interrupts only awaited work" });
    return null;
  }
  const watchdog = c;
  return setInterval(() => {
    // A second start and a stop read (and reset) whether a SIGINT came since the last look.
    watchdog.startSigintWatchdog();
    if (watchdog.stopSigintWatchdog()) post({ type: "interrupt", ...interrupt() });
  }, 20);
}

const sigintTimer = data.sigint ? watchSigint() : null;

parentPort!.on("message", (m: WorkerRequest) => {
  if (m.type === "input") {
    waiting = true;
    void stdin.send(m.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))).catch((e: Error) => post({ type: "error", message: `stdin send: ${e.message}` }));
  } else if (m.type === "cancel-input") {
    waiting = false;
  } else if (m.type === "send-control") {
    void control.send(m.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))).catch((e: Error) => post({ type: "error", message: `control send: ${e.message}` }));
  } else if (m.type === "close") {
    closing = true;
    if (sigintTimer) clearInterval(sigintTimer);
    remote.close();
    hb.close();
    stdin.close();
    // Replies sent just before (shutdown_reply) still go out: the socket lingers.
    control.close();
    data.port.close();
    parentPort!.close();
  }
});

Promise.all([heartbeat(), replies(), controlLoop()]).then(
  () => undefined,
  (e: Error) => post({ type: "error", message: e.message }),
);
post({ type: "ready" });
