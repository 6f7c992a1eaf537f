/**
 * Symbolic differentiation on the IR, with our own rules (mathjs's `derivative` throws on
 * `sum`/`max`/`atan2` and its `simplify` explodes on long sums).
 *
 * Forward differentiation with two savings that make gradients of long sums cheap:
 * - a node that does not depend on the variable is 0 without being visited (free-symbol sets are
 *   cached on the nodes), so ∂/∂x₇ of Σᵢ fᵢ only visits the terms that contain x₇;
 * - results are memoized per variable across calls, so the Hessian (differentiating the gradient
 *   entries, which share subexpressions) reuses work, and shared subexpressions of f are
 *   differentiated once.
 *
 * Rules: sums term by term; products by the Leibniz rule; uᵖ with constant p → p·u^{p−1}·u';
 * cᵘ → cᵘ·log(c)·u'; uᵛ with both varying → uᵛ·(v'·log u + v·u'/u); functions by the chain rule
 * with the partials of `derivative-rules.ts`.
 */
import { dependsOn, freeSyms, makeNary, type Expr, type Sym } from "./ir.js";
import { partial } from "./derivative-rules.js";
import { add, addList, call, HALF, MINUS_ONE, mul, mulList, neg, ONE, pow, ZERO } from "./simplify.js";

/** How the derivative treats symbols: the seed derivative of each symbol, and which nodes can be non-zero. */
interface Seed {
  of(s: Sym): Expr;
  depends(e: Expr): boolean;
  /** The terms of a sum that can be non-zero (default: all). */
  terms?(e: Expr): readonly Expr[];
}

/** For long sums: symbol → the terms that contain it, built once per sum node. */
const termIndex = new WeakMap<Expr, Map<Sym, Expr[]>>();
function termsContaining(e: Expr, v: Sym): readonly Expr[] {
  if (e.args.length < 32) return e.args;
  let index = termIndex.get(e);
  if (index === undefined) {
    index = new Map();
    for (const t of e.args) {
      for (const s of freeSyms(t)) {
        const list = index.get(s);
        if (list === undefined) index.set(s, [t]);
        else list.push(t);
      }
    }
    termIndex.set(e, index);
  }
  return index.get(v) ?? [];
}

function differentiate(e: Expr, seed: Seed, memo: Map<Expr, Expr>): Expr {
  if (!seed.depends(e)) return ZERO;
  const hit = memo.get(e);
  if (hit !== undefined) return hit;
  const d = (u: Expr): Expr => differentiate(u, seed, memo);
  let out: Expr;
  switch (e.kind) {
    case "num":
      out = ZERO;
      break;
    case "sym":
      out = seed.of(e);
      break;
    case "add":
      out = addList((seed.terms ? seed.terms(e) : e.args).map(d));
      break;
    case "mul": {
      const terms: Expr[] = [];
      const [factors, pair] = sigmoidPair(e.args);
      factors.forEach((a, k) => {
        if (!seed.depends(a)) return;
        const da = k === pair ? dSigmoidPair(a, d) : d(a);
        if (da === ZERO) return;
        // Leibniz rule, with u_k' in u_k's place (keeps the printed order natural: 2 x y).
        terms.push(mulList(factors.map((b, j) => (j === k ? da : b))));
      });
      out = addList(terms);
      break;
    }
    case "pow":
      out = powRule(e, e.base, e.exp, d(e.base), d(e.exp));
      break;
    case "call": {
      const terms: Expr[] = [];
      e.args.forEach((a, k) => {
        if (!seed.depends(a)) return;
        const da = d(a);
        // Chain rule, inner derivative first (reads as SymPy prints: 2 x e^{x²}).
        if (da !== ZERO) terms.push(mul(da, partial(e.fn, e.args, e, k)));
      });
      out = addList(terms);
      break;
    }
  }
  memo.set(e, out);
  return out;
}

/**
 * σ(u)·σ(−u) (= σ'(u)) as one factor: its derivative −σ(u)σ(−u)·tanh(u/2)·u' is accurate for every
 * u, where the product rule's σ(u)σ(−u)² − σ(u)²σ(−u) cancels near u = 0 (σ''(1e−10) came out
 * with 6 digits, σ''(1e−300) as 0). Returns the factors with such a pair merged into one product
 * node, and the merged factor's index (−1 when there is none).
 */
