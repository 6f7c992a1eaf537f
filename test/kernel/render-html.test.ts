import { describe, expect, test } from "vitest";
import type { Notebook } from "../../kernel/notebook.js";
import { highlight, MIME_ORDER, registerMimeRenderer, renderNotebookHtml } from "../../kernel/render-html.js";

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
    expect(html).toContain("$$x^2$$");
    expect(html).toContain("&quot;a&quot;");
    expect(html).toContain("<strong>md</strong>");
    expect(html).toContain('<span class="ansi-red-fg">Error</span>: boom');
    expect(html).not.toContain("Plotly.newPlot");
    expect(html).not.toContain("plotly.js v");
  });

  test("charts: Plotly JSON alone is drawn with plotly.js, HTML wins when present; plotly.js once per page", () => {
    const jsonOnly = { "application/vnd.plotly.v1+json": chart["application/vnd.plotly.v1+json"], "text/plain": "chart" };
    const html = renderNotebookHtml(nb([{ output_type: "display_data", metadata: {}, data: jsonOnly }, { output_type: "execute_result", execution_count: 1, metadata: {}, data: jsonOnly }, { output_type: "display_data", metadata: {}, data: chart }]));
    expect(html.match(/Plotly\.newPlot\(/g)?.length).toBe(2);
    expect(html).toContain("fallback with Plotly");
    // plotly.js's banner comment appears once: one copy, in <head>
    expect(html.split("plotly.js v").length - 1).toBe(1);
    expect(html.indexOf("plotly.js v")).toBeLessThan(html.indexOf("<body>"));
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
