/**
 * Markdown of notebook text cells (and `text/markdown` outputs) → HTML for the offline page of
 * `optlab run --html`, with markdown-it (CommonMark, plus GitHub tables, strikethrough and
 * autolinked `http(s)://` URLs, raw HTML passed through — what Jupyter's front ends and nbconvert
 * accept).
 *
 * Math is kept out of Markdown's hands, as Jupyter does: `$…$`, `\(…\)`, `$$…$$` and `\[…\]`
 * inline, and `$$…$$`, `\[…\]` and `\begin{env}…\end{env}` blocks, are handed whole (with their
 * delimiters) to `o.math` (render-html gives MathML) or kept verbatim, so `_` and `*` inside a
 * formula are never emphasis. A `$` is math only when it opens before a non-space and closes
 * after a non-space and before a non-word character (Pandoc's rule), so `$5 and $10` stays text;
 * code spans, fenced code and `\$` are never math.
 *
 * Headings get an `id` (lower case, punctuation dropped, spaces → `-`, `-1`, `-2`… when repeated)
 * for links within the page; `attachment:NAME` images resolve to the cell's attachments.
 *
 * Reference: https://spec.commonmark.org/, https://github.com/markdown-it/markdown-it
 */
import markdownIt, { type MarkdownIt, type StateBlock, type StateInline, type Token } from "markdown-it";
import { escapeHtml } from "../src/display/index.js";

/** Options of `renderMarkdown`. */
export interface MarkdownOptions {
  /** Resolves `attachment:NAME` URLs (nbformat cell attachments). */
  attachments?: Record<string, Record<string, string>>;
  /**
   * Renders a math span, given with its delimiters (`$x$`, `$$x$$`, `\(x\)`, `\[x\]`, or a
   * `\begin{env}…\end{env}` block) as HTML. Default: the TeX source, escaped.
   */
  math?: (delimited: string) => string;
  /**
   * Heading ids given so far (id → times used): pass one map to every cell of a page to keep
   * ids unique on it. Default: a fresh map per call.
   */
  headingIds?: Map<string, number>;
}

/** What the renderer rules see of one render (markdown-it's `env`). */
type Env = MarkdownOptions & Record<string, unknown>;

/**
 * Markdown → HTML.
 *
 * @example
 * renderMarkdown("# Hi\n\nSome *text* and $x^2$."); // '<h1 id="hi">Hi</h1>\n<p>Some <em>text</em> and $x^2$.</p>\n'
 */
export function renderMarkdown(src: string, o: MarkdownOptions = {}): string {
  return parser().render(src, { ...o } satisfies Env);
}

/**
 * Inline Markdown (one paragraph's content, no `<p>`) → HTML.
 *
 * @example
 * inline("**strong** `a*b`"); // "<strong>strong</strong> <code>a*b</code>"
 */
export function inline(text: string, o: MarkdownOptions = {}): string {
  return parser().renderInline(text, { ...o } satisfies Env);
}

let md: MarkdownIt | undefined;

function parser(): MarkdownIt {
  if (md) return md;
  md = markdownIt("default", { html: true, linkify: true, typographer: false });
  // Only URLs with a scheme are linked: `README.md` or `f.py` are not domains to a reader.
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false });
  md.inline.ruler.before("escape", "math_inline", mathInline);
  md.block.ruler.before("fence", "math_block", mathBlock, { alt: ["paragraph", "reference", "blockquote", "list"] });
  const tex = (content: string, env: Env | undefined) => (env?.math ? env.math(content) : escapeHtml(content));
  md.renderer.rules.math_inline = (tokens, i, _o, env?: Env) => tex(tokens[i]!.content, env);
  md.renderer.rules.math_block = (tokens, i, _o, env?: Env) => `<div class="math">${tex(tokens[i]!.content, env)}</div>\n`;
  md.core.ruler.push("heading_ids", (state) => {
    const env = state.env as Env;
    const ids = (env.headingIds ??= new Map());
    state.tokens.forEach((t, i) => {
      if (t.type !== "heading_open") return;
      const base = slug(headingText(state.tokens[i + 1]));
      const n = ids.get(base) ?? 0;
      ids.set(base, n + 1);
      t.attrSet("id", n === 0 ? base : `${base}-${n}`);
    });
  });
  const image = md.renderer.rules.image!;
  md.renderer.rules.image = (tokens, i, o, mdEnv, self) => {
    const env = mdEnv as Env | undefined;
    const t = tokens[i]!;
    const src = String(t.attrGet("src") ?? "");
    if (src.startsWith("attachment:")) {
      const att = env?.attachments?.[decodeURIComponent(src.slice("attachment:".length))];
      const [mime, data] = att ? (Object.entries(att)[0] ?? []) : [];
      if (mime && data) t.attrSet("src", `data:${mime};base64,${data}`);
    }
    return image(tokens, i, o, mdEnv, self);
  };
  return md;
}

