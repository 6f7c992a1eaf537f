/** `optlab run`: notebooks executed in-process, written back with outputs, rendered to HTML. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CodeCell, Notebook } from "../../kernel/notebook.js";
import { executedPath, runNotebooks, summaryLine, type NotebookResult } from "../../kernel/runner.js";

let dir: string;
const code = (source: string, tags?: string[]): CodeCell => ({ cell_type: "code", metadata: tags ? { tags } : {}, source, outputs: [], execution_count: null });
const write = (name: string, cells: Notebook["cells"]) => {
  const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
  writeFileSync(join(dir, name), JSON.stringify(nb));
};
const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Notebook;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "optlab-run-"));
  write("a-good.ipynb", [
    { cell_type: "markdown", metadata: {}, source: "# Hello" },
    // process.stdout.write: under vitest, console.log goes to vitest, not to the process streams
    code('process.stdout.write("printed\\n");\nconst id = display("0%", { displayId: true });\ndisplay("100%", { displayId: id, update: true });\n40 + 2'),
    code('throw new Error("expected")', ["raises-exception"]),
    code("display.plotly({ data: [{ y: [1, 2, 3] }] }); readFileSync"),
  ]);
  write("b-bad.ipynb", [code("const x = 1;"), code("x.nope()"), code('console.log("never")')]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runNotebooks", () => {
  test("runs every notebook of a directory, writes outputs and HTML, reports failures", async () => {
    // a cell may read files relative to its notebook: the runner works in the notebook's directory
    writeFileSync(join(dir, "data.txt"), "from a file");
    const nb = JSON.parse(readFileSync(join(dir, "a-good.ipynb"), "utf8")) as Notebook;
    // ... and `optlab` resolves to this package from a directory outside it
    nb.cells[3] = code('import { readFileSync } from "node:fs";\nimport { objective as obj } from "optlab";\ndisplay.plotly({ data: [{ y: [1, 2, 3] }] });\nreadFileSync("data.txt", "utf8") + obj("x^2").vars');
    writeFileSync(join(dir, "a-good.ipynb"), JSON.stringify(nb));
    const lines: string[] = [];
    const out = join(dir, "html");
    const { ok, results } = await runNotebooks([dir], { html: out, log: (l) => lines.push(l) });
    expect(ok).toBe(false);
    expect(results.map((r) => [r.path.endsWith("a-good.ipynb"), r.ok])).toEqual([
      [true, true],
      [false, false],
    ]);
    // one line per notebook, then the gallery index (a directory was given)
    expect(lines.length).toBe(3);
    expect(lines[2]).toBe(`index of 2 pages → ${join(out, "index.html")}`);

    const good = read(join(out, "a-good.ipynb"));
    const cells = good.cells.filter((c): c is CodeCell => c.cell_type === "code");
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3]);
    expect(cells[0]!.outputs).toEqual([
      { output_type: "stream", name: "stdout", text: ["printed\n"] },
      { output_type: "display_data", data: { "text/plain": ["'100%'"] }, metadata: {} },
      { output_type: "execute_result", execution_count: 1, data: { "text/plain": ["42"] }, metadata: {} },
    ]);
    expect(cells[1]!.outputs[0]).toMatchObject({ output_type: "error", ename: "Error", evalue: "expected" });
    expect(cells[2]!.outputs.at(-1)).toMatchObject({ output_type: "execute_result", data: { "text/plain": ["'from a filex'"] } });
    expect(good.metadata.kernelspec).toEqual({ name: "optlab", display_name: "TypeScript (optlab)", language: "typescript" });

    const bad = read(join(out, "b-bad.ipynb"));
    const badCells = bad.cells as CodeCell[];
    expect(badCells[1]!.outputs[0]).toMatchObject({ output_type: "error", ename: "TSError" });
    expect(badCells[2]!.outputs).toEqual([]); // not run after the error
    expect(results[1]!.errors).toEqual([{ cell: 1, ename: "TSError", evalue: expect.stringMatching(/nope/), expected: false }]);
    expect(results[0]!.errors).toEqual([{ cell: 2, ename: "Error", evalue: "expected", expected: true }]);
    expect(lines[0]).toMatch(/^a-good\.ipynb: 3 cells in [\d.]+ s, ok → .*a-good\.ipynb, .*a-good\.html$/);
    expect(lines[1]).toMatch(/^b-bad\.ipynb: 2 of 3 cells in [\d.]+ s, FAILED \(cell 2: TSError: .*nope/);

    const html = readFileSync(join(out, "a-good.html"), "utf8");
    expect(html).toContain("<h1");
    // display.plotly's JSON-only chart: drawn by an optlab chart script, plotly.js once (compressed, in <head>)
    expect(html).toMatch(/<div class="optlab-chart" id="[^"]+"/);
    expect(html).toContain("w.Plotly.newPlot(");
    expect(html.match(/class="optlab-plotlyjs"/g)?.length).toBe(1);
    expect(html.indexOf("optlab-plotlyjs")).toBeLessThan(html.indexOf("<body>"));
    expect(process.cwd()).not.toBe(dir);
  });
});

describe("optlab run (the CLI, in a process of its own)", () => {
  test("errors nobody caught, also after the wasm backend loaded, show on the cells and do not end the run", () => {
    // tfjs-backend-wasm's emscripten runtime adds process listeners that rethrow; before the fix
    // the first unhandled rejection after it loaded ended `optlab run` (and a Jupyter kernel).
    write("c-background.ipynb", [
      code('Promise.reject(new Error("before wasm")); "one"'),
      code('const r = await optimize(objective("x^2 + y^2"), adam(), { from: [1, 1], steps: 5, backend: "wasm" });\nr.message.endsWith("[wasm, float32]")'),
      code('Promise.reject(new Error("after wasm")); "three"'),
      code('setTimeout(() => { throw new Error("in a timer"); }, 0);\nawait new Promise((res) => setTimeout(res, 50));\n"four"'),
    ]);
    const cli = fileURLToPath(new URL("../../dist/kernel/cli.js", import.meta.url));
    const out = join(dir, "background-out");
    const r = spawnSync(process.execPath, [cli, "run", join(dir, "c-background.ipynb"), "--out", out], { encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const cells = read(join(out, "c-background.ipynb")).cells as CodeCell[];
    const text = (c: CodeCell, kind: string) => c.outputs.filter((o) => o.output_type === kind).map((o) => JSON.stringify(o)).join("");
    expect(cells.map((c) => text(c, "execute_result"))).toEqual([
      expect.stringContaining("'one'"), expect.stringContaining("true"), expect.stringContaining("'three'"), expect.stringContaining("'four'"),
    ]);
    expect(text(cells[0]!, "stream")).toMatch(/Unhandled promise rejection:.*before wasm/);
    expect(text(cells[2]!, "stream")).toMatch(/Unhandled promise rejection:.*after wasm/);
    expect(text(cells[3]!, "stream")).toMatch(/Uncaught exception:.*in a timer.*Cell In\[4\], line 1/);
  });
});

describe("where the executed notebook goes, and the line that says so", () => {
  test("executedPath: --inplace over the input, else --out, else next to the HTML, else nowhere", () => {
    expect(executedPath("nb/a.ipynb", {})).toBeUndefined();
    expect(executedPath("nb/a.ipynb", { inplace: true })).toBe(join(process.cwd(), "nb", "a.ipynb"));
    expect(executedPath("nb/a.ipynb", { inplace: true, html: "h" })).toBe(join(process.cwd(), "nb", "a.ipynb"));
    expect(executedPath("nb/a.ipynb", { html: "h" })).toBe(join(process.cwd(), "h", "a.ipynb"));
    expect(executedPath("nb/a.ipynb", { html: "h", out: "o" })).toBe(join(process.cwd(), "o", "a.ipynb"));
  });

  test("summaryLine: ok, failed, errors allowed, expected errors, unreadable", () => {
    const base: NotebookResult = { path: "/x/a.ipynb", ok: true, cells: 3, codeCells: 3, errors: [], seconds: 1.25 };
    expect(summaryLine(base)).toBe("a.ipynb: 3 cells in 1.3 s, ok → executed notebook not saved (--out DIR, --html DIR or --inplace saves it)");
    expect(summaryLine({ ...base, cells: 1, codeCells: 1, ipynb: "/o/a.ipynb", html: "/h/a.html" })).toBe("a.ipynb: 1 cell in 1.3 s, ok → /o/a.ipynb, /h/a.html");
    const boom = { cell: 1, ename: "Error", evalue: "boom\nsecond line", expected: false };
    expect(summaryLine({ ...base, ok: false, cells: 2, errors: [boom] })).toMatch(/^a\.ipynb: 2 of 3 cells in 1\.3 s, FAILED \(cell 2: Error: boom\) → /);
    expect(summaryLine({ ...base, errors: [boom, { ...boom, cell: 2 }] })).toMatch(/, ERRORS allowed by --allow-errors, 2 cells raised \(cell 2: Error: boom; cell 3: Error: boom\) → /);
    expect(summaryLine({ ...base, errors: [{ ...boom, expected: true }] })).toMatch(/, ok → /);
    expect(summaryLine({ ...base, ok: false, cells: 0, errors: [{ cell: -1, ename: "NotebookReadError", evalue: "not a notebook (bad JSON)", expected: false }] })).toBe("a.ipynb: FAILED, not a notebook (bad JSON)");
  });
});
