/**
 * LaTeX → MathML at export time, for the offline HTML of `optlab run --html`: KaTeX renders TeX
 * to MathML, which Chromium (109+), Firefox and Safari draw natively — no script, stylesheet,
 * font or network request on the page.
 *
 * KaTeX covers the LaTeX notebooks use (matrices, `\nabla`, `\left( … \right)`, `\frac`, sums,
 * accents, `\text`); TeX it cannot parse shows in red with the parser's message as a tooltip,
 * instead of failing the page. Without the `katex` package the TeX source shows as text.
 */
import { createRequire } from "node:module";
import { escapeHtml } from "../src/display/index.js";

interface Katex {
  renderToString(tex: string, o: { output: "mathml"; displayMode: boolean; throwOnError: boolean; strict: "ignore" }): string;
}

let katex: Katex | null | undefined;

function loadKatex(): Katex | null {
  if (katex === undefined) {
    try {
      katex = createRequire(import.meta.url)("katex") as Katex;
    } catch {
      katex = null;
    }
  }
  return katex;
}

/**
 * One formula as MathML (`<math>`, in KaTeX's `<span class="katex">`); `display` for a block
 * formula. Without KaTeX: the escaped TeX between its delimiters.
 *
 * @param tex TeX without delimiters, e.g. `\nabla f = 0`.
 * @param display true for display math (`$$…$$`), false for inline (`$…$`).
 * @example
 * texToMathml("x^2", false); // '<span class="katex"><math …><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow>…'
 */
export function texToMathml(tex: string, display: boolean): string {
  const k = loadKatex();
  if (!k) return `<span class="tex">${escapeHtml(display ? `$$${tex}$$` : `$${tex}$`)}</span>`;
  const html = k.renderToString(tex, { output: "mathml", displayMode: display, throwOnError: false, strict: "ignore" });
  return display ? `<div class="math-display">${html}</div>` : html;
}

/**
 * Delimited math → MathML: `$$…$$`, `\[…\]` and `\begin{env}…\end{env}` as display math,
 * `$…$` and `\(…\)` inline. What markdown.ts hands to its `math` option.
 *
 * @param math the formula with its delimiters.
 * @example
 * delimitedToMathml("$$\\sum_i x_i$$"); // '<div class="math-display"><span class="katex"><math … display="block">…'
 */
export function delimitedToMathml(math: string): string {
  if (math.startsWith("$$") && math.endsWith("$$") && math.length >= 4) return texToMathml(math.slice(2, -2).trim(), true);
  if (math.startsWith("\\[") && math.endsWith("\\]")) return texToMathml(math.slice(2, -2).trim(), true);
  if (math.startsWith("\\(") && math.endsWith("\\)")) return texToMathml(math.slice(2, -2).trim(), false);
  if (math.startsWith("$") && math.endsWith("$") && math.length >= 2) return texToMathml(math.slice(1, -1).trim(), false);
  // \begin{equation} … \end{equation} and the like, outside $$ (MathJax's processEnvironments).
  return texToMathml(math.trim(), /^\\begin\{/.test(math.trim()));
}

/** Math spans in text: `$$…$$`, `\[…\]`, `\(…\)` and `$…$` (not `$5 and $10`, see markdown.ts). */
const MATH_IN_TEXT = /\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)|(?<![\\$\w])\$(?!\s)[^$\n]+?(?<![\s\\])\$(?!\w)/g;

/**
 * A `text/latex` output as HTML. Jupyter front ends typeset such output as text with math
 * delimiters; a bare formula (no delimiters, as some libraries send) is shown as display math.
 *
 * @example
 * latexOutputHtml("$$\\nabla f = \\begin{bmatrix} 2x \\\\ 2y \\end{bmatrix}$$"); // one block <math>
 */
export function latexOutputHtml(source: string): string {
  const tex = source.trim();
  if (!/\$|\\\[|\\\(/.test(tex)) return texToMathml(tex, true);
  let out = "";
  let last = 0;
  for (const m of tex.matchAll(MATH_IN_TEXT)) {
    out += escapeHtml(tex.slice(last, m.index)) + delimitedToMathml(m[0]);
    last = m.index! + m[0].length;
  }
  return out + escapeHtml(tex.slice(last));
}
