/**
 * Executed notebook → one self-contained HTML page that works offline: markdown (CommonMark
 * through markdown-it, ./markdown.ts), code with prompts, and every output type (ANSI colors
 * through ansi_up, ./ansi.ts). Outputs pick the richest MIME type a renderer exists for
 * (`MIME_ORDER`: HTML first, as JupyterLab shows it).
 *
 * plotly.js comes once per page, as the charts' own compact payload (gzip+base64, ~2 MB, see
 * src/plots/loader.ts): the page's `<head>` loads it when an output needs it, and the copy that
 * the first chart output of a notebook carries is removed from that output, so a page never
 * holds two. Chart outputs (optlab's `text/html`) wait for `window.Plotly` and draw; a chart
 * given only as Plotly JSON is drawn the same way (`renderChartHtml`). Other libraries' HTML
 * that calls `Plotly` synchronously while the page loads finds it missing (it arrives a moment
 * later); optlab's charts never do that.
 *
 * Extending: `registerMimeRenderer(mime, fn, { before })` adds or replaces a renderer (code that
 * may not import the kernel uses the registry at `globalThis[Symbol.for("optlab.html.renderers")]`,
 * see `HTML_RENDERERS`); a renderer receives the output's data and metadata and a `page` it can ask
 * to include something in `<head>` once (`page.once(key, () => html)`).
 *
 * LaTeX (`text/latex` outputs, `$…$` / `$$…$$` in markdown) is turned into MathML here, with
 * KaTeX (./math.ts): browsers draw it natively, so the page needs no script, font or CDN for
 * math. The page makes no network request at all.
 */
import { plotlyLoaderHtml, renderChartHtml, withoutPlotlyPayload } from "../dsl/plot.js";
import { escapeHtml } from "../src/display/index.js";
import { ansiToHtml, ANSI_CSS } from "./ansi.js";
import { renderMarkdown } from "./markdown.js";
import { delimitedToMathml, latexOutputHtml } from "./math.js";
import { joinText, type Cell, type Notebook, type Output } from "./notebook.js";

/** What a renderer may ask of the page. */
export interface Page {
  /** Adds `html()` to `<head>` the first time `key` is asked for. */
  once(key: string, html: () => string): void;
  /** A fresh element id. */
  id(prefix: string): string;
}

/** Renders one MIME type's data as HTML. */
export type MimeRenderer = (data: unknown, metadata: Record<string, unknown>, page: Page) => string;

/**
 * The registry lives on `globalThis[Symbol.for("optlab.html.renderers")]` so that code which may
 * not import the kernel (the DSL, src/plots) can add renderers when it loads:
 * `registry.renderers.set(mime, fn)` and, for a new type, `registry.order.splice(i, 0, mime)`.
 */
export const HTML_RENDERERS = Symbol.for("optlab.html.renderers");

interface Registry {
  renderers: Map<string, MimeRenderer>;
  order: string[];
}

const registry: Registry = ((globalThis as Record<symbol, unknown>)[HTML_RENDERERS] as Registry | undefined) ?? { renderers: new Map(), order: [] };
(globalThis as Record<symbol, unknown>)[HTML_RENDERERS] = registry;
const renderers = registry.renderers;

/** Preferred MIME types, richest first. */
export const MIME_ORDER: string[] = registry.order;

/**
 * Adds (or replaces) the renderer of a MIME type. New types go before `o.before` in the
 * preference order (default: before `text/plain`).
 */
export function registerMimeRenderer(mime: string, render: MimeRenderer, o: { before?: string } = {}): void {
  renderers.set(mime, render);
  if (MIME_ORDER.includes(mime)) return;
  const at = MIME_ORDER.indexOf(o.before ?? "text/plain");
  MIME_ORDER.splice(at < 0 ? MIME_ORDER.length : at, 0, mime);
}

const text = (d: unknown) => (Array.isArray(d) ? d.join("") : typeof d === "string" ? d : JSON.stringify(d, null, 2));

