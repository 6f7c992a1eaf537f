/**
 * Verdicts that deserve trust: kinks within the step judged against the matching one-sided
 * derivative, rounding from a measured noise floor (terms that cancel), "weak" only when it
 * means something, hints (common factor, transpose, one leaf), exceptions in f located.
 */
import { describe, expect, test } from "vitest";
import { DslError, gradcheck, type UserModel } from "../../dsl/index.js";

describe("kinks within the step", () => {
  // A ReLU unit whose pre-activation z = w + b is −8e-17 at the point: the analytic gradient
  // takes the right-hand side (z ≥ −1e-15 counts as active), which is a valid one-sided choice.
  const relu = (z: number) => Math.max(0, z);
  const f = (p: number[]) => {
    const z = p[0]! + p[1]!;
    return 0.7 * relu(z) - 0.21 * z * z + p[2]! * relu(z) + Math.sin(p[0]!);
  };
  const grad = (p: number[]) => {
    const z = p[0]! + p[1]!;
    const d = z > -1e-15 ? 1 : 0;
    return [(0.7 + p[2]!) * d - 0.42 * z + Math.cos(p[0]!), (0.7 + p[2]!) * d - 0.42 * z, relu(z)];
  };
  const at = [0.3, -0.3 - 8e-17, -0.91];

  test("a correct ReLU gradient matching the right-hand derivative is a kink, not a failure", () => {
    expect(at[0]! + at[1]!).toBeLessThan(0);
    const r = gradcheck({ f, grad }, { at });
    expect(r.verdict).toBe("kink");
    expect(r.failures).toEqual([]);
    expect(r.rows[1]!.right).toBeCloseTo(-0.21, 9);
  });

  test("a wrong gradient at the same kink still fails", () => {
    const r = gradcheck({ f, grad: (p: number[]) => grad(p).map((g, i) => (i === 1 ? g + 0.5 : g)) }, { at });
    expect(r.verdict).toBe("fail");
    expect(r.failures).toEqual([1]);
  });
});

describe("rounding from a measured noise floor", () => {
  const model: UserModel = {
    f: (p) => (p[0]! + 1e8) ** 2 + (p[1]! + 1e8) ** 2 - 2e16,
    grad: (p) => [2 * (p[0]! + 1e8), 2 * (p[1]! + 1e8)],
  };

  test.each(["central", "richardson", "forward"] as const)("a correct gradient of terms that cancel passes with %s, and says why it is weak", (method) => {
    const r = gradcheck(model, { at: [0.5, 1.5], method });
    expect(r.verdict).toBe("pass");
    expect(r.rows.every((x) => x.noise! > 0.5)).toBe(true);
    expect(r.warnings.join(" ")).toMatch(/scatters by ±.* per evaluation \(measured\)/);
  });

  test("a 1% bug there still fails", () => {
    const r = gradcheck({ f: model.f, grad: (p) => [2.02 * (p[0]! + 1e8), 2 * (p[1]! + 1e8)] }, { at: [0.5, 1.5] });
    expect(r.verdict).toBe("fail");
    expect(r.failures).toEqual([0]);
  });

  test("a smooth f costs no extra evaluations (the noise is measured only for doubtful rows)", () => {
    const r = gradcheck({ f: (p: number[]) => Math.sin(p[0]!) * p[1]!, grad: (p: number[]) => [Math.cos(p[0]!) * p[1]!, Math.sin(p[0]!)] }, { at: [0.4, 2] });
    expect(r.evaluations).toBe(5);
  });
});

describe("weak only when it means something", () => {
  test("a zero derivative measured to 1e-10 next to entries of size 1 is not weak", () => {
    const r = gradcheck({ f: (p: number[]) => Math.sin(p[0]!) + 0 * p[1]!, grad: (p: number[]) => [Math.cos(p[0]!), 0] }, { at: [0.3, 5] });
    expect(r.verdict).toBe("pass");
    expect(r.rows.some((x) => x.uncertain)).toBe(false);
    expect(r.message).not.toMatch(/weak/);
  });
});

