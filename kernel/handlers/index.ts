/**
 * The request handlers, one file per request type, by `msg_type`.
 */
import type { CellContext } from "../cell-context.js";
import type { Kernel } from "../kernel.js";
import type { Envelope } from "../wire.js";
import { commClose, commInfo, commMsg, commOpen } from "./comm.js";
import { complete } from "./complete.js";
import { execute } from "./execute.js";
import { history } from "./history.js";
import { inspect } from "./inspect.js";
import { interrupt } from "./interrupt.js";
import { isCompleteRequest } from "./is-complete.js";
import { kernelInfo } from "./kernel-info.js";
import { shutdown } from "./shutdown.js";

/** A request being handled: the message, the channel it came on, and its output context. */
export interface Request {
  env: Envelope;
  channel: "shell" | "control";
  ctx: CellContext;
  /** Set once the request was answered (the kernel sends exactly one reply). */
  replied?: boolean;
  /** Set once its idle status was sent. */
  finished?: boolean;
}

/** Handles one request (the kernel publishes busy before and idle after). */
export type Handler = (k: Kernel, r: Request) => void | Promise<void>;

export const HANDLERS: Record<string, Handler> = {
  kernel_info_request: kernelInfo,
  execute_request: execute,
  complete_request: complete,
  inspect_request: inspect,
  is_complete_request: isCompleteRequest,
  history_request: history,
  comm_info_request: commInfo,
  comm_open: commOpen,
  comm_msg: commMsg,
  comm_close: commClose,
  shutdown_request: shutdown,
  interrupt_request: interrupt,
};
