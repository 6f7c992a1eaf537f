/**
 * From user input to a symbolic problem: parse the source (mathjs string or TS function), sort
 * its symbols into variables, named constants and data columns, fix the variable order, and
 * build a `SymbolicProblem` or a `SymbolicDataProblem`.
 *
 * Option values are assumed well-typed here (the DSL checks them); what depends on the
 * expression (unknown symbols, data shapes, overlaps) is checked here.
 */
import { DslError, describe } from "../errors/index.js";
import { SymbolicDataProblem } from "./data.js";
import { closeMatches, quote } from "./errors.js";
import { checkFamily, type Family } from "./family.js";
import { parseFunction } from "./from-ts.js";
import type { Expr, Sym } from "./ir.js";
import { parseExpression } from "./parse.js";
import { SymbolicProblem } from "./problem.js";
import { stabilize } from "./stabilize.js";
import { sym } from "./simplify.js";
import { expandRanges, orderNames } from "./variables.js";

/** A data column: one number per sample, or one row of numbers per sample (a matrix). */
export type DataColumn = ArrayLike<number> | readonly ArrayLike<number>[];

/** What `buildObjective` reads from the options. */
export interface BuildOptions {
  readonly vars?: readonly string[];
  readonly params?: readonly string[];
  readonly constants?: Readonly<Record<string, number>>;
  readonly data?: Readonly<Record<string, DataColumn>>;
  readonly reduce?: "mean" | "sum";
  /** Data-backed: the model family whose negative log-likelihood the summand is (see family.ts). */
  readonly family?: Family;
  /** The family's response column (default "y"). */
  readonly response?: string;
}

/** The result: the expression, its variables and constants, and the problem. */
export interface Built {
  /** The source as text (for messages and displays). */
  readonly source: string;
  readonly expr: Expr;
  readonly vars: readonly Sym[];
  readonly constants: ReadonlyMap<Sym, number>;
  /** Data symbols (empty for plain objectives). */
  readonly dataSyms: ReadonlySet<Sym>;
  readonly problem: SymbolicProblem | SymbolicDataProblem;
  /** Names of a string source read as built-in constants (`e`, `E`, `pi`, `PI`), for hints. */
  readonly builtins?: readonly string[];
}

/** True when a string source is a TypeScript function rather than a mathjs expression. */
export function looksLikeFunction(src: string): boolean {
  return /=>/.test(src) || /^\s*(async\s+)?function\b/.test(src);
}

/** Parses and classifies; see the file comment. */
export function buildObjective(src: string | ((...args: never[]) => unknown), opts: BuildOptions = {}): Built {
  const isTs = typeof src === "function" || looksLikeFunction(src);
  const text = typeof src === "function" ? Function.prototype.toString.call(src) : src;
  const constants = opts.constants ?? {};
  const columns = dataColumns(opts.data, isTs ? 0 : 1, text);
  const declared = expandDeclared(opts.params ?? opts.vars, opts.params ? "params" : "vars");
  const known = new Set([...(declared ?? []), ...columns.keys(), ...Object.keys(constants)]);
  const fnParsed = isTs ? parseFunction(src as never, constants) : undefined;
  const parsed = fnParsed ?? parseExpression(text, { constants, symbols: known });

  const isData = (n: string): boolean => columns.has(n);
  const isConst = (n: string): boolean => Object.prototype.hasOwnProperty.call(constants, n);
  for (const n of declared ?? []) {
    if (isData(n) || isConst(n)) {
      const field = opts.params ? "params" : "vars";
      throw new DslError("bad-option", `objective ${quote(text)}: '${n}' is declared in ${field} and also given as ${isData(n) ? "a data column" : "a constant"}`, { path: `objective.${field}` });
    }
  }
  checkMatrixUse(opts.data, columns, parsed.order, declared, text);
  let names: string[];
  if (declared !== undefined) {
    const allowed = new Set(declared);
    for (const n of parsed.order) {
      if (allowed.has(n) || isData(n) || isConst(n)) continue;
      const close = closeMatches(n, [...allowed, ...columns.keys(), ...Object.keys(constants)]);
      throw new DslError(
        "unknown-symbol",
        `objective ${quote(text)}: unknown symbol '${n}': it is not among the ${opts.params ? "params" : "vars"} (${listNames(declared)})${columns.size > 0 ? `, the data columns` : ""} or the constants${close.length > 0 ? ` (did you mean ${close.join(", ")}?)` : ""}`,
        { path: "objective", detail: { symbol: n, suggestions: close } },
      );
    }
    names = declared;
  } else {
    const free = (n: string): boolean => !isData(n) && !isConst(n);
    if (fnParsed !== undefined) {
      const fromParams = fnParsed.params.flatMap((p) => (fnParsed.vectors.has(p) ? orderNames(fnParsed.order.filter((n) => n.startsWith(`${p}[`))) : [p]));
      names = fromParams.filter(free);
    } else names = orderNames(parsed.order.filter(free));
  }

  const vars = names.map(sym);
  const constMap = new Map(Object.entries(constants).map(([k, v]) => [sym(k), v]));
  if (columns.size === 0) {
    for (const key of ["reduce", "family", "response"] as const) {
      if (opts[key] !== undefined) throw new DslError("bad-option", `objective ${quote(text)}: ${key} is only meaningful with data`, { path: `objective.${key}` });
    }
    return { source: text, expr: parsed.expr, vars, constants: constMap, dataSyms: new Set(), problem: new SymbolicProblem(stabilize([parsed.expr])[0]!, vars, constMap), builtins: parsed.builtins ?? [] };
  }
  const cols = new Map([...columns].map(([k, v]) => [sym(k), v]));
  if (opts.response !== undefined && opts.family === undefined) throw new DslError("bad-option", `objective ${quote(text)}: response names the response of a family; give family too`, { path: "objective.response" });
  const response = sym(opts.response ?? "y");
  const family = opts.family === undefined ? undefined : checkFamily(opts.family, parsed.expr, vars, response, columns.get(response.name), constMap, text);
  // Differentiated and compiled in stable form (log(sigmoid(η)) → −softplus(−η), …); displays keep parsed.expr.
  const problem = new SymbolicDataProblem(stabilize([parsed.expr])[0]!, vars, cols, opts.reduce ?? "mean", constMap, family);
  return { source: text, expr: parsed.expr, vars, constants: constMap, dataSyms: new Set(cols.keys()), problem, builtins: parsed.builtins ?? [] };
}

