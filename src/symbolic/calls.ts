/**
 * User spellings of functions → IR, shared by the mathjs parser and the TypeScript converter.
 *
 * Besides the IR's own names (`functions.ts`) the parsers accept aliases and rewrites:
 * `sqrt(u)` → u^{1/2}, `square`/`cube`, `pow(a, b)`, `log(u, b)` → log u / log b, `ln`,
 * `nthRoot(u, n)`, `relu(u)` → max(u, 0), `logistic` → sigmoid, `logSumExp` → logsumexp,
 * and n-ary `sum(a, b, …)` / `prod(a, b, …)`.
 */
import { arityOk, FN_NAMES, FUNCTIONS, isFnName } from "./functions.js";
import type { Expr } from "./ir.js";
import { addList, call, div, mul, mulList, pow, sqrt } from "./simplify.js";

type Rewrite = { arity: number | readonly [number, number]; build: (a: Expr[]) => Expr };

const REWRITES: Record<string, Rewrite> = {
  sqrt: { arity: 1, build: ([u]) => sqrt(u!) },
  square: { arity: 1, build: ([u]) => pow(u!, 2) },
  cube: { arity: 1, build: ([u]) => pow(u!, 3) },
  pow: { arity: 2, build: ([a, b]) => pow(a!, b!) },
  ln: { arity: 1, build: ([u]) => call("log", [u!]) },
  log: { arity: [1, 2], build: ([u, b]) => (b === undefined ? call("log", [u!]) : div(call("log", [u!]), call("log", [b]))) },
  nthRoot: {
    arity: [1, 2],
    build: ([u, n]) => (n === undefined || (n.kind === "num" && n.value === 2) ? sqrt(u!) : n.kind === "num" && n.value === 3 ? call("cbrt", [u!]) : pow(u!, div(1, n))),
  },
  relu: { arity: 1, build: ([u]) => call("max", [u!, 0]) },
  logistic: { arity: 1, build: ([u]) => call("sigmoid", [u!]) },
  logSumExp: { arity: [1, Infinity], build: (a) => call("logsumexp", a) },
  LogSumExp: { arity: [1, Infinity], build: (a) => call("logsumexp", a) },
  sum: { arity: [1, Infinity], build: (a) => addList(a) },
  prod: { arity: [1, Infinity], build: (a) => mulList(a) },
  multiply: { arity: [1, Infinity], build: (a) => mul(...a) },
};

/** Every function name a user may write (for suggestions and docs). */
export const KNOWN_FUNCTIONS: readonly string[] = [...new Set([...FN_NAMES.filter((f) => f !== "pi"), ...Object.keys(REWRITES)])].sort();

/** Outcome of applying a user function name. */
export type Applied = { ok: true; expr: Expr } | { ok: false; reason: "unknown" } | { ok: false; reason: "arity"; expected: string };

function arityText(a: number | readonly [number, number]): string {
  if (typeof a === "number") return `${a} argument${a === 1 ? "" : "s"}`;
  return a[1] === Infinity ? `at least ${a[0]} argument${a[0] === 1 ? "" : "s"}` : `${a[0]} to ${a[1]} arguments`;
}

/** Applies the function a user wrote as `name(args…)`. */
export function applyFunction(name: string, args: Expr[]): Applied {
  const rw = Object.prototype.hasOwnProperty.call(REWRITES, name) ? REWRITES[name] : undefined;
  if (rw !== undefined) {
    const a = rw.arity;
    const ok = typeof a === "number" ? args.length === a : args.length >= a[0] && args.length <= a[1];
    return ok ? { ok: true, expr: rw.build(args) } : { ok: false, reason: "arity", expected: arityText(a) };
  }
  if (!isFnName(name) || name === "pi") return { ok: false, reason: "unknown" };
  if (!arityOk(name, args.length)) return { ok: false, reason: "arity", expected: arityText(FUNCTIONS[name].arity) };
  return { ok: true, expr: call(name, args) };
}