function headingText(t: Token | undefined): string {
  return (t?.children ?? []).filter((c) => c.type === "text" || c.type === "code_inline").map((c) => c.content).join("");
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^\w\s-]/g, "").trim().replace(/\s+/g, "-");
}

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isWord = (c: string | undefined) => c !== undefined && /\w/.test(c);

/** `$$…$$`, `$…$` (Pandoc's rule), `\(…\)`, `\[…\]` inside a paragraph. Runs before `escape`. */
function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  const c = src.charCodeAt(pos);
  let end: number;
  if (c === BACKSLASH) {
    const open = src[pos + 1];
    if (open !== "(" && open !== "[") return false;
    const close = src.indexOf(open === "(" ? "\\)" : "\\]", pos + 2);
    if (close < 0 || close + 2 > posMax || close === pos + 2) return false;
    end = close + 2;
  } else if (c === DOLLAR && src.charCodeAt(pos + 1) === DOLLAR) {
    const close = src.indexOf("$$", pos + 2);
    if (close < 0 || close + 2 > posMax || close === pos + 2) return false;
    end = close + 2;
  } else if (c === DOLLAR) {
    // Opens after a non-word character and before a non-space; the next `$` must close after a
    // non-space and before a non-word character, else this `$` is text (`$5 and $10`).
    if (isWord(src[pos - 1]) || src[pos - 1] === "$" || isSpace(src[pos + 1]) || src[pos + 1] === "$") return false;
    const close = src.indexOf("$", pos + 1);
    if (close < 0 || close >= posMax || isSpace(src[close - 1]) || src[close - 1] === "\\" || isWord(src[close + 1])) return false;
    end = close + 1;
  } else return false;
  if (!silent) {
    const t = state.push("math_inline", "math", 0);
    t.content = src.slice(pos, end);
  }
  state.pos = end;
  return true;
}

const ENV_OPEN = /^\\begin\{(equation|align|gather|multline|eqnarray|displaymath|split|alignat)(\*?)\}/;

/**
 * A display block: `$$ … $$`, `\[ … \]` or `\begin{env} … \end{env}`, on one line or several,
 * starting a line and with nothing but spaces after its closing delimiter (else the line is a
 * paragraph and the math inline).
 */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const lineText = (l: number) => state.src.slice(state.bMarks[l]! + state.tShift[l]!, state.eMarks[l]);
  const first = lineText(startLine);
  let open: string;
  let close: string;
  const env = ENV_OPEN.exec(first);
  if (first.startsWith("$$")) [open, close] = ["$$", "$$"];
  else if (first.startsWith("\\[")) [open, close] = ["\\[", "\\]"];
  else if (env) [open, close] = ["", `\\end{${env[1]}${env[2]}}`];
  else return false;
  const lines: string[] = [];
  for (let l = startLine; l < endLine; l++) {
    const text = l === startLine ? first : lineText(l);
    const from = l === startLine ? open.length + (open ? 0 : env![0].length) : 0;
    const at = text.indexOf(close, from);
    if (at < 0) {
      lines.push(text);
      continue;
    }
    if (text.slice(at + close.length).trim() !== "") return false;
    if (silent) return true;
    lines.push(text.slice(0, at + close.length));
    const t = state.push("math_block", "div", 0);
    t.content = lines.join("\n").trim();
    t.map = [startLine, l + 1];
    t.block = true;
    state.line = l + 1;
    return true;
  }
  return false;
}
