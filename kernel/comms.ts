/**
 * Comms (messaging spec "Custom Messages"): named targets that cell code registers, comms the
 * front end opens to them (or cell code opens to the front end), and `comm_msg` / `comm_close`
 * both ways. `comm_info_request` lists the open comms.
 */
import { randomUUID } from "node:crypto";
import type { Comm, CommManager, CommMessage } from "./cell-api.js";

/** Sends a comm message on iopub for the current request. */
export type CommPublish = (msgType: "comm_open" | "comm_msg" | "comm_close", content: Record<string, unknown>, metadata?: Record<string, unknown>, buffers?: Buffer[]) => void;

type Handler = (comm: Comm, open: CommMessage) => void;

export interface Incoming {
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Buffer[];
}

export class Comms implements CommManager {
  private readonly targets = new Map<string, Handler>();
  private readonly open_ = new Map<string, Comm>();

  constructor(private readonly publish: CommPublish, private readonly log: (msg: string) => void) {}

  registerTarget(targetName: string, handler: Handler): void {
    if (typeof targetName !== "string" || typeof handler !== "function") throw new TypeError("comms.registerTarget(targetName: string, handler: (comm, msg) => void)");
    this.targets.set(targetName, handler);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  open(targetName: string, data: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Comm {
    const comm = this.create(randomUUID(), targetName);
    this.publish("comm_open", { comm_id: comm.commId, target_name: targetName, data }, metadata);
    return comm;
  }

  /** `comm_info_request`: open comms, optionally of one target. */
  info(targetName?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const [id, c] of this.open_) if (targetName === undefined || c.targetName === targetName) out[id] = { target_name: c.targetName };
    return out;
  }

  /** `comm_open` from the front end: runs the target's handler, or closes the comm when there is no such target. */
  handleOpen(m: Incoming): void {
    const id = String(m.content.comm_id ?? "");
    const target = String(m.content.target_name ?? "");
    const handler = this.targets.get(target);
    if (!id) return;
    if (!handler) {
      this.log(`optlab kernel: no comm target ${JSON.stringify(target)}; closing comm ${id}`);
      this.publish("comm_close", { comm_id: id, data: {} });
      return;
    }
    const comm = this.create(id, target);
    try {
      handler(comm, message(m));
    } catch (e) {
      this.log(`optlab kernel: comm target ${target} failed: ${(e as Error).stack ?? e}`);
      this.open_.delete(id);
      this.publish("comm_close", { comm_id: id, data: {} });
    }
  }

  /** `comm_msg` from the front end. */
  handleMsg(m: Incoming): void {
    const comm = this.open_.get(String(m.content.comm_id ?? ""));
    if (!comm) return;
    comm.onMsg?.(message(m));
  }

  /** `comm_close` from the front end. */
  handleClose(m: Incoming): void {
    const id = String(m.content.comm_id ?? "");
    const comm = this.open_.get(id);
    if (!comm) return;
    this.open_.delete(id);
    comm.onClose?.(message(m));
  }

  private create(commId: string, targetName: string): Comm {
    const comms = this;
    const comm: Comm = {
      commId,
      targetName,
      onMsg: null,
      onClose: null,
      send(data = {}, metadata = {}, buffers = []) {
        if (!comms.open_.has(commId)) throw new Error(`comm ${commId} is closed`);
        comms.publish("comm_msg", { comm_id: commId, data }, metadata, buffers.map((b) => Buffer.from(b)));
      },
      close(data = {}) {
        if (!comms.open_.delete(commId)) return;
        comms.publish("comm_close", { comm_id: commId, data });
      },
    };
    this.open_.set(commId, comm);
    return comm;
  }
}

function message(m: Incoming): CommMessage {
  return { content: m.content as CommMessage["content"], metadata: m.metadata, buffers: m.buffers };
}
