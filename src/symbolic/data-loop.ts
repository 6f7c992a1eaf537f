/**
 * Code generation for data-backed objectives: one generated loop over the selected rows per
 * entry point, with the per-sample summand, its gradient (and Hessian or Hessian-vector
 * product) inlined in the loop body. No closure is called per sample and nothing is allocated.
 *
 * Loop-invariant code motion: every maximal subexpression that depends on the parameters only
 * (not on a data column) is computed once before the loop; the loop body sees it as a constant.
 */
import { JsEmitter, isAtom } from "./codegen.js";
import { freeSyms, isConstant, makeCall, makeNary, makePow, makeSym, type Expr, type Sym } from "./ir.js";
import { COMPLEX_RUNTIME } from "./complex-runtime.js";
import { RUNTIME } from "./runtime.js";
import { recordShipped } from "./shipped.js";

/** How a data program reads its inputs. */
export interface DataLayout {
  /** Parameter symbol → slot in x. */
  readonly params: ReadonlyMap<Sym, number>;
  /** Data symbol → column number (columns are Float64Arrays, one value per sample). */
  readonly columns: ReadonlyMap<Sym, number>;
}

/** The generated pieces of a loop: statements before the loop, statements in it, root codes. */
export interface LoopBody {
  readonly before: string[];
  readonly inside: string[];
  readonly codes: string[];
}

/**
 * Splits roots into loop-invariant parts (hoisted) and the per-row rest, and emits both. In the
 * loop the current row is `i`; column c reads `D{c}[i]`; parameter k reads `x[k]`.
 */
export function loopBody(roots: readonly Expr[], layout: DataLayout): LoopBody {
  const dataDep = new Map<Expr, boolean>();
  const usesData = (e: Expr): boolean => {
    let hit = dataDep.get(e);
    if (hit === undefined) {
      hit = false;
      for (const s of freeSyms(e)) if (layout.columns.has(s)) { hit = true; break; }
      dataDep.set(e, hit);
    }
    return hit;
  };
  const hoisted: Expr[] = [];
  const holes = new Map<Sym, number>();
  const memo = new Map<Expr, Expr>();
  const replace = (e: Expr): Expr => {
    const hit = memo.get(e);
    if (hit !== undefined) return hit;
    let out: Expr;
    if (e.args.length === 0 || isConstant(e)) out = e;
    else if (!usesData(e)) {
      out = makeSym(`§h${hoisted.length}`);
      holes.set(out, hoisted.length);
      hoisted.push(e);
    } else {
      const args = e.args.map(replace);
      out = e.kind === "pow" ? makePow(args[0]!, args[1]!) : e.kind === "call" ? makeCall(e.fn, args) : makeNary(e.kind as "add" | "mul", args);
    }
    memo.set(e, out);
    return out;
  };
  const inner = roots.map(replace);
  const param = (s: Sym): string => {
    const k = layout.params.get(s);
    if (k === undefined) throw new Error(`optlab internal error: unbound symbol '${s.name}' in a data loop`);
    return `x[${k}]`;
  };
  const outer = new JsEmitter({ symbol: param, scratch: false, prefix: "u" });
  const outerCodes = outer.emit(hoisted);
  const before = [...outer.lines];
  const holeCode = outerCodes.map((c, k) => {
    if (isAtom(c)) return c;
    before.push(`const h${k} = ${c};`);
    return `h${k}`;
  });
  const em = new JsEmitter({
    symbol: (s) => {
      const h = holes.get(s);
      if (h !== undefined) return holeCode[h]!;
      const c = layout.columns.get(s);
      return c !== undefined ? `D${c}[i]` : param(s);
    },
    scratch: false,
    prefix: "t",
  });
  const codes = em.emit(inner);
  return { before, inside: em.lines, codes };
}

/** Wraps a loop over `rows` (null = all) around a body; `m` is the number of selected rows. */
export function loopSource(params: string, body: LoopBody, inside: string[], before: string[], after: string[]): string {
  return [
    `return function (${params}) {`,
    ...body.before,
    `const m = rows === null ? M : rows.length;`,
    ...before,
    `for (let r = 0; r < m; r++) {`,
    `const i = rows === null ? r : rows[r];`,
    ...body.inside,
    ...inside,
    `}`,
    ...after,
    `};`,
  ].join("\n");
}

/** Compiles a loop program over the data columns. */
export function compileLoop<F>(source: string, columns: readonly Float64Array[]): F {
  const pre = columns.map((_c, k) => `const D${k} = D[${k}];`).join("\n");
  const body = `${pre}\n${source}`;
  const m = columns[0]?.length ?? 0;
  const fn = new Function("R", "C", "D", "M", body)(RUNTIME, COMPLEX_RUNTIME, columns, m) as F;
  return recordShipped(fn as F & object, {
    params: ["R", "C", "D", "M"],
    body,
    args: [{ kind: "runtime" }, { kind: "complex-runtime" }, { kind: "arrays", arrays: columns }, { kind: "number", value: m }],
  });
}
