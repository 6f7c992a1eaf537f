/**
 * `inspect_request`: the type and documentation of the name at the cursor (TypeScript's quick
 * info). Docstrings write formulas in TSDoc LaTeX (`$$m_t = \beta_1 m_{t-1} …$$`); the reply
 * shows them as Unicode text (`mₜ = β₁ mₜ₋₁ …`), since a tooltip does not typeset LaTeX.
 */
import type { Kernel } from "../kernel.js";
import { docMathToText } from "../tex-text.js";
import type { Request } from "./index.js";
import { codeAndCursor } from "./positions.js";

/**
 * The reply's bundle for quick-info text (`signature`, a blank line, the documentation): the math
 * as Unicode in both; markdown with the signature in a TypeScript block and the docs as prose.
 */
export function inspectBundle(text: string): { "text/plain": string; "text/markdown": string } {
  const cut = text.indexOf("\n\n");
  const signature = cut < 0 ? text : text.slice(0, cut);
  const docs = cut < 0 ? "" : docMathToText(text.slice(cut + 2));
  return {
    "text/plain": docs ? `${signature}\n\n${docs}` : signature,
    "text/markdown": "```typescript\n" + signature + "\n```" + (docs ? `\n\n${docs}` : ""),
  };
}

/** Answers `inspect_request` with `text/plain` and `text/markdown` quick info. */
export async function inspect(k: Kernel, r: Request): Promise<void> {
  const { code, cursor } = codeAndCursor(r.env.msg.content);
  const ex = await k.executor();
  const text = ex.inspect(code, cursor);
  k.reply(r, "inspect_reply", {
    status: "ok",
    found: text !== null,
    data: text === null ? {} : inspectBundle(text),
    metadata: {},
  });
}
