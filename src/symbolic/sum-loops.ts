/**
 * Long sums compiled as loops.
 *
 * `sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, 500)` parses to one sum of 1000 terms.
 * As straight-line code, f and ∇f are functions of thousands of statements, which V8 runs in its
 * interpreter for thousands of calls before it optimizes them (if it ever does: V8 does not
 * optimize functions past ~60 KB of bytecode): the first gradient check at n = 1000 took about a
 * second, and f alone stayed near 170 µs per call. A loop over the terms is a small function that
 * V8 optimizes (on-stack replacement) within the first call.
 *
 * The terms of the sum at the root of f are grouped by shape (`sum-plan.ts`), and each group of
 * many terms becomes a loop over t; slot j of term t reads x at an index that is affine in t
 * (`x[2*t + 1]`) or comes from a table, and so does the coefficient. Derivatives are reverse mode
 * over one term: the shape's local partials ∂T/∂s_j (and ∂²T/∂s_j∂s_k), scatter-added into g (and
 * H, Hv). Terms of other shapes (the "rest") are compiled as straight-line code and added.
 */
import { COMPLEX_RUNTIME } from "./complex-runtime.js";
import { complexLines, compileComplex, type ComplexFn } from "./complex.js";
import { isAtom, JsEmitter, jsNumber } from "./codegen.js";
import { compileProgram, upperEntries, vectorSymbols, type HvpFn, type MatrixFn, type SymmetricEntry, type ValueFn, type ValueGradFn } from "./compile.js";
import { Differentiator, directional } from "./derivative.js";
import { freeSyms, makeSym, type Expr, type Sym } from "./ir.js";
import { RUNTIME } from "./runtime.js";
import { recordShipped, shippedCode } from "./shipped.js";
import { mul, ZERO } from "./simplify.js";
import { RAW, type Sequence, type SumPlan, type TermGroup } from "./sum-plan.js";
import { substitute } from "./walk.js";

/** A group as one program places it: its shape in read symbols `§x:<index code>`, one per slot. */
interface Placed {
  readonly count: number;
  readonly template: Expr;
  readonly reads: readonly Sym[];
  /** Code of each slot's variable index at term t. */
  readonly idx: readonly string[];
  /** `c ↦ coef(t)·c` as code. */
  readonly coef: (c: string) => string;
}

/** The code a read symbol stands for: `§x:2*t + 1` → `x[2*t + 1]` (`§v:` reads the direction v). */
function readCode(s: Sym): string {
  const colon = s.name.indexOf(":");
  return `${s.name.slice(1, colon)}[${s.name.slice(colon + 1)}]`;
}

const read = (array: string, idx: string): Sym => makeSym(`§${array}:${idx}`);

/**
 * Writes one program's loops: one loop per term count, holding every group of that count, so
 * that groups reading the same variables (the two shapes of the extended Rosenbrock function
 * both read x[2t]) share their reads and common subexpressions. Collects the tables it reads.
 */
class LoopWriter {
  readonly tables: (Int32Array | Float64Array)[] = [];

  /** Code of sequence `s` at term t: `3`, `2*t + 1`, `T4[t]`. */
  at(s: Sequence): string {
    if ("table" in s) {
      this.tables.push(s.table);
      return `T${this.tables.length - 1}[t]`;
    }
    if (s.b === 0) return jsNumber(s.a);
    const bt = s.b === 1 ? "t" : s.b === -1 ? "-t" : `${jsNumber(s.b)}*t`;
    return s.a === 0 ? bt : `${jsNumber(s.a)} + ${bt}`;
  }

  private place(g: TermGroup): Placed {
    const idx = g.index.map((s) => this.at(s));
    const reads = idx.map((c) => read("x", c));
    const rename = new Map(g.slots.map((s, j) => [s, reads[j]!]));
    let template = substitute([g.template], (s) => rename.get(s), RAW)[0]!;
    // A coefficient common to all terms goes into the shape (its derivatives fold it in).
    if (!("table" in g.coef) && g.coef.b === 0) {
      template = mul(g.coef.a, template);
      return { count: g.count, template, reads, idx, coef: (c) => c };
    }
    const k = this.at(g.coef);
    return { count: g.count, template, reads, idx, coef: (c) => `${isAtom(k) ? k : `(${k})`}*(${c})` };
  }

