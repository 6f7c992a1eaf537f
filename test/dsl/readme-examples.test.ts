/**
 * The ```ts examples of README.md, docs/readme/objective.md, optimizers.md and trees.md run as written,
 * one guide at a time and in order, as notebook cells do (the DSL's names predeclared, later
 * blocks see what earlier ones defined), and the values their comments state are checked:
 *
 * - `expr; // JSON` (or `// 2001 points …`, `// true: …`: a number or boolean followed by words):
 *   expr equals it, numbers to 1e-12 relative;
 * - `expr; // ≈ 24.2` or `// ≈ [-215.6, -88]`: equal to the digits shown;
 * - `stmt; // DslError code: message`: the statement throws that DslError (a message ending in
 *   "..." is a prefix);
 * - `expr; // displays …`: the value formats as a MIME bundle.
 *
 * (docs/readme/gradcheck.md and schedules.md have their own runners in gradcheck.test.ts and
 * schedules.test.ts.)
 */
import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import * as dsl from "../../dsl/index.js";
import { formatSync } from "../../src/display/index.js";

/** The comment's expectation as a check of `v` (undefined: nothing to check). */
function expectation(comment: string): ((v: unknown, where: string) => void) | undefined {
  const approx = /^≈ (\S.*?)(?: \(.*\))?$/.exec(comment);
  if (approx) {
    const want = JSON.parse(approx[1]!) as number | number[];
    return (v, where) => {
      const [got, wanted] = [[v].flat() as number[], [want].flat()];
      expect(got.length, where).toBe(wanted.length);
      wanted.forEach((w, i) => {
        const decimals = (String(w).split(".")[1] ?? "").length;
        expect(Math.abs(got[i]! - w), `${where} [${i}]: ${got[i]} ≈ ${w}`).toBeLessThanOrEqual(0.5 * 10 ** -decimals);
      });
    };
  }
  if (/^displays /.test(comment)) {
    return (v, where) => expect(formatSync(v)["text/plain"], where).toBeTruthy();
  }
  let want: unknown;
  try {
    want = JSON.parse(comment);
  } catch {
    const lead = /^(true|false|-?\d[\d.e+-]*)[ :]/.exec(comment);
    if (!lead) return undefined;
    want = JSON.parse(lead[1]!);
  }
  return (v, where) => expect(close(v, want), `${where}: got ${JSON.stringify(v)}, expected ${comment}`).toBe(true);
}

function close(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && b.every((v, i) => close(a[i], v));
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A DslError with `code` whose message is `message` (a prefix when it ends in "..."). */
function throwsDsl(fn: () => unknown, code: string, message: string, where: string): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `${where}: expected a DslError`).toBeInstanceOf(dsl.DslError);
  expect((err as dsl.DslError).code, where).toBe(code);
  const msg = (err as Error).message;
  if (message.endsWith("...")) expect(msg.startsWith(message.slice(0, -3).trimEnd()), `${where}: ${msg}`).toBe(true);
  else expect(msg, where).toBe(message);
}

/** One statement per line (a `;` at the end, brackets balanced): the lines whose comment we check. */
function isStatement(code: string): boolean {
  let depth = 0;
  for (const c of code) {
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    if (depth < 0) return false;
  }
  return depth === 0 && !/^\s*(const|let|var|import|export|return|\/\/)\b/.test(code);
}

/** The guide's blocks as one program, with its checks. */
function program(md: string): { source: string; checks: ((v: unknown) => void)[]; throws: [string, string, string][] } {
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const checks: ((v: unknown) => void)[] = [];
  const throws: [string, string, string][] = [];
  const lines = blocks.flatMap((b, i) =>
    b.split("\n").map((line, j) => {
      const where = `block ${i}, line ${j + 1}: ${line.trim()}`;
      const m = /^(\s*)(.*?);\s*\/\/ (.*)$/.exec(line);
      if (m && isStatement(m[2]!)) {
        const err = /^DslError ([a-z-]+): (.*)$/.exec(m[3]!);
        if (err) {
          throws.push([where, err[1]!, err[2]!]);
          return `${m[1]}__throws(${throws.length - 1}, () => { ${m[2]}; });`;
        }
        const check = expectation(m[3]!);
        if (check) {
          checks.push((v) => check(v, where));
          return `${m[1]}__check(${checks.length - 1}, ${m[2]});`;
        }
      }
      // The DSL's names are predeclared here, as in a kernel cell.
      if (/^import .* from "optlab";?$/.test(line.trim())) return "";
      // Notebook semantics: a later block may redeclare a name.
      return line.replace(/^(const|let) /, "var ");
    }),
  );
  const source = ts.transpileModule(lines.join("\n"), { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  return { source, checks, throws };
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...a: string[]) => (...args: unknown[]) => Promise<void>;

/** Runs a guide's blocks as one async program (blocks may `await`, as notebook cells do). */
async function run(md: string): Promise<{ checked: number; thrown: number }> {
  const { source, checks, throws } = program(md);
  const names = Object.keys(dsl).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
  let checked = 0;
  let thrown = 0;
  const check = (k: number, v: unknown) => {
    checks[k]!(v);
    checked++;
  };
  const raises = (k: number, fn: () => unknown) => {
    const [where, code, message] = throws[k]!;
    throwsDsl(fn, code, message, where);
    thrown++;
  };
  await new AsyncFunction(...names, "__check", "__throws", source)(...names.map((k) => (dsl as Record<string, unknown>)[k]), check, raises);
  return { checked, thrown };
}

describe("docs/readme examples run as written and give what their comments say", () => {
  test("README.md", async () => {
    const r = await run(readFileSync(new URL("../../README.md", import.meta.url), "utf8"));
    expect(r.checked).toBeGreaterThanOrEqual(2);
  });

  test("objective.md", async () => {
    const r = await run(readFileSync(new URL("../../docs/readme/objective.md", import.meta.url), "utf8"));
    expect(r.checked).toBeGreaterThanOrEqual(12);
  });

  test("trees.md", async () => {
    const r = await run(readFileSync(new URL("../../docs/readme/trees.md", import.meta.url), "utf8"));
    expect(r.checked).toBeGreaterThanOrEqual(30);
    expect(r.thrown).toBeGreaterThanOrEqual(4);
  });

  test("optimizers.md", async () => {
    const r = await run(readFileSync(new URL("../../docs/readme/optimizers.md", import.meta.url), "utf8"));
    expect(r.checked).toBeGreaterThanOrEqual(4);
    expect(r.thrown).toBeGreaterThanOrEqual(4);
  });
});
