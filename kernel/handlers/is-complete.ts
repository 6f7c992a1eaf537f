/** `is_complete_request`: complete / incomplete (with indent) / invalid, from the TypeScript parser. */
import { isComplete } from "../is-complete.js";
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";

/** Answers `is_complete_request`. */
export function isCompleteRequest(k: Kernel, r: Request): void {
  const code = String(r.env.msg.content.code ?? "");
  k.reply(r, "is_complete_reply", isComplete(k.tsHost().ts, code));
}
