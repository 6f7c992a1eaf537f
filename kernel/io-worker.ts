/**
 * The kernel's io worker thread: the heartbeat (echoes every ping, even while the main thread
 * runs a long synchronous cell) and the stdin channel (sends the main thread's `input_request`,
 * hands the `input_reply` back through a MessagePort and wakes the main thread, which waits
 * with `Atomics.wait`).
 */
import { createRequire } from "node:module";
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import type { WorkerEvent, WorkerRequest } from "./zmq-transport.js";

interface Data {
  hb: string;
  stdin: string;
  zeromq: string;
  flag: Int32Array;
  port: MessagePort;
}

const data = workerData as Data;
const zmq = createRequire(import.meta.url)(data.zeromq) as typeof import("zeromq");
const post = (e: WorkerEvent): void => parentPort!.postMessage(e);

const hb = new zmq.Reply({ sendTimeout: 0, linger: 0 });
const stdin = new zmq.Router({ sendTimeout: 0, linger: 500 });
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

parentPort!.on("message", (m: WorkerRequest) => {
  if (m.type === "input") {
    waiting = true;
    void stdin.send(m.frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))).catch((e: Error) => post({ type: "error", message: `stdin send: ${e.message}` }));
  } else if (m.type === "cancel-input") {
    waiting = false;
  } else if (m.type === "close") {
    closing = true;
    hb.close();
    stdin.close();
    data.port.close();
    parentPort!.close();
  }
});

Promise.all([heartbeat(), replies()]).catch((e: Error) => post({ type: "error", message: e.message }));
post({ type: "ready" });
