import { describe, expect, test } from "vitest";
import { inline, renderMarkdown } from "../../kernel/markdown.js";

describe("renderMarkdown", () => {
  test("headings get ids, paragraphs wrap, text is escaped", () => {
    expect(renderMarkdown("# Rosenbrock & co\n\nA <b>bold</b> move: 1 < 2")).toBe('<h1 id="rosenbrock-co">Rosenbrock &amp; co</h1>\n<p>A <b>bold</b> move: 1 &lt; 2</p>');
  });

  test("emphasis, code spans, links, images and strikethrough", () => {
    expect(inline("**strong** and *em* and `a*b*c` and [docs](https://x.org/a?b=1&c=2) ~~old~~")).toBe(
      '<strong>strong</strong> and <em>em</em> and <code>a*b*c</code> and <a href="https://x.org/a?b=1&amp;c=2">docs</a> <del>old</del>',
    );
    expect(inline("![logo](attachment:l.png)", { attachments: { "l.png": { "image/png": "AAAA" } } })).toBe('<img src="data:image/png;base64,AAAA" alt="logo">');
  });

  test("LaTeX is kept verbatim for MathJax (no emphasis inside)", () => {
    expect(inline("the minimum $f(x_1, x_2) = x_1 * x_2$ here")).toBe("the minimum $f(x_1, x_2) = x_1 * x_2$ here");
    expect(renderMarkdown("$$\n\\nabla f = 0\n$$")).toBe('<div class="math">$$\n\\nabla f = 0\n$$</div>');
  });

  test("fenced code keeps its text and language", () => {
    expect(renderMarkdown("```ts\nconst a = 1 < 2;\n```")).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
  });

  test("lists, nested and ordered", () => {
    expect(renderMarkdown("- one\n- two\n  1. inner\n  2. more\n- three")).toBe(
      "<ul>\n<li>one</li>\n<li>two\n<ol>\n<li>inner</li>\n<li>more</li>\n</ol></li>\n<li>three</li>\n</ul>",
    );
    expect(renderMarkdown("3. c\n4. d")).toBe('<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>');
  });

  test("GitHub tables with alignment", () => {
    expect(renderMarkdown("| a | b |\n|:--|--:|\n| 1 | 2 |")).toBe(
      '<table>\n<thead><tr><th style="text-align:left">a</th><th style="text-align:right">b</th></tr></thead>\n<tbody>\n<tr><td style="text-align:left">1</td><td style="text-align:right">2</td></tr>\n</tbody>\n</table>',
    );
  });

  test("block quotes and rules", () => {
    expect(renderMarkdown("> quoted *text*\n\n---")).toBe("<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>\n<hr>");
  });
});

describe("math in markdown", () => {
  const math = (m: string) => `[${m}]`;
  test("inline and display math go to the math renderer with their delimiters", () => {
    expect(inline("a $x_1 * y$ b \\(z\\) c $$w$$", { math })).toBe("a [$x_1 * y$] b [\\(z\\)] c [$$w$$]");
    expect(renderMarkdown("text\n$$\n\\nabla f = 0\n$$\nmore", { math })).toBe('<p>text</p>\n<div class="math">[$$\n\\nabla f = 0\n$$]</div>\n<p>more</p>');
    expect(renderMarkdown("\\[ a \\]", { math })).toBe('<div class="math">[\\[ a \\]]</div>');
    expect(renderMarkdown("\\begin{align*}\na &= 1\n\\end{align*}", { math })).toBe('<div class="math">[\\begin{align*}\na &= 1\n\\end{align*}]</div>');
  });

  test("dollars that are not math: currency, code spans, escapes", () => {
    expect(inline("from $5 to $10, or $5-$6", { math })).toBe("from $5 to $10, or $5-$6");
    expect(inline("`echo $HOME $x$` and \\$x\\$", { math })).toBe("<code>echo $HOME $x$</code> and $x$");
    expect(renderMarkdown("```\n$$x$$\n```", { math })).toBe("<pre><code>$$x$$</code></pre>");
  });
});
