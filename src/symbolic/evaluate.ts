/**
 * A small float64 tree interpreter: the reference semantics of the IR.
 *
 * Not for hot paths (those use compiled closures, `compile.ts`); used to fold constant
 * subexpressions at compile time, to evaluate sum bounds and indices, and in tests as an oracle
 * that is independent of the code generator.
 */
import { FUNCTIONS } from "./functions.js";
import type { Expr, Sym } from "./ir.js";
import { visit } from "./walk.js";

/**
 * The value of each root with symbols bound by `env` (a record by name or a lookup function).
 * Throws a plain `Error` naming the first unbound symbol; callers turn that into a user error.
 */
export function evaluate(roots: readonly Expr[], env: Readonly<Record<string, number>> | ((s: Sym) => number | undefined)): number[] {
  const lookup = typeof env === "function" ? env : (s: Sym) => (Object.prototype.hasOwnProperty.call(env, s.name) ? env[s.name] : undefined);
  return visit<number>(roots, {
    num: (e) => e.value,
    sym: (e) => {
      const v = lookup(e);
      if (v === undefined) throw new UnboundSymbolError(e.name);
      return v;
    },
    add: (_e, a) => {
      let s = 0;
      for (const v of a) s += v;
      return s;
    },
    mul: (_e, a) => {
      let p = 1;
      for (const v of a) p *= v;
      return p;
    },
    pow: (_e, b, x) => powReal(b, x),
    call: (e, a) => FUNCTIONS[e.fn].eval(...a),
  });
}

/** The value of one expression. */
export function evaluateOne(e: Expr, env: Readonly<Record<string, number>> | ((s: Sym) => number | undefined)): number {
  return evaluate([e], env)[0]!;
}

/** Raised by `evaluate` for a symbol without a value. */
export class UnboundSymbolError extends Error {
  constructor(readonly symbol: string) {
    super(`no value for symbol '${symbol}'`);
  }
}

/** Real power with the conventions of the generated code: x^{1/2} is √x, x^{1/3} stays Math.pow. */
export function powReal(b: number, x: number): number {
  if (x === 0.5) return Math.sqrt(b);
  if (x === -0.5) return 1 / Math.sqrt(b);
  if (x === 2) return b * b;
  if (x === -1) return 1 / b;
  return Math.pow(b, x);
}
