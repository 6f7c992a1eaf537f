/**
 * Compiled float64 closures for f, (f, ∇f), ∇²f and ∇²f·v, built from the emitter's source with
 * `new Function` (never mathjs's interpreter).
 *
 * Each entry point writes into caller-owned buffers and allocates nothing per call. Small
 * programs become one function with `const` temporaries; programs above `LOCAL_LIMIT`
 * characters are split into chunk functions sharing a scratch Float64Array, so that V8 still
 * optimizes each piece. Compiled functions are not re-entrant in that mode (they never call
 * themselves, and JavaScript is single-threaded, so this only matters to code we control).
 */
import { assert } from "../errors/index.js";
import { JsEmitter } from "./codegen.js";
import type { Expr, Sym } from "./ir.js";
import { RUNTIME } from "./runtime.js";
import { recordShipped } from "./shipped.js";

/**
 * Source size (characters) of one generated function before the program is split: V8 does not
 * optimize functions whose bytecode exceeds ~60 KB (`--max-optimized-bytecode-size`), and an
 * unoptimized function of a few thousand statements runs ~25× slower (measured: ∇f of the
 * extended Rosenbrock function at n = 1000, 69 µs in one function, 2.8 µs in chunks).
 */
export const LOCAL_LIMIT = 30_000;
/** Source size of one chunk function in split mode. */
export const CHUNK_LIMIT = 15_000;

/** Splits statements into groups of at most `limit` characters (a statement is never split). */
export function chunkStatements(stmts: readonly string[], limit = CHUNK_LIMIT): string[][] {
  const chunks: string[][] = [[]];
  let size = 0;
  for (const st of stmts) {
    if (size + st.length > limit && chunks[chunks.length - 1]!.length > 0) {
      chunks.push([]);
      size = 0;
    }
    chunks[chunks.length - 1]!.push(st);
    size += st.length + 1;
  }
  return chunks;
}

/** A program: parameters, how symbols read, what it writes and what it returns. */
export interface ProgramSpec {
  /** Parameter names of the generated function, e.g. ["x", "g"]. */
  readonly params: readonly string[];
  /** Code for a symbol: an atom such as `x[3]`. */
  symbol(s: Sym): string;
  /** Output statements: `write(code)` stores the value of `expr`. */
  readonly outputs: readonly { readonly expr: Expr; write(code: string): string }[];
  /** The returned expression, if any. */
  readonly returns?: Expr;
  /** Statements run first (e.g. `H.fill(0);`). */
  readonly prologue?: readonly string[];
}

/** The generated source of a program (for tests and for the curious: `objective.source()`). */
export function programSource(spec: ProgramSpec, limit = LOCAL_LIMIT, chunk = CHUNK_LIMIT): { source: string; slots: number } {
  const roots = spec.outputs.map((o) => o.expr);
  if (spec.returns !== undefined) roots.push(spec.returns);
  const params = spec.params.join(", ");
  for (const scratch of [false, true]) {
    const em = new JsEmitter({ symbol: (s) => spec.symbol(s), scratch });
    const codes = em.emit(roots);
    const stmts = [...(spec.prologue ?? []), ...em.lines, ...spec.outputs.map((o, i) => o.write(codes[i]!))];
    const ret = spec.returns === undefined ? "" : `return ${codes[codes.length - 1]};`;
    if (!scratch && stmts.reduce((n, st) => n + st.length + 1, 0) <= limit) {
      return { source: `return function (${params}) {\n${stmts.join("\n")}\n${ret}\n};`, slots: 0 };
    }
    if (!scratch) continue;
    const chunks = chunkStatements(stmts, chunk);
    const defs = chunks.map((c, k) => `function c${k}(${params}) {\n${c.join("\n")}\n}`).join("\n");
    const calls = chunks.map((_c, k) => `c${k}(${params});`).join("\n");
    return { source: `${defs}\nreturn function (${params}) {\n${calls}\n${ret}\n};`, slots: em.slotEnd };
  }
  assert(false, () => "unreachable");
}

