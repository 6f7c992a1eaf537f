/**
 * The kernel's protocol logic over the in-memory transport (no sockets): the same Kernel class
 * the ZeroMQ kernel and the notebook runner use.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { Kernel } from "../../kernel/kernel.js";
import { MemoryTransport } from "../../kernel/transport.js";
import { decode, encode, newHeader, reply, Signer, type Message } from "../../kernel/wire.js";

const KEY = "memory-test-key";

class MemoryClient {
  readonly signer = new Signer(KEY);
  readonly session = "client-session";
  private readonly waiting = new Map<string, { iopub: Message[]; reply?: Message; idle: boolean; noReply: boolean; done: (v: { reply: Message; iopub: Message[] }) => void }>();

  constructor(readonly transport: MemoryTransport) {
    transport.onSend(({ channel, frames }) => {
      if (channel === "stdin") return;
      const m = decode(frames, this.signer).msg;
      const w = this.waiting.get((m.parent_header as { msg_id?: string }).msg_id ?? "");
      if (!w) return;
      if (channel === "iopub") {
        w.iopub.push(m);
        if (m.header.msg_type === "status" && m.content.execution_state === "idle") w.idle = true;
      } else w.reply = m;
      if ((w.reply || w.noReply) && w.idle) w.done({ reply: w.reply!, iopub: w.iopub });
    });
  }

  message(msgType: string, content: Record<string, unknown>): Message {
    return { header: newHeader(msgType, this.session, "test"), parent_header: {}, metadata: {}, content, buffers: [] };
  }

  /** Delivers a request; resolves with its reply and its iopub messages once idle. */
  request(msgType: string, content: Record<string, unknown> = {}, channel: "shell" | "control" = "shell", signer = this.signer, noReply = false): Promise<{ reply: Message; iopub: Message[] }> {
    const msg = this.message(msgType, content);
    const p = new Promise<{ reply: Message; iopub: Message[] }>((done) => this.waiting.set(msg.header.msg_id, { iopub: [], idle: false, noReply, done }));
    this.transport.deliver(channel, encode(msg, [Buffer.from("client")], signer));
    return p;
  }

  execute(code: string, extra: Record<string, unknown> = {}) {
    return this.request("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...extra });
  }
}

const types = (msgs: Message[]) => msgs.map((m) => m.header.msg_type);
const result = (msgs: Message[]) => msgs.find((m) => m.header.msg_type === "execute_result")?.content.data as Record<string, unknown> | undefined;

let kernel: Kernel;
let client: MemoryClient;
let transport: MemoryTransport;

beforeAll(async () => {
  transport = new MemoryTransport();
  kernel = new Kernel({ transport, key: KEY, mode: "kernel", warmDelayMs: 0 });
  client = new MemoryClient(transport);
  await kernel.start();
});

afterAll(async () => {
  await kernel.close();
});