  /**
   * The loops over the plan's groups: `roots(p)` are expressions in p's reads (and direction
   * reads `§v:`); `body(p, codes)` gives the statements that use their codes at term t.
   */
  loops<C = string>(
    plan: SumPlan,
    roots: (p: Placed) => readonly Expr[],
    body: (p: Placed, codes: C[]) => string[],
    emit: (roots: readonly Expr[]) => { lines: string[]; codes: C[] } = emitJs as never,
  ): string[] {
    const byCount = new Map<number, Placed[]>();
    for (const g of plan.groups) {
      const list = byCount.get(g.count);
      if (list === undefined) byCount.set(g.count, [this.place(g)]);
      else list.push(this.place(g));
    }
    const lines: string[] = [];
    for (const [count, placed] of byCount) {
      const rs = placed.map(roots);
      const out = emit(rs.flat());
      let k = 0;
      const stmts = placed.flatMap((p, i) => body(p, out.codes.slice(k, (k += rs[i]!.length))));
      lines.push(`for (let t = 0; t < ${count}; t++) {`, ...out.lines, ...stmts, "}");
    }
    return lines;
  }

  /** Compiles `function (params) { lines }`, with the tables as T0, T1, … and `rest` in scope. */
  compile<F>(params: string, lines: readonly string[], rest?: unknown): F {
    const pre = this.tables.map((_t, k) => `const T${k} = T[${k}];`);
    const source = [...pre, `return function (${params}) {`, ...lines, "};"].join("\n");
    const fn = new Function("R", "C", "T", "rest", source)(RUNTIME, COMPLEX_RUNTIME, this.tables, rest) as F;
    const restCode = shippedCode(rest);
    if (rest !== undefined && restCode === undefined) return fn; // a rest that cannot be rebuilt: neither can this
    return recordShipped(fn as F & object, {
      params: ["R", "C", "T", "rest"],
      body: source,
      args: [{ kind: "runtime" }, { kind: "complex-runtime" }, { kind: "arrays", arrays: this.tables }, restCode ? { kind: "code", code: restCode } : { kind: "undefined" }],
    });
  }
}

/** Straight-line float64 code for the roots (reads as `x[…]` / `v[…]`). */
function emitJs(roots: readonly Expr[]): { lines: string[]; codes: string[] } {
  const em = new JsEmitter({ symbol: readCode, scratch: false });
  const codes = em.emit(roots);
  return { lines: em.lines, codes };
}

/** The local gradient of a placed shape in its reads. */
function localGradient(p: Placed): Expr[] {
  return new Differentiator().gradient(p.template, p.reads);
}

const scaled = (plan: SumPlan, v: string): string => (plan.scale === 1 ? v : `${jsNumber(plan.scale)} * ${v}`);

/** Variables of `e`, in the order of `index`. */
function varsOf(e: Expr, index: ReadonlyMap<Sym, number>): Sym[] {
  return [...freeSyms(e)].filter((s) => index.has(s)).sort((a, b) => index.get(a)! - index.get(b)!);
}

/** f. */
export function loopValue(plan: SumPlan, index: ReadonlyMap<Sym, number>): ValueFn {
  const w = new LoopWriter();
  const rest = plan.rest === ZERO ? undefined : compileProgram<ValueFn>({ params: ["x"], symbol: vectorSymbols(index), outputs: [], returns: plan.rest });
  const lines = [rest ? "let acc = rest(x);" : "let acc = 0;"];
  lines.push(...w.loops(plan, (p) => [p.template], (p, [c]) => [`acc += ${p.coef(c!)};`]));
  lines.push(`return ${scaled(plan, "acc")};`);
  return w.compile<ValueFn>("x", lines, rest);
}

/** f, with ∇f written into g. */
export function loopValueGrad(plan: SumPlan, index: ReadonlyMap<Sym, number>): ValueGradFn {
  const w = new LoopWriter();
  let rest: ValueGradFn | undefined;
  if (plan.rest !== ZERO) {
    const vars = varsOf(plan.rest, index);
    const grad = new Differentiator().gradient(plan.rest, vars);
    rest = compileProgram<ValueGradFn>({
      params: ["x", "g"],
      symbol: vectorSymbols(index),
      prologue: ["g.fill(0);"],
      outputs: vars.map((v, k) => ({ expr: grad[k]!, write: (c: string) => `g[${index.get(v)}] = ${c};` })),
      returns: plan.rest,
    });
  }
  const lines = rest ? ["let acc = rest(x, g);"] : ["g.fill(0);", "let acc = 0;"];
  lines.push(...w.loops(plan, (p) => [p.template, ...localGradient(p)], (p, [f, ...gs]) => [`acc += ${p.coef(f!)};`, ...gs.map((c, j) => `g[${p.idx[j]}] += ${p.coef(c)};`)]));
  if (plan.scale !== 1) lines.push(`for (let k = 0; k < g.length; k++) g[k] *= ${jsNumber(plan.scale)};`);
  lines.push(`return ${scaled(plan, "acc")};`);
  return w.compile<ValueGradFn>("x, g", lines, rest);
}

