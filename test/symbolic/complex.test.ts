/**
 * The complex-step path: Im f(x + ih·e_k)/h must equal the analytic gradient to machine
 * precision for every function, and holomorphic functions must be true complex functions.
 */
import { createRequire } from "node:module";
import { describe, expect, test } from "vitest";
import { FN_NAMES, parseExpression, SymbolicProblem, sym } from "../../src/symbolic/index.js";

const H = 1e-20;

const TABLE: [string, string[], number[]][] = [
  ["(1 - x)^2 + 100 (y - x^2)^2", ["x", "y"], [0.7, 0.2]],
  ["x^7 - 3 x^-4 + x^2.5 + 2^x + x^y", ["x", "y"], [1.3, 0.6]],
  ["exp(x y) log(x + 2) + log2(x + 3) + log10(y + 4) + log1p(x y) + expm1(y)", ["x", "y"], [0.4, -0.3]],
  ["sin(x) cos(y) tan(x y) + sec(x) + csc(y + 2) + cot(x + 1)", ["x", "y"], [0.4, -0.3]],
  ["asin(x / 2) + acos(y / 2) + atan(x y) + atan2(y, x) + atan2(x, -y - 2)", ["x", "y"], [0.4, -0.3]],
  ["sinh(x) cosh(y) tanh(x - y) + asinh(x) + acosh(y + 3) + atanh(x / 2)", ["x", "y"], [0.4, -0.3]],
  ["sigmoid(3x) softplus(-2y) + softplus(40 x) + sigmoid(-50 y) + logsumexp(x, y, 2x y)", ["x", "y"], [0.4, -0.3]],
  ["erf(x y) + cbrt(x - 1) + sqrt(x^2 + y^2) + hypot(x, y, 1)", ["x", "y"], [0.4, -0.3]],
  ["abs(x - y) + max(x, y^2, 0.1) + min(x, y) + sign(x) y + floor(x) + ceil(y) + round(x y)", ["x", "y"], [0.4, -0.3]],
  ["argmaxIs(1, x, y) x + argminIs(2, x, y) y + pi x", ["x", "y"], [0.4, -0.3]],
  ["sech(x y) + csch(x + 1) + coth(2 y - 1) + softmax(2, x, y^2) + cosdir(1, x, 2 y, 1)", ["x", "y"], [0.4, -0.3]],
];

describe("complex step through the compiled complex path", () => {
  test("the table covers every function of the IR", () => {
    const all = TABLE.map((r) => r[0]).join(" ");
    for (const fn of FN_NAMES) expect(all, fn).toMatch(new RegExp(`\\b${fn}\\b`));
  });

  test.each(TABLE)("%s: Im f(x + ih e_k)/h = ∂f/∂x_k to 1e-13", (src, names, at) => {
    const p = new SymbolicProblem(parseExpression(src).expr, names.map(sym));
    const g = new Float64Array(names.length);
    const f = p.valueAndGradInto(Float64Array.from(at), g);
    for (let k = 0; k < names.length; k++) {
      const im = new Float64Array(names.length);
      im[k] = H;
      const [re, imag] = p.valueComplex(Float64Array.from(at), im);
      expect(re).toBeCloseTo(f, 12);
      expect(Math.abs(imag / H - g[k]!), `∂/∂${names[k]}: ${imag / H} vs ${g[k]}`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(g[k]!)));
    }
  });

  test("Rosenbrock at (0.7, 0.2): ∂f/∂x = 80.6 by complex step, where mathjs's complex ^ gives 205985", () => {
    const src = "(1 - x)^2 + 100 (y - x^2)^2";
    const p = new SymbolicProblem(parseExpression(src).expr, [sym("x"), sym("y")]);
    const [, im] = p.valueComplex(Float64Array.of(0.7, 0.2), Float64Array.of(H, 0));
    expect(im / H).toBeCloseTo(80.6, 12);
    // Why integer powers are multiplications: mathjs computes z^2 as exp(2 log z), and for
    // y − x² < 0 the argument of log z is ≈ π, so 2·arg loses the 1e-20 imaginary part.
    const math = createRequire(import.meta.url)("mathjs") as { parse(s: string): { compile(): { evaluate(scope: object): unknown } }; complex(a: number, b: number): unknown; im(z: unknown): number };
    const viaMathjs = math.im(math.parse(src).compile().evaluate({ x: math.complex(0.7, H), y: math.complex(0.2, 0) })) / H;
    expect(Math.round(viaMathjs)).toBe(205985);
  });

  test("holomorphic functions are true complex functions (not only first order)", () => {
    const cases: [string, (a: number, b: number) => [number, number]][] = [
      ["exp(x)", (a, b) => [Math.exp(a) * Math.cos(b), Math.exp(a) * Math.sin(b)]],
      ["x^3", (a, b) => [a * a * a - 3 * a * b * b, 3 * a * a * b - b * b * b]],
      ["log(x)", (a, b) => [Math.log(Math.hypot(a, b)), Math.atan2(b, a)]],
      ["sin(x)", (a, b) => [Math.sin(a) * Math.cosh(b), Math.cos(a) * Math.sinh(b)]],
      ["1 / x", (a, b) => [a / (a * a + b * b), -b / (a * a + b * b)]],
    ];
    for (const [src, ref] of cases) {
      const p = new SymbolicProblem(parseExpression(src).expr, [sym("x")]);
      const [re, im] = p.valueComplex(Float64Array.of(0.3), Float64Array.of(0.4));
      const [r, i] = ref(0.3, 0.4);
      expect(re, src).toBeCloseTo(r, 14);
      expect(im, src).toBeCloseTo(i, 14);
    }
  });
});
