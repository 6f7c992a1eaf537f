/** `shutdown_request`: reply (on the channel and on iopub), close the sockets, exit. */
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";

/** Answers `shutdown_request`, then closes the kernel (the process exits through `onShutdown`). */
export function shutdown(k: Kernel, r: Request): void {
  const restart = r.env.msg.content.restart === true;
  k.reply(r, "shutdown_reply", { status: "ok", restart });
  k.publish(r.env.msg, "shutdown_reply", { status: "ok", restart });
  k.interrupt();
  // After the idle status that follows this handler.
  setImmediate(() => {
    void k.close().finally(() => k.options.onShutdown?.(restart));
  });
}
