/** Comm requests: `comm_info_request` (answered), `comm_open` / `comm_msg` / `comm_close` (no reply). */
import { cellStore } from "../cell-context.js";
import type { Incoming } from "../comms.js";
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";

/** Answers `comm_info_request` with the open comms (of one target, when named). */
export function commInfo(k: Kernel, r: Request): void {
  const target = r.env.msg.content.target_name;
  k.reply(r, "comm_info_reply", { status: "ok", comms: k.comms.info(typeof target === "string" ? target : undefined) });
}

/**
 * A handler that passes the front end's comm message to `k.comms[method]` (no reply). Handlers
 * run with the request as the current context, so what they send has it as parent.
 */
function forward(method: "handleOpen" | "handleMsg" | "handleClose"): (k: Kernel, r: Request) => void {
  return (k: Kernel, r: Request): void => {
    const incoming: Incoming = { content: r.env.msg.content, metadata: r.env.msg.metadata, buffers: r.env.msg.buffers };
    cellStore.run(r.ctx, () => k.comms[method](incoming));
  };
}

/** `comm_open` from the front end (no reply). */
export const commOpen = forward("handleOpen");

/** `comm_msg` from the front end (no reply). */
export const commMsg = forward("handleMsg");

/** `comm_close` from the front end (no reply). */
export const commClose = forward("handleClose");
