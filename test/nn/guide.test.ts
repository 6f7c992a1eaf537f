/**
 * docs/readme/nn.md: its ```ts blocks run in order as notebook cells do (the DSL's names
 * predeclared, later blocks see earlier names, top-level await), and the values their comments
 * state are checked: `expr; // JSON` (or a number/boolean followed by words) equal, numbers to
 * 1e-12 relative; `// ≈ v` equal to the digits shown; `// displays …` formats as a MIME bundle with text/plain.
 */
import { readFileSync } from "node:fs";
import ts from "typescript";
import { expect, test } from "vitest";
import * as dsl from "../../dsl/index.js";
import { format } from "../../src/display/index.js";

/** Display checks (charts display asynchronously), awaited at the end. */
const pending: Promise<unknown>[] = [];

function close(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length && b.every((v, i) => close(a[i], v));
  return JSON.stringify(a) === JSON.stringify(b);
}

function expectation(comment: string): ((v: unknown, where: string) => void) | undefined {
  const approx = /^≈ (\S.*?)(?: \(.*\))?$/.exec(comment);
  if (approx) {
    const want = JSON.parse(approx[1]!) as unknown;
    return (v, where) => {
      const got = [v].flat(3) as number[];
      const wanted = [want].flat(3) as number[];
      expect(got.length, where).toBe(wanted.length);
      wanted.forEach((w, i) => {
        const decimals = (String(w).split(".")[1] ?? "").length;
        expect(Math.abs(got[i]! - w), `${where} [${i}]: ${got[i]} ≈ ${w}`).toBeLessThanOrEqual(0.5 * 10 ** -decimals);
      });
    };
  }
  if (/^displays /.test(comment)) return (v, where) => pending.push(format(v).then((b) => expect(b["text/plain"], where).toBeTruthy()));
  let want: unknown;
  try {
    want = JSON.parse(comment);
  } catch {
    const lead = /^(true|false|-?\d[\d.e+-]*)(?: |$)/.exec(comment);
    if (!lead) return undefined;
    want = JSON.parse(lead[1]!);
  }
  return (v, where) => expect(close(v, want), `${where}: got ${JSON.stringify(v)}, expected ${comment}`).toBe(true);
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...a: string[]) => (...args: unknown[]) => Promise<void>;

test("docs/readme/nn.md examples run as written and give what their comments say", async () => {
  const md = readFileSync(new URL("../../docs/readme/nn.md", import.meta.url), "utf8");
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const checks: ((v: unknown) => void)[] = [];
  const lines = blocks.flatMap((b, i) =>
    b.split("\n").map((line, j) => {
      const m = /^(\s*)(?!const |let |\/\/)(.*?);\s*\/\/ (.*)$/.exec(line);
      const check = m ? expectation(m[3]!) : undefined;
      if (m && check) {
        const where = `block ${i}, line ${j + 1}: ${line.trim()}`;
        checks.push((v) => check(v, where));
        return `${m[1]}__check(${checks.length - 1}, ${m[2]});`;
      }
      return line.replace(/^(const|let) /, "var ");
    }),
  );
  const source = ts.transpileModule(lines.join("\n"), { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  const names = Object.keys(dsl).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
  let checked = 0;
  await new AsyncFunction(...names, "__check", source)(...names.map((k) => (dsl as Record<string, unknown>)[k]), (k: number, v: unknown) => {
    checks[k]!(v);
    checked++;
  });
  await Promise.all(pending);
  expect(checked).toBe(checks.length);
  expect(checked).toBeGreaterThanOrEqual(25);
}, 60_000);
