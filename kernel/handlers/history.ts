/** `history_request`: tail, range and search over this session's inputs. */
import type { HistoryQuery } from "../history.js";
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";

/** Answers `history_request`. */
export function history(k: Kernel, r: Request): void {
  k.reply(r, "history_reply", { status: "ok", history: k.history.query(r.env.msg.content as HistoryQuery) });
}
