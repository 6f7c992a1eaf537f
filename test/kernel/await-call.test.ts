import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, expect, test } from "vitest";
import { rewriteAwaitCalls } from "../../kernel/await-call.js";
import type { CodeCell, Notebook } from "../../kernel/notebook.js";
import { packageRoot } from "../../kernel/package-root.js";
import { runNotebooks } from "../../kernel/runner.js";
import { loadTsHost, type TsModule } from "../../kernel/ts-host.js";

let ts: TsModule;
beforeAll(() => {
  ts = loadTsHost(packageRoot()).ts;
});

test("a top-level await before a parenthesis or bracket becomes an await expression", () => {
  expect(rewriteAwaitCalls(ts, "const r = await (async () => 5)();")).toBe("const r = await Promise.resolve((async () => 5)());");
  expect(rewriteAwaitCalls(ts, "await (p).then((v) => v + 1)")).toBe("await Promise.resolve((p).then((v) => v + 1))");
  expect(rewriteAwaitCalls(ts, "const [a] = await [p][0];")).toBe("const [a] = await Promise.resolve([p][0]);");
  // nested chains: the inner one is rewritten, and the outer one encloses the rewritten text
  expect(rewriteAwaitCalls(ts, "await (async () => await (q)())()")).toBe("await Promise.resolve((async () => await (q)())())");
  expect(rewriteAwaitCalls(ts, "f(await (g)(), await (h)())")).toBe("f(await Promise.resolve((g)()), await Promise.resolve((h)()))");
});

test("cells without such an await, and awaits inside functions, are untouched", () => {
  for (const src of ["await f()", "const x = 1 + 1", "async function m() { return await (g)(); }", "const k = async () => await (g)();", "class A { async m() { await (g)(); } }", "obj.await(1)", "// await (x)\n1"]) {
    expect(rewriteAwaitCalls(ts, src)).toBe(src);
  }
});

test("in a notebook, `const r = await (async () => …)()` gives the value and its type to later cells", async () => {
  const dir = mkdtempSync(join(tmpdir(), "optlab-await-"));
  try {
    const code = (source: string): CodeCell => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null });
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [code("const r = await (async () => 5)();\nr"), code("const n: number = r + 1;\nn"), code("await (async () => { throw new Error('inside'); })()")],
    };
    writeFileSync(join(dir, "t.ipynb"), JSON.stringify(nb));
    await runNotebooks([join(dir, "t.ipynb")], { out: dir, allowErrors: true, log: () => {} });
    const out = JSON.parse(readFileSync(join(dir, "t.ipynb"), "utf8")) as Notebook;
    const outputs = out.cells.map((c) => (c as CodeCell).outputs);
    expect(outputs[0]).toMatchObject([{ output_type: "execute_result", data: { "text/plain": ["5"] } }]);
    expect(outputs[1]).toMatchObject([{ output_type: "execute_result", data: { "text/plain": ["6"] } }]);
    // the awaited promise's rejection is the cell's error (not "await is not defined")
    expect(outputs[2]).toMatchObject([{ output_type: "error", ename: "Error", evalue: "inside" }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
