/**
 * `interrupt_request` (control), what the kernelspec's `interrupt_mode: "message"` makes Jupyter
 * send. Under ZeroMQ the io worker has already acted on it (interrupt.ts: it also ends cell code
 * that blocks the kernel); here the running cell is interrupted (again: idempotent) and the
 * request answered.
 */
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";

/** Answers `interrupt_request` after interrupting the running cell. */
export function interrupt(k: Kernel, r: Request): void {
  k.interrupt();
  k.reply(r, "interrupt_reply", { status: "ok" });
}
