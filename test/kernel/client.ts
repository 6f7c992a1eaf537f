/**
 * A small Jupyter client over ZeroMQ for tests and benchmarks: starts any kernel command with a
 * fresh connection file, sends requests, and collects replies and iopub messages.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { endpoint, type ConnectionInfo } from "../../kernel/connection.js";
import { decode, encode, newHeader, Signer, type Message } from "../../kernel/wire.js";

/** Free TCP ports on 127.0.0.1. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<import("node:net").Server>((res) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => res(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface StartedKernel {
  client: KernelClient;
  process: ChildProcess;
  /** Milliseconds from spawn to the first kernel_info_reply. */
  startMs: number;
  /** What the kernel wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `argv` (with `{connection_file}` replaced) and waits for its first `kernel_info_reply`.
 */
export async function startKernel(argv: string[], o: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<StartedKernel> {
  const dir = mkdtempSync(join(tmpdir(), "optlab-client-"));
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  const key = randomBytes(16).toString("hex");
  const conn: ConnectionInfo = { transport: "tcp", ip: "127.0.0.1", shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control, hb_port: hb, key, signature_scheme: "hmac-sha256", kernel_name: "test" };
  const file = join(dir, "connection.json");
  writeFileSync(file, JSON.stringify(conn));
  const client = new KernelClient(conn);
  const t0 = performance.now();
  const proc = spawn(argv[0]!, argv.slice(1).map((a) => a.replace("{connection_file}", file)), { env: { ...process.env, ...o.env }, cwd: o.cwd, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  await client.connect();
  const deadline = Date.now() + (o.timeoutMs ?? 30000);
  // A request sent before the kernel binds its sockets is delivered once it does: the first reply
  // to any of them ends the wait (no rounding to the 100 ms between tries).
  let answered!: () => void;
  const gotReply = new Promise<void>((r) => (answered = r));
  const ids: string[] = [];
  let startMs = 0;
  for (;;) {
    const id = client.send("shell", "kernel_info_request", {});
    ids.push(id);
    client.onReply(id, () => {
      if (startMs === 0) startMs = performance.now() - t0;
      answered();
    });
    const ok = await Promise.race([gotReply.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
    if (ok) break;
    if (proc.exitCode !== null || Date.now() > deadline) {
      client.close();
      proc.kill("SIGKILL");
      throw new Error(`kernel ${argv.join(" ")} did not answer kernel_info (exit ${proc.exitCode}): ${stderr}`);
    }
  }
  for (const id of ids) client.forgetReply(id);
  return {
    client,
    process: proc,
    startMs,
    stderr: () => stderr,
    async stop() {
      if (proc.exitCode === null) {
        client.send("control", "shutdown_request", { restart: false });
        const exited = new Promise((r) => proc.once("exit", r));
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (proc.exitCode === null) proc.kill("SIGKILL");
      }
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The connection a client talks to (the kernel's own connection-file type). */
export type Connection = ConnectionInfo;

/** The request a reply or an iopub message answers. */
const parentId = (m: Message): string => (m.parent_header as { msg_id?: string }).msg_id ?? "";

/** Requests, replies and iopub messages. */
export class KernelClient {
  readonly session = randomUUID();
  readonly signer: Signer;
  private readonly shell = new zmq.Dealer({ routingId: this.session, reconnectInterval: 10, sendTimeout: 0, linger: 0 });
  private readonly control = new zmq.Dealer({ routingId: this.session, reconnectInterval: 10, sendTimeout: 0, linger: 0 });
  private readonly iopub = new zmq.Subscriber({ reconnectInterval: 10, linger: 0 });
  private readonly replies = new Map<string, (m: Message) => void>();
  private readonly iopubListeners = new Map<string, (m: Message) => void>();
  private closed = false;

  constructor(private readonly conn: Connection) {
    this.signer = new Signer(conn.key, conn.signature_scheme);
  }

  async connect(): Promise<void> {
    this.shell.connect(endpoint(this.conn, "shell"));
    this.control.connect(endpoint(this.conn, "control"));
    this.iopub.connect(endpoint(this.conn, "iopub"));
    this.iopub.subscribe();
    void this.loop(this.shell, (m) => this.replies.get(parentId(m))?.(m));
    void this.loop(this.control, (m) => this.replies.get(parentId(m))?.(m));
    void this.loop(this.iopub, (m) => this.iopubListeners.get(parentId(m))?.(m));
  }

  private async loop(sock: zmq.Dealer | zmq.Subscriber, on: (m: Message) => void): Promise<void> {
    while (!this.closed) {
      try {
        const frames = await sock.receive();
        on(decode(frames, this.signer).msg);
      } catch {
        if (this.closed) return;
      }
    }
  }

  /** Sends a request; returns its msg_id. */
  send(channel: "shell" | "control", msgType: string, content: Record<string, unknown>, signer: Signer = this.signer): string {
    const msg: Message = { header: newHeader(msgType, this.session, "test"), parent_header: {}, metadata: {}, content, buffers: [] };
    (channel === "shell" ? this.shell : this.control).send(encode(msg, [], signer)).catch(() => {});
    return msg.header.msg_id;
  }

  /** Calls `fn` with the reply to `msgId` when it comes (until `forgetReply`). */
  onReply(msgId: string, fn: (m: Message) => void): void {
    this.replies.set(msgId, fn);
  }

  /** Stops listening for the reply to `msgId`. */
  forgetReply(msgId: string): void {
    this.replies.delete(msgId);
  }

  /** The reply to `msgId` (rejects after `timeoutMs`). */
  waitReply(msgId: string, timeoutMs = 30000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.replies.delete(msgId);
        reject(new Error(`no reply to ${msgId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replies.set(msgId, (m) => {
        clearTimeout(t);
        this.replies.delete(msgId);
        resolve(m);
      });
    });
  }

  /**
   * Executes code; resolves with the reply and the iopub messages up to idle. `onIopub` sees each
   * of the request's iopub messages as it arrives, to act on an event (e.g. the first output of a
   * cell that is running) rather than after a fixed delay.
   */
  async execute(code: string, content: Record<string, unknown> = {}, timeoutMs = 30000, onIopub?: (m: Message) => void): Promise<{ reply: Message; iopub: Message[] }> {
    const iopub: Message[] = [];
    let idle!: () => void;
    const gotIdle = new Promise<void>((r) => (idle = r));
    const msg: Message = {
      header: newHeader("execute_request", this.session, "test"),
      parent_header: {},
      metadata: {},
      content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true, ...content },
      buffers: [],
    };
    this.iopubListeners.set(msg.header.msg_id, (m) => {
      iopub.push(m);
      onIopub?.(m);
      if (m.header.msg_type === "status" && m.content.execution_state === "idle") idle();
    });
    const reply = this.waitReply(msg.header.msg_id, timeoutMs);
    await this.shell.send(encode(msg, [], this.signer));
    const r = await reply;
    await Promise.race([gotIdle, new Promise((_, rej) => setTimeout(() => rej(new Error("no idle status")), timeoutMs))]);
    this.iopubListeners.delete(msg.header.msg_id);
    return { reply: r, iopub };
  }

  close(): void {
    this.closed = true;
    for (const s of [this.shell, this.control, this.iopub]) s.close();
  }
}
