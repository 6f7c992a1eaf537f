import { execFileSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import {
  AUTO_THRESHOLDS,
  BACKENDS,
  pickBackend,
  probeBackend,
  probeBackends,
  resolveBackend,
  startTfjs,
  tensorEngine,
  type BackendStatus,
} from "../../src/backends/index.js";

const up = (name: BackendStatus["name"], extra: Partial<BackendStatus> = {}): BackendStatus => ({ name, available: true, ...extra });
const down = (name: BackendStatus["name"]): BackendStatus => ({ name, available: false, reason: "absent" });

describe("backend facts", () => {
  test("every backend states its name, precision and capabilities", () => {
    expect(BACKENDS.float64.precision).toBe(64);
    for (const n of ["cpu", "wasm", "webgpu", "tensorflow"] as const) {
      expect(BACKENDS[n].precision).toBe(32);
      expect(BACKENDS[n].capabilities).toContain("batch");
    }
    expect(BACKENDS.float64.capabilities).toContain("finite-differences");
    expect(BACKENDS.webgpu.capabilities).toContain("async-readback");
    expect(BACKENDS.webgpu.optional && BACKENDS.tensorflow.optional).toBe(true);
  });
});

describe("pickBackend (auto)", () => {
  const all = [up("float64"), up("cpu"), up("wasm"), up("webgpu", { device: "WebGPU on NVIDIA", software: false }), down("tensorflow")];
  const soft = all.map((s) => (s.name === "webgpu" ? up("webgpu", { software: true }) : s));
  test("one run, or a handful, of a small problem goes to the float64 engine", () => {
    expect(pickBackend({ n: 2 }, all).name).toBe("float64");
    expect(pickBackend({ runs: AUTO_THRESHOLDS.batchRuns - 1, n: 2 }, all).name).toBe("float64");
  });
  test("sweeps go to wasm's fused kernels, huge ones to a hardware GPU", () => {
    expect(pickBackend({ runs: 1000, n: 2 }, all).name).toBe("wasm");
    const big = pickBackend({ runs: AUTO_THRESHOLDS.gpuRuns, n: 2 }, all);
    expect(big.name).toBe("webgpu");
    expect(big.why).toMatch(/NVIDIA/);
  });
  test("software WebGPU (lavapipe) is not picked over wasm", () => {
    const p = pickBackend({ runs: 100_000, n: 2 }, soft);
    expect(p.name).toBe("wasm");
    expect(p.why).toMatch(/software/);
  });
  test("data-backed work: float64 loops on a plain CPU, tfjs-node or a GPU when the work is large", () => {
    expect(pickBackend({ n: 10, samples: 1e6 }, soft).name).toBe("float64");
    expect(pickBackend({ n: 10, samples: 1e6 }, all).name).toBe("webgpu");
    const withNode = soft.map((s) => (s.name === "tensorflow" ? up("tensorflow") : s));
    expect(pickBackend({ n: 10, samples: 1e6 }, withNode).name).toBe("tensorflow");
    expect(pickBackend({ n: 10, samples: 100 }, withNode).name).toBe("float64");
    expect(pickBackend({ runs: 500, n: 2, samples: 100 }, soft).name).toBe("wasm");
  });
  test("cpu is the last tfjs resort", () => {
    expect(pickBackend({ runs: 5000, n: 2 }, [up("float64"), up("cpu"), down("wasm")]).name).toBe("cpu");
  });
});

describe("starting backends", () => {
  test("a backend that cannot start says why in one line", async () => {
    const s = await probeBackend("tensorflow");
    if (s.available) return; // tfjs-node installed on this machine: nothing to explain
    expect(s.reason).toMatch(/^backend "tensorflow" cannot start: .*tfjs-node/);
    expect(s.reason).not.toMatch(/\n/);
    await expect(startTfjs("tensorflow")).rejects.toMatchObject({ code: "backend-unavailable" });
  });
  test("an unknown backend name is a bad-backend error listing the choices", async () => {
    await expect(resolveBackend("gpu" as never, { n: 2 })).rejects.toMatchObject({
      code: "bad-backend",
      message: expect.stringMatching(/"auto", "float64", "cpu", "wasm", "webgpu", "tensorflow", got "gpu"/),
    });
    await expect(tensorEngine("float64")).rejects.toMatchObject({ code: "bad-backend" });
  });
  test("resolveBackend: small auto work stays on float64, named backends start", async () => {
    expect((await resolveBackend("auto", { n: 3 })).name).toBe("float64");
    expect((await resolveBackend(undefined, { n: 3 })).name).toBe("float64");
    expect(await resolveBackend("wasm", { n: 3 })).toEqual({ name: "wasm", why: "wasm: requested" });
    const big = await resolveBackend("auto", { runs: 5_000, n: 2 });
    expect(["wasm", "tensorflow"]).toContain(big.name);
  });
  test("probeBackends lists every backend, cpu always available", async () => {
    const all = await probeBackends();
    expect(all.map((s) => s.name)).toEqual(["float64", "cpu", "wasm", "webgpu", "tensorflow"]);
    expect(all.find((s) => s.name === "cpu")?.available).toBe(true);
    for (const s of all) if (!s.available) expect(s.reason).toBeTruthy();
  });
  test("starting a backend does not change the active one; activate does", async () => {
    const cpu = await startTfjs("cpu");
    await cpu.activate();
    const wasm = await startTfjs("wasm");
    expect(cpu.tf.getBackend()).toBe("cpu");
    await wasm.activate();
    expect(cpu.tf.getBackend()).toBe("wasm");
    await cpu.activate();
  });
});

test("importing the backends module, or all of optlab, does not load TensorFlow.js", () => {
  // tfjs-core registers its engine as globalThis._tfengine when loaded.
  for (const mod of ["./src/backends/index.ts", "./dsl/index.ts"]) {
    const code = `await import("${mod}"); console.log(typeof globalThis._tfengine);`;
    const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { encoding: "utf8" });
    expect(out.trim(), mod).toBe("undefined");
  }
});
