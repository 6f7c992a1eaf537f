/**
 * The fixture problems of test/support/problems.ts written symbolically, so the tensor engine
 * can compile them (same functions, same variable order).
 */
import { buildObjective, type SymbolicProblem } from "../../src/symbolic/index.js";

const build = (src: string, vars: string[]) => buildObjective(src, { vars }).problem as SymbolicProblem;

export const SYMBOLIC: Record<string, () => SymbolicProblem> = {
  rosenbrock: () => build("(1 - x)^2 + 100*(y - x^2)^2", ["x", "y"]),
  // ½ (x − c)ᵀ A (x − c), A = [[50.5, 49.5], [49.5, 50.5]], c = (1, −2)
  quadratic: () => build("0.5*(50.5*(x - 1)^2 + 2*49.5*(x - 1)*(y + 2) + 50.5*(y + 2)^2)", ["x", "y"]),
  beale: () => build("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", ["x", "y"]),
  saddle: () => build("x^2 + y^4/4 - y^2/2", ["x", "y"]),
  "extended-rosenbrock": () =>
    build(
      Array.from({ length: 4 }, (_, i) => `100*(x${i + 1} - x${i}^2)^2 + (1 - x${i})^2`).join(" + "),
      Array.from({ length: 5 }, (_, i) => `x${i}`),
    ),
};
