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

/** What the WebGPU probe found. */
export type WebGpuProbe =
  | { ok: true; adapter: string; software: boolean }
  | { ok: false; reason: string };

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
  return (probe ??= install().catch((e: unknown) => ({ ok: false as const, reason: oneLine(e) })));
}

async function install(): Promise<WebGpuProbe> {
  const g = globalThis as { navigator?: { gpu?: GpuLike } };
  let gpu = g.navigator?.gpu;
  if (!gpu) {
    // Mesa's Vulkan loader warns (and some drivers fail) without a runtime dir.
    if (!process.env.XDG_RUNTIME_DIR) {
      const dir = join(tmpdir(), `optlab-xdg-${process.getuid?.() ?? 0}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      process.env.XDG_RUNTIME_DIR = dir;
    }
    let mod: { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> };
    try {
      mod = (await import("webgpu")) as never;
    } catch (e) {
      return { ok: false, reason: `the 'webgpu' package (Dawn for Node) did not load: ${oneLine(e)}` };
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
  return { ok: true, adapter: name, software };
}

function oneLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split("\n")[0]!.trim();
}
