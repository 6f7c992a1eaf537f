import katex from "katex";
import { describe, expect, test } from "vitest";
import { DslError, format, objective, Objective } from "../../dsl/index.js";
import { formatSync } from "../../src/display/index.js";
import { expectDslError } from "../support/dsl-error.js";

const fails = expectDslError;

const rosen = () => objective("(1 - x)^2 + 100 (y - x^2)^2");

describe("objective(): the documented examples", () => {
  test("Rosenbrock: value, gradient by array or record, Hessian", () => {
    const f = rosen();
    expect(f).toBeInstanceOf(Objective);
    expect(f.vars).toEqual(["x", "y"]);
    expect(f.value([-1.2, 1])).toBeCloseTo(24.2, 12);
    expect(f.grad({ x: -1.2, y: 1 })).toEqual([expect.closeTo(-215.6, 11), expect.closeTo(-88, 12)]);
    expect(f.hess([1, 1])).toEqual([[802, -400], [-400, 200]]);
    const vg = f.valueAndGrad([1, 1]);
    expect([vg.value, ...vg.grad].map(Math.abs)).toEqual([0, 0, 0]);
    expect(f.hvp([1, 1], [1, 0])).toEqual([802, -400]);
  });

  test("extended Rosenbrock with an indexed sum and a constant n", () => {
    const r = objective("sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, n/2)", { constants: { n: 50 } });
    expect(r.vars.length).toBe(50);
    expect(r.vars.slice(0, 3)).toEqual(["x[1]", "x[2]", "x[3]"]);
    expect(r.value(new Array(50).fill(1))).toBe(0);
    expect(r.value({ x: new Array(50).fill(0) })).toBe(25);
  });

  test("data-backed least squares", () => {
    const fit = objective("(w x + b - y)^2", { params: ["w", "b"], data: { x: [0, 1, 2], y: [1, 3, 5] } });
    expect(fit.value([2, 1])).toBe(0);
    expect(fit.data?.samples).toBe(3);
    expect(fit.data?.reduce).toBe("mean");
    expect(fit.grad([0, 0])).toEqual([expect.closeTo(-2 * (3 + 10) / 3, 13), expect.closeTo(-2 * 9 / 3, 13)]);
    expect(formatSync(fit)["text/latex"]).toBe("$$L(w, b) = \\frac{1}{3} \\sum_{i=1}^{3} \\left(w x_{i} + b - y_{i}\\right)^{2}$$");
  });

  test("data columns with a subscript of their own join the row index (no double subscript)", () => {
    const f = objective("(a x1 + b X[2] - y2)^2", { params: ["a", "b"], data: { x1: [0, 1], X: [[1, 2], [3, 4]], y2: [1, 2] } });
    const tex = formatSync(f)["text/latex"] as string;
    expect(tex).toContain("x_{i,1}");
    expect(tex).toContain("y_{i,2}");
    expect(tex).not.toMatch(/_\{[^{}]*\}_\{/);
    // KaTeX, which renders it in pages, parses it
    expect(() => katex.renderToString(tex.replace(/^\$\$|\$\$$/g, ""), { throwOnError: true })).not.toThrow();
  });
});

describe("objective(): sources, variables, constants", () => {
  test("a TS arrow function gives the same objective as the string", () => {
    const f = objective((x: number, y: number) => (1 - x) ** 2 + 100 * (y - x ** 2) ** 2);
    expect(f.text()).toBe(rosen().text());
    expect(f.grad([-1.2, 1])).toEqual(rosen().grad([-1.2, 1]));
    const g = objective("(a: number, b: number) => Math.exp(a) * Math.sin(b)");
    expect(g.vars).toEqual(["a", "b"]);
  });

  test("vars fixes the order; ranges expand; undeclared symbols are errors", () => {
    const f = objective("x + 2 y", { vars: ["y", "x"] });
    expect(f.grad([5, 7])).toEqual([2, 1]);
    expect(objective("x[1] x[3]", { vars: ["x[1..3]"] }).grad([1, 2, 3])).toEqual([3, 0, 1]);
    fails(() => objective("x + z", { vars: ["x", "y"] }), "unknown-symbol", /unknown symbol 'z': it is not among the vars \(x, y\)/);
  });

  test("constants stay names in displays and are values in the compiled code", () => {
    const f = objective("(a - x)^2 + b (y - x^2)^2", { constants: { a: 1, b: 100 } });
    expect(f.vars).toEqual(["x", "y"]);
    expect(f.latex()).toBe("\\left(a - x\\right)^{2} + b \\left(y - x^{2}\\right)^{2}");
    expect(f.value([-1.2, 1])).toBeCloseTo(24.2, 12);
    expect(f.gradient.text()).toBe("[-2 * (a - x) - 4 * b * (y - x^2) * x, 2 * b * (y - x^2)]");
  });

  test("the Hessian is exactly symmetric", () => {
    const f = objective("exp(x y z) + sin(x) cos(y) / (1 + z^2)");
    const H = f.hess([0.3, -0.8, 1.3]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(H[i]![j]).toBe(H[j]![i]);
  });
});

describe("objective(): display", () => {
  test("the objective shows f as LaTeX and text", async () => {
    expect(await format(rosen())).toEqual({
      "text/plain": "f(x, y) = (1 - x)^2 + 100 * (y - x^2)^2",
      "text/latex": "$$f(x, y) = \\left(1 - x\\right)^{2} + 100 \\left(y - x^{2}\\right)^{2}$$",
    });
    expect(String(rosen())).toBe("f(x, y) = (1 - x)^2 + 100 * (y - x^2)^2");
  });

  test("gradient and Hessian display as LaTeX vectors and matrices", () => {
    const f = rosen();
    expect(formatSync(f.gradient)["text/latex"]).toBe(
      "$$\\nabla f(x, y) = \\begin{bmatrix} -2 \\left(1 - x\\right) - 400 \\left(y - x^{2}\\right) x \\\\ 200 \\left(y - x^{2}\\right) \\end{bmatrix}$$",
    );
    expect(formatSync(f.hessian)["text/latex"]).toBe(
      "$$\\nabla^2 f(x, y) = \\begin{bmatrix} 2 + 800 x^{2} - 400 \\left(y - x^{2}\\right) & -400 x \\\\ -400 x & 200 \\end{bmatrix}$$",
    );
    expect(formatSync(f.gradient)["text/plain"]).toBe("∇f(x, y) =\n  x: -2 * (1 - x) - 400 * (y - x^2) * x\n  y: 200 * (y - x^2)");
  });

  test("long sums and many variables display shortened", () => {
    const r = objective("sum(x[i]^2, i, 1, 20) + x[1]*x[2] + 0", { vars: Array.from({ length: 20 }, (_, i) => `x[${i + 1}]`) });
    const long = objective(Array.from({ length: 20 }, (_, i) => `(x${i} - ${i})^2`).join(" + "));
    const b = formatSync(long);
    expect(b["text/latex"]).toMatch(/^\$\$f\(x_\{0\}, x_\{1\}, \\dots, x_\{19\}\) = .* \+ \\dots \+ \\left\(x_\{19\} - 19\\right\)\^\{2\}\$\$$/);
    expect(b["text/plain"]).toMatch(/\(20 terms; \.text\(\) or \.latex\(\) for all\)$/);
    expect(formatSync(r)["text/latex"]).toMatch(/\\sum_\{i=1\}\^\{20\} \{x_\{i\}\}\^\{2\}/);
  });

  test("an objective written with an indexed sum shows the Σ, not its expanded terms", () => {
    const r = objective("sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, 500)");
    const b = formatSync(r);
    expect(b["text/latex"]).toBe(
      "$$f(x_{1}, x_{2}, \\dots, x_{1000}) = \\sum_{i=1}^{500} \\left(100 {\\left(x_{2 i}-{x_{2 i-1}}^{2}\\right)}^{2}+{\\left(1-x_{2 i-1}\\right)}^{2}\\right)$$",
    );
    expect(b["text/plain"]).toBe("f(x[1], x[2], ..., x[1000]) = sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, 500)\n(1000 terms expanded; .text() or .latex() for all)");
    // .latex() and .text() still give every term
    expect(r.text()).toMatch(/\(1 - x\[999\]\)\^2$/);
    // a sum of 50 terms: Σ, not 50 terms
    expect(formatSync(objective("sum((x[i] - i)^2, i, 1, 50)"))["text/latex"]).toBe("$$f(x_{1}, x_{2}, \\dots, x_{50}) = \\sum_{i=1}^{50} {\\left(x_{i}-i\\right)}^{2}$$");
  });

  test("coefficients display as written: 50.5 x², not 101 x²/2; unit fractions and repeating decimals as fractions", () => {
    expect(formatSync(objective("50.5 x^2"))["text/latex"]).toBe("$$f(x) = 50.5 x^{2}$$");
    expect(formatSync(objective("50.5 x^2"))["text/plain"]).toBe("f(x) = 50.5 * x^2");
    expect(formatSync(objective("2.5*x^2 + 0.3*y"))["text/latex"]).toBe("$$f(x, y) = 2.5 x^{2} + 0.3 y$$");
    expect(formatSync(objective("x^2/2 + 2*y/3"))["text/latex"]).toBe("$$f(x, y) = \\frac{x^{2}}{2} + \\frac{2 y}{3}$$");
  });
});

describe("objective(): errors", () => {
  test("parse errors quote the expression with a caret", () => {
    const e = fails(() => objective("(1 - x)^2 + * 100"), "parse", /cannot parse "\(1 - x\)\^2 \+ \* 100"/);
    expect(e.message).toMatch(/\n {2}\(1 - x\)\^2 \+ \* 100\n {2} *\^$/);
  });

  test("unknown functions are named with suggestions", () => {
    fails(() => objective("sqr(x) + y"), "unknown-function", /unknown function 'sqr' .*did you mean .*sqrt/);
  });

  test("unsupported TS constructs say which and where", () => {
    fails(() => objective("(x) => { for (let i = 0; i < 2; i++) {} return x; }"), "unsupported-syntax", /`for` loops are not supported in objective functions \(line 1, col 10\)/);
    fails(() => objective("(x, y) => x > y ? x : y"), "unsupported-syntax", /conditional expressions/);
  });

  test("evaluating without a value for a variable names it and lists the variables", () => {
    fails(() => rosen().value({ x: 1 }), "missing-value", /the point has no value for 'y' \(variables: x, y\)/);
    fails(() => rosen().grad({ x: 1, y: 2, z: 3 }), "bad-point", /value for 'z', which is not a variable \(variables: x, y\)/);
  });

  test("a point with a value for 'e' says that e is Euler's number unless declared (a student's a..e)", () => {
    fails(() => objective("a + b + c + d + e").value([1, 2, 3, 4, 5]), "bad-length", /must have 4 values \(a, b, c, d\), got 5 \('e' is read as Euler's number here; to make it a variable, list it in opts\.vars\)$/);
    fails(() => objective("a + b + c + d + e").value({ a: 1, b: 2, c: 3, d: 4, e: 5 }), "bad-point", /which is not a variable \(variables: a, b, c, d\) \('e' is read as Euler's number/);
    fails(() => objective("e^x + pi*y").value([1, 2, 3]), "bad-length", /\('e', 'pi' are read as Euler's number and π here; to make them variables, list them in opts\.vars\)$/);
    expect(objective("a + b + c + d + e", { vars: ["a", "b", "c", "d", "e"] }).value([1, 2, 3, 4, 5])).toBe(15);
    // too few values: no hint (e is not what is missing)
    expect(() => objective("e^x + y").value([1])).toThrow(/got 1$/);
    // ten names are listed in full
    fails(() => objective("a+b+c+d+f+g+h+i+j+k").value([1]), "bad-length", /must have 10 values \(a, b, c, d, f, g, h, i, j, k\), got 1$/);
  });

  test("wrong vector length and non-numbers", () => {
    fails(() => rosen().value([1, 2, 3]), "bad-length", /the point must have 2 values \(x, y\), got 3/);
    fails(() => rosen().value([1, Number.NaN]), "bad-point", /entry 1 \('y'\) must be a finite number, got NaN/);
    fails(() => rosen().value("1, 2" as never), "bad-point", /must be an array of numbers or a record/);
  });

  test("non-finite values, gradients and Hessians are reported with the point", () => {
    fails(() => objective("log(x) + y").value([0, 1]), "non-finite", /the value is -Infinity at \(x = 0, y = 1\)/);
    fails(() => objective("sqrt(x) + y").grad([0, 1]), "non-finite", /the gradient is not finite: ∂f\/∂x = Infinity at \(x = 0, y = 1\)/);
    fails(() => objective("x^1.5 y").hess([0, 1]), "non-finite", /the Hessian is not finite: ∂²f\/∂x∂x = Infinity/);
    // The allocation-free Problem methods return the raw value instead (optimizers check it).
    expect(objective("log(x)").valueAt(Float64Array.of(-1))).toBeNaN();
  });

  test("bad options", () => {
    fails(() => objective("x", { varz: ["x"] } as never), "bad-option", /unknown option 'varz'/);
    fails(() => objective("x", { constants: { a: "1" } } as never), "bad-option", /constant 'a' must be a finite number/);
    fails(() => objective("x", { vars: ["x", "x"] }), "bad-option", /'x' appears twice in vars/);
    fails(() => objective("x", { reduce: "sum" }), "bad-option", /reduce is only meaningful with data/);
    fails(() => objective("x a", { vars: ["x", "a"], constants: { a: 1 } }), "bad-option", /'a' is declared in vars and also given as a constant/);
    fails(() => objective(42 as never), "bad-argument", /expected a mathjs expression string/);
    fails(() => objective("  "), "parse", /the expression is empty/);
  });

  test("bad options are named, with the close option or family suggested", () => {
    fails(() => objective("x", { var: ["x"] } as never), "bad-option", /unknown option 'var' \(did you mean 'vars'\?\)/);
    const data = { x: [0, 1], y: [0, 1] };
    fails(() => objective("softplus(w x) - y w x", { params: ["w"], data, family: "logistic" as never }), "bad-option", /family must be one of "bernoulli", "poisson", "gaussian" \(did you mean "bernoulli"\?\), got "logistic"/);
    fails(() => objective("softplus(w x) - y w x", { params: ["w"], data, family: "gausian" as never }), "bad-option", /did you mean "gaussian"/);
    fails(() => objective("softplus(w x) - y w x", { params: ["w"], data, family: "categorical" as never }), "bad-option", /softmax\) are not supported yet/);
    fails(() => objective("x^2", { family: "bernoulli" }), "bad-option", /family is only meaningful with data/);
    fails(() => objective("softplus(w x) - y w x", { params: ["w"], data, response: "y" }), "bad-option", /give family too/);
    fails(() => objective("softplus(w x) - y w x", { params: ["w"], data }).fisher([1]), "no-family", /fisher\(x\) needs a data-backed objective that declares its model family/);
  });

  test("a family gives the exact Fisher: for logistic regression Xᵀ diag(p(1 − p)) X / m", () => {
    const x = [0.5, -1, 2, 0.3];
    const y = [1, 0, 1, 0];
    const f = objective("softplus(w x + b) - y (w x + b)", { params: ["w", "b"], data: { x, y }, family: "bernoulli" });
    expect(f.family).toBe("bernoulli");
    const [w, b] = [0.7, -0.2];
    const F = [[0, 0], [0, 0]];
    x.forEach((xi) => {
      const p = 1 / (1 + Math.exp(-(w * xi + b)));
      const v = [xi, 1];
      for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) F[r]![c]! += (p * (1 - p) * v[r]! * v[c]!) / x.length;
    });
    f.fisher({ w, b }).forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(F[r]![c]!, 15)));
    expect(objective("(w x - y)^2", { params: ["w"], data: { x, y } }).family).toBeUndefined();
  });

  test("a non-finite loss of a data-backed objective names the first row at fault and its data", () => {
    const L = objective("log(w*x)", { params: ["w"], data: { x: [1, 0, 2], y: [5, 6, 7] } });
    fails(() => L.value([1]), "non-finite", /^objective "log\(w\*x\)": the value is -Infinity at \(w = 1\); the first row where it is not finite is row 1 \(x = 0, y = 6\)$/);
    const e = fails(() => L.grad([1]), "non-finite", /the first row where it is not finite is row 1 \(x = 0, y = 6\)$/);
    expect(e.detail).toMatchObject({ row: 1 });
    // plain objectives are unchanged
    fails(() => objective("log(x)").value([0]), "non-finite", /^objective "log\(x\)": the value is -Infinity at \(x = 0\)$/);
  });

  test("bad data", () => {
    fails(() => objective("(w x - y)^2", { params: ["w"], data: { x: [1, 2], y: [1] } }), "bad-data", /data column 'y' has 1 rows but the other columns have 2/);
    fails(() => objective("(w x - y)^2", { params: ["w"], data: { x: [1, Infinity], y: [1, 2] } }), "bad-data", /non-finite or non-number entry at row 1/);
    fails(() => objective("(w x - y)^2", { params: ["w"], data: { x: [], y: [] } }), "bad-data", /no rows/);
    // what came is shown as it came: a string "1" is not the number 1, a stray row is not "1,2"
    fails(() => objective("(w x - y)^2", { params: ["w"], data: { x: ["1", "2"] as never, y: [1, 2] } }), "bad-data", /data column 'x' has a non-finite or non-number entry at row 0: "1"$/);
    fails(() => objective("(w x - y)^2", { params: ["w"], data: { x: [1, [1, 2]] as never, y: [1, 2] } }), "bad-data", /at row 1: \[1, 2\]$/);
    fails(() => objective("(w x - y)^2", { params: ["w"], data: { x: 5 as never, y: [1, 2] } }), "bad-data", /data column 'x' must be an array of numbers \(or of rows\), got 5$/);
  });
});

describe("objective(): README examples (docs/readme/objective.md)", () => {
  test("quick start", () => {
    const g = objective((x: number, y: number) => (1 - x) ** 2 + 100 * (y - x ** 2) ** 2);
    expect(g.text()).toBe("(1 - x)^2 + 100 * (y - x^2)^2");
    const fit = objective("(w x + b - y)^2", { params: ["w", "b"], data: { x: [0, 1, 2, 3], y: [1, 3, 5, 7] } });
    expect(fit.value([2, 1])).toBe(0);
    expect(fit.grad([0, 0])).toEqual([-17, -8]);
  });

  test("logistic regression with matrix data and a constant", () => {
    const logreg = objective("softplus(-(2 t - 1) (sum(w[j] X[j], j, 1, 3) + b)) + lambda (w[1]^2 + w[2]^2 + w[3]^2)", {
      params: ["w[1..3]", "b"],
      data: { X: [[1, 0, 2], [0, 1, 1], [2, 2, 0]], t: [1, 0, 1] },
      constants: { lambda: 0.01 },
    });
    expect(logreg.vars).toEqual(["w[1]", "w[2]", "w[3]", "b"]);
    expect(logreg.value([0, 0, 0, 0])).toBeCloseTo(Math.LN2, 15);
  });

  test("the for-loop error of the TypeScript section", () => {
    fails(() => objective("(x) => { let s = 0; for (let i = 0; i < 3; i++) s += x; return s; }"), "unsupported-syntax", /`for` loops are not supported in objective functions \(line 1, col 21\)/);
  });
});

describe("objective(): the symbolic parts for other targets", () => {
  test("expression, variables, constants, gradient and Hessian as IR", () => {
    const f = objective("a (x - 1)^2 + y^2", { constants: { a: 3 } });
    const ir = f.symbolic;
    expect(ir.vars.map((v) => v.name)).toEqual(["x", "y"]);
    expect([...ir.constants].map(([s, v]) => [s.name, v])).toEqual([["a", 3]]);
    expect(ir.gradient).toHaveLength(2);
    expect(ir.hessian[0]![1]).toBe(ir.hessian[1]![0]);
    expect(ir.data).toBeUndefined();
  });

  test("data-backed: the summand, the columns and the reduction; derivatives are of ℓ", () => {
    const fit = objective("(w x + b - y)^2", { params: ["w", "b"], data: { x: [0, 1], y: [1, 3] }, reduce: "sum" });
    const ir = fit.symbolic;
    expect([...ir.data!.columns.keys()].map((s) => s.name)).toEqual(["x", "y"]);
    expect(ir.data!.reduce).toBe("sum");
    expect(formatSync(fit.gradient)["text/plain"]).toMatch(/^∇ℓ\(w, b\) =/);
    expect(formatSync(fit.gradient)["text/latex"]).toMatch(/^\$\$\\nabla \\ell\(w, b\) = /);
  });
});
