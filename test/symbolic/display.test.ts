import { describe, expect, test } from "vitest";
import { formatSync } from "../../src/display/index.js";
import { gradient, hessian, parseExpression, sym, SymbolicExpression, SymbolicMatrix, SymbolicVector } from "../../src/symbolic/index.js";

const label = { text: "∇f(x, y)", latex: "\\nabla f(x, y)" };

describe("symbolic display objects", () => {
  const f = parseExpression("x^2 y + y").expr;
  const vars = [sym("x"), sym("y")];

  test("a vector displays as a LaTeX bmatrix and as one line per entry", () => {
    const v = new SymbolicVector(gradient(f, vars), ["x", "y"], label);
    expect(formatSync(v)).toEqual({
      "text/plain": "∇f(x, y) =\n  x: 2 * x * y\n  y: x^2 + 1",
      "text/latex": "$$\\nabla f(x, y) = \\begin{bmatrix} 2 x y \\\\ x^{2} + 1 \\end{bmatrix}$$",
    });
    expect(v.text()).toBe("[2 * x * y, x^2 + 1]");
    expect(v.entry("y").text()).toBe("x^2 + 1");
    expect(formatSync(v.entry(0))["text/latex"]).toBe("$$\\left(\\nabla f(x, y)\\right)_{1} = 2 x y$$");
  });

  test("a matrix displays as a bmatrix", () => {
    const m = new SymbolicMatrix(hessian(f, vars), ["x", "y"], { text: "∇²f", latex: "\\nabla^2 f" });
    expect(formatSync(m)["text/latex"]).toBe("$$\\nabla^2 f = \\begin{bmatrix} 2 y & 2 x \\\\ 2 x & 0 \\end{bmatrix}$$");
    expect(m.entry("x", "y").text()).toBe("2 * x");
  });

  test("large vectors and matrices display truncated; text() and latex() stay complete", () => {
    const n = 40;
    const g = parseExpression(`sum(x[i]^2, i, 1, ${n})`).expr;
    const xs = Array.from({ length: n }, (_v, i) => sym(`x[${i + 1}]`));
    const v = new SymbolicVector(gradient(g, xs), xs.map((s) => s.name), label);
    const b = formatSync(v);
    expect(b["text/latex"]).toContain("\\vdots");
    expect(b["text/plain"]).toMatch(/\(40 entries; \.text\(\) or \.latex\(\) for all\)$/);
    expect(v.latex().split("\\\\")).toHaveLength(40);
    const m = new SymbolicMatrix(hessian(g, xs), xs.map((s) => s.name), label);
    expect(formatSync(m)["text/latex"]).toContain("\\ddots");
  });

  test("a single expression", () => {
    const e = new SymbolicExpression(f, { text: "f", latex: "f" });
    expect(formatSync(e)).toEqual({ "text/plain": "f = x^2 * y + y", "text/latex": "$$f = x^{2} y + y$$" });
  });
});
