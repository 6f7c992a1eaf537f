/**
 * The real kernel process (dist/kernel/cli.js, built by `npm run build`) over ZeroMQ on
 * 127.0.0.1, driven by the small client in ./client.ts.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { Signer } from "../../kernel/wire.js";
import { startKernel, type StartedKernel } from "./client.js";

let k: StartedKernel;

beforeAll(async () => {
  k = await startKernel([process.execPath, join(packageRoot(), "dist/kernel/cli.js"), "kernel", "-f", "{connection_file}"], { env: { OPTLAB_STATIC_IMAGES: "0" }, timeoutMs: 60000 });
});

afterAll(async () => {
  await k?.stop();
});

describe("the kernel process", () => {
  test("answers kernel_info and runs cells; console output is a stream", async () => {
    const { reply, iopub } = await k.client.execute('console.log("from the kernel");\n6 * 7');
    expect(reply.content.status).toBe("ok");
    expect(iopub.filter((m) => m.header.msg_type === "stream").map((m) => m.content.text).join("")).toBe("from the kernel\n");
    expect(iopub.find((m) => m.header.msg_type === "execute_result")!.content.data).toEqual({ "text/plain": "42" });
  });

  test("right after its first kernel_info_reply (its io worker may still be starting), control requests are answered", async () => {
    // shell requests are answered once shell and iopub are bound; the io worker that binds
    // control, stdin and the heartbeat comes up in parallel, and ZeroMQ holds what comes before
    const fresh = await startKernel([process.execPath, join(packageRoot(), "dist/kernel/cli.js"), "kernel", "-f", "{connection_file}"], { env: { OPTLAB_STATIC_IMAGES: "0" }, timeoutMs: 60000 });
    try {
      const id = fresh.client.send("control", "kernel_info_request", {});
      const reply = await fresh.client.waitReply(id, 60_000);
      expect(reply.header.msg_type).toBe("kernel_info_reply");
      expect(reply.content.status).toBe("ok");
      expect((await fresh.client.execute("1 + 1")).reply.content.status).toBe("ok");
    } finally {
      await fresh.stop();
    }
  }, 120_000);

  test("drops a message signed with another key and keeps working", async () => {
    const id = k.client.send("shell", "execute_request", { code: "globalThis.__forged = 1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, new Signer("wrong key"));
    await expect(k.client.waitReply(id, 1000)).rejects.toThrow(/no reply/);
    const { iopub } = await k.client.execute("String(globalThis.__forged)");
    expect(iopub.find((m) => m.header.msg_type === "execute_result")!.content.data).toEqual({ "text/plain": "'undefined'" });
  });

  test("SIGINT stops a busy loop and keeps the session", async () => {
    await k.client.execute("const before = 'kept';");
    // SIGINT once the loop is running: its first output arrives from inside it (stream text goes
    // out within 50 ms even from a busy loop). Not after a fixed delay, and not at execute_input,
    // which comes before the cell is compiled. The loop never ends, so a reply at all shows the
    // interrupt worked (no timing bound needed).
    let started!: () => void;
    const inLoop = new Promise<void>((r) => (started = r));
    const loop = 'let last = Date.now();\nconsole.log("in the loop");\nwhile (true) { if (Date.now() - last > 100) { last = Date.now(); console.log("still looping"); } }';
    const running = k.client.execute(loop, {}, 60_000, (m) => m.header.msg_type === "stream" && started());
    await inLoop;
    k.process.kill("SIGINT");
    const { reply } = await running;
    expect(reply.content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    const { iopub } = await k.client.execute("before");
    expect(iopub.find((m) => m.header.msg_type === "execute_result")!.content.data).toEqual({ "text/plain": "'kept'" });
  });

  test("shutdown_request on control: reply, then the process exits", async () => {
    const id = k.client.send("control", "shutdown_request", { restart: false });
    const exited = new Promise<number | null>((r) => k.process.once("exit", (code) => r(code)));
    const t0 = performance.now();
    expect((await k.client.waitReply(id, 30_000)).content).toEqual({ status: "ok", restart: false });
    expect(await exited).toBe(0);
    // The process exits by itself promptly (well under a second when quiet): a generous bound for a
    // busy machine that still catches a kernel kept alive by a leftover timer or socket.
    expect(performance.now() - t0).toBeLessThan(15_000);
  });
});
