/**
 * Routes `process.stdout` / `process.stderr` writes (console.log included) to the output of
 * the cell they come from. Writes from outside any cell go to the most recent cell, as in the
 * IPython kernel, or to the real stream when there is none.
 */
import { StringDecoder } from "node:string_decoder";
import type { CellContext } from "./cell-context.js";

type Write = typeof process.stdout.write;

/** The real stream writers (for the kernel's own log lines). */
export interface RealStreams {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Replaces the writers; returns the real ones and a function that restores them. */
export function captureStreams(current: () => CellContext | null): { real: RealStreams; restore(): void } {
  const out = process.stdout.write;
  const err = process.stderr.write;
  const real: RealStreams = {
    stdout: (t) => void out.call(process.stdout, t),
    stderr: (t) => void err.call(process.stderr, t),
  };
  const make = (name: "stdout" | "stderr", orig: Write, stream: NodeJS.WriteStream): Write => {
    const decoder = new StringDecoder("utf8");
    return function write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
      const callback = typeof encoding === "function" ? encoding : cb;
      const ctx = current();
      if (!ctx) return orig.call(stream, chunk as string, encoding as BufferEncoding, callback as () => void);
      const text = typeof chunk === "string" ? chunk : decoder.write(Buffer.from(chunk as Uint8Array));
      ctx.write(name, text);
      if (typeof callback === "function") process.nextTick(callback as () => void);
      return true;
    } as Write;
  };
  process.stdout.write = make("stdout", out, process.stdout);
  process.stderr.write = make("stderr", err, process.stderr);
  return {
    real,
    restore() {
      process.stdout.write = out;
      process.stderr.write = err;
    },
  };
}