/** ∇²f into H (n×n, row-major). */
export function loopHessian(plan: SumPlan, index: ReadonlyMap<Sym, number>, n: number): MatrixFn {
  const w = new LoopWriter();
  let rest: MatrixFn | undefined;
  if (plan.rest !== ZERO) {
    const vars = varsOf(plan.rest, index);
    const d = new Differentiator();
    const entries = upperEntries(d.hessian(d.gradient(plan.rest, vars), vars)).map((e) => ({ a: index.get(vars[e.i]!)!, b: index.get(vars[e.j]!)!, expr: e.expr }));
    rest = compileProgram<MatrixFn>({
      params: ["x", "H"],
      symbol: vectorSymbols(index),
      prologue: ["H.fill(0);"],
      outputs: entries.map(({ a, b, expr }) => ({ expr, write: (c: string) => (a === b ? `H[${a * n + a}] = ${c};` : `H[${a * n + b}] = H[${b * n + a}] = ${c};`) })),
    });
  }
  const lines = [rest ? "rest(x, H);" : "H.fill(0);"];
  const entries = new Map<Placed, SymmetricEntry[]>();
  const hessianOf = (p: Placed): SymmetricEntry[] => {
    const d = new Differentiator();
    const e = upperEntries(d.hessian(d.gradient(p.template, p.reads), p.reads));
    entries.set(p, e);
    return e;
  };
  lines.push(...w.loops(plan, (p) => hessianOf(p).map((e) => e.expr), (p, codes) => codes.map((c, k) => {
    const { i, j } = entries.get(p)![k]!;
    const at = (a: number, b: number) => `H[(${p.idx[a]})*${n} + ${p.idx[b]}]`;
    return i === j ? `${at(i, i)} += ${p.coef(c)};` : `{ const h = ${p.coef(c)}; ${at(i, j)} += h; ${at(j, i)} += h; }`;
  })));
  if (plan.scale !== 1) lines.push(`for (let k = 0; k < H.length; k++) H[k] *= ${jsNumber(plan.scale)};`);
  return w.compile<MatrixFn>("x, H", lines, rest);
}

/** ∇²f·v into out (the directional derivative of ∇f along v; no Hessian formed). */
export function loopHvp(plan: SumPlan, index: ReadonlyMap<Sym, number>): HvpFn {
  const w = new LoopWriter();
  let rest: HvpFn | undefined;
  if (plan.rest !== ZERO) {
    const vars = varsOf(plan.rest, index);
    const dirs = new Map(vars.map((v) => [v, read("v", String(index.get(v))) as Expr]));
    const hv = directional(new Differentiator().gradient(plan.rest, vars), dirs);
    const xs = vectorSymbols(index);
    rest = compileProgram<HvpFn>({
      params: ["x", "v", "out"],
      symbol: (s) => (index.has(s) ? xs(s) : readCode(s)),
      prologue: ["out.fill(0);"],
      outputs: vars.map((v, k) => ({ expr: hv[k]!, write: (c: string) => `out[${index.get(v)}] = ${c};` })),
    });
  }
  const lines = [rest ? "rest(x, v, out);" : "out.fill(0);"];
  const hvOf = (p: Placed) => directional(localGradient(p), new Map(p.reads.map((r, j) => [r, read("v", p.idx[j]!) as Expr])));
  lines.push(...w.loops(plan, hvOf, (p, codes) => codes.map((c, j) => `out[${p.idx[j]}] += ${p.coef(c)};`)));
  if (plan.scale !== 1) lines.push(`for (let k = 0; k < out.length; k++) out[k] *= ${jsNumber(plan.scale)};`);
  return w.compile<HvpFn>("x, v, out", lines, rest);
}

/** f at complex arguments (complex step): [Re f, Im f]. */
export function loopComplex(plan: SumPlan, index: ReadonlyMap<Sym, number>): ComplexFn {
  const w = new LoopWriter();
  const rest = plan.rest === ZERO ? undefined : compileComplex(plan.rest, index);
  const lines = [rest ? "let [sr, si] = rest(re, im);" : "let sr = 0, si = 0;"];
  // Each read §x:i stands for the pair (re[i], im[i]).
  const emit = (roots: readonly Expr[]) => {
    const { lines: body, values } = complexLines(roots, (s) => [`re[${s.name.slice(3)}]`, `im[${s.name.slice(3)}]`]);
    return { lines: body, codes: values };
  };
  lines.push(...w.loops<[string, string]>(plan, (p) => [p.template], (p, [[re, im]]) => [`sr += ${p.coef(re)}; si += ${p.coef(im)};`], emit));
  lines.push(`return [${scaled(plan, "sr")}, ${scaled(plan, "si")}];`);
  return w.compile<ComplexFn>("re, im", lines, rest);
}
