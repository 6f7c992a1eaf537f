import { createHmac } from "node:crypto";
import { describe, expect, test } from "vitest";
import { decode, DELIMITER, encode, newHeader, reply, Signer, WireError, type Message } from "../../kernel/wire.js";

const msg = (content: Record<string, unknown> = { code: "1 + 1" }): Message => ({
  header: newHeader("execute_request", "session-1", "alice"),
  parent_header: {},
  metadata: {},
  content,
  buffers: [],
});

describe("wire", () => {
  test("encode then decode gives the message back, with ids and buffers", () => {
    const s = new Signer("secret");
    const m = msg();
    m.buffers = [Buffer.from([1, 2, 3])];
    const frames = encode(m, [Buffer.from("client-id")], s);
    expect(frames[1]).toEqual(DELIMITER);
    const back = decode(frames, s);
    expect(back.ids.map(String)).toEqual(["client-id"]);
    expect(back.msg.header).toEqual(m.header);
    expect(back.msg.content).toEqual(m.content);
    expect([...back.msg.buffers[0]!]).toEqual([1, 2, 3]);
  });

  test("the signature is the hex HMAC-SHA256 of the four JSON frames", () => {
    const s = new Signer("key");
    const frames = encode(msg(), [], s);
    expect(frames[0]).toEqual(DELIMITER);
    const h = createHmac("sha256", "key");
    for (const f of frames.slice(2, 6)) h.update(f);
    expect(frames[1]!.toString()).toBe(h.digest("hex"));
  });

  test("a bad signature is rejected", () => {
    const frames = encode(msg(), [], new Signer("forger"));
    expect(() => decode(frames, new Signer("real"))).toThrow(WireError);
    expect(() => decode(frames, new Signer("real"))).toThrow(/signature/);
  });

  test("a tampered content frame is rejected", () => {
    const s = new Signer("k");
    const frames = encode(msg(), [], s);
    frames[5] = Buffer.from(JSON.stringify({ code: "evil()" }));
    expect(() => decode(frames, s)).toThrow(/signature/);
  });

  test("an empty key turns signing off", () => {
    const s = new Signer("");
    expect(s.enabled).toBe(false);
    const frames = encode(msg(), [], s);
    expect(frames[1]!.toString()).toBe("");
    expect(decode(frames, s).msg.content).toEqual({ code: "1 + 1" });
  });

  test("other HMAC schemes work, unknown ones are refused", () => {
    const s = new Signer("k", "hmac-sha512");
    expect(s.sign(["a"]).length).toBe(128);
    expect(() => new Signer("k", "rsa")).toThrow(/signature_scheme/);
  });

  test("frames without a delimiter or with too few parts are refused", () => {
    expect(() => decode([Buffer.from("x")], new Signer(""))).toThrow(/delimiter/);
    expect(() => decode([DELIMITER, Buffer.from("")], new Signer(""))).toThrow(/at least 5/);
  });

  test("a reply names its parent and carries protocol 5.3", () => {
    const parent = msg();
    const r = reply(parent, "execute_reply", { status: "ok" }, "kernel-session");
    expect(r.parent_header).toEqual(parent.header);
    expect(r.header.version).toBe("5.3");
    expect(r.header.session).toBe("kernel-session");
    expect(r.header.msg_id).not.toBe(parent.header.msg_id);
  });
});