describe("Kernel over the in-memory transport", () => {
  test("kernel_info_reply", async () => {
    const { reply: r, iopub } = await client.request("kernel_info_request");
    expect(r.content).toMatchObject({ status: "ok", protocol_version: "5.3", implementation: "optlab", language_info: { name: "typescript", file_extension: ".ts" } });
    expect(types(iopub)).toEqual(["status", "status"]);
  });

  test("a cell's value: busy, execute_input, execute_result, idle — in that order", async () => {
    const { reply: r, iopub } = await client.execute("1 + 1");
    expect(r.content).toMatchObject({ status: "ok", payload: [], user_expressions: {} });
    expect(types(iopub)).toEqual(["status", "execute_input", "execute_result", "status"]);
    expect(result(iopub)).toEqual({ "text/plain": "2" });
    expect(iopub[1]!.content).toEqual({ code: "1 + 1", execution_count: r.content.execution_count });
  });

  test("type errors and runtime errors are error replies with the error on iopub", async () => {
    let { reply: r, iopub } = await client.execute("const n: number = 'text';");
    expect(r.content).toMatchObject({ status: "error", ename: "TSError" });
    expect(types(iopub)).toEqual(["status", "execute_input", "error", "status"]);
    ({ reply: r } = await client.execute("(null as any).x"));
    expect(r.content).toMatchObject({ status: "error", ename: "TypeError" });
  });

  test("stop_on_error aborts the requests already waiting", async () => {
    const failing = client.execute('throw new Error("stop")');
    const queued = client.execute("globalThis.__memQueued = 1");
    expect((await failing).reply.content.status).toBe("error");
    expect((await queued).reply.content).toEqual({ status: "aborted" });
    expect(result((await client.execute("String(globalThis.__memQueued)")).iopub)).toEqual({ "text/plain": "'undefined'" });
  });

  test("silent runs send nothing but status", async () => {
    const { reply: r, iopub } = await client.execute('process.stdout.write("x"); 5', { silent: true });
    expect(r.content.status).toBe("ok");
    expect(types(iopub)).toEqual(["status", "status"]);
  });

  test("prompt() sends input_request and returns the reply", async () => {
    transport.inputResponder = (frames) => {
      const req = decode(frames, client.signer).msg;
      expect(req.content).toEqual({ prompt: "name?", password: false });
      return encode(reply(req, "input_reply", { value: "ada" }, client.session), [], client.signer);
    };
    const { iopub } = await client.execute('prompt("name?").toUpperCase()', { allow_stdin: true });
    expect(result(iopub)).toEqual({ "text/plain": "'ADA'" });
  });

  test("complete, inspect, is_complete and history", async () => {
    const c = await client.request("complete_request", { code: "Math.ab", cursor_pos: 7 });
    expect(c.reply.content).toMatchObject({ status: "ok", matches: ["abs"], cursor_start: 5, cursor_end: 7 });
    const i = await client.request("inspect_request", { code: "Math.max", cursor_pos: 8, detail_level: 0 });
    expect(i.reply.content.found).toBe(true);
    expect(String((i.reply.content.data as Record<string, unknown>)["text/plain"])).toMatch(/max/);
    const ic = await client.request("is_complete_request", { code: "if (x) {" });
    expect(ic.reply.content).toEqual({ status: "incomplete", indent: "  " });
    const h = await client.request("history_request", { hist_access_type: "tail", n: 1, output: true, raw: true });
    expect((h.reply.content.history as unknown[]).length).toBe(1);
  });

  test("inspect of a name that resolves to nothing is not found (not 'any'); a declared any is found", async () => {
    const i = await client.request("inspect_request", { code: "nonexistentName", cursor_pos: 15, detail_level: 0 });
    expect(i.reply.content).toMatchObject({ status: "ok", found: false, data: {} });
    await client.execute("const loose: any = 1;");
    const j = await client.request("inspect_request", { code: "loose", cursor_pos: 5, detail_level: 0 });
    expect(j.reply.content.found).toBe(true);
    expect(String((j.reply.content.data as Record<string, unknown>)["text/plain"])).toMatch(/loose: any/);
  });

  test("comms: open to a registered target, messages both ways, comm_info, close", async () => {
    await client.execute('comms.registerTarget("t", (comm, open) => { comm.send({ hello: open.content.data }); comm.onMsg = (m) => comm.send({ echo: m.content.data }); })');
    const opened = await client.request("comm_open", { comm_id: "c1", target_name: "t", data: { a: 1 } }, "shell", client.signer, true);
    expect(opened.iopub.filter((m) => m.header.msg_type === "comm_msg").map((m) => m.content)).toEqual([{ comm_id: "c1", data: { hello: { a: 1 } } }]);
    expect((await client.request("comm_info_request", {})).reply.content).toEqual({ status: "ok", comms: { c1: { target_name: "t" } } });
    const echoed = await client.request("comm_msg", { comm_id: "c1", data: { b: 2 } }, "shell", client.signer, true);
    expect(echoed.iopub.find((m) => m.header.msg_type === "comm_msg")!.content).toEqual({ comm_id: "c1", data: { echo: { b: 2 } } });
    await client.request("comm_close", { comm_id: "c1", data: {} }, "shell", client.signer, true);
    expect((await client.request("comm_info_request", { target_name: "t" })).reply.content).toEqual({ status: "ok", comms: {} });
  });

  test("interrupt() stops awaited work, aborts the cell's signal, keeps state", async () => {
    await client.execute("const keep = 3;");
    const running = client.execute("const hooks = (globalThis as any)[Symbol.for('optlab.kernel')];\nglobalThis.__sig = hooks.signal;\nawait new Promise(() => {});");
    // Interrupt once the cell is inside its await (it set __sig: the event), not after a fixed delay.
    while (!(globalThis as { __sig?: unknown }).__sig) await new Promise((r) => setTimeout(r, 1));
    kernel.interrupt();
    const { reply: r } = await running;
    expect(r.content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    expect(result((await client.execute("String((globalThis as any).__sig.aborted) + keep")).iopub)).toEqual({ "text/plain": "'true3'" });
  });

  test("a cell that throws keeps the declarations that completed before, values and types (IPython keeps them too)", async () => {
    await client.execute('const keptLater = "old";');
    const failed = await client.execute('const kq = objective("x^2");\ninterface KP { a: number }\noptimize(kq, adam(), { from: [1, 2] });\ntype KT = string;\nconst keptLater = 5;');
    expect(failed.reply.content).toMatchObject({ status: "error", ename: "DslError" });
    // kq and KP (before the error) are kept with their types; keptLater keeps its earlier value and type
    const { reply: r, iopub } = await client.execute('const kv: readonly string[] = kq.vars;\nconst kp: KP = { a: 1 };\n[kv, kp.a, keptLater.toUpperCase()]');
    expect(r.content.status).toBe("ok");
    expect(result(iopub)).toEqual({ "text/plain": "[ [ 'x' ], 1, 'OLD' ]" });
    // the type alias after the error and the names of statements that did not complete are not
    const after = await client.execute('const kt: KT = "x";');
    expect(after.reply.content).toMatchObject({ status: "error", ename: "TSError" });
    await client.execute('let kw = 1;\nconst { km } = { km: (() => { throw new Error("in the initializer"); })() as number };');
    expect((await client.execute("typeof km")).reply.content).toMatchObject({ status: "error", ename: "TSError" });
    expect(result((await client.execute("kw + 1")).iopub)).toEqual({ "text/plain": "2" });
  });

  test("an error from user code inside optlab: the cell's frames, optlab's collapsed to one line", async () => {
    const { reply: r } = await client.execute('const badModel = { f: (x: number[]) => { throw new RangeError("model fails"); }, grad: (x: number[]) => [1] };\noptimize(badModel, gd(), { from: [1] });');
    expect(r.content).toMatchObject({ status: "error", ename: "RangeError", evalue: "model fails" });
    const tb = (r.content.traceback as string[]).join("\n");
    expect(tb).toMatch(/at (Object\.)?f \(Cell In\[\d+\], line 1\)\n {4}… \d+ frames inside optlab\n {4}at Cell In\[\d+\], line 2/);
    expect(tb).not.toMatch(/src\/|dsl\/|\.ts:\d/);
  });

  test("errors nobody caught go to the cell running now, or to the next cell", async () => {
    // (the process guards call kernel.backgroundError; here it is called directly)
    const late = Object.assign(new Error("left behind"), { stack: "Error: left behind\n    at somewhere (/tmp/x.js:1:1)" });
    kernel.backgroundError("unhandledRejection", late);
    const next = await client.execute("1");
    const stderr = next.iopub.filter((m) => m.header.msg_type === "stream" && m.content.name === "stderr").map((m) => String(m.content.text)).join("");
    expect(stderr).toMatch(/^Unhandled promise rejection:\n.*Error.*: left behind\n {4}at somewhere \(\/tmp\/x\.js:1\)/);
    expect(types(next.iopub)).toEqual(["status", "execute_input", "stream", "execute_result", "status"]);
    // while a cell runs: on that cell, before its idle
    const { iopub } = await client.execute("await new Promise((r) => setTimeout(r, 50)); 2");
    expect(iopub.some((m) => m.header.msg_type === "stream")).toBe(false);
    const running = client.execute("await new Promise((r) => setTimeout(r, 100)); 3");
    await new Promise((r) => setTimeout(r, 30));
    kernel.backgroundError("uncaughtException", new TypeError("from a timer"));
    const during = (await running).iopub;
    expect(during.find((m) => m.header.msg_type === "stream")!.content.text).toMatch(/^Uncaught exception:\n.*TypeError.*: from a timer/);
  });

  test("a failure inside tslab's converter resets it and answers the cell with an error; later cells work", async () => {
    const ex = kernel.readyExecutor!;
    const broken = ex.converter;
    const convert = broken.convert;
    broken.convert = () => {
      throw new Error("Unexpected pending rebuildTimer");
    };
    try {
      const { reply: r } = await client.execute("const afterReset = 1;\nafterReset + 1");
      expect(r.content).toMatchObject({ status: "error", ename: "CompilerError" });
      expect(String(r.content.evalue)).toMatch(/Unexpected pending rebuildTimer.*restarted/);
    } finally {
      broken.convert = convert;
    }
    expect(ex.converter).not.toBe(broken);
    const { reply: r2, iopub } = await client.execute("const afterReset = 1;\nafterReset + 1");
    expect(r2.content.status).toBe("ok");
    expect(result(iopub)).toEqual({ "text/plain": "2" });
  });

  test("a request whose handler fails gets one error reply (never silence)", async () => {
    const ex = kernel.readyExecutor!;
    const complete = ex.complete;
    ex.complete = () => {
      throw new Error("completion exploded");
    };
    try {
      const { reply: r } = await client.request("complete_request", { code: "Math.", cursor_pos: 5 });
      expect(r.header.msg_type).toBe("complete_reply");
      expect(r.content).toMatchObject({ status: "error", ename: "KernelError" });
      expect(String(r.content.evalue)).toMatch(/completion exploded/);
    } finally {
      ex.complete = complete;
    }
  });

  test("after a termination, a cell whose own answer never comes is answered by the kernel; the queue goes on", async () => {
    // As if the termination had dropped what the cell's answer waited on: its abort never fires.
    const internals = kernel as unknown as { running: { interrupt(): void } | null; runningCell: number; interrupts: { onTerminated: (stack: string, cell: number) => void } };
    const stuck = client.execute("await new Promise(() => {});");
    await vi.waitFor(() => expect(internals.running).not.toBeNull(), { timeout: 30_000 });
    internals.running!.interrupt = () => {};
    const queued = client.execute("21 * 2");
    internals.interrupts.onTerminated("    at somewhere (x.ts:1:1)", internals.runningCell);
    const { reply: r } = await stuck;
    expect(r.content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
    // stop_on_error aborts what was already queued, then the kernel answers as usual
    expect((await queued).reply.content.status).toBe("aborted");
    expect(result((await client.execute("20 + 22")).iopub)).toEqual({ "text/plain": "42" });
  });

  test("a termination reported after its cell was answered leaves the cell running now alone", async () => {
    // A queued interrupt message can answer the terminated cell before the termination's own
    // callback runs; by then the next cell runs and must not be interrupted.
    const internals = kernel as unknown as { running: unknown; runningCell: number; interrupts: { onTerminated: (stack: string, cell: number) => void } };
    const next = client.execute("await new Promise((r) => setTimeout(r, 200));\n6 * 7");
    await vi.waitFor(() => expect(internals.running).not.toBeNull(), { timeout: 30_000 });
    internals.interrupts.onTerminated("    at somewhere (x.ts:1:1)", internals.runningCell - 1);
    const { reply, iopub } = await next;
    expect(reply.content.status).toBe("ok");
    expect(result(iopub)).toEqual({ "text/plain": "42" });
  });

  test("a message with a bad signature, or a replayed one, is dropped", async () => {
    const forged = client.request("execute_request", { code: "globalThis.__forgedMem = 1" }, "shell", new Signer("other-key"));
    const msg = client.message("execute_request", { code: "globalThis.__replayMem = ((globalThis as any).__replayMem ?? 0) + 1", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    const frames = encode(msg, [], client.signer);
    transport.deliver("shell", frames);
    transport.deliver("shell", frames);
    const outcome = await Promise.race([forged.then(() => "answered"), new Promise((r) => setTimeout(() => r("dropped"), 300))]);
    expect(outcome).toBe("dropped");
    expect(result((await client.execute("String((globalThis as any).__forgedMem) + (globalThis as any).__replayMem")).iopub)).toEqual({ "text/plain": "'undefined1'" });
  });
});