function sigmoidPair(args: readonly Expr[]): [readonly Expr[], number] {
  if (args.length < 2) return [args, -1];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.kind !== "call" || a.fn !== "sigmoid") continue;
    const target = neg(a.args[0]!);
    for (let j = i + 1; j < args.length; j++) {
      const b = args[j]!;
      if (b.kind === "call" && b.fn === "sigmoid" && b.args[0] === target) {
        if (args.length === 2) return [[makeNary("mul", [a, b])], 0];
        const out = args.filter((_x, k) => k !== j);
        out[i] = makeNary("mul", [a, b]);
        return [out, i];
      }
    }
  }
  return [args, -1];
}

function dSigmoidPair(pair: Expr, d: (u: Expr) => Expr): Expr {
  const u = pair.args[0]!.args[0]!;
  return mul(MINUS_ONE, pair, call("tanh", [mul(HALF, u)]), d(u));
}

function powRule(self: Expr, b: Expr, p: Expr, db: Expr, dp: Expr): Expr {
  if (dp === ZERO) return db === ZERO ? ZERO : mul(p, pow(b, add(p, MINUS_ONE)), db);
  const logb = call("log", [b]);
  if (db === ZERO) return mul(self, logb, dp);
  return mul(self, add(mul(dp, logb), mul(p, db, pow(b, MINUS_ONE))));
}

/**
 * Differentiates expressions, memoizing per variable: keep one instance per objective so the
 * gradient and the Hessian share work.
 */
export class Differentiator {
  private readonly memos = new Map<Sym, Map<Expr, Expr>>();

  /** ∂e/∂v. */
  partial(e: Expr, v: Sym): Expr {
    let memo = this.memos.get(v);
    if (memo === undefined) this.memos.set(v, (memo = new Map()));
    return differentiate(e, { of: (s) => (s === v ? ONE : ZERO), depends: (u) => dependsOn(u, v), terms: (u) => termsContaining(u, v) }, memo);
  }

  /** ∇f = [∂f/∂v for v of vars]. */
  gradient(f: Expr, vars: readonly Sym[]): Expr[] {
    return vars.map((v) => this.partial(f, v));
  }

  /**
   * ∇²f from the gradient: the upper triangle ∂gᵢ/∂vⱼ (j ≥ i) is derived once and mirrored, so
   * the result is exactly symmetric (`H[i][j] === H[j][i]`).
   */
  hessian(grad: readonly Expr[], vars: readonly Sym[]): Expr[][] {
    const n = vars.length;
    const H: Expr[][] = Array.from({ length: n }, () => new Array<Expr>(n).fill(ZERO));
    for (let i = 0; i < n; i++) {
      const gi = grad[i]!;
      const free = freeSyms(gi);
      for (let j = i; j < n; j++) {
        const vj = vars[j]!;
        const h = free.has(vj) ? this.partial(gi, vj) : ZERO;
        H[i]![j] = h;
        H[j]![i] = h;
      }
    }
    return H;
  }
}

/** ∂e/∂v (one-off; use a `Differentiator` to share work across many calls). */
export function derivative(e: Expr, v: Sym): Expr {
  return new Differentiator().partial(e, v);
}

/** ∇f with respect to `vars`, in order. */
export function gradient(f: Expr, vars: readonly Sym[]): Expr[] {
  return new Differentiator().gradient(f, vars);
}

/** ∇²f with respect to `vars` (exactly symmetric). */
export function hessian(f: Expr, vars: readonly Sym[]): Expr[][] {
  const d = new Differentiator();
  return d.hessian(d.gradient(f, vars), vars);
}

/**
 * Directional derivatives: for each root e, Σⱼ ∂e/∂sⱼ · tⱼ where `tangent` maps symbols sⱼ to
 * expressions tⱼ (usually fresh symbols v[j]). Applied to the gradient this is the Hessian-vector
 * product ∇²f·v in one pass over the gradient's DAG, without forming the Hessian.
 */
export function directional(roots: readonly Expr[], tangent: ReadonlyMap<Sym, Expr>): Expr[] {
  const cache = new Map<Expr, boolean>();
  const depends = (u: Expr): boolean => {
    let hit = cache.get(u);
    if (hit === undefined) {
      hit = false;
      for (const s of freeSyms(u)) if (tangent.has(s)) { hit = true; break; }
      cache.set(u, hit);
    }
    return hit;
  };
  const memo = new Map<Expr, Expr>();
  return roots.map((r) => differentiate(r, { of: (s) => tangent.get(s) ?? ZERO, depends }, memo));
}
