/**
 * `optlab run --timeout`: a timer on a thread of its own, started when the cell's code starts
 * (after its type check). When it fires, it interrupts the running cell like an interrupt under Jupyter does (interrupt-remote.ts): the main thread is
 * told through `port`, and if the cell's code blocks the main thread (a synchronous loop), the
 * code is ended through an inspector session, so the runner reports the timeout and goes on.
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { PHASE_USER, SLOT } from "./interrupt.js";
import { RemoteInterrupts } from "./interrupt-remote.js";

/** How often the worker looks whether the cell's code has started. */
const POLL_MS = 10;

interface Data {
  /** The kernel's interrupt state (InterruptController.state). */
  state: Int32Array;
  /** Milliseconds until the interrupt. */
  ms: number;
  /** Where `{ seq, cell }` goes when the interrupt starts. */
  port: MessagePort;
}

const data = workerData as Data;
const remote = new RemoteInterrupts(data.state, (message) => data.port.postMessage({ type: "error", message }));
let timer: NodeJS.Timeout | null = null;
// The time counts from when the cell's code starts (compiling it is not counted: on a busy machine
// the type check alone can take seconds).
const poll = setInterval(() => {
  if (Atomics.load(data.state, SLOT.cell) === 0 || Atomics.load(data.state, SLOT.phase) !== PHASE_USER) return;
  clearInterval(poll);
  timer = setTimeout(() => data.port.postMessage({ type: "interrupt", ...remote.start() }), data.ms);
}, POLL_MS);

parentPort!.on("message", (m: { type: string }) => {
  if (m.type !== "close") return;
  clearInterval(poll);
  if (timer) clearTimeout(timer);
  remote.close();
  data.port.close();
  parentPort!.close();
});
