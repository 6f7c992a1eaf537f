/**
 * Model families (family.ts): the exact Fisher information of a data-backed objective that
 * declares its family, against Fishers computed here by hand, and the checks of a declaration.
 */
import { describe, expect, test } from "vitest";
import { DslError } from "../../src/errors/index.js";
import { mulberry32 } from "../../src/numeric/index.js";
import { buildObjective, type SymbolicDataProblem } from "../../src/symbolic/index.js";

const rand = mulberry32(11);
const m = 40;
const x1 = Array.from({ length: m }, () => 4 * rand() - 2);
const x2 = Array.from({ length: m }, () => 4 * rand() - 2);
const labels = x1.map((a, i) => (rand() < 1 / (1 + Math.exp(-(0.5 + 2 * a - x2[i]!))) ? 1 : 0));
const counts = x1.map((a) => Math.floor(4 * rand() * Math.exp(0.3 * a)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function data(src: string, params: string[], family: "bernoulli" | "poisson" | "gaussian", y: number[] = labels, extra: object = {}): SymbolicDataProblem {
  return buildObjective(src, { params, data: { x1, x2, y }, family, ...extra }).problem as SymbolicDataProblem;
}

function fisherOf(p: SymbolicDataProblem, w: number[], rows: Int32Array | null = null): number[][] {
  const n = w.length;
  const F = new Float64Array(n * n);
  p.fisherInto(Float64Array.from(w), F, rows);
  return Array.from({ length: n }, (_r, i) => Array.from(F.subarray(i * n, (i + 1) * n)));
}

/** Σ or mean over rows of v(i)·a(i) a(i)ᵀ. */
function outer(rows: number[], a: (i: number) => number[], v: (i: number) => number, mean = true): number[][] {
  const n = a(rows[0]!).length;
  const F = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const i of rows) {
    const ai = a(i);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) F[r]![c]! += v(i) * ai[r]! * ai[c]!;
  }
  return mean ? F.map((row) => row.map((e) => e / rows.length)) : F;
}

function expectMatrix(got: number[][], want: number[][], rtol = 1e-13): void {
  const scale = Math.max(...want.flat().map(Math.abs));
  got.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want[i]![j]!), `[${i}][${j}]`).toBeLessThanOrEqual(rtol * scale)));
}

const all = Array.from({ length: m }, (_v, i) => i);
const eta = (w: number[]) => (i: number) => w[0]! + w[1]! * x1[i]! + w[2]! * x2[i]!;
const features = (i: number) => [1, x1[i]!, x2[i]!];
const POINTS = [[0, 0, 0], [0.3, -0.5, 0.8], [1.5, 2, -1]];

