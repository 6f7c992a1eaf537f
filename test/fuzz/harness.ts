/**
 * The fuzz suite's harness (issue 16): every input either works or throws a `DslError` whose
 * message names the offending field and value — never another error type, a hang, a silent
 * coercion, or a NaN result without a diagnosis.
 *
 * Budget and seed: `FUZZ_SCALE` multiplies every property's number of runs (default 1, the CI
 * budget; `npm run fuzz` runs 20×), `FUZZ_SEED` sets fast-check's seed (default 16, so CI is
 * deterministic). A failure prints the seed and the shrunk input; rerun it with
 * `FUZZ_SEED=<seed> npx vitest run test/fuzz/<file>`.
 */
import fc from "fast-check";
import { afterAll, expect } from "vitest";
import { DslError } from "../../dsl/index.js";
import { describe as describeValue } from "../../src/errors/index.js";

export { fc };

export const SEED = Number(process.env.FUZZ_SEED ?? 16);
export const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** Cases run in this file (reported at the end, and by the closing note of issue 16). */
let cases = 0;
afterAll(() => {
  // one line per file: the budget actually run, for the report
  console.log(`[fuzz] ${cases} cases (seed ${SEED}, scale ${SCALE})`);
});

/** fast-check's parameters for a property with `runs` cases at scale 1. */
export function params(runs: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns: Math.max(1, Math.round(runs * SCALE)), endOnFailure: false, verbose: 1 };
}

/** Runs a property (sync) with the harness's seed and budget. */
export function check<T>(runs: number, arb: fc.Arbitrary<T>, body: (v: T) => void): void {
  fc.assert(
    fc.property(arb, (v) => {
      cases++;
      body(v);
    }),
    params(runs) as fc.Parameters<[T]>,
  );
}

/** Runs an async property with the harness's seed and budget. */
export async function checkAsync<T>(runs: number, arb: fc.Arbitrary<T>, body: (v: T) => Promise<void>): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (v) => {
      cases++;
      await body(v);
    }),
    params(runs) as fc.Parameters<[T]>,
  );
}

/** What a fuzz case changed in a valid call, so the error can be checked to name it. */
export interface Mutation {
  /** The option or argument changed (its key), or undefined for an unmutated call. */
  field?: string;
  /** The value put there. */
  value?: unknown;
  /** "set": the field now holds `value`; "unknown": an unknown key `field` was added. */
  kind?: "set" | "unknown";
}

/**
 * Calls `fn` and classifies the outcome: its result, or the DslError it threw. Anything else a
 * test fails on, with the input. A DslError after a mutation must name the mutated field.
 */
export function outcome<T>(fn: () => T, m: Mutation = {}, input?: unknown): { ok: true; value: T } | { ok: false; error: DslError } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: asDslError(e, m, input) };
  }
}

/** Same as `outcome` for an async call. */
export async function outcomeAsync<T>(fn: () => Promise<T>, m: Mutation = {}, input?: unknown): Promise<{ ok: true; value: T } | { ok: false; error: DslError }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: asDslError(e, m, input) };
  }
}

