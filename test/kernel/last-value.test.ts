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

test("a cell that ends with a declaration, a type or a lone string", async () => {
  expect(await shown("const a = 3;")).toBe("(none)");
  expect(await shown("let q = 2")).toBe("(none)");
  expect(await shown("function g() { return 1; }")).toBe("(none)");
  expect(await shown("class K {}")).toBe("(none)");
  expect(await shown("const { x, y } = { x: 1, y: 2 };")).toBe("(none)");
  expect(await shown("interface I { a: number }")).toBe("(none)");
  expect(await shown('"just a string"')).toBe("'just a string'");
  expect(await shown('"s"; a + 1')).toBe("4");
  expect(await shown("a + q + g() + x + y")).toBe("9");
});

test("a last expression that writes a name the cell declares keeps JavaScript's value", async () => {
  expect(await shown("let r = 2; r++")).toBe("2");
  expect(await shown("let d = 2; d--")).toBe("2");
  expect(await shown("let p = 2; (p++)")).toBe("2");
  expect(await shown("let e = 2; --e")).toBe("1");
  expect(await shown("let n = 1n; n++")).toBe("1n");
  expect(await shown("let s1 = 1, s2 = 2; [s1, s2] = [s2, s1]")).toBe("[ 2, 1 ]");
  expect(await shown("let o = { a: 1 }; ({ a: o } = { a: { a: 2 } })")).toBe("{ a: { a: 2 } }");
  expect(await shown("let u = 1; u += 1")).toBe("2");
  // and the names hold the written values in later cells
  expect(await shown("[r, d, p, e, n, s1, s2, o, u]")).toBe("[ 3, 1, 3, 1, 2n, 2, 1, { a: 2 }, 2 ]");
});

test("a name from an earlier cell written by the last expression", async () => {
  expect(await shown("let c = 5;")).toBe("(none)");
  expect(await shown("c++")).toBe("5");
  expect(await shown("c")).toBe("6");
});

test("top-level for await and import.meta are type errors (cells run as CommonJS)", async () => {
  const forAwait = await run("for await (const z of [1]) { z; }");
  expect(forAwait).toMatchObject({ status: "error", ename: "TSError" });
  expect(forAwait.status === "error" && forAwait.evalue).toMatch(/TS1432/);
  const meta = await run("import.meta");
  expect(meta.status === "error" && meta.evalue).toMatch(/TS1343/);
  expect(await shown("await (async () => { let t = 0; for await (const z of [1, 2]) t += z; return t; })()")).toBe("3");
});
