/**
 * The real kernel's interrupt (SIGINT, what the kernelspec's interrupt mode sends) of a long
 * `optimizeAsync` / `compareAsync`: the cell's reply is an error, and the partial run stays
 * reachable in later cells through `lastRun()`. The cell signals that the run is under way by
 * creating a file; the test waits for it (an event, not a fixed delay).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { startKernel, type StartedKernel } from "./client.js";

let k: StartedKernel;
const dir = mkdtempSync(join(tmpdir(), "optlab-partial-"));

beforeAll(async () => {
  k = await startKernel([process.execPath, join(packageRoot(), "dist/kernel/cli.js"), "kernel", "-f", "{connection_file}"], { env: { OPTLAB_STATIC_IMAGES: "0" }, timeoutMs: 60000 });
}, 90_000);

afterAll(async () => {
  await k?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function value(code: string): Promise<string> {
  const { reply, iopub } = await k.client.execute(code, {}, 60000);
  expect(reply.content, code).toMatchObject({ status: "ok" });
  const r = iopub.find((m) => m.header.msg_type === "execute_result");
  return r ? String((r.content.data as Record<string, unknown>)["text/plain"]) : "";
}

/** Starts `code` (which creates `flag` once its work is under way), interrupts it then, returns the reply. */
async function interrupted(code: string, flag: string): Promise<Record<string, unknown>> {
  const running = k.client.execute(code, {}, 60000);
  while (!existsSync(flag)) await new Promise((r) => setTimeout(r, 5));
  k.process.kill("SIGINT");
  return (await running).reply.content;
}

test("an interrupted optimizeAsync: the reply is an error, lastRun() is the partial run", async () => {
  const flag = join(dir, "run-started");
  await value(`const fs = require("node:fs") as typeof import("node:fs"); const f = objective("(1 - x)^2 + 100*(y - x^2)^2");`);
  const reply = await interrupted(
    `await optimizeAsync(f, adam({ lr: 1e-4 }), { from: [-1.2, 1], steps: 50_000_000, tol: 0, live: false, progressEvery: 1, onProgress: () => fs.writeFileSync(${JSON.stringify(flag)}, "") });`,
    flag,
  );
  expect(reply.status).toBe("error");
  expect(await value("const r = lastRun()!; [r.status, r.steps > 0, r.steps < 50_000_000, r.losses.length === r.steps + 1]")).toBe("[ 'aborted', true, true, true ]");
}, 120_000);

test("an interrupted compareAsync: lastRun() is the interrupted run of the comparison", async () => {
  const flag = join(dir, "compare-started");
  const reply = await interrupted(
    `await compareAsync(f, { quick: { optimizer: gd({ lr: 1e-3 }), steps: 10 }, slow: adam({ lr: 1e-4 }) }, { from: [-1.2, 1], steps: 50_000_000, tol: 0, live: false, progressEvery: 1, onProgress: (r) => { if (r.name === "slow") fs.writeFileSync(${JSON.stringify(flag)}, ""); } });`,
    flag,
  );
  expect(reply.status).toBe("error");
  expect(await value("const s = lastRun()!; [s.name, s.status, s.steps > 0]")).toBe("[ 'slow', 'aborted', true ]");
}, 120_000);
