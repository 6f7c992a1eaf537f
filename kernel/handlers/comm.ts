/** Comm requests: `comm_info_request` (answered), `comm_open` / `comm_msg` / `comm_close` (no reply). */
import { cellStore } from "../cell-context.js";
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";

/** Answers `comm_info_request` with the open comms (of one target, when named). */
export function commInfo(k: Kernel, r: Request): void {
  const target = r.env.msg.content.target_name;
  k.reply(r, "comm_info_reply", { status: "ok", comms: k.comms.info(typeof target === "string" ? target : undefined) });
}

const incoming = (r: Request) => ({ content: r.env.msg.content, metadata: r.env.msg.metadata, buffers: r.env.msg.buffers });

// Handlers run with the request as the current context, so what they send has it as parent.
/** `comm_open` from the front end (no reply). */
export function commOpen(k: Kernel, r: Request): void {
  cellStore.run(r.ctx, () => k.comms.handleOpen(incoming(r)));
}

/** `comm_msg` from the front end (no reply). */
export function commMsg(k: Kernel, r: Request): void {
  cellStore.run(r.ctx, () => k.comms.handleMsg(incoming(r)));
}

/** `comm_close` from the front end (no reply). */
export function commClose(k: Kernel, r: Request): void {
  cellStore.run(r.ctx, () => k.comms.handleClose(incoming(r)));
}
