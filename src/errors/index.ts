/**
 * Errors for bad input, in the user's terms.
 *
 * Every error we raise on purpose is a `DslError` (or a subclass) with a stable `code` that tests
 * and callers can match, and a `path` saying where the problem is (`"adam.lr"`, `"objective.vars[1]"`).
 * The kernel shows `name` as `ename` and `message` as `evalue`, without a stack full of internals.
 *
 * Message style (see STYLE.md §6): what was expected, what came instead, and where:
 * `adam: lr must be a positive number or a schedule, got -0.1`.
 */
export class DslError extends Error {
  override name = "DslError";
  /** A stable, machine-readable code such as `"parse"`, `"unknown-symbol"`, `"bad-option"`. */
  readonly code: string;
  /** Where the problem is, in the user's words (`"adam.lr"`, `"x[1]"`); may be empty. */
  readonly path: string;
  /** Extra structured detail for programmatic use (never needed to understand the message). */
  readonly detail?: Record<string, unknown>;

  constructor(code: string, message: string, opts: { path?: string; detail?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.path = opts.path ?? "";
    if (opts.detail) this.detail = opts.detail;
  }
}

/** True for errors we raised on purpose (as opposed to bugs). */
export function isDslError(e: unknown): e is DslError {
  return e instanceof DslError || (e instanceof Error && e.name === "DslError" && typeof (e as DslError).code === "string");
}

/**
 * A cheap internal assertion: the message is built only when the check fails.
 * For invariants of our own code; user input is validated with `DslError`s at the edges.
 */
export function assert(cond: unknown, msg: () => string): asserts cond {
  if (!cond) throw new Error(`optlab internal error: ${msg()}`);
}

/** Short, readable rendering of a value for error messages (`got -0.1`, `got "abc"`, `got [1, 2]`). */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return value.length <= 6 ? `[${value.map(describe).join(", ")}]` : `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === "object") return describeObject(value as object);
  return String(value);
}

/**
 * A class instance by its class (`an Objective f(x) = x^2`, `a Map`), an object with its own
 * `toString` by that (`adam(lr=0.001, ...)`), other objects by their keys: never their private
 * fields (`{vars, names, n, source, expr, core, ...}` said nothing to a user).
 */
function describeObject(value: object): string {
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  const cls = proto !== null && proto !== Object.prototype && typeof proto.constructor?.name === "string" ? proto.constructor.name : "";
  const own = customString(value);
  if (cls) return `${/^[AEIOU]/.test(cls) ? "an" : "a"} ${cls}${own ? ` ${own}` : ""}`;
  if (own) return own;
  return `an object with keys {${Object.keys(value).slice(0, 8).join(", ")}}`;
}

/** The value's own `toString()` (first line, at most 60 characters), if it has a custom one. */
function customString(value: object): string | undefined {
  const ts = (value as { toString?: unknown }).toString;
  if (typeof ts !== "function" || ts === Object.prototype.toString) return undefined;
  try {
    const text = String(ts.call(value)).split("\n")[0]!;
    if (text === "" || text.startsWith("[object ")) return undefined;
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return undefined;
  }
}
