/**
 * How each compiled closure was made, so that the same code can be rebuilt elsewhere (a web
 * page: `explore` ships an objective's float64 code to the browser, see src/explore).
 *
 * Every closure the compilers build comes from `new Function(...params, body)(...args)`; the
 * record keeps `params`, `body` and the arguments in a form that serializes: the runtime objects
 * by name, scratch buffers by size, data columns and index tables as typed arrays, and closures
 * the code calls (a sum's straight-line rest) as their own records. Rebuilding it from these is
 * the same JavaScript on the same values, so it computes the same float64 numbers.
 */

/** One argument of a factory call. */
export type ShippedArg =
  | { readonly kind: "runtime" }
  | { readonly kind: "complex-runtime" }
  | { readonly kind: "scratch"; readonly size: number }
  | { readonly kind: "arrays"; readonly arrays: readonly (Float64Array | Int32Array)[] }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "code"; readonly code: ShippedCode }
  | { readonly kind: "undefined" };

/** A compiled closure as `new Function(...params, body)(...args)`. */
export interface ShippedCode {
  readonly params: readonly string[];
  readonly body: string;
  readonly args: readonly ShippedArg[];
}

const RECORDS = new WeakMap<object, ShippedCode>();

/**
 * Sources longer than this are not kept (a record holds its source as long as the closure lives;
 * an objective whose code is megabytes is no candidate for a web page anyway).
 */
export const MAX_SHIPPED_SOURCE = 1_000_000;

/** Records how `fn` was made (called by the compilers); returns `fn`. */
export function recordShipped<F extends object>(fn: F, code: ShippedCode): F {
  if (code.body.length <= MAX_SHIPPED_SOURCE) RECORDS.set(fn, code);
  return fn;
}

/** How `fn` was made, or undefined when it is not a closure the compilers built. */
export function shippedCode(fn: unknown): ShippedCode | undefined {
  return (typeof fn === "function" || (typeof fn === "object" && fn !== null)) ? RECORDS.get(fn as object) : undefined;
}
