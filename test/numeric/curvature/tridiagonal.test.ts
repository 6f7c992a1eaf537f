import { expect, test } from "vitest";
import { eigSym } from "../../../src/numeric/eig-sym.js";
import { tridiagEig } from "../../../src/numeric/curvature/tridiagonal.js";
import { uniform } from "./problems.js";

test("tridiagEig of [[2, 1], [1, 2]] is [1, 3]", () => {
  const { values } = tridiagEig([2, 2], [1]);
  expect(values[0]).toBeCloseTo(1, 14);
  expect(values[1]).toBeCloseTo(3, 14);
});

test("tridiagEig matches the Jacobi eigen-solver on random tridiagonals, eigenvectors included", () => {
  const r = uniform(7);
  for (const m of [1, 2, 3, 10, 40]) {
    const alpha = Array.from({ length: m }, () => r() * 4 - 2);
    const beta = Array.from({ length: m - 1 }, () => (r() < 0.1 ? 0 : r() * 2 - 1)); // some exact zeros: split blocks
    const T = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? alpha[i]! : j === i + 1 ? beta[i]! : i === j + 1 ? beta[j]! : 0)));
    const ref = eigSym(T);
    const got = tridiagEig(alpha, beta, "all");
    for (let k = 0; k < m; k++) expect(Math.abs(got.values[k]! - ref.values[k]!)).toBeLessThan(1e-12);
    // T s_k = λ_k s_k and unit norm, for every eigenvector
    for (let k = 0; k < m; k++) {
      const s = got.rows.map((row) => row[k]!);
      expect(Math.hypot(...s)).toBeCloseTo(1, 12);
      for (let i = 0; i < m; i++) {
        const Ts = T[i]!.reduce((acc, t, j) => acc + t * s[j]!, 0);
        expect(Math.abs(Ts - got.values[k]! * s[i]!)).toBeLessThan(1e-12);
      }
    }
    // selected rows equal the same rows of the full matrix
    const sel = tridiagEig(alpha, beta, [0, m - 1]);
    expect(Array.from(sel.rows[1]!)).toEqual(Array.from(got.rows[m - 1]!));
  }
});
