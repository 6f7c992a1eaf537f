/**
 * Model families of data-backed objectives, and their exact Fisher information.
 *
 * Declaring `family: "bernoulli"` says: the summand is the negative log-likelihood of one row
 * under that exponential family with its canonical link, plus maybe a regularizer R of the params,
 *
 *   ℓ(θ; x, y) = s·(A(η) − y·η) + R(θ)  (+ terms free of θ),   η = η(θ; x) any differentiable model,
 *
 * with y the response column and s = 1, except for the Gaussian (σ fixed): Bernoulli
 * A(η) = log(1 + e^η) (logistic regression), Poisson A(η) = e^η, Gaussian ℓ = (y − η)²/(2σ²)
 * (s = 1/σ², A(η) = η²/2; plain squared error is σ² = 1/2). The model's mean is μ = A'(η) and one
 * row's Fisher information is F = s·V(μ)·∇η ∇ηᵀ with the variance function V = A'' (μ(1−μ), μ,
 * 1). For a GLM (η linear in θ) F is the Hessian of the negative log-likelihood, for any labels;
 * for a nonlinear η it is the generalized Gauss–Newton matrix, which is the Fisher for these
 * families (Martens, "New insights and perspectives on the natural gradient method", JMLR 21,
 * 2020, §9). A regularizer adds nothing to F (natural gradient preconditions its gradient too).
 *
 * Everything comes from ℓ itself: ∂ℓ/∂y = −s·η + (s·y for the Gaussian), so η = −(∂ℓ/∂y)|_{y=0}/s,
 * s = ∂²ℓ/∂y², and s·∇η = ∇ℓ|_{y=0} − ∇ℓ|_{y=1}. The declaration is checked where it can be:
 * here symbolically (the response is a data column with values in the family's support; ∂²ℓ/∂y²
 * is 0, or for the Gaussian a positive constant), and on the first Fisher evaluation numerically:
 * ∇ℓ|_{y=0} − s·μ·∇η = ∇R must be the same for every row (this catches a summand scaled by a
 * factor, or the likelihood of another family).
 */
import { DslError } from "../errors/index.js";
import { Differentiator } from "./derivative.js";
import { evaluateOne } from "./evaluate.js";
import { quote } from "./errors.js";
import { isConstant, type Expr, type Sym } from "./ir.js";
import { num, substituteSyms, ZERO } from "./simplify.js";
import { toText } from "./text.js";

/** The supported families (canonical links). */
export type Family = "bernoulli" | "poisson" | "gaussian";

interface FamilyInfo {
  /** ℓ in words, for messages and docs. */
  readonly nll: string;
  /** The mean μ = A'(η) as code, given η's code. */
  mean(eta: string): string;
  /** The variance function V(μ) = A''(η). */
  variance(mu: number): number;
  /** Is y in the support? */
  responseOk(y: number): boolean;
  readonly support: string;
}

export const FAMILIES: { readonly [K in Family]: FamilyInfo } = {
  bernoulli: {
    nll: "softplus(η) − y·η",
    mean: (eta) => `R.sigmoid(${eta})`,
    variance: (mu) => mu * (1 - mu),
    responseOk: (y) => y >= 0 && y <= 1,
    support: "in [0, 1]",
  },
  poisson: {
    nll: "exp(η) − y·η",
    mean: (eta) => `Math.exp(${eta})`,
    variance: (mu) => mu,
    responseOk: (y) => y >= 0,
    support: "≥ 0",
  },
  gaussian: {
    nll: "(y − η)²/(2σ²)",
    mean: (eta) => eta,
    variance: () => 1,
    responseOk: () => true,
    support: "any number",
  },
};

export const FAMILY_NAMES = Object.keys(FAMILIES) as Family[];

/** What a checked declaration compiles from. */
export interface FamilySpec {
  readonly family: Family;
  /** The response's data symbol. */
  readonly response: Sym;
  /** (∂ℓ/∂y)|_{y=0} = −s·η. */
  readonly dy0: Expr;
  /** ∇θℓ at y = 0 and at y = 1. */
  readonly grad0: readonly Expr[];
  readonly grad1: readonly Expr[];
  /** s: 1/σ² for the Gaussian (∂²ℓ/∂y²), 1 for the others. */
  readonly precision: number;
  /** Who declared it, for messages: `objective "…"`. */
  readonly who: string;
}

/**
 * Checks a family declaration against the summand and the data (see the module comment) and
 * returns what the Fisher is computed from.
 */
