/**
 * The Jupyter wire protocol (messaging spec v5.3): message shapes, HMAC signing and
 * verification, and the conversion between messages and ZeroMQ multipart frames.
 *
 * A message on the wire is
 * `[ids..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]`;
 * the signature is the hex HMAC of the four JSON frames with the connection file's key
 * (no signing when the key is empty).
 *
 * Reference: https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

// The kernel's own JSON and clock, taken before any cell can replace them (a cell that sets
// `JSON.stringify = ...` must not silence the kernel).
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const toISOString = Date.prototype.toISOString;
const NativeDate = Date;
const reflectApply = Reflect.apply;

/** The protocol version this kernel speaks. */
export const PROTOCOL_VERSION = "5.3";

/** The frame that separates routing ids from the message. */
export const DELIMITER = Buffer.from("<IDS|MSG>");

/** A message header. */
export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
  [key: string]: unknown;
}

/** A decoded message. `parent_header` is `{}` for messages that answer nothing. */
export interface Message<C = Record<string, unknown>> {
  header: Header;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** A message together with the routing ids it arrived with (replies go back to them). */
export interface Envelope {
  ids: Buffer[];
  msg: Message;
}

/** Why a frame list could not be decoded. */
export class WireError extends Error {
  override name = "WireError";
}

/** Signs and verifies messages with the connection's key and scheme ("hmac-sha256"). */
export class Signer {
  private readonly algorithm: string;
  private readonly key: Buffer;

  constructor(key: string, scheme = "hmac-sha256") {
    const m = /^hmac-([a-z0-9-]+)$/i.exec(scheme);
    if (!m) throw new WireError(`unsupported signature_scheme ${JSON.stringify(scheme)} (expected e.g. "hmac-sha256")`);
    this.algorithm = m[1]!.toLowerCase();
    this.key = Buffer.from(key, "utf8");
  }

  /** Whether messages are signed at all (an empty key turns signing off). */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  /** Hex signature of the four JSON frames (empty string when signing is off). */
  sign(parts: readonly (Buffer | string)[]): string {
    if (!this.enabled) return "";
    const h = createHmac(this.algorithm, this.key);
    for (const p of parts) h.update(p);
    return h.digest("hex");
  }

  /** Constant-time check of a received signature. */
  verify(signature: string, parts: readonly Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    const got = Buffer.from(signature, "utf8");
    return got.length === expected.length && timingSafeEqual(got, expected);
  }
}

/** Frames → message. Throws `WireError` for a missing delimiter, bad JSON or a bad signature. */
export function decode(frames: readonly Buffer[], signer: Signer): Envelope & { signature: string } {
  let i = 0;
  while (i < frames.length && !frames[i]!.equals(DELIMITER)) i++;
  if (i >= frames.length) throw new WireError("message has no <IDS|MSG> delimiter");
  if (frames.length < i + 6) throw new WireError(`message has ${frames.length - i - 1} frames after the delimiter, expected at least 5`);
  const signature = frames[i + 1]!.toString("utf8");
  const parts = frames.slice(i + 2, i + 6);
  if (!signer.verify(signature, parts)) throw new WireError("message signature does not match (wrong key or a forged message)");
  const [header, parent, metadata, content] = parts.map((p, k) => parseJson(p, PART_NAMES[k]!));
  if (!header || typeof header !== "object" || typeof (header as Header).msg_type !== "string") throw new WireError("message header has no msg_type");
  return {
    ids: frames.slice(0, i),
    signature,
    msg: {
      header: header as Header,
      parent_header: (parent ?? {}) as Header,
      metadata: (metadata ?? {}) as Record<string, unknown>,
      content: (content ?? {}) as Record<string, unknown>,
      buffers: frames.slice(i + 6),
    },
  };
}

const PART_NAMES = ["header", "parent_header", "metadata", "content"] as const;

function parseJson(b: Buffer, what: string): unknown {
  try {
    return jsonParse(b.toString("utf8"));
  } catch (e) {
    throw new WireError(`message ${what} is not JSON: ${(e as Error).message}`);
  }
}

/** Message → frames, signed. */
export function encode(msg: Message<unknown>, ids: readonly Buffer[], signer: Signer): Buffer[] {
  // Encoded once: the same bytes are signed and sent.
  const parts = [
    Buffer.from(jsonStringify(msg.header), "utf8"),
    Buffer.from(jsonStringify(msg.parent_header), "utf8"),
    Buffer.from(jsonStringify(msg.metadata), "utf8"),
    Buffer.from(jsonStringify(msg.content ?? {}, jsonSafe), "utf8"),
  ];
  const frames: Buffer[] = [...ids, DELIMITER, Buffer.from(signer.sign(parts)), ...parts];
  for (const b of msg.buffers ?? []) frames.push(Buffer.isBuffer(b) ? b : Buffer.from(b as Uint8Array));
  return frames;
}

/** JSON.stringify replacer: bigints as strings, typed arrays as arrays (never throws on our data). */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** A fresh header for a message of `msgType` in `session`. */
export function newHeader(msgType: string, session: string, username = "optlab"): Header {
  return { msg_id: randomUUID(), msg_type: msgType, session, username, date: reflectApply(toISOString, new NativeDate(), []) as string, version: PROTOCOL_VERSION };
}

/** A message answering (or caused by) `parent`. */
export function reply<C>(parent: Message<unknown> | null, msgType: string, content: C, session: string, metadata: Record<string, unknown> = {}): Message<C> {
  return {
    header: newHeader(msgType, session, typeof parent?.header.username === "string" ? parent.header.username : "optlab"),
    parent_header: parent ? parent.header : {},
    metadata,
    content,
    buffers: [],
  };
}
