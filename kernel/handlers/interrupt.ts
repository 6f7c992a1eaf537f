/**
 * `interrupt_request` (control): interrupts awaited work of the running cell. The kernelspec asks
 * for `interrupt_mode: "signal"` (SIGINT), which also stops synchronous loops; this message is
 * for clients that send it anyway.
 */
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";

/** Answers `interrupt_request` after interrupting the running cell. */
export function interrupt(k: Kernel, r: Request): void {
  k.interrupt();
  k.reply(r, "interrupt_reply", { status: "ok" });
}