function expandDeclared(list: readonly string[] | undefined, what: string): string[] | undefined {
  if (list === undefined) return undefined;
  const out = expandRanges(list);
  if (out === null) throw new DslError("bad-option", `objective: a range in ${what} must look like x[1..50] with the upper bound ≥ the lower, got ${JSON.stringify(list)}`, { path: `objective.${what}` });
  // a Set, not indexOf: x[1..100000] made this O(n²), minutes for 10⁵ names
  const seen = new Set<string>();
  const dup = out.find((n) => seen.size === seen.add(n).size);
  if (dup !== undefined) throw new DslError("bad-option", `objective: '${dup}' appears twice in ${what}`, { path: `objective.${what}` });
  return out;
}

/** Lists names compactly: `x, y` or `x[1], x[2], …, x[50]`. */
export function listNames(names: readonly string[]): string {
  return names.length <= 12 ? names.join(", ") : `${names.slice(0, 3).join(", ")}, …, ${names[names.length - 1]} (${names.length} names)`;
}

/**
 * A matrix data column `x` (rows of numbers) gives the symbols x[1], x[2], …: a plain `x`, or an
 * `x[j]` past its columns, would otherwise become a parameter without a word.
 */
function checkMatrixUse(
  data: Readonly<Record<string, DataColumn>> | undefined,
  columns: ReadonlyMap<string, Float64Array>,
  used: readonly string[],
  declared: readonly string[] | undefined,
  text: string,
): void {
  if (data === undefined) return;
  const own = new Set(declared ?? []);
  for (const base of Object.keys(data)) {
    if (columns.has(base)) continue;
    const members = [...columns.keys()].filter((k) => k.startsWith(`${base}[`));
    const bad = used.find((n) => !own.has(n) && !columns.has(n) && (n === base || n.startsWith(`${base}[`)));
    if (bad === undefined) continue;
    throw new DslError(
      "bad-data",
      `objective ${quote(text)}: data column '${base}' is a matrix, giving ${listNames(members)} per row, but the expression uses '${bad}'${bad === base ? `; index it, e.g. sum(w[j] ${base}[j], j, ${members[0]!.slice(base.length + 1, -1)}, ${members.length - 1 + Number(members[0]!.slice(base.length + 1, -1))})` : ""}`,
      { path: `objective.data.${base}`, detail: { symbol: bad, columns: members } },
    );
  }
}

/** Data columns by symbol name (matrix columns become name[base], name[base+1], …). */
function dataColumns(data: Readonly<Record<string, DataColumn>> | undefined, base: number, text: string): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  if (data === undefined) return out;
  let rows = -1;
  const bad = (msg: string, key: string): never => {
    throw new DslError("bad-data", `objective ${quote(text)}: data column '${key}' ${msg}`, { path: `objective.data.${key}` });
  };
  for (const [key, col] of Object.entries(data)) {
    if (col === null || typeof col !== "object" || typeof (col as ArrayLike<unknown>).length !== "number") bad(`must be an array of numbers (or of rows), got ${describe(col)}`, key);
    const n = col.length;
    if (rows >= 0 && n !== rows) bad(`has ${n} rows but the other columns have ${rows}`, key);
    rows = n;
    const first = (col as ArrayLike<unknown>)[0];
    if (n > 0 && typeof first === "object" && first !== null) {
      const m = col as readonly ArrayLike<number>[];
      const d = m[0]!.length;
      // rows of no entries give no columns: the matrix would vanish without a word (issue 16's fuzz)
      if (!(typeof d === "number" && Number.isInteger(d) && d >= 1 && d <= 1e6)) bad(`is a matrix whose rows must have 1 to 10⁶ entries, got rows of ${describe(d)}`, key);
      const cols = Array.from({ length: d }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const row = m[i]!;
        if (row === null || typeof row !== "object" || row.length !== d) bad(`row ${i} has ${row?.length} entries, expected ${d}`, key);
        for (let j = 0; j < d; j++) {
          const v = row[j]!;
          if (typeof v !== "number" || !Number.isFinite(v)) bad(`has a non-finite or non-number entry at row ${i}, column ${j}: ${describe(v)}`, key);
          cols[j]![i] = v;
        }
      }
      cols.forEach((c, j) => out.set(`${key}[${j + base}]`, c));
    } else {
      const c = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = (col as ArrayLike<unknown>)[i];
        if (typeof v !== "number" || !Number.isFinite(v)) bad(`has a non-finite or non-number entry at row ${i}: ${describe(v)}`, key);
        c[i] = v as number;
      }
      out.set(key, c);
    }
  }
  if (rows === 0) throw new DslError("bad-data", `objective ${quote(text)}: the data have no rows`, { path: "objective.data" });
  return out;
}
