import { describe, expect, test } from "vitest";
import { renderChartHtml } from "../../dsl/plot.js";
import type { Notebook } from "../../kernel/notebook.js";
import { highlight, MIME_ORDER, registerMimeRenderer, renderNotebookHtml } from "../../kernel/render-html.js";

/** The plotly.js payloads (loader scripts) on a page. */
const payloads = (html: string) => html.match(/<script type="text\/javascript" class="optlab-plotlyjs">/g)?.length ?? 0;

const chart = { "application/vnd.plotly.v1+json": { data: [{ y: [1, 2] }], layout: {} }, "text/html": "<div>fallback with Plotly</div>", "text/plain": "chart" };

function nb(outputs: unknown[], extraCells: unknown[] = []): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "markdown", metadata: {}, source: ["# Title\n", "Some *text* and $x^2$."] },
      { cell_type: "code", metadata: {}, execution_count: 1, source: ['console.log("hi")'], outputs },
      ...extraCells,
    ],
  } as Notebook;
}

describe("renderNotebookHtml", () => {
  test("markdown, code with prompts, and each output type", () => {
    const html = renderNotebookHtml(
      nb([
        { output_type: "stream", name: "stdout", text: ["hi <there>\n"] },
        { output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": ["42"] } },
        { output_type: "display_data", metadata: {}, data: { "text/html": ["<b>bold</b>"], "text/plain": ["bold"] } },
        { output_type: "display_data", metadata: { "image/png": { width: 10 } }, data: { "image/png": "iVBORw0KGgo=\n", "text/plain": ["img"] } },
        { output_type: "display_data", metadata: {}, data: { "image/svg+xml": ["<svg></svg>"], "text/plain": ["svg"] } },
        { output_type: "display_data", metadata: {}, data: { "text/latex": ["x^2"], "text/plain": ["x^2"] } },
        { output_type: "display_data", metadata: {}, data: { "application/json": { a: [1] }, "text/plain": ["{a}"] } },
        { output_type: "display_data", metadata: {}, data: { "text/markdown": ["**md**"], "text/plain": ["md"] } },
        { output_type: "error", ename: "Error", evalue: "boom", traceback: ["\u001b[0;31mError\u001b[0m: boom"] },
      ]),
      { title: "t<1>" },
    );
    expect(html).toContain("<title>t&lt;1&gt;</title>");
    expect(html).toContain('<h1 id="title">Title</h1>');
    expect(html).toContain("In [1]:");
    expect(html).toContain("Out[1]:");
    expect(html).toContain("hi &lt;there&gt;");
    expect(html).toContain("<b>bold</b>");
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" width="10">');
    expect(html).toContain("<svg></svg>");
    // LaTeX becomes MathML at export time: the markdown's inline $x^2$ and the text/latex output (display)
    expect(html).toMatch(/Some <em>text<\/em> and <span class="katex"><math xmlns="http:\/\/www.w3.org\/1998\/Math\/MathML"><semantics><mrow><msup><mi>x<\/mi><mn>2<\/mn><\/msup>/);
    expect(html).toMatch(/<div class="latex"><div class="math-display"><span class="katex"><math [^>]*display="block"><semantics><mrow><msup><mi>x<\/mi><mn>2<\/mn>/);
    expect(html).not.toContain("$x^2$");
    expect(html).not.toMatch(/mathjax|https?:\/\/(?!www\.w3\.org)/i); // no CDN, no network
    expect(html).toContain("&quot;a&quot;");
    expect(html).toContain("<strong>md</strong>");
    expect(html).toContain('<span class="ansi-red-fg">Error</span>: boom');
    expect(html).not.toContain("Plotly.newPlot");
    expect(html).not.toContain("plotly.js v");
  });

  test("charts: Plotly JSON alone is drawn with plotly.js, HTML wins when present; plotly.js once per page", () => {
    const jsonOnly = { "application/vnd.plotly.v1+json": chart["application/vnd.plotly.v1+json"], "text/plain": "chart" };
    const html = renderNotebookHtml(nb([{ output_type: "display_data", metadata: {}, data: jsonOnly }, { output_type: "execute_result", execution_count: 1, metadata: {}, data: jsonOnly }, { output_type: "display_data", metadata: {}, data: chart }]));
    // the two JSON-only charts: a chart element each, drawn once window.Plotly is there
    expect(html.match(/<div class="optlab-chart" id=/g)?.length).toBe(2);
    expect(html.match(/w\.Plotly\.newPlot\(/g)?.length).toBe(2);
    expect(html).toContain("fallback with Plotly");
    // plotly.js once, as the compressed payload, in <head>; not the raw 10 MB bundle
    expect(payloads(html)).toBe(1);
    expect(html.indexOf("optlab-plotlyjs")).toBeLessThan(html.indexOf("<body>"));
    expect(html).not.toContain("plotly.js v");
    expect(html.length).toBeLessThan(2.5e6);
  });

  test("a chart output that carries plotly.js loses its copy: the page has one, in <head>", () => {
    const fig = { data: [{ y: [1, 3, 2], type: "scatter" }], layout: { title: { text: "t" } } };
    const carrier = { "application/vnd.plotly.v1+json": fig, "text/html": `<table><tr><td>run</td></tr></table>${renderChartHtml(fig as never, { includePlotly: true })}`, "text/plain": "run" };
    const later = { "application/vnd.plotly.v1+json": fig, "text/html": renderChartHtml(fig as never, { includePlotly: false }), "text/plain": "run" };
    expect(payloads(carrier["text/html"])).toBe(1);
    const html = renderNotebookHtml(nb([{ output_type: "display_data", metadata: {}, data: carrier }, { output_type: "display_data", metadata: {}, data: later }]));
    expect(payloads(html)).toBe(1);
    expect(html.indexOf("optlab-plotlyjs")).toBeLessThan(html.indexOf("<body>"));
    expect(html).toContain("<table><tr><td>run</td></tr></table>");
    expect(html.match(/<div class="optlab-chart" id=/g)?.length).toBe(2);
    // a page without charts carries no plotly.js
    expect(payloads(renderNotebookHtml(nb([{ output_type: "stream", name: "stdout", text: "x" }])))).toBe(0);
  });

  test("LaTeX: text/latex outputs (matrices, text around math, bare formulas) and markdown math become MathML", () => {
    const latex = (tex: string) => ({ output_type: "display_data", metadata: {}, data: { "text/latex": tex, "text/plain": "t" } });
    const md = (src: string) => ({ cell_type: "markdown", metadata: {}, source: src });
    const html = renderNotebookHtml(nb([
      latex("$$\\nabla f(x, y) = \\begin{bmatrix} 2x \\\\ 200 (y - x^{2}) \\end{bmatrix}$$"),
      latex("The rate is $\\rho = 1 - \\mu/L$ here."),
      latex("\\frac{a}{b}"),
      latex("$$x^{2$$"),
    ], [
      md("Costs $5 and $10, `$HOME` and `a $x$ b` stay as typed; \\$ too. But $\\kappa = L/\\mu$ is math."),
      md("$$\n\\sum_{i=1}^n x_i\n$$"),
      md("\\[ e^{i\\pi} + 1 = 0 \\]"),
      md("\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}"),
    ]));
    // the gradient: a block formula with a 2-row table in brackets
    expect(html).toMatch(/<math [^>]*display="block"><semantics><mrow><mi mathvariant="normal">∇<\/mi><mi>f<\/mi>[\s\S]*?<mo fence="true">\[<\/mo><mtable[^>]*><mtr>[\s\S]*?<\/mtr><mtr>/);
    expect(html).toMatch(/The rate is <span class="katex"><math[^>]*><semantics><mrow><mi>ρ<\/mi>[\s\S]*?<\/math><\/span> here\./);
    expect(html).toMatch(/<div class="latex"><div class="math-display"><span class="katex"><math[^>]*display="block"><semantics><mrow><mfrac>/);
    // broken TeX shows in red with the parser's message, and the page still renders
    expect(html).toMatch(/<span class="katex-error" title="ParseError: KaTeX parse error:[^"]*"[^>]*>x\^\{2<\/span>/);
    // currency signs, code spans and escaped dollars are not math; a real formula next to them is
    expect(html).toContain("Costs $5 and $10, <code>$HOME</code> and <code>a $x$ b</code> stay as typed; $ too. But <span class=\"katex\"><math");
    expect(html).toMatch(/<div class="math"><div class="math-display"><span class="katex"><math[^>]*display="block"><semantics><mrow><munderover><mo>∑<\/mo>/);
    expect(html).toMatch(/<div class="math"><div class="math-display"><span class="katex"><math[^>]*display="block"><semantics><mrow><msup><mi>e<\/mi>/);
    expect(html).toMatch(/<div class="math"><div class="math-display"><span class="katex"><math[^>]*display="block"><semantics><mtable[^>]*><mtr>[\s\S]*<mi>c<\/mi>[\s\S]*<mi>d<\/mi>/);
    expect(html).not.toMatch(/mathjax|<script[^>]*src=/i);
  });

  test("markdown cells go through CommonMark (markdown-it): setext headings, reference links, tables, code; ids unique on the page", () => {
    const md = (src: string) => ({ cell_type: "markdown", metadata: {}, source: src });
    const html = renderNotebookHtml(nb([], [
      md("Results\n=======\n\nSee [the paper][p] and `x_1 * y`.\n\n[p]: https://arxiv.org/abs/1412.6980"),
      md("| method | rate |\n|:--|--:|\n| GD | $1 - 1/\\kappa$ |"),
      md("# Title\n\n```ts\nconst a = 1 < 2;\n```"),
    ]));
    expect(html).toContain('<h1 id="results">Results</h1>');
    expect(html).toContain('See <a href="https://arxiv.org/abs/1412.6980">the paper</a> and <code>x_1 * y</code>.');
    expect(html).toMatch(/<th style="text-align:left">method<\/th>[\s\S]*<td style="text-align:right"><span class="katex"><math/);
    expect(html).toContain('<pre><code class="language-ts">const a = 1 &lt; 2;\n</code></pre>');
    // the first cell of nb() has "# Title" too: the second one gets another id
    expect(html).toContain('<h1 id="title">Title</h1>');
    expect(html).toContain('<h1 id="title-1">Title</h1>');
  });

  test("ANSI colors in streams, tracebacks and text/plain, bright ones included, with the page's CSS for them", () => {
    const html = renderNotebookHtml(nb([
      { output_type: "stream", name: "stderr", text: ["\u001b[93mwarning\u001b[0m <x>\n"] },
      { output_type: "execute_result", execution_count: 1, metadata: {}, data: { "text/plain": ["\u001b[32mgreen\u001b[0m"] } },
    ]));
    expect(html).toContain('<pre class="stream stderr"><span class="ansi-bright-yellow-fg">warning</span> &lt;x&gt;\n</pre>');
    expect(html).toContain('<pre><span class="ansi-green-fg">green</span></pre>');
    expect(html).toMatch(/\.ansi-bright-yellow-fg\{color:#[0-9a-f]{6}\}/);
  });

  test("a registered renderer takes over its MIME type", () => {
    registerMimeRenderer("application/x-optlab-test", (d) => `<i>${String(d)}</i>`, { before: "text/html" });
    expect(MIME_ORDER.indexOf("application/x-optlab-test")).toBe(MIME_ORDER.indexOf("text/html") - 1);
    const html = renderNotebookHtml(nb([{ output_type: "display_data", metadata: {}, data: { "application/x-optlab-test": "custom", "text/html": "<b>no</b>", "text/plain": "p" } }]));
    expect(html).toContain("<i>custom</i>");
    expect(html).not.toContain("<b>no</b>");
  });

  test("highlighting marks keywords, strings, numbers and comments", () => {
    expect(highlight('const s = "a<b"; // note\nreturn 42;')).toBe('<span class="k">const</span> s = <span class="s">&quot;a&lt;b&quot;</span>; <span class="c">// note</span>\n<span class="k">return</span> <span class="n">42</span>;');
  });
});
