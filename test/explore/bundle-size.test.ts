/**
 * The explorables' engine bundle stays under 100 KB minified (the issue's payload goal, besides
 * plotly.js): builds a fresh copy from the sources with scripts/bundle-explore.mjs (esbuild,
 * deterministic) into a temporary file and checks its size, and that the page's slimmer run
 * diagnostics replaced the kernel's (no theory helpers, no Lanczos in the page).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "optlab-bundle-size-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("dist/explore/engine.js", () => {
  test("is under 100 KB minified, without the kernel-only diagnostics", () => {
    const out = join(dir, "engine.js");
    const report = execFileSync(process.execPath, [join(ROOT, "scripts/bundle-explore.mjs"), `--out=${out}`, "--report"], { encoding: "utf8", env: { ...process.env, TOP: "1000" } });
    const code = readFileSync(out, "utf8");
    const bytes = Buffer.byteLength(code);
    expect(report).toContain(`${bytes} bytes minified`);
    expect(bytes).toBeGreaterThan(20_000); // a real bundle (the runner, transforms, page runtime)
    expect(bytes).toBeLessThan(100_000);
    // the runner, the page runtime and the status logic are in; the theory and Lanczos are not
    expect(report).toContain("src/optim/run.ts");
    expect(report).toContain("src/explore/page-diagnostics.ts");
    expect(report).not.toMatch(/src\/optim\/theory\.ts|src\/numeric\/curvature\/lanczos\.ts/);
    expect(code).toContain("optlabExplore");
  }, 120_000);
});
