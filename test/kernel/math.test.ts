import { describe, expect, test } from "vitest";
import { delimitedToMathml, latexOutputHtml, texToMathml } from "../../kernel/math.js";

describe("LaTeX to MathML (KaTeX)", () => {
  test("inline and display formulas", () => {
    expect(texToMathml("x^2", false)).toBe('<span class="katex"><math xmlns="http://www.w3.org/1998/Math/MathML"><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow><annotation encoding="application/x-tex">x^2</annotation></semantics></math></span>');
    expect(texToMathml("x^2", true)).toMatch(/^<div class="math-display"><span class="katex"><math [^>]*display="block">/);
  });

  test("delimiters pick the mode; an environment on its own is display math", () => {
    expect(delimitedToMathml("$a$")).toMatch(/^<span class="katex"><math xmlns="[^"]+"><semantics><mrow><mi>a<\/mi>/);
    expect(delimitedToMathml("\\(a\\)")).toBe(delimitedToMathml("$a$"));
    expect(delimitedToMathml("$$a$$")).toMatch(/display="block"/);
    expect(delimitedToMathml("\\[ a \\]")).toBe(delimitedToMathml("$$a$$"));
    expect(delimitedToMathml("\\begin{align}a &= b\\end{align}")).toMatch(/display="block"><semantics><mtable/);
  });

  test("a text/latex output: text with math, a bare formula, a matrix, broken TeX", () => {
    expect(latexOutputHtml("rate $\\rho < 1$ & more")).toMatch(/^rate <span class="katex">.*<mi>ρ<\/mi><mo>&lt;<\/mo><mn>1<\/mn>.*<\/span> &amp; more$/);
    expect(latexOutputHtml("\\frac{1}{2}")).toMatch(/display="block"><semantics><mrow><mfrac><mn>1<\/mn><mn>2<\/mn><\/mfrac>/);
    expect(latexOutputHtml("$$\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}$$")).toMatch(/<mo fence="true">\[<\/mo><mtable[^>]*><mtr><mtd>.*<mn>1<\/mn>.*<\/mtr><mtr>.*<mn>2<\/mn>/);
    expect(latexOutputHtml("$$\\frac{1}{$$")).toMatch(/^<div class="math-display"><span class="katex-error" title="ParseError: KaTeX parse error: [^"]+" style="color:#cc0000">\\frac\{1\}\{<\/span><\/div>$/);
  });
});
