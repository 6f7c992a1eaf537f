/**
 * Errors thrown outside any cell's call stack (a timer or a promise a cell left behind) must not
 * end the kernel: they are shown as stderr of the latest cell instead (the process streams are
 * captured). Also raises V8's stack depth so deep DSL calls keep the cell's own frames.
 */
import { inspect } from "node:util";

/** Installs the handlers; returns a function that removes them. */
export function guardProcess(): () => void {
  Error.stackTraceLimit = Math.max(Error.stackTraceLimit, 50);
  const text = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : inspect(e));
  const onException = (e: unknown) => void process.stderr.write(`Uncaught ${text(e)}\n`);
  const onRejection = (e: unknown) => void process.stderr.write(`Unhandled promise rejection: ${text(e)}\n`);
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return () => {
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
  };
}
