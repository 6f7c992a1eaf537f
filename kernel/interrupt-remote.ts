/**
 * The worker's side of an interrupt (interrupt.ts explains the whole design), shared by the io
 * worker (io-worker.ts: SIGINT and `interrupt_request` under Jupyter) and the timeout worker of
 * `optlab run --timeout` (timeout-worker.ts).
 *
 * `start()` numbers the interrupt and names the cell it is for; the caller tells the main thread.
 * Until the main thread takes it (`SLOT.acked`) or the cell ends, it checks every 50 ms (first after
 * `GRACE_MS`) whether that cell's code blocks the main thread, and if so ends that code through an
 * inspector session connected to the main thread.
 */
import { Session } from "node:inspector";
import { GRACE_MS, PHASE_USER, SLOT, TERMINATE_EXPRESSION } from "./interrupt.js";

/** Interrupts started from a worker thread, over the main thread's shared interrupt state. */
export class RemoteInterrupts {
  private session: Session | null = null;
  private closed = false;

  constructor(
    private readonly state: Int32Array,
    private readonly onError: (message: string) => void,
  ) {}

  /** Starts an interrupt: its sequence number and the cell it is for (0: none ran). */
  start(): { seq: number; cell: number } {
    const state = this.state;
    const seq = Atomics.add(state, SLOT.requested, 1) + 1;
    const cell = Atomics.load(state, SLOT.cell);
    if (cell === 0) return { seq, cell };
    let timer: NodeJS.Timeout | null = null;
    let asked = false;
    const taken = () => Atomics.load(state, SLOT.acked) >= seq || Atomics.load(state, SLOT.cell) !== cell || this.closed;
    const check = () => {
      if (taken()) {
        if (timer) clearInterval(timer);
        return;
      }
      if (asked || Atomics.load(state, SLOT.phase) !== PHASE_USER) return;
      asked = true;
      this.session ??= connect();
      this.session.post("Runtime.evaluate", { expression: TERMINATE_EXPRESSION, returnByValue: true, silent: true }, (err, r) => {
        asked = false;
        if (err) this.onError(`interrupt: ${err.message}`);
        else if ((r?.result as { value?: unknown } | undefined)?.value === "terminated" && timer) clearInterval(timer);
      });
    };
    setTimeout(() => {
      check();
      if (!taken()) timer = setInterval(check, 50);
    }, GRACE_MS);
    return { seq, cell };
  }

  /** No more interrupts; disconnects the inspector session. */
  close(): void {
    this.closed = true;
    this.session?.disconnect();
    this.session = null;
  }
}

function connect(): Session {
  const s = new Session();
  s.connectToMainThread();
  return s;
}
