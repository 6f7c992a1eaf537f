/**
 * WebGPU starts without the user setting XDG_RUNTIME_DIR: when it is unset, a private folder is
 * put in the environment before Dawn starts, and the backend's notes say so.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { ensureRuntimeDir } from "../../src/backends/index.js";

test("ensureRuntimeDir sets a private folder only when XDG_RUNTIME_DIR is unset, and says so", () => {
  const env: NodeJS.ProcessEnv = {};
  const note = ensureRuntimeDir(env);
  expect(env.XDG_RUNTIME_DIR).toMatch(/optlab-xdg-\d+$/);
  expect(statSync(env.XDG_RUNTIME_DIR!).isDirectory()).toBe(true);
  expect(statSync(env.XDG_RUNTIME_DIR!).mode & 0o777).toBe(0o700);
  expect(note).toBe(`XDG_RUNTIME_DIR was unset: using ${env.XDG_RUNTIME_DIR} for the Vulkan driver`);
  const mine = mkdtempSync(join(tmpdir(), "xdg-"));
  try {
    const set: NodeJS.ProcessEnv = { XDG_RUNTIME_DIR: mine };
    expect(ensureRuntimeDir(set)).toBeUndefined();
    expect(set.XDG_RUNTIME_DIR).toBe(mine);
  } finally {
    rmSync(mine, { recursive: true, force: true });
  }
});

test("in a process without XDG_RUNTIME_DIR, webgpu starts (where a Vulkan driver exists) and its notes name the folder used", () => {
  const code = `
    const { probeBackend } = await import("./src/backends/index.ts");
    const s = await probeBackend("webgpu");
    console.log(JSON.stringify({ s, xdg: process.env.XDG_RUNTIME_DIR ?? null }));
    process.exit(0);`;
  const env = { ...process.env };
  delete env.XDG_RUNTIME_DIR;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8", env, stdio: ["ignore", "pipe", "ignore"] });
  const { s, xdg } = JSON.parse(out.trim().split("\n").at(-1)!) as { s: { available: boolean; reason?: string; notes?: string[] }; xdg: string | null };
  expect(xdg).toMatch(/optlab-xdg-\d+$/);
  const said = s.available ? s.notes ?? [] : [s.reason ?? ""];
  expect(said.join(" "), JSON.stringify(s)).toContain(`XDG_RUNTIME_DIR was unset: using ${xdg}`);
  // no driver here: the reason says which (never a crash); with one, it must start
  if (!s.available) expect(s.reason).toMatch(/^backend "webgpu" cannot start: /);
}, 60_000);
