/**
 * How the kernel's messages travel. The kernel logic talks to this small interface only, so tests
 * (and the in-process notebook runner) can drive it without sockets; `zmq-transport.ts` is the
 * real implementation over ZeroMQ.
 *
 * Frames are the raw multipart message (`wire.ts` encodes and decodes them).
 */

/** Channels on which requests arrive. */
export type RequestChannel = "shell" | "control";

/** Channels the kernel sends on (stdin goes through `requestInput`). */
export type SendChannel = "shell" | "control" | "iopub";

/** Receivers of incoming requests. */
export interface TransportHandlers {
  shell(frames: Buffer[]): void;
  control(frames: Buffer[]): void;
  /**
   * An interrupt the transport received outside the main thread (SIGINT, `interrupt_request`):
   * `seq` numbers it, `cell` is the id of the cell that ran when it arrived (interrupt.ts). Called
   * before `control` gets the `interrupt_request` itself.
   */
  interrupt?(seq: number, cell: number): void;
  /** Shared with a transport that can stop a blocked main thread (interrupt.ts `SLOT`). */
  interruptState?: Int32Array;
  /**
   * Called once, when broadcasts can be sent and before the first request is delivered (a
   * transport may deliver requests before `start` resolves: the ZeroMQ transport answers shell
   * requests while its io worker is still starting).
   */
  started?(): void;
}

/** The sockets, abstracted. */
export interface Transport {
  /** Starts delivering requests to `handlers` (binds the sockets). */
  start(handlers: TransportHandlers): Promise<void>;
  /** Sends a message now (synchronously: output written during a busy loop still goes out). */
  send(channel: SendChannel, frames: Buffer[]): void;
  /**
   * Sends an `input_request` on stdin and blocks the calling thread until the client's reply
   * arrives (so `prompt()` can be synchronous, as in a browser). Returns the reply's frames.
   */
  requestInput(frames: Buffer[]): Buffer[];
  /** Forgets a pending input request (after an interrupt). */
  cancelInput(): void;
  /** Resolves once every request that already arrived on `channel` was handed to the handler. */
  settle(channel: RequestChannel): Promise<void>;
  /** Closes everything; later sends are dropped. */
  close(): Promise<void>;
}

/** A message the kernel sent through a `MemoryTransport`. */
export interface SentFrames {
  channel: SendChannel | "stdin";
  frames: Buffer[];
}

/**
 * An in-process transport: a test (or the notebook runner) plays the client by calling
 * `deliver` and listening with `onSend`. `inputResponder` answers `input_request`s synchronously.
 */
export class MemoryTransport implements Transport {
  private handlers: TransportHandlers | null = null;
  private readonly listeners: ((m: SentFrames) => void)[] = [];
  private closed = false;
  /** Answers an input request (the frames of an `input_request`) with the frames of an `input_reply`. */
  inputResponder: ((frames: Buffer[]) => Buffer[]) | null = null;

  async start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
  }

  /** Registers a listener for everything the kernel sends. */
  onSend(listener: (m: SentFrames) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Hands a request to the kernel as if it arrived on `channel`. */
  deliver(channel: "shell" | "control", frames: Buffer[]): void {
    if (!this.handlers) throw new Error("MemoryTransport: deliver() before start()");
    this.handlers[channel](frames);
  }

  send(channel: SendChannel, frames: Buffer[]): void {
    if (this.closed) return;
    for (const l of [...this.listeners]) l({ channel, frames });
  }

  requestInput(frames: Buffer[]): Buffer[] {
    for (const l of [...this.listeners]) l({ channel: "stdin", frames });
    if (!this.inputResponder) throw new Error("MemoryTransport: no inputResponder for an input request");
    return this.inputResponder(frames);
  }

  cancelInput(): void {}

  /** Hands the kernel an interrupt a worker started (`seq`/`cell` from interrupt-remote.ts). */
  interrupt(seq: number, cell: number): void {
    this.handlers?.interrupt?.(seq, cell);
  }

  async settle(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}
