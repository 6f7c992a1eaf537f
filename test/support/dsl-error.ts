/**
 * The DslError a call throws, checked: its code, and its message (equal to a string, or matching
 * a pattern). Fails the test when the call returns or throws something else.
 */
import { expect } from "vitest";
import { DslError } from "../../src/errors/index.js";

export function expectDslError(fn: () => unknown, code: string, message: string | RegExp): DslError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a DslError ${code}`).toBeInstanceOf(DslError);
  const e = caught as DslError;
  expect(e.code).toBe(code);
  if (typeof message === "string") expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  return e;
}

/** The DslError a call throws (for tests that check several of its fields); throws when it throws none. */
export function caughtDslError(fn: () => unknown): DslError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DslError) return e;
    throw e;
  }
  throw new Error("expected a DslError");
}
