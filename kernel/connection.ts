/**
 * The connection file a Jupyter client writes before starting a kernel: where to bind the five
 * sockets and how to sign messages.
 *
 * Reference: https://jupyter-client.readthedocs.io/en/latest/kernels.html#connection-files
 */
import { readFileSync } from "node:fs";

/** The contents of a connection file. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

/** The five channels. */
export type ChannelName = "shell" | "iopub" | "stdin" | "control" | "hb";

const PORTS: Record<ChannelName, keyof ConnectionInfo> = {
  shell: "shell_port",
  iopub: "iopub_port",
  stdin: "stdin_port",
  control: "control_port",
  hb: "hb_port",
};

/** Parses and checks a connection file's JSON; throws an Error naming the bad field. */
export function parseConnection(json: string, where = "connection file"): ConnectionInfo {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: not JSON (${(e as Error).message})`);
  }
  const transport = raw.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") throw new Error(`${where}: transport must be "tcp" or "ipc", got ${JSON.stringify(transport)}`);
  const ip = raw.ip ?? "127.0.0.1";
  if (typeof ip !== "string" || ip === "") throw new Error(`${where}: ip must be a non-empty string`);
  for (const field of Object.values(PORTS)) {
    const p = raw[field];
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`${where}: ${field} must be a port number, got ${JSON.stringify(p)}`);
  }
  const key = raw.key ?? "";
  if (typeof key !== "string") throw new Error(`${where}: key must be a string`);
  const scheme = raw.signature_scheme ?? "hmac-sha256";
  if (typeof scheme !== "string") throw new Error(`${where}: signature_scheme must be a string`);
  return { ...(raw as object), transport, ip, key, signature_scheme: scheme } as ConnectionInfo;
}

/** Reads a connection file. */
export function readConnectionFile(path: string): ConnectionInfo {
  return parseConnection(readFileSync(path, "utf8"), path);
}

/** The ZeroMQ endpoint of a channel: `tcp://ip:port`, or `ipc://ip-port` for the ipc transport. */
export function endpoint(info: ConnectionInfo, channel: ChannelName): string {
  const port = info[PORTS[channel]] as number;
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
