/**
 * A small Markdown renderer for notebook text cells in the offline HTML: headings, paragraphs,
 * emphasis, code spans and fenced code, block quotes, nested lists, GitHub tables, links,
 * images (cell attachments included), rules, HTML passed through, and LaTeX: `$…$`, `\(…\)`
 * inline, `$$…$$`, `\[…\]` and `\begin{env}…\end{env}` blocks, handed to `o.math` (render-html
 * gives MathML) or kept verbatim. A `$` is math only when it opens before a non-space and closes
 * after a non-space and before a non-word character (Pandoc's rule), so `$5 and $10` stays text;
 * code spans and fenced code are never math.
 *
 * Not a full CommonMark implementation (no reference links, no setext headings).
 */
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
}

const ENV_BLOCK = /^\s*\\begin\{(equation|align|gather|multline|eqnarray|displaymath|split|alignat)(\*?)\}/;

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( *)([-*+]|\d{1,9}[.)])(\s+|$)/;
const HTML_BLOCK = /^ {0,3}(<\/?[a-zA-Z][\w-]*[\s/>]|<\/?[a-zA-Z][\w-]*$|<!--)/;
const TABLE_SEP = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** Markdown → HTML. */
export function renderMarkdown(src: string, o: MarkdownOptions = {}): string {
  return blocks(src.replace(/\r\n?/g, "\n").split("\n"), o).join("\n");
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || /^\s*(\$\$|\\\[)/.test(line) || ENV_BLOCK.test(line) || HTML_BLOCK.test(line);
}

function blocks(lines: string[], o: MarkdownOptions): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if (line.trim() === "") i++;
    else if ((m = FENCE.exec(line))) {
      const close = new RegExp(`^ {0,3}${m[1]![0] === "`" ? "`" : "~"}{${m[1]!.length},}\\s*$`);
      const body: string[] = [];
      for (i++; i < lines.length && !close.test(lines[i]!); i++) body.push(lines[i]!);
      i++;
      const lang = m[2] ? ` class="language-${escapeHtml(m[2])}"` : "";
      out.push(`<pre><code${lang}>${escapeHtml(body.join("\n"))}</code></pre>`);
    } else if ((m = /^\s*(\$\$|\\\[)/.exec(line) ?? ENV_BLOCK.exec(line))) {
      // A display block: $$ … $$, \[ … \], or \begin{env} … \end{env}, on one line or several.
      const end = m[1] === "$$" ? /\$\$\s*$/ : m[1] === "\\[" ? /\\\]\s*$/ : new RegExp(`\\\\end\\{${m[1]}${m[2] ? "\\*" : ""}\\}\\s*$`);
      const body = [line];
      if (!end.test(line.trim().slice(m[0].trim().length))) for (i++; i < lines.length; i++) {
        body.push(lines[i]!);
        if (end.test(lines[i]!)) break;
      }
      i++;
      const tex = body.join("\n").trim();
      out.push(`<div class="math">${o.math ? o.math(tex) : escapeHtml(tex)}</div>`);
    } else if ((m = HEADING.exec(line))) {
      const text = m[2] ?? "";
      out.push(`<h${m[1]!.length} id="${slug(text)}">${inline(text, o)}</h${m[1]!.length}>`);
      i++;
    } else if (RULE.test(line)) {
      out.push("<hr>");
      i++;
    } else if (QUOTE.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== ""; i++) body.push(lines[i]!.replace(QUOTE, ""));
      out.push(`<blockquote>\n${blocks(body, o).join("\n")}\n</blockquote>`);
    } else if (line.includes("|") && i + 1 < lines.length && TABLE_SEP.test(lines[i + 1]!) && lines[i + 1]!.includes("-")) {
      i = table(lines, i, out, o);
    } else if (ITEM.test(line)) {
      i = list(lines, i, out, o);
    } else if (HTML_BLOCK.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== ""; i++) body.push(lines[i]!);
      out.push(body.join("\n"));
    } else {
      const body: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== "" && (body.length === 0 || (!startsBlock(lines[i]!) && !ITEM.test(lines[i]!))); i++) body.push(lines[i]!);
      out.push(`<p>${inline(body.join("\n"), o)}</p>`);
    }
  }
  return out;
}

function table(lines: string[], i: number, out: string[], o: MarkdownOptions): number {
  const cells = (l: string) => l.trim().replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) => c.trim());
  const aligns = cells(lines[i + 1]!).map((c) => (c.startsWith(":") && c.endsWith(":") ? "center" : c.endsWith(":") ? "right" : c.startsWith(":") ? "left" : ""));
  const row = (l: string, tag: string) => `<tr>${cells(l).map((c, k) => `<${tag}${aligns[k] ? ` style="text-align:${aligns[k]}"` : ""}>${inline(c, o)}</${tag}>`).join("")}</tr>`;
  const body: string[] = [];
  let j = i + 2;
  for (; j < lines.length && lines[j]!.trim() !== "" && lines[j]!.includes("|"); j++) body.push(row(lines[j]!, "td"));
  out.push(`<table>\n<thead>${row(lines[i]!, "th")}</thead>\n<tbody>\n${body.join("\n")}\n</tbody>\n</table>`);
  return j;
}