export function checkFamily(
  family: Family,
  summand: Expr,
  params: readonly Sym[],
  response: Sym,
  column: Float64Array | undefined,
  constants: ReadonlyMap<Sym, number>,
  source: string,
): FamilySpec {
  const who = `objective ${quote(source)}`;
  const fail = (msg: string, path = "objective.family"): never => {
    throw new DslError("bad-family", `${who}: family "${family}" (ℓ = ${FAMILIES[family].nll}): ${msg}`, { path });
  };
  if (column === undefined) fail(`the response '${response.name}' must be a data column (one number per row); name it with response: "…"`, "objective.response");
  const bad = column!.findIndex((y) => !FAMILIES[family].responseOk(y));
  if (bad >= 0) fail(`the response '${response.name}' must be ${FAMILIES[family].support}, got ${column![bad]} at row ${bad}`, `objective.data.${response.name}`);
  const d = new Differentiator();
  const dy = d.partial(summand, response);
  if (dy === ZERO) fail(`the summand does not depend on the response '${response.name}'`);
  const bind = (e: Expr) => substituteSyms([e], (s) => (constants.has(s) ? num(constants.get(s)!) : undefined))[0]!;
  const d2 = bind(d.partial(dy, response));
  let precision = 1;
  if (family === "gaussian") {
    precision = isConstant(d2) ? evaluateOne(d2, {}) : NaN;
    if (!(precision > 0) || !Number.isFinite(precision)) fail(`∂²ℓ/∂${response.name}² must be a positive constant (1/σ²), got ${toText(d2)}`);
  } else if (d2 !== ZERO) {
    fail(`the summand must be affine in the response '${response.name}' (up to a regularizer of the params), but ∂²ℓ/∂${response.name}² = ${toText(d2)}`);
  }
  const grad = d.gradient(summand, params);
  const at = (y: number) => substituteSyms([dy, ...grad], (s) => (s === response ? num(y) : undefined));
  const [dy0, ...grad0] = at(0);
  return { family, response, dy0: dy0!, grad0, grad1: at(1).slice(1), precision, who };
}

/** Adds one row's Fisher V(μ)/s · J Jᵀ into F (row-major n×n), with J = s·∇η. */
export function addRowFisher(family: Family, precision: number, J: Float64Array, offset: number, mu: number, F: Float64Array, n: number): void {
  const w = FAMILIES[family].variance(mu) / precision;
  for (let a = 0; a < n; a++) {
    const wa = w * J[offset + a]!;
    if (wa === 0) continue;
    for (let b = 0; b < n; b++) F[a * n + b] += wa * J[offset + b]!;
  }
}

/**
 * The numeric check of a declaration on (up to 8 of) the given rows: the residual
 * ∇ℓ|_{y=0} − μ·J (= ∇R, the regularizer's gradient) must not depend on the row. `G0`, `J`
 * (m × n) and `MU` are the statistics of the m rows. Throws a `bad-family` DslError naming two rows
 * that disagree.
 */
export function verifyFamily(
  spec: FamilySpec,
  { G0, J, MU, m }: { G0: Float64Array; J: Float64Array; MU: Float64Array; m: number },
  rows: ArrayLike<number> | null,
  n: number,
): void {
  let first = -1;
  let checked = 0;
  for (let r = 0; r < m && checked < 8; r++) {
    if (!Number.isFinite(MU[r]!)) continue;
    if (first < 0) {
      first = r;
      continue;
    }
    checked++;
    let gap = 0;
    let size = 0;
    for (let k = 0; k < n; k++) {
      const res = (o: number) => G0[o * n + k]! - MU[o]! * J[o * n + k]!;
      gap = Math.max(gap, Math.abs(res(r) - res(first)));
      size = Math.max(size, Math.abs(G0[r * n + k]!), Math.abs(G0[first * n + k]!), Math.abs(MU[r]! * J[r * n + k]!));
    }
    if (gap > 1e-8 * size) {
      const row = (o: number) => (rows === null ? o : rows[o]!);
      throw new DslError(
        "bad-family",
        `${spec.who}: the summand is not the ${spec.family} negative log-likelihood ${FAMILIES[spec.family].nll} plus a regularizer of the params: ` +
          `∇ℓ at ${spec.response.name} = 0 minus μ·∇η should be the same for every row, but rows ${row(first)} and ${row(r)} differ by ${fmt(gap)}; ` +
          "is the summand scaled by a factor, or the likelihood of another family? Fix the summand or the family, or leave family out to use the empirical Fisher",
        { path: "objective.family", detail: { rows: [row(first), row(r)], gap } },
      );
    }
  }
}

const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
