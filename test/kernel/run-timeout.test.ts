/**
 * `optlab run --timeout` (the built CLI, as a user runs it): a cell that blocks the thread with a
 * synchronous loop is stopped, and the notebook's later cells still see the earlier variables.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { CodeCell, Notebook } from "../../kernel/notebook.js";
import { packageRoot } from "../../kernel/package-root.js";

const code = (source: string): CodeCell => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null });

test("a synchronous endless loop is ended at the timeout; the variables of earlier cells stay", () => {
  const dir = mkdtempSync(join(tmpdir(), "optlab-timeout-"));
  try {
    const nb: Notebook = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [code("const a = 1;"), code("let i = 0;\nwhile (true) { i++; }"), code("a + 1")] };
    writeFileSync(join(dir, "t.ipynb"), JSON.stringify(nb));
    // the time counts from the start of the cell's code, so a slow type check cannot use it up
    const cli = join(packageRoot(), "dist", "kernel", "cli.js");
    const r = spawnSync(process.execPath, [cli, "run", join(dir, "t.ipynb"), "--out", join(dir, "out"), "--timeout", "2", "--allow-errors"], { encoding: "utf8", timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 cell raised \(cell 2: KeyboardInterrupt/);
    const out = JSON.parse(readFileSync(join(dir, "out", "t.ipynb"), "utf8")) as Notebook;
    const cells = out.cells as CodeCell[];
    expect(cells[0]!.outputs).toEqual([]);
    // the traceback says where the loop was stopped
    expect(JSON.stringify(cells[1]!.outputs)).toContain("Cell In[2], line 2");
    expect(cells[2]!.outputs).toMatchObject([{ output_type: "execute_result", data: { "text/plain": ["2"] } }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
