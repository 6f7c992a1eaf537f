/**
 * What the kernel answers to Shift-Tab (inspect) and Tab (complete) in a notebook: docstrings'
 * TSDoc LaTeX as readable Unicode text, and completions without browser (DOM) names that a
 * Node kernel cannot use.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { Kernel } from "../../kernel/kernel.js";
import { MemoryTransport } from "../../kernel/transport.js";
import { decode, encode, newHeader, Signer, type Message } from "../../kernel/wire.js";

const KEY = "inspect-complete-key";
const signer = new Signer(KEY);
let kernel: Kernel;
let transport: MemoryTransport;
const waiting = new Map<string, { reply?: Message; idle: boolean; done: (m: Message) => void }>();

function request(msgType: string, content: Record<string, unknown>): Promise<Message> {
  const msg: Message = { header: newHeader(msgType, "client", "test"), parent_header: {}, metadata: {}, content, buffers: [] };
  const p = new Promise<Message>((done) => waiting.set(msg.header.msg_id, { idle: false, done }));
  transport.deliver("shell", encode(msg, [Buffer.from("client")], signer));
  return p;
}

beforeAll(async () => {
  transport = new MemoryTransport();
  transport.onSend(({ channel, frames }) => {
    if (channel === "stdin") return;
    const m = decode(frames, signer).msg;
    const w = waiting.get((m.parent_header as { msg_id?: string }).msg_id ?? "");
    if (!w) return;
    if (channel === "iopub") {
      if (m.header.msg_type === "status" && m.content.execution_state === "idle") w.idle = true;
    } else w.reply = m;
    if (w.reply && w.idle) w.done(w.reply);
  });
  kernel = new Kernel({ transport, key: KEY, mode: "kernel", warmDelayMs: 0 });
  await kernel.start();
});

afterAll(async () => {
  await kernel.close();
});

const data = (m: Message) => m.content.data as Record<string, string>;

test("Shift-Tab on adam: the docstring's LaTeX as readable Unicode, not $$m_t = \\beta_1 …$$", async () => {
  const reply = await request("inspect_request", { code: "adam", cursor_pos: 4, detail_level: 0 });
  expect(reply.content.found).toBe(true);
  const plain = data(reply)["text/plain"]!;
  expect(plain).toMatch(/^\(alias\) function adam\(options\?: AdamOptions\): Optimizer/);
  expect(plain).toContain("mₜ = β₁ mₜ₋₁ + (1-β₁)gₜ");
  expect(plain).toContain("√(vₜ/(1-β₂ᵗ))+ε");
  for (const raw of ["$$", "\\beta", "\\frac", "m_{t-1}", "\\sqrt"]) expect(plain).not.toContain(raw);
  const md = data(reply)["text/markdown"]!;
  expect(md).toMatch(/^```typescript\n\(alias\) function adam/);
  expect(md).toContain("mₜ = β₁ mₜ₋₁");
  expect(md).not.toContain("$$");
  // sgd's momentum is β (μ is strong convexity)
  const sgd = data(await request("inspect_request", { code: "sgd", cursor_pos: 3, detail_level: 0 }))["text/plain"]!;
  expect(sgd).toContain("bₜ = β bₜ₋₁ + (1-τ)gₜ");
}, 120_000);

test("Tab after ada: optlab's optimizers, not ReadableStream* (a mid-word match)", async () => {
  const reply = await request("complete_request", { code: "ada", cursor_pos: 3 });
  const matches = reply.content.matches as string[];
  expect(matches.slice(0, 5)).toEqual(["adadelta", "adagrad", "adam", "adamax", "adamw"]);
  expect(matches.filter((m) => /Readable/.test(m))).toEqual([]);
  expect(matches).toContain("scaleByAdam"); // a word of the name starts with "ada"
  // no DOM: the cells' type check has no lib.dom
  for (const code of ["docu", "HTMLElem", "localSt"]) {
    const r = await request("complete_request", { code, cursor_pos: code.length });
    expect(r.content.matches).toEqual([]);
  }
  // a name the word starts still completes (Node's web streams are real globals in Node)
  expect((await request("complete_request", { code: "Readable", cursor_pos: 8 })).content.matches).toContain("ReadableStream");
}, 120_000);