/** The `<head>` key of plotly.js: `page.once(PLOTLY, plotlyLoaderHtml)` in a renderer whose output draws with `Plotly`. */
export const PLOTLY = "plotly.js";

/** JSON inside a `<script>` (no `</script>` can end it early). */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

const builtIn = (mime: string, render: MimeRenderer) => {
  if (!renderers.has(mime)) registerMimeRenderer(mime, render);
};

builtIn("text/plain", (d) => `<pre>${ansiToHtml(text(d))}</pre>`);
builtIn("application/vnd.plotly.v1+json", (d, _m, page) => {
  page.once(PLOTLY, plotlyLoaderHtml);
  const fig = (d ?? {}) as { data?: unknown; layout?: unknown; config?: unknown };
  const spec = {
    data: Array.isArray(fig.data) ? fig.data : [],
    layout: fig.layout && typeof fig.layout === "object" ? fig.layout : {},
    config: { responsive: true, ...(fig.config && typeof fig.config === "object" ? fig.config : {}) },
  };
  return renderChartHtml(spec as never, { includePlotly: false });
});
builtIn("text/html", (d, _m, page) => {
  // The first chart output of a notebook carries plotly.js: the page's <head> has it instead.
  const html = withoutPlotlyPayload(text(d));
  if (/\bPlotly\b/.test(html)) page.once(PLOTLY, plotlyLoaderHtml);
  return `<div class="html">${html}</div>`;
});
builtIn("image/svg+xml", (d) => `<div class="svg">${text(d)}</div>`);
builtIn("image/png", (d, m) => img("image/png", d, m));
builtIn("image/jpeg", (d, m) => img("image/jpeg", d, m));
builtIn("image/gif", (d, m) => img("image/gif", d, m));
builtIn("text/markdown", (d) => `<div class="markdown">${renderMarkdown(text(d), { math: delimitedToMathml })}</div>`);
builtIn("text/latex", (d) => `<div class="latex">${latexOutputHtml(text(d))}</div>`);
builtIn("application/json", (d) => `<pre class="json">${escapeHtml(JSON.stringify(d, null, 2))}</pre>`);
// HTML first, as JupyterLab and nbconvert show it: a result's HTML can hold more than its chart
// (a run's table followed by its loss curve). Plotly JSON alone is drawn with the page's plotly.js.
const BUILT_IN_ORDER = ["text/html", "application/vnd.plotly.v1+json", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/markdown", "text/latex", "application/json", "text/plain"];
const extra = MIME_ORDER.filter((m) => !BUILT_IN_ORDER.includes(m));
MIME_ORDER.splice(0, MIME_ORDER.length, ...BUILT_IN_ORDER.slice(0, -1), ...extra, "text/plain");

function img(mime: string, d: unknown, m: Record<string, unknown>): string {
  const meta = (m[mime] ?? {}) as { width?: number; height?: number };
  const size = `${meta.width ? ` width="${meta.width}"` : ""}${meta.height ? ` height="${meta.height}"` : ""}`;
  return `<img src="data:${mime};base64,${text(d).replace(/\s/g, "")}"${size}>`;
}

/** One output as HTML. */
export function renderOutput(o: Output, page: Page): string {
  switch (o.output_type) {
    case "stream":
      return `<pre class="stream ${o.name}">${ansiToHtml(joinText(o.text))}</pre>`;
    case "error":
      return `<pre class="error">${ansiToHtml(o.traceback.length ? o.traceback.join("\n") : `${o.ename}: ${o.evalue}`)}</pre>`;
    default: {
      const mime = MIME_ORDER.find((t) => t in o.data && renderers.has(t)) ?? Object.keys(o.data).find((t) => renderers.has(t));
      return mime ? renderers.get(mime)!(o.data[mime], o.metadata ?? {}, page) : "";
    }
  }
}

function cellHtml(cell: Cell, page: Page, headingIds: Map<string, number>): string {
  const source = joinText(cell.source);
  if (cell.cell_type === "markdown") {
    return `<div class="cell markdown">${renderMarkdown(source, { math: delimitedToMathml, headingIds, ...(cell.attachments ? { attachments: cell.attachments } : {}) })}</div>`;
  }
  if (cell.cell_type !== "code") return `<div class="cell raw"><pre>${escapeHtml(source)}</pre></div>`;
  const count = cell.execution_count ?? " ";
  const outputs = cell.outputs.map((o) => {
    const prompt = o.output_type === "execute_result" ? `Out[${o.execution_count ?? " "}]:` : "";
    return `<div class="output"><div class="prompt out">${prompt}</div><div class="body">${renderOutput(o, page)}</div></div>`;
  });
  return `<div class="cell code"><div class="input"><div class="prompt in">In [${count}]:</div><pre class="source"><code class="language-typescript">${highlight(source)}</code></pre></div>${outputs.length ? `<div class="outputs">${outputs.join("\n")}</div>` : ""}</div>`;
}

const KEYWORDS = new Set("abstract as async await break case catch class const continue declare default delete do else enum export extends false finally for from function if implements import in instanceof interface keyof let new null of private protected public readonly return static super switch this throw true try type typeof undefined var void while yield".split(" "));

/** Light TypeScript highlighting (comments, strings, numbers, keywords). */
export function highlight(code: string): string {
  const re = /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_$][\w$]*)/g;
  let out = "";
  let last = 0;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    out += escapeHtml(code.slice(last, m.index));
    last = re.lastIndex;
    const t = escapeHtml(m[0]);
    if (m[1]) out += `<span class="c">${t}</span>`;
    else if (m[2]) out += `<span class="s">${t}</span>`;
    else if (m[3]) out += `<span class="n">${t}</span>`;
    else out += KEYWORDS.has(m[0]) ? `<span class="k">${t}</span>` : t;
  }
  return out + escapeHtml(code.slice(last));
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328;line-height:1.5}
.cell{margin:1em 0}.input,.output{display:flex;gap:.5em}.prompt{flex:0 0 5.5em;text-align:right;font:12px monospace;color:#888;padding-top:.5em}
.prompt.in{color:#303f9f}.prompt.out{color:#d84315}.body,.source{flex:1;min-width:0}
pre{margin:0;padding:.5em;overflow-x:auto;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap}
.source{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px}.stream.stderr{background:#fdd}.error{background:#fff0f0}
.markdown{padding-left:6em}.cell.markdown h1,.cell.markdown h2{border-bottom:1px solid #e1e4e8}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d7de;padding:.25em .6em}th{background:#f6f8fa}
.c{color:#6a737d}.s{color:#032f62}.n{color:#005cc5}.k{color:#d73a49}code{background:#f3f4f6;padding:0 .2em;border-radius:3px}pre code{background:none;padding:0}
.latex,.math,.math-display{overflow-x:auto}.math-display{margin:.4em 0}math[display="block"]{font-size:1.1em}math{font-family:"Latin Modern Math","STIX Two Math","Cambria Math","DejaVu Math TeX Gyre","TeX Gyre Termes Math",math}.katex-error{font-family:monospace}img{max-width:100%}${ANSI_CSS}`;

/** A whole notebook as one HTML page. */
export function renderNotebookHtml(nb: Notebook, o: { title?: string } = {}): string {
  const head = new Map<string, string>();
  let ids = 0;
  const page: Page = {
    once(key, html) {
      if (!head.has(key)) head.set(key, html());
    },
    id: (prefix) => `${prefix}-${++ids}`,
  };
  const headingIds = new Map<string, number>();
  const body = nb.cells.map((c) => cellHtml(c, page, headingIds)).join("\n");
  const title = escapeHtml(o.title ?? "notebook");
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${title}</title>\n<style>${CSS}</style>\n${[...head.values()].join("\n")}\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}
