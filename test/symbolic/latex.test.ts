import { describe, expect, test } from "vitest";
import { latexMatrix, latexNumber, latexSymbol, latexVector, parseExpression, sym, toLatex } from "../../src/symbolic/index.js";

const tex = (src: string) => toLatex(parseExpression(src).expr);

describe("toLatex", () => {
  test.each([
    ["(1 - x)^2 + 100 (y - x^2)^2", "\\left(1 - x\\right)^{2} + 100 \\left(y - x^{2}\\right)^{2}"],
    ["x/2", "\\frac{x}{2}"],
    ["2/3 x", "\\frac{2 x}{3}"],
    ["(x+1)/(x-1)", "\\frac{x + 1}{x - 1}"],
    ["x^2 y^3 / (z w)", "\\frac{x^{2} y^{3}}{z w}"],
    ["x^-0.5", "\\frac{1}{\\sqrt{x}}"],
    ["sqrt(x^2 + y^2)", "\\sqrt{x^{2} + y^{2}}"],
    ["cbrt(x)", "\\sqrt[3]{x}"],
    ["e^(-x)", "e^{-x}"],
    ["exp(x^2/2)", "e^{\\frac{x^{2}}{2}}"],
    ["exp(x)^2", "\\left(e^{x}\\right)^{2}"],
    ["sin(x)^2 + cos(x)^2", "\\sin^{2}(x) + \\cos^{2}(x)"],
    ["log(x / y)", "\\log\\left(\\frac{x}{y}\\right)"],
    ["x[1]^2 + x[12] alpha", "x_{1}^{2} + x_{12} \\alpha"],
    ["abs(x) + max(x, y)", "\\left|x\\right| + \\max(x, y)"],
    ["sigmoid(x) softplus(y)", "\\sigma(x) \\operatorname{softplus}(y)"],
    ["2 * 3^x", "2 \\cdot 3^{x}"],
    ["(2x)^3", "\\left(2 x\\right)^{3}"],
    ["-x^2", "-x^{2}"],
    ["x - (y - z)", "x - \\left(y - z\\right)"],
    ["pi x + e", "\\pi x + e"],
    ["1e-8 x", "10^{-8} x"],
    ["log1p(x)", "\\log(1 + x)"],
    ["atan2(y, x)", "\\operatorname{atan2}(y, x)"],
    ["sech(x) + csch(y) coth(z)", "\\operatorname{sech}(x) + \\operatorname{csch}(y) \\coth(z)"],
    ["softmax(2, x, y)", "\\operatorname{softmax}_{2}(x, y)"],
    ["cosdir(1, x, y)", "\\frac{x}{\\operatorname{hypot}(x, y)}"],
  ])("%s → %s", (src, expected) => {
    expect(tex(src)).toBe(expected);
  });

  test("parentheses appear only where precedence needs them", () => {
    expect(tex("x y + z")).not.toContain("\\left");
    expect(tex("(x + y) z")).toBe("\\left(x + y\\right) z");
  });

  test("symbol names: indices, Greek letters, words, underscores", () => {
    expect(latexSymbol("x[3]")).toBe("x_{3}");
    expect(latexSymbol("w[1,2]")).toBe("w_{1,2}");
    expect(latexSymbol("theta_1")).toBe("\\theta_{1}");
    expect(latexSymbol("x3")).toBe("x_{3}");
    expect(latexSymbol("lr")).toBe("\\mathrm{lr}");
    expect(latexSymbol("x_min")).toBe("x_{\\mathrm{min}}");
  });

  test("numbers", () => {
    expect(latexNumber(3)).toBe("3");
    expect(latexNumber(0.25)).toBe("0.25");
    expect(latexNumber(1.5e-8)).toBe("1.5 \\cdot 10^{-8}");
    expect(latexNumber(Infinity)).toBe("\\infty");
  });

  test("vectors and matrices are bmatrix", () => {
    const [x, y] = [sym("x"), sym("y")];
    expect(latexVector([x, y])).toBe("\\begin{bmatrix} x \\\\ y \\end{bmatrix}");
    expect(latexMatrix([[x, y], [y, x]])).toBe("\\begin{bmatrix} x & y \\\\ y & x \\end{bmatrix}");
  });
});

describe("indexedSumLatex: indexed sums keep their Σ", () => {
  test("sum and prod over an index, nested, with the user's numbers", async () => {
    const { indexedSumLatex } = await import("../../src/symbolic/latex.js");
    expect(indexedSumLatex("sum((x[i] - i)^2, i, 1, 50)")).toBe("\\sum_{i=1}^{50} {\\left(x_{i}-i\\right)}^{2}");
    expect(indexedSumLatex("prod(x[i], i, 1, 4) + sum(sum(w[i,j]^2, j, 1, 2), i, 1, 3)")).toBe("\\prod_{i=1}^{4} x_{i}+\\sum_{i=1}^{3} \\sum_{j=1}^{2} {w_{i,j}}^{2}");
    expect(indexedSumLatex("50.5 x^2 + sum(x[i], i, 1, 3)")).toBe("50.5 {x}^{2}+\\sum_{i=1}^{3} x_{i}");
    // a body that is a sum keeps its parentheses after Σ
    expect(indexedSumLatex("sum(x[i] + 1, i, 1, 3)")).toBe("\\sum_{i=1}^{3} \\left(x_{i}+1\\right)");
  });
  test("no indexed sum, or not a mathjs expression: null", async () => {
    const { indexedSumLatex } = await import("../../src/symbolic/latex.js");
    expect(indexedSumLatex("x^2 + y")).toBeNull();
    expect(indexedSumLatex("sum(x, y)")).toBeNull();
    expect(indexedSumLatex("(p) => sum(p.x)")).toBeNull();
  });
});
