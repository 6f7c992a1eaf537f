/** `inspect_request`: the type and documentation of the name at the cursor (TypeScript's quick info). */
import type { Kernel } from "../kernel.js";
import type { Request } from "./index.js";
import { codeAndCursor } from "./positions.js";

/** Answers `inspect_request` with `text/plain` and `text/markdown` quick info. */
export async function inspect(k: Kernel, r: Request): Promise<void> {
  const { code, cursor } = codeAndCursor(r.env.msg.content);
  const ex = await k.executor();
  const text = ex.inspect(code, cursor);
  k.reply(r, "inspect_reply", {
    status: "ok",
    found: text !== null,
    data: text === null ? {} : { "text/plain": text, "text/markdown": "```typescript\n" + text + "\n```" },
    metadata: {},
  });
}