function asDslError(e: unknown, m: Mutation, input: unknown): DslError {
  if (!(e instanceof DslError)) {
    const what = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split("\n").slice(1, 6).join("\n")}` : String(e);
    throw new Error(`not a DslError for input ${safe(input ?? m)}:\n${what}`);
  }
  if (typeof e.code !== "string" || e.code === "") throw new Error(`a DslError without a code: ${e.message}`);
  if (m.field !== undefined && !names(e, m.field, m.value)) {
    throw new Error(`the DslError does not name the field '${m.field}' (value ${describeValue(m.value)}), input ${safe(input ?? m)}:\n${e.message} (path "${e.path}")`);
  }
  return e;
}

/** A message or path that names `field` (as written, or its leading name: "betas" for "betas[1]"). */
function names(e: DslError, field: string, value: unknown): boolean {
  const base = field.replace(/\[.*$/, "");
  if (e.message.includes(base) || e.path.includes(base)) return true;
  // a record's entry named by its own key: grid { lr: [-1] } → "lr must be ≥ 0"
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).some((k) => k.length > 0 && e.message.includes(k));
}

/** JSON-ish rendering of a fuzz input for failure messages (functions, NaN, bigints kept readable). */
export function safe(v: unknown): string {
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === "function" ? "<function>" : typeof x === "number" && !Number.isFinite(x) ? String(x) : typeof x === "bigint" ? `${x}n` : x));
    return s === undefined ? String(v) : s.length > 400 ? s.slice(0, 400) + "…" : s;
  } catch {
    return String(v);
  }
}

/** Values that break careless checks: wrong types, numeric strings, non-finite and extreme numbers. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    NaN, Infinity, -Infinity, -0, 0, -1, 1e308, -1e308, 5e-324, 1e-320, 2 ** 53, 2 ** 31, 0.5, 2.5, 1e6, 1e9,
    "1", "0.1", "", " ", "abc", "NaN", null, true, false, [], [1], [1, 2], ["1", "2"], {}, { a: 1 },
    () => 0.1, () => NaN, () => "x", Symbol.for("s"), 10n, new Float64Array(2), new Date(0),
  ),
  fc.double(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 12 }),
);

/** A field the mutation set to a numeric string where the valid call had a number: accepted, it was coerced. */
export function expectNoCoercion(m: Mutation, original: unknown, ok: boolean, input: unknown): void {
  if (ok && m.kind === "set" && typeof original === "number" && typeof m.value === "string") {
    throw new Error(`silent coercion: '${m.field}' took the string ${JSON.stringify(m.value)} where a number belongs, input ${safe(input)}`);
  }
}

/** An unknown option accepted without a word. */
export function expectUnknownRefused(m: Mutation, ok: boolean, input: unknown): void {
  if (ok && m.kind === "unknown") throw new Error(`unknown option '${m.field}' accepted silently, input ${safe(input)}`);
}

/**
 * A mutation of a valid option record: nothing, one field set to a weird value, one field
 * removed, or one unknown key added (a typo of a known one or a snake_case spelling).
 */
export function mutated(valid: Record<string, unknown>, extra: fc.Arbitrary<unknown> = weird): fc.Arbitrary<{ opts: Record<string, unknown>; m: Mutation }> {
  const keys = Object.keys(valid);
  const none = fc.constant({ opts: { ...valid }, m: {} as Mutation });
  if (keys.length === 0) return none;
  const set = fc.tuple(fc.constantFrom(...keys), fc.oneof(extra, weird)).map(([k, v]) => ({ opts: { ...valid, [k]: v }, m: { field: k, value: v, kind: "set" as const } }));
  const drop = fc.constantFrom(...keys).map((k) => {
    const o = { ...valid };
    delete o[k];
    return { opts: o, m: {} as Mutation };
  });
  const unknown = fc.tuple(fc.constantFrom(...keys), fc.constantFrom("snake", "typo", "junk")).map(([k, how]) => {
    const u = how === "snake" ? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) + (/[A-Z]/.test(k) ? "" : "_") : how === "typo" ? k + "s" : "zzFuzzKey";
    return { opts: { ...valid, [u]: valid[k] }, m: { field: u, value: valid[k], kind: "unknown" as const } };
  });
  return fc.oneof({ weight: 1, arbitrary: none }, { weight: 5, arbitrary: set }, { weight: 1, arbitrary: drop }, { weight: 2, arbitrary: unknown });
}

/** A run's status and message agree, and a non-diverged run has finite losses. */
export function expectCoherentRun(run: { status: string; message: string; losses: readonly number[]; steps: number }, input: unknown): void {
  const ctx = ` (input ${safe(input)})`;
  expect(["converged", "stationary", "max-steps", "diverged", "aborted"], `status${ctx}`).toContain(run.status);
  if (run.status === "converged") expect(run.message, `a converged run's message${ctx}`).not.toMatch(/^took all|diverged|not a minimum/);
  if (run.status === "max-steps") expect(run.message, `a max-steps run's message${ctx}`).not.toMatch(/^converged|diverged/);
  if (run.status === "diverged") expect(run.message, `a diverged run's message${ctx}`).toMatch(/diverged|not finite/);
  if (run.status === "stationary") expect(run.message, `a stationary run's message${ctx}`).toMatch(/not a minimum/);
  if (run.status !== "diverged") {
    const bad = run.losses.findIndex((l) => !Number.isFinite(l));
    expect(bad, `a non-finite loss at step ${bad} of a ${run.status} run${ctx}: ${run.message}`).toBe(-1);
  }
}