describe("hints", () => {
  type P = { W: number[][]; b: number[] };
  const X = [[0.3, -1.2, 0.7], [1.1, 0.4, -0.5], [0.2, 0.9, -1.4], [-0.6, 0.1, 0.8]];
  const T = [[0.5, -0.2], [0.1, 0.3], [-0.7, 0.2], [0.4, 0.6]];
  const N = X.length;
  const resid = (p: P) => X.map((x, s) => p.W.map((row, i) => row.reduce((a, w, j) => a + w * x[j]!, 0) + p.b[i]! - T[s]![i]!));
  const f = (p: P) => resid(p).reduce((a, r) => a + r.reduce((c, v) => c + v * v, 0), 0) / (2 * N);
  const gradW = (p: P, scale: number) => p.W.map((row, i) => row.map((_, j) => (scale * resid(p).reduce((a, r, s) => a + r[i]! * X[s]![j]!, 0)) / N));
  const gradB = (p: P, scale: number) => p.b.map((_, i) => (scale * resid(p).reduce((a, r) => a + r[i]!, 0)) / N);
  const at: P = { W: [[0.1, -0.4, 0.2], [0.5, 0.3, -0.2]], b: [0.05, -0.1] };

  test("the correct gradient passes", () => {
    expect(gradcheck({ f, grad: (p: P) => ({ W: gradW(p, 1), b: gradB(p, 1) }) }, { at }).verdict).toBe("pass");
  });

  test("a gradient off by the batch size in every entry names the factor 1/N", () => {
    const r = gradcheck({ f, grad: (p: P) => ({ W: gradW(p, N), b: gradB(p, N) }) }, { at });
    expect(r.verdict).toBe("fail");
    expect(r.message).toMatch(/every failing entry has the same ratio: analytic = 4× the numeric in every entry: a factor 1\/4 missing/);
  });

  test("a λ-like factor is named as a constant factor", () => {
    const r = gradcheck({ f, grad: (p: P) => ({ W: gradW(p, 0.37), b: gradB(p, 0.37) }) }, { at });
    expect(r.message).toMatch(/analytic = 0\.370000× the numeric in every entry: a constant factor/);
  });

  test("a bug confined to one leaf is named with the leaf, the other leaves agree", () => {
    const r = gradcheck({ f, grad: (p: P) => ({ W: gradW(p, 1), b: gradB(p, 2) }) }, { at });
    expect(r.params!.map((l) => [l.path, l.ok])).toEqual([["W", true], ["b", false]]);
    expect(r.params![1]!.hint).toMatch(/2× the numeric/);
    expect(r.message).toMatch(/All 2 failing entries are in b \(W agrees\)/);
  });

  test("a transposed non-square weight gradient is recognised", () => {
    // dW computed as [3][2] (its transpose) and flattened row-major into the 2×3 slots.
    const grad = (p: P) => {
      const g = gradW(p, 1);
      const gt = [0, 1, 2].flatMap((j) => [0, 1].map((i) => g[i]![j]!));
      return [...gt, ...gradB(p, 1)];
    };
    const r = gradcheck({ f, grad }, { at });
    expect(r.verdict).toBe("fail");
    expect(r.message).toMatch(/failing entries of W are a transposed \[3\]\[2\] array read as \[2\]\[3\]/);
    expect(r.params![0]!.hint).toMatch(/transposed/);
  });

  test("a permutation is named", () => {
    const grad = (p: number[]) => {
      const g = [Math.cos(p[0]!), 2 * p[1]!, 3 * p[2]! ** 2];
      return [g[1]!, g[2]!, g[0]!];
    };
    const r = gradcheck({ f: (p: number[]) => Math.sin(p[0]!) + p[1]! ** 2 + p[2]! ** 3, grad }, { at: [0.2, 0.7, 1.3] });
    expect(r.message).toMatch(/permuted: analytic at x\[0\] is the numeric at x\[1\]/);
  });
});

describe("exceptions inside f", () => {
  test("are wrapped with the coordinate and the step being evaluated", () => {
    const f = (p: number[]) => {
      if (p[1]! > 2) throw new Error("index out of range");
      return p[0]! * p[1]!;
    };
    let err: unknown;
    try {
      gradcheck({ f, grad: (p: number[]) => [p[1]!, p[0]!] }, { at: [1, 2] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DslError);
    const e = err as DslError;
    expect(e.code).toBe("user-code");
    expect(e.message).toMatch(/^gradcheck: f\(p\) threw with x\[1\] moved by 1\.21e-5 from at \(a finite-difference step\): index out of range$/);
    expect(e.detail).toMatchObject({ coordinate: "x[1]" });
    expect((e as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
  });
});