function list(lines: string[], i: number, out: string[], o: MarkdownOptions): number {
  const first = ITEM.exec(lines[i]!)!;
  const base = first[1]!.length;
  const ordered = /\d/.test(first[2]!);
  const items: string[] = [];
  let loose = false;
  while (i < lines.length) {
    const m = ITEM.exec(lines[i]!);
    if (!m || m[1]!.length !== base || /\d/.test(m[2]!) !== ordered) break;
    const contentIndent = base + m[2]!.length + Math.max(1, Math.min(m[3]!.length, 4));
    const body = [lines[i]!.slice(Math.min(lines[i]!.length, base + m[2]!.length + m[3]!.length))];
    for (i++; i < lines.length; i++) {
      const l = lines[i]!;
      const indent = l.length - l.trimStart().length;
      if (l.trim() === "") {
        const next = lines.slice(i + 1).find((x) => x.trim() !== "");
        const nextIndent = next === undefined ? 0 : next.length - next.trimStart().length;
        if (next === undefined || (nextIndent < contentIndent && !(ITEM.test(next) && nextIndent === base))) break;
        loose = true;
        body.push("");
      } else if (indent >= contentIndent) body.push(l.slice(contentIndent));
      else if (ITEM.test(l) && indent <= base) break;
      else if (ITEM.test(l)) body.push(l.slice(Math.min(indent, contentIndent)));
      else if (startsBlock(l)) break;
      else body.push(l.trim());
    }
    items.push(blocks(body, o).join("\n"));
  }
  const tight = (h: string) => (loose ? h : h.replace(/^<p>([\s\S]*?)<\/p>/, "$1"));
  const start = ordered && parseInt(first[2]!, 10) !== 1 ? ` start="${parseInt(first[2]!, 10)}"` : "";
  out.push(`<${ordered ? "ol" : "ul"}${start}>\n${items.map((h) => `<li>${tight(h)}</li>`).join("\n")}\n</${ordered ? "ol" : "ul"}>`);
  return i;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/<[^>]*>|[^\w\s-]/g, "").trim().replace(/\s+/g, "-");
}

/** Inline Markdown → HTML. */
export function inline(text: string, o: MarkdownOptions = {}): string {
  const keep: string[] = [];
  const hold = (html: string) => `\u0000${keep.push(html) - 1}\u0000`;
  let s = text
    .replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_, _t, code: string) => hold(`<code>${escapeHtml(code.trim())}</code>`))
    .replace(/\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)|(?<![\\$\w])\$(?!\s)[^$\n]+?(?<![\s\\])\$(?!\w)/g, (math) => hold(o.math ? o.math(math) : escapeHtml(math)))
    .replace(/<(https?:\/\/[^\s>]+)>/g, (_, url: string) => hold(`<a href="${attr(url)}">${escapeHtml(url)}</a>`))
    .replace(/<\/?[a-zA-Z][\w-]*(?:\s+[\w:-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*\s*\/?>|<!--[\s\S]*?-->/g, (tag) => hold(tag))
    .replace(/\\([\\`*_{}[\]()#+\-.!|$<>~])/g, (_, c: string) => hold(escapeHtml(c)));
  s = escapeHtml(s);
  s = s
    .replace(/!\[([^\]]*)\]\(\s*([^\s)]+)(?:\s+&quot;([^"]*?)&quot;)?\s*\)/g, (_, alt: string, src: string, title?: string) => hold(`<img src="${attr(url(src, o))}" alt="${alt}"${title ? ` title="${title}"` : ""}>`))
    .replace(/\[([^\]]+)\]\(\s*([^\s)]+)(?:\s+&quot;([^"]*?)&quot;)?\s*\)/g, (_, label: string, href: string, title?: string) => `<a href="${attr(url(href, o))}"${title ? ` title="${title}"` : ""}>${label}</a>`)
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__(?!\w)/g, (_, a?: string, b?: string) => `<strong>${a ?? b}</strong>`)
    .replace(/\*(?=[^\s*])([\s\S]*?[^\s*])\*|(?<![\w])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\w])/g, (_, a?: string, b?: string) => `<em>${a ?? b}</em>`)
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<del>$1</del>")
    .replace(/(?: {2,}|\\)\n/g, "<br>\n");
  return s.replace(/\u0000(\d+)\u0000/g, (_, k: string) => keep[+k]!).replace(/\u0000(\d+)\u0000/g, (_, k: string) => keep[+k]!);
}

function url(u: string, o: MarkdownOptions): string {
  const raw = u.replace(/&amp;/g, "&");
  if (!raw.startsWith("attachment:")) return raw;
  const att = o.attachments?.[raw.slice("attachment:".length)];
  const [mime, data] = att ? Object.entries(att)[0] ?? [] : [];
  return mime && data ? `data:${mime};base64,${data}` : raw;
}

function attr(s: string): string {
  return s.replace(/&(?!amp;)/g, "&amp;").replace(/"/g, "&quot;");
}