describe("the exact Fisher of a declared family", () => {
  test("logistic regression: Xᵀ diag(p(1 − p)) X / m, which is also the Hessian", () => {
    const p = data("softplus(w0 + w1 x1 + w2 x2) - y (w0 + w1 x1 + w2 x2)", ["w0", "w1", "w2"], "bernoulli");
    for (const w of POINTS) {
      const pr = (i: number) => sigmoid(eta(w)(i));
      const byHand = outer(all, features, (i) => pr(i) * (1 - pr(i)));
      expectMatrix(fisherOf(p, w), byHand);
      const H = new Float64Array(9);
      p.hessianInto(Float64Array.from(w), H);
      expectMatrix([0, 1, 2].map((i) => Array.from(H.subarray(3 * i, 3 * i + 3))), byHand);
    }
  });

  test("the cross-entropy form, with a regularizer (which adds nothing to F), summed, over a mini-batch", () => {
    const ce = "-y log(sigmoid(w0 + w1 x1 + w2 x2)) - (1 - y) log(1 - sigmoid(w0 + w1 x1 + w2 x2)) + 0.1 (w1^2 + w2^2)";
    const w = POINTS[1]!;
    const pr = (i: number) => sigmoid(eta(w)(i));
    const rows = Int32Array.of(3, 17, 17, 25);
    expectMatrix(fisherOf(data(ce, ["w0", "w1", "w2"], "bernoulli"), w, rows), outer([3, 17, 17, 25], features, (i) => pr(i) * (1 - pr(i))));
    const summed = data(ce, ["w0", "w1", "w2"], "bernoulli", labels, { reduce: "sum" });
    expectMatrix(fisherOf(summed, w), outer(all, features, (i) => pr(i) * (1 - pr(i)), false));
  });

  test("a nonlinear model η = a·tanh(b x1) + c: the generalized Gauss–Newton matrix p(1 − p)∇η∇ηᵀ", () => {
    const p = data("softplus(a tanh(b x1) + c) - y (a tanh(b x1) + c)", ["a", "b", "c"], "bernoulli");
    const [a, b, c] = [0.7, -1.3, 0.2];
    const grad = (i: number) => [Math.tanh(b * x1[i]!), a * x1[i]! * (1 - Math.tanh(b * x1[i]!) ** 2), 1];
    const pr = (i: number) => sigmoid(a * Math.tanh(b * x1[i]!) + c);
    expectMatrix(fisherOf(p, [a, b, c]), outer(all, grad, (i) => pr(i) * (1 - pr(i))));
  });

  test("Poisson regression: Xᵀ diag(e^η) X / m", () => {
    const p = data("exp(w0 + w1 x1 + w2 x2) - y (w0 + w1 x1 + w2 x2)", ["w0", "w1", "w2"], "poisson", counts);
    for (const w of POINTS.slice(0, 2)) expectMatrix(fisherOf(p, w), outer(all, features, (i) => Math.exp(eta(w)(i))));
  });

  test("Gaussian: squared error (y − η)² is σ² = 1/2, so F = 2 XᵀX / m", () => {
    const p = data("(w0 + w1 x1 + w2 x2 - y)^2", ["w0", "w1", "w2"], "gaussian", x2.map((v) => v + 1));
    expectMatrix(fisherOf(p, POINTS[2]!), outer(all, features, () => 2));
  });
});

describe("a declaration is checked", () => {
  const fails = (fn: () => unknown, re: RegExp) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DslError);
    expect((err as DslError).code).toBe("bad-family");
    expect((err as DslError).message).toMatch(re);
  };
  const glm = "softplus(w0 + w1 x1) - y (w0 + w1 x1)";

  test("when the objective is made: the response, its values, and ∂²ℓ/∂y²", () => {
    fails(() => data(glm, ["w0", "w1"], "bernoulli", labels, { response: "label" }), /the response 'label' must be a data column/);
    fails(() => data(glm, ["w0", "w1"], "bernoulli", labels.map((v) => 2 * v)), /the response 'y' must be in \[0, 1\], got 2 at row \d+/);
    fails(() => data("softplus(w0 + w1 x1)", ["w0", "w1"], "bernoulli"), /does not depend on the response 'y'/);
    fails(() => data("(y - sigmoid(w0 + w1 x1))^2", ["w0", "w1"], "bernoulli"), /must be affine in the response 'y' .*∂²ℓ\/∂y² = 2/);
    fails(() => data("(y - w0 - w1 x1)^2 w0^2", ["w0", "w1"], "gaussian", x2), /∂²ℓ\/∂y² must be a positive constant \(1\/σ²\)/);
  });

  test("on the first Fisher evaluation: a scaled summand, another family's likelihood", () => {
    fails(() => fisherOf(data(`2 (${glm})`, ["w0", "w1"], "bernoulli"), [0.1, 0.2]), /not the bernoulli negative log-likelihood softplus\(η\) − y·η plus a regularizer of the params: .* rows 0 and 1 differ/);
    fails(() => fisherOf(data("exp(w0 + w1 x1) - y (w0 + w1 x1)", ["w0", "w1"], "bernoulli"), [0.1, 0.2]), /is the summand scaled by a factor, or the likelihood of another family/);
  });
});
