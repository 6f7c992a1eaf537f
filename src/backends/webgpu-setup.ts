/**
 * WebGPU for Node: installs `navigator.gpu` from the `webgpu` package (Dawn's `dawn.node`) when
 * the host has none, then checks that an adapter exists, so that a backend that cannot start can
 * say why in one line.
 *
 * In a browser or Deno `navigator.gpu` already exists and is used as is. In Node, Dawn drives
 * Vulkan (Linux), Metal (macOS) or D3D12 (Windows); with no GPU, Mesa's lavapipe (llvmpipe)
 * provides Vulkan in software. Loaded only when the `webgpu` backend is first asked for.
 */
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * What the WebGPU probe found. `notes` say what setup did for Dawn (for `backends()` and bug
 * reports), e.g. that `XDG_RUNTIME_DIR` was unset and a private folder was used.
 */
export type WebGpuProbe =
  | { ok: true; adapter: string; software: boolean; notes: string[] }
  | { ok: false; reason: string; notes: string[] };

interface GpuLike {
  requestAdapter(opts?: unknown): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
}

let probe: Promise<WebGpuProbe> | undefined;

/**
 * Makes `navigator.gpu` available (installing Dawn's in Node) and requests an adapter once.
 * Never throws: failure comes back as `{ ok: false, reason }`.
 */
export function setupWebGpu(): Promise<WebGpuProbe> {
  const notes: string[] = [];
  return (probe ??= install(notes).catch((e: unknown) => ({ ok: false as const, reason: oneLine(e), notes })));
}

/**
 * Mesa's Vulkan drivers (lavapipe, and the WSI layer of hardware ones) expect `XDG_RUNTIME_DIR`;
 * some warn or fail without it, and users should not have to set it. When it is unset, a private
 * folder (mode 0700, per user) is put in `process.env` before Dawn starts; returns the note that
 * says so.
 */
export function ensureRuntimeDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.XDG_RUNTIME_DIR) return undefined;
  const dir = join(tmpdir(), `optlab-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  env.XDG_RUNTIME_DIR = dir;
  return `XDG_RUNTIME_DIR was unset: using ${dir} for the Vulkan driver`;
}

async function install(notes: string[]): Promise<WebGpuProbe> {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  let gpu = g.navigator?.gpu;
  if (!gpu) {
    const note = ensureRuntimeDir();
    if (note) notes.push(note);
    let mod: { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> };
    try {
      mod = (await import("webgpu")) as never;
    } catch (e) {
      return { ok: false, reason: `the 'webgpu' package (Dawn for Node) did not load: ${oneLine(e)}`, notes };
    }
    Object.assign(globalThis, mod.globals);
    gpu = mod.create([]);
    if (g.navigator) {
      try {
        (g.navigator as { gpu?: GpuLike }).gpu = gpu;
      } catch {
        /* read-only navigator (Node ≥ 21): redefine below */
      }
    }
    if (g.navigator?.gpu !== gpu) {
      Object.defineProperty(globalThis, "navigator", { value: { ...(g.navigator ?? {}), gpu }, configurable: true, writable: true });
    }
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    return {
      ok: false,
      notes,
      reason:
        "no WebGPU adapter: Dawn found no Vulkan/Metal/D3D12 driver (on Debian without a GPU: " +
        "apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1)",
    };
  }
  const info = adapter.info ?? {};
  const name = [info.description || info.device, info.vendor].filter(Boolean).join(", ") || "unknown adapter";
  const software =
    adapter.isFallbackAdapter === true ||
    info.architecture === "software" ||
    /llvmpipe|lavapipe|swiftshader|warp/i.test(`${info.description} ${info.device}`);
  return { ok: true, adapter: name, software, notes };
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split("\n")[0]!.trim();
}