/** Compiles a program to a closure. */
export function compileProgram<F extends (...args: never[]) => unknown>(spec: ProgramSpec): F {
  const { source, slots } = programSource(spec);
  const size = Math.max(slots, 1);
  const fn = new Function("R", "s", source)(RUNTIME, new Float64Array(size)) as F;
  return recordShipped(fn, { params: ["R", "s"], body: source, args: [{ kind: "runtime" }, { kind: "scratch", size }] });
}

/** Symbol reader for a parameter vector `x` given each variable's slot. */
export function vectorSymbols(index: ReadonlyMap<Sym, number>, array = "x"): (s: Sym) => string {
  return (s) => {
    const k = index.get(s);
    assert(k !== undefined, () => `unbound symbol '${s.name}' in compiled code`);
    return `${array}[${k}]`;
  };
}

export type ValueFn = (x: Float64Array) => number;
export type ValueGradFn = (x: Float64Array, g: Float64Array) => number;
export type MatrixFn = (x: Float64Array, H: Float64Array) => void;
export type HvpFn = (x: Float64Array, v: Float64Array, out: Float64Array) => void;

/** f(x). */
export function compileValue(f: Expr, index: ReadonlyMap<Sym, number>): ValueFn {
  return compileProgram<ValueFn>({ params: ["x"], symbol: vectorSymbols(index), outputs: [], returns: f });
}

/** f(x) returned and ∇f(x) written into g, sharing subexpressions. */
export function compileValueGrad(f: Expr, grad: readonly Expr[], index: ReadonlyMap<Sym, number>): ValueGradFn {
  return compileProgram<ValueGradFn>({
    params: ["x", "g"],
    symbol: vectorSymbols(index),
    outputs: grad.map((e, k) => ({ expr: e, write: (c: string) => `g[${k}] = ${c};` })),
    returns: f,
  });
}

/** One stored entry (i ≤ j) of a symmetric matrix. */
export interface SymmetricEntry {
  readonly i: number;
  readonly j: number;
  readonly expr: Expr;
}

/**
 * A symmetric n×n matrix (row-major) from its non-zero upper-triangle entries: each is computed
 * once and stored at (i, j) and (j, i); the rest is zero-filled.
 */
export function compileSymmetric(n: number, entries: readonly SymmetricEntry[], index: ReadonlyMap<Sym, number>): MatrixFn {
  const outputs = entries.map(({ i, j, expr }) => {
    const a = i * n + j;
    const b = j * n + i;
    return { expr, write: (c: string) => (a === b ? `H[${a}] = ${c};` : `H[${a}] = H[${b}] = ${c};`) };
  });
  const full = entries.reduce((k, e) => k + (e.i === e.j ? 1 : 2), 0) === n * n;
  return compileProgram<MatrixFn>({ params: ["x", "H"], symbol: vectorSymbols(index), outputs, prologue: full ? [] : ["H.fill(0);"] });
}

/** The non-zero upper-triangle entries of a symmetric matrix of expressions. */
export function upperEntries(H: readonly (readonly Expr[])[]): SymmetricEntry[] {
  const out: SymmetricEntry[] = [];
  for (let i = 0; i < H.length; i++) {
    const row = H[i]!;
    for (let j = i; j < row.length; j++) {
      const e = row[j]!;
      if (!(e.kind === "num" && e.value === 0)) out.push({ i, j, expr: e });
    }
  }
  return out;
}

/** A vector of expressions in x and a direction v (the Hessian-vector product). */
export function compileHvp(hv: readonly Expr[], index: ReadonlyMap<Sym, number>, dirIndex: ReadonlyMap<Sym, number>): HvpFn {
  const xs = vectorSymbols(index);
  const vs = vectorSymbols(dirIndex, "v");
  return compileProgram<HvpFn>({
    params: ["x", "v", "out"],
    symbol: (s) => (dirIndex.has(s) ? vs(s) : xs(s)),
    outputs: hv.map((e, k) => ({ expr: e, write: (c: string) => `out[${k}] = ${c};` })),
  });
}
