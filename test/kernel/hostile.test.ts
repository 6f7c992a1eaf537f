/**
 * Every request gets exactly one reply, whatever a cell throws and whatever it does to the
 * built-ins — tested on the real kernel process (dist/kernel/cli.js) over ZeroMQ: each hostile
 * cell gets its reply, and a normal cell after it gets one too. Malformed execute requests get an
 * error reply that names the field.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { DELIMITER, newHeader, type Message } from "../../kernel/wire.js";
import { startKernel, type StartedKernel } from "./client.js";

let k: StartedKernel;

beforeAll(async () => {
  k = await startKernel([process.execPath, join(packageRoot(), "dist/kernel/cli.js"), "kernel", "-f", "{connection_file}"], { env: { OPTLAB_STATIC_IMAGES: "0" }, timeoutMs: 60000 });
}, 90_000);

afterAll(async () => {
  await k?.stop();
});

const result = (iopub: Message[]) => iopub.find((m) => m.header.msg_type === "execute_result")?.content.data as Record<string, unknown> | undefined;
const stderr = (iopub: Message[]) => iopub.filter((m) => m.header.msg_type === "stream" && m.content.name === "stderr").map((m) => String(m.content.text)).join("");

/** Runs a cell (a reply must come, else the client times out), then a normal cell that must answer. */
async function hostile(code: string): Promise<{ reply: Message; iopub: Message[] }> {
  const first = await k.client.execute(code, { stop_on_error: false }, 30_000);
  const after = await k.client.execute("40 + 2", {}, 30_000);
  expect(after.reply.content.status).toBe("ok");
  expect(result(after.iopub)).toEqual({ "text/plain": "42" });
  return first;
}

describe("hostile cells: one reply each, and the kernel answers the next cell", () => {
  test("throwing a Proxy whose getPrototypeOf trap throws", async () => {
    const { reply } = await hostile('throw new Proxy({}, { getPrototypeOf() { throw new Error("trap"); } });');
    expect(reply.content).toMatchObject({ status: "error", ename: "Uncaught" });
  });

  test("throwing a Proxy whose every trap throws", async () => {
    const traps = ["get", "getPrototypeOf", "getOwnPropertyDescriptor", "has", "ownKeys"].map((t) => `${t}() { throw new Error("${t}"); }`).join(", ");
    const { reply } = await hostile(`throw new Proxy({}, { ${traps} });`);
    expect(reply.content.status).toBe("error");
  });

  test("an Error subclass whose name getter throws", async () => {
    const { reply } = await hostile('class Nasty extends Error { get name(): string { throw new Error("no name"); } }\nthrow new Nasty("boom");');
    expect(reply.content.status).toBe("error");
    expect(String(reply.content.evalue)).toMatch(/boom|cannot be read/);
  });

  test("a value whose display throws", async () => {
    const { reply } = await hostile('({ [Symbol.for("Jupyter.display")]() { throw new Error("display fails"); } })');
    expect(reply.content).toMatchObject({ status: "error", evalue: "display fails" });
  });

  test("JSON.stringify replaced: the kernel keeps its own, the cell keeps its replacement", async () => {
    const { reply } = await hostile('(JSON as any).stringify = () => { throw new Error("x"); };');
    expect(reply.content.status).toBe("ok");
    const { iopub } = await k.client.execute('(() => { try { JSON.stringify(1); return "original"; } catch { return "replaced"; } })()');
    expect(result(iopub)).toEqual({ "text/plain": "'replaced'" });
  });

  test("Promise.prototype.then replaced: put back, and the cell is told", async () => {
    const { reply, iopub } = await hostile('(Promise.prototype as any).then = function () { return this; };');
    expect(reply.content.status).toBe("ok");
    expect(stderr(iopub)).toMatch(/Promise\.prototype\.then was replaced.*put the original back/);
    const { iopub: later } = await k.client.execute("await Promise.resolve(7)");
    expect(result(later)).toEqual({ "text/plain": "7" });
  });

  test("Object.prototype.then added (every object a thenable): removed, and the cell is told", async () => {
    const { reply, iopub } = await hostile("(Object.prototype as any).then = function () {};");
    expect(reply.content.status).toBe("ok");
    expect(stderr(iopub)).toMatch(/Object\.prototype\.then was added/);
    const { reply: laterReply, iopub: later } = await k.client.execute("const resolved = await Promise.resolve({ a: 1 });\nresolved.a");
    expect([laterReply.content.status, laterReply.content.evalue]).toEqual(["ok", undefined]);
    expect(result(later)).toEqual({ "text/plain": "1" });
  });

  test("an async cell that adds Object.prototype.then after an await", async () => {
    const { reply, iopub } = await hostile("await null;\n(Object.prototype as any).then = function (r: (v: number) => void) { r(1); };\n5");
    expect(reply.content.status).toBe("ok");
    expect(stderr(iopub)).toMatch(/Object\.prototype\.then was added/);
  });

  test("globalThis.Promise replaced", async () => {
    const { reply, iopub } = await hostile("(globalThis as any).Promise = function () { throw new Error('no promises'); };");
    expect(reply.content.status).toBe("ok");
    expect(stderr(iopub)).toMatch(/Promise was replaced/);
  });

  test("Date.prototype.toISOString replaced (message headers need it)", async () => {
    const { reply } = await hostile('Date.prototype.toISOString = () => { throw new Error("no dates"); };');
    expect(reply.content.status).toBe("ok");
  });
});

describe("malformed execute requests: an error reply naming the field", () => {
  test("content {}", async () => {
    const id = k.client.send("shell", "execute_request", {});
    const r = await k.client.waitReply(id, 30_000);
    expect(r.content).toMatchObject({ status: "error", ename: "BadRequest" });
    expect(String(r.content.evalue)).toMatch(/content\.code is missing/);
  });

  test('content {"code": 5}', async () => {
    const id = k.client.send("shell", "execute_request", { code: 5 });
    const r = await k.client.waitReply(id, 30_000);
    expect(r.content).toMatchObject({ status: "error", ename: "BadRequest" });
    expect(String(r.content.evalue)).toMatch(/content\.code must be a string, got number/);
  });

  test("content null", async () => {
    // The client's encoder writes {} for a missing content; this request is built by hand.
    const header = newHeader("execute_request", k.client.session, "test");
    const parts = [header, {}, {}, null].map((p) => Buffer.from(JSON.stringify(p)));
    const frames = [DELIMITER, Buffer.from(k.client.signer.sign(parts)), ...parts];
    const sock = (k.client as unknown as { shell: { send(f: Buffer[]): Promise<void> } }).shell;
    const reply = k.client.waitReply(header.msg_id, 30_000);
    await sock.send(frames);
    const r = await reply;
    expect(r.content).toMatchObject({ status: "error", ename: "BadRequest" });
    expect(String(r.content.evalue)).toMatch(/content/);
  });

  test("content.silent of the wrong type", async () => {
    const id = k.client.send("shell", "execute_request", { code: "1", silent: "yes" });
    const r = await k.client.waitReply(id, 30_000);
    expect(String(r.content.evalue)).toMatch(/content\.silent must be a boolean, got string/);
  });

  test("the kernel answers a normal cell after them", async () => {
    const { reply } = await k.client.execute("1 + 1");
    expect(reply.content.status).toBe("ok");
  });
});
