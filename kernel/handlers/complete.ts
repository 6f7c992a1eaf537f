/** `complete_request`: TypeScript completions (tslab's converter, with the cells' declarations). */
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";
import { codeAndCursor, utf16ToCodePoint } from "./positions.js";

/** Answers `complete_request` (cursor positions in code points). */
export async function complete(k: Kernel, r: Request): Promise<void> {
  const { code, cursor } = codeAndCursor(r.env.msg.content);
  const ex = await k.executor();
  const res = ex.complete(code, cursor);
  k.reply(r, "complete_reply", {
    status: "ok",
    matches: res.matches,
    cursor_start: utf16ToCodePoint(code, res.start),
    cursor_end: utf16ToCodePoint(code, res.end),
    metadata: {},
  });
}
