import { describe, expect, test } from "vitest";
import { inline, renderMarkdown } from "../../kernel/markdown.js";

describe("renderMarkdown (markdown-it, CommonMark)", () => {
  test("headings get ids, paragraphs wrap, text is escaped, raw HTML passes", () => {
    expect(renderMarkdown("# Rosenbrock & co\n\nA <b>bold</b> move: 1 < 2")).toBe('<h1 id="rosenbrock-co">Rosenbrock &amp; co</h1>\n<p>A <b>bold</b> move: 1 &lt; 2</p>\n');
  });

  test("repeated headings get distinct ids, also across calls that share a map", () => {
    const headingIds = new Map<string, number>();
    expect(renderMarkdown("# A\n## A", { headingIds })).toBe('<h1 id="a">A</h1>\n<h2 id="a-1">A</h2>\n');
    expect(renderMarkdown("# A", { headingIds })).toBe('<h1 id="a-2">A</h1>\n');
  });

  test("emphasis, code spans, links, images and strikethrough", () => {
    expect(inline("**strong** and *em* and `a*b*c` and [docs](https://x.org/a?b=1&c=2) ~~old~~")).toBe(
      '<strong>strong</strong> and <em>em</em> and <code>a*b*c</code> and <a href="https://x.org/a?b=1&amp;c=2">docs</a> <s>old</s>',
    );
    expect(inline("![logo](attachment:l.png)", { attachments: { "l.png": { "image/png": "AAAA" } } })).toBe('<img src="data:image/png;base64,AAAA" alt="logo">');
  });

  test("CommonMark beyond the old subset: setext headings, reference links, hard breaks", () => {
    expect(renderMarkdown("Title\n=====\n\nsee [the docs][d]\nnext  \nline\n\n[d]: https://x.org \"Docs\"")).toBe(
      '<h1 id="title">Title</h1>\n<p>see <a href="https://x.org" title="Docs">the docs</a>\nnext<br>\nline</p>\n',
    );
  });

  test("URLs with a scheme are links; file names are not", () => {
    expect(inline("see README.md and https://x.org/a")).toBe('see README.md and <a href="https://x.org/a">https://x.org/a</a>');
  });

  test("javascript: links are not followed", () => {
    expect(inline("[x](javascript:alert(1))")).not.toContain("href=");
  });

  test("LaTeX is kept verbatim without a math renderer (no emphasis inside)", () => {
    expect(inline("the minimum $f(x_1, x_2) = x_1 * x_2$ here")).toBe("the minimum $f(x_1, x_2) = x_1 * x_2$ here");
    expect(renderMarkdown("$$\n\\nabla f = 0\n$$")).toBe('<div class="math">$$\n\\nabla f = 0\n$$</div>\n');
  });

  test("fenced code keeps its text and language", () => {
    expect(renderMarkdown("```ts\nconst a = 1 < 2;\n```")).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;\n</code></pre>\n');
  });

  test("lists, nested and ordered", () => {
    expect(renderMarkdown("- one\n- two\n  1. inner\n  2. more\n- three")).toBe(
      "<ul>\n<li>one</li>\n<li>two\n<ol>\n<li>inner</li>\n<li>more</li>\n</ol>\n</li>\n<li>three</li>\n</ul>\n",
    );
    expect(renderMarkdown("3. c\n4. d")).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>\n');
  });

  test("GitHub tables with alignment", () => {
    expect(renderMarkdown("| a | b |\n|:--|--:|\n| 1 | 2 |")).toBe(
      '<table>\n<thead>\n<tr>\n<th style="text-align:left">a</th>\n<th style="text-align:right">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td style="text-align:left">1</td>\n<td style="text-align:right">2</td>\n</tr>\n</tbody>\n</table>\n',
    );
  });

  test("block quotes and rules", () => {
    expect(renderMarkdown("> quoted *text*\n\n---")).toBe("<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>\n<hr>\n");
  });
});

describe("math in markdown", () => {
  const math = (m: string) => `[${m}]`;
  test("inline and display math go to the math renderer with their delimiters", () => {
    expect(inline("a $x_1 * y$ b \\(z\\) c $$w$$ d \\[v\\]", { math })).toBe("a [$x_1 * y$] b [\\(z\\)] c [$$w$$] d [\\[v\\]]");
    expect(renderMarkdown("text\n$$\n\\nabla f = 0\n$$\nmore", { math })).toBe('<p>text</p>\n<div class="math">[$$\n\\nabla f = 0\n$$]</div>\n<p>more</p>\n');
    expect(renderMarkdown("\\[ a \\]", { math })).toBe('<div class="math">[\\[ a \\]]</div>\n');
    expect(renderMarkdown("\\begin{align*}\na &= 1\n\\end{align*}", { math })).toBe('<div class="math">[\\begin{align*}\na &= 1\n\\end{align*}]</div>\n');
  });

  test("math inside block quotes and list items; a formula followed by text stays inline", () => {
    expect(renderMarkdown("> $$\n> x_1\n> $$", { math })).toBe('<blockquote>\n<div class="math">[$$\nx_1\n$$]</div>\n</blockquote>\n');
    expect(renderMarkdown("- item $a_1$\n\n  $$\n  b_2\n  $$", { math })).toBe('<ul>\n<li>\n<p>item [$a_1$]</p>\n<div class="math">[$$\nb_2\n$$]</div>\n</li>\n</ul>\n');
    expect(renderMarkdown("$$E$$ is the energy", { math })).toBe("<p>[$$E$$] is the energy</p>\n");
    expect(renderMarkdown("$$ never closed", { math })).toBe("<p>$$ never closed</p>\n");
  });

  test("dollars that are not math: currency, code spans, escapes", () => {
    expect(inline("from $5 to $10, or $5-$6", { math })).toBe("from $5 to $10, or $5-$6");
    expect(inline("`echo $HOME $x$` and \\$x\\$", { math })).toBe("<code>echo $HOME $x$</code> and $x$");
    expect(renderMarkdown("```\n$$x$$\n```", { math })).toBe("<pre><code>$$x$$\n</code></pre>\n");
  });
});
