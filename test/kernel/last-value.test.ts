/**
 * A cell's value is its last expression statement's value, as JavaScript evaluates it, with the
 * compiler emitting CommonJS in one pass (kernel/ts-host.ts): TypeScript's CommonJS transformer
 * adds statements of its own (`exports.a = a;` after a declaration, the `__esModule` flag) and
 * rewrites writes to a cell's exported names in statements without keeping their value (`r++`
 * became `exports.r = (r++, r)`, whose value is the new one). Each case here showed the wrong
 * value (or a value where there is none) before it was handled. In one process.
 */
import { inspect } from "node:util";
import { beforeAll, expect, test } from "vitest";
import { Executor, type Outcome, type RunContext } from "../../kernel/executor.js";
import { packageRoot } from "../../kernel/package-root.js";
import { loadPrelude } from "../../kernel/prelude.js";
import { loadTsHost } from "../../kernel/ts-host.js";

let ex: Executor;
let count = 0;

beforeAll(async () => {
  const host = loadTsHost(packageRoot());
  const prelude = await loadPrelude(packageRoot(), host.ts, { display() {}, prompt: () => null, comms: {} });
  ex = new Executor({ host, prelude, packageRoot: packageRoot() });
}, 120_000);

const run = async (code: string): Promise<Outcome> => ex.execute(code, { count: ++count, abort: new Promise(() => undefined), enter: (fn) => fn() } as RunContext);

/** The cell's value as the kernel would show it (`inspect`), or "(none)". */
async function shown(code: string): Promise<string> {
  const o = await run(code);
  if (o.status !== "ok") throw new Error(`${code}: ${o.ename}: ${o.evalue}`);
  return o.hasValue ? inspect(o.value) : "(none)";
}

/** Runs the cells in order; each shows its value. */
async function expectShown(cells: [code: string, value: string][]): Promise<void> {
  for (const [code, value] of cells) expect(await shown(code), code).toBe(value);
}

test("a cell that ends with a declaration, a type or a lone string", async () => {
  await expectShown([
    ["const a = 3;", "(none)"],
    ["let q = 2", "(none)"],
    ["function g() { return 1; }", "(none)"],
    ["class K {}", "(none)"],
    ["const { x, y } = { x: 1, y: 2 };", "(none)"],
    ["interface I { a: number }", "(none)"],
    ['"just a string"', "'just a string'"],
    ['"s"; a + 1', "4"],
    ["a + q + g() + x + y", "9"],
  ]);
});

test("a last expression that writes a name the cell declares keeps JavaScript's value", async () => {
  await expectShown([
    ["let r = 2; r++", "2"],
    ["let d = 2; d--", "2"],
    ["let p = 2; (p++)", "2"],
    ["let e = 2; --e", "1"],
    ["let n = 1n; n++", "1n"],
    ["let s1 = 1, s2 = 2; [s1, s2] = [s2, s1]", "[ 2, 1 ]"],
    ["let o = { a: 1 }; ({ a: o } = { a: { a: 2 } })", "{ a: { a: 2 } }"],
    ["let u = 1; u += 1", "2"],
    // and the names hold the written values in later cells
    ["[r, d, p, e, n, s1, s2, o, u]", "[ 3, 1, 3, 1, 2n, 2, 1, { a: 2 }, 2 ]"],
  ]);
});

test("a name from an earlier cell written by the last expression", async () => {
  await expectShown([
    ["let c = 5;", "(none)"],
    ["c++", "5"],
    ["c", "6"],
  ]);
});

test("top-level for await and import.meta are type errors (cells run as CommonJS)", async () => {
  const forAwait = await run("for await (const z of [1]) { z; }");
  expect(forAwait).toMatchObject({ status: "error", ename: "TSError" });
  expect(forAwait.status === "error" && forAwait.evalue).toMatch(/TS1432/);
  const meta = await run("import.meta");
  expect(meta.status === "error" && meta.evalue).toMatch(/TS1343/);
  expect(await shown("await (async () => { let t = 0; for await (const z of [1, 2]) t += z; return t; })()")).toBe("3");
});
