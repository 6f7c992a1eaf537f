/**
 * optlab's float32 WebAssembly SIMD engine for networks (src/nn/f32-engine.ts, `backend: "wasm"`
 * for `nn.loss`): its loss and gradient against the float64 engine to float32 accuracy for every
 * activation and loss, and its runs (mini-batches, validation splits, early stopping) against the
 * float64 engine's, on both kernel paths (relaxed-SIMD FMA, the default where available, and f32x4
 * mul then add, forced with `F32Arena.useFma = false`). Its kernels are tested in ./wasm-gemm.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { adam, nn, optimize, sgd } from "../../dsl/index.js";
import { F32NetProblem, NetLossProblem } from "../../src/nn/index.js";
import { F32Arena, relaxedSimdAvailable } from "../../src/nn/wasm-gemm.js";
import { rng } from "../../src/random/rng.js";
import { NET_CASES, netCase } from "./net-cases.js";

/** max |a − b| / max |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0, err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  return err / scale;
}

/** Which kernels an engine's buffers were made with (its workspaces' arenas). */
const kernelsOf = (p: F32NetProblem): boolean[] => [...(p as unknown as { workspaces: Map<number, { arena: F32Arena }> }).workspaces.values()].map((w) => w.arena.fma);

/** The engine's two kernel paths: relaxed-SIMD FMA (where available: the default) and f32x4 mul then add. */
const PATHS = [["FMA", true], ["mul then add", false]] as const;

describe.runIf(F32NetProblem.available()).each(PATHS)("a network's loss in float32 against the float64 engine (%s)", (_, fma) => {
  afterEach(() => {
    F32Arena.useFma = true;
    vi.restoreAllMocks();
  });

  for (const [act, kind, sizes] of NET_CASES) {
    it(`${act} layers, ${kind}: value and gradient (all rows and a batch) to float32 accuracy`, () => {
      F32Arena.useFma = fma;
      const skipping = vi.spyOn(F32Arena.prototype, "gemmSkippingZeros");
      const { net, data, x } = netCase(act, kind, sizes, 37, 13);
      const rows = Int32Array.of(4, 0, 17, 9, 9, 36, 1);
      const p64 = new NetLossProblem(net, kind, data), p32 = new F32NetProblem(net, kind, data);
      const g64 = new Float64Array(net.n), g32 = new Float64Array(net.n);
      const f64 = p64.valueAndGradInto(x, g64), f32 = p32.valueAndGradInto(x, g32);
      expect(Math.abs(f32 - f64) / Math.abs(f64)).toBeLessThan(2e-6);
      expect(relErr(g32, g64)).toBeLessThan(2e-5);
      expect(Math.abs(p32.valueAt(x) - f64) / Math.abs(f64)).toBeLessThan(2e-6);
      const b64 = p64.data.batchValueAndGradInto(x, g64, rows), b32 = p32.data.batchValueAndGradInto(x, g32, rows);
      expect(Math.abs(b32 - b64) / Math.abs(b64)).toBeLessThan(2e-6);
      expect(relErr(g32, g64)).toBeLessThan(2e-5);
      // and the full batch again after a gathered one (the inputs are re-read)
      expect(Math.abs(p32.valueAndGradInto(x, g32) - f64) / Math.abs(f64)).toBeLessThan(2e-6);
      expect(kernelsOf(p32)).toEqual([fma && relaxedSimdAvailable(), fma && relaxedSimdAvailable()]);
      // relu layers' weight gradients skip the zeros of Δ (and did skip some here); other layers run dense
      if (act === "relu") expect(skipping.mock.results.some((r) => r.value === true)).toBe(true);
      else expect(skipping).not.toHaveBeenCalled();
    });
  }
});

describe.runIf(F32NetProblem.available())('optimize(nn.loss(...), ..., { backend: "wasm" }) on the float32 engine', () => {
  const r = rng(2);
  const x = r.normal([60, 3]) as number[][];
  const y = x.map(([a, b, c]) => [Math.sin(a!) * b! - 0.3 * c!]);
  const model = nn.mlp([3, 12, 12, 1], { activation: "tanh", seed: 4 });
  const L = nn.loss(model, { x, y }, "mse");

  afterEach(() => {
    F32Arena.useFma = true;
  });

  for (const [path, fma] of PATHS) {
    it(`follows the float64 run with mini-batches, clipping, a validation split and early stopping (${path})`, async () => {
      F32Arena.useFma = fma;
      const L1 = fma ? L : nn.loss(model, { x, y }, "mse"); // a loss of its own: its engine makes new buffers
      const opts = { steps: 60, batchSize: 8, seed: 3, clipNorm: 1, validation: 0.25, patience: 50 };
      const ref = optimize(L1, adam({ lr: 0.02 }), opts);
      const run = await optimize(L1, adam({ lr: 0.02 }), { ...opts, backend: "wasm" });
      expect(run.message).toContain("WebAssembly SIMD, float32");
      expect(run.steps).toBe(ref.steps);
      for (let k = 0; k <= run.steps; k++) expect(relErr(run.xs[k]!, ref.xs[k]!), `step ${k}`).toBeLessThan(1e-4);
      expect(run.valLosses!.length).toBe(ref.valLosses!.length);
      run.valLosses!.forEach((v, i) => expect(Math.abs(v - ref.valLosses![i]!) / ref.valLosses![i]!).toBeLessThan(1e-4));
      expect(Object.keys(run.leafGradNorms!)).toEqual(Object.keys(ref.leafGradNorms!));
      const engine = (L1 as unknown as { f32: F32NetProblem }).f32;
      for (const used of kernelsOf(engine)) expect(used).toBe(fma && relaxedSimdAvailable());
    });
  }

  it("follows the float64 run of a relu network with cross-entropy (the relu kernel) on both kernel paths", async () => {
    const rr = rng(6);
    const X = rr.normal([32, 40]) as number[][];
    const Y = Array.from({ length: 32 }, (_, i) => i % 5);
    const runs = [];
    for (const [, fma] of PATHS) {
      F32Arena.useFma = fma;
      const LL = nn.loss(nn.mlp([40, 24, 5], { activation: "relu", seed: 1 }), { x: X, y: Y }, "cross-entropy");
      runs.push(await optimize(LL, adam({ lr: 1e-2 }), { steps: 30, backend: "wasm" }));
      if (runs.length === 1) runs.push(optimize(LL, adam({ lr: 1e-2 }), { steps: 30 }));
    }
    const [withFma, ref, plain] = runs as [typeof runs[0], typeof runs[0], typeof runs[0]];
    for (let k = 0; k <= 30; k++) {
      expect(relErr(withFma.xs[k]!, ref.xs[k]!), `FMA, step ${k}`).toBeLessThan(1e-4);
      expect(relErr(plain.xs[k]!, ref.xs[k]!), `mul then add, step ${k}`).toBeLessThan(1e-4);
    }
  });

  it("allocates its buffers once per batch size and reuses them across runs", async () => {
    await optimize(L, sgd({ lr: 0.05 }), { steps: 5, backend: "wasm" });
    await optimize(L, sgd({ lr: 0.05 }), { steps: 5, batchSize: 10, backend: "wasm" });
    const engine = (L as unknown as { f32: { workspaces: Map<number, unknown> } }).f32;
    const arenas = new Map(engine.workspaces);
    expect(arenas.has(10) && arenas.has(60)).toBe(true);
    await optimize(L, adam({ lr: 0.01 }), { steps: 5, batchSize: 10, backend: "wasm" });
    await optimize(L, adam({ lr: 0.01 }), { steps: 5, backend: "wasm" });
    expect(engine.workspaces.size).toBe(arenas.size);
    for (const [S, ws] of arenas) expect(engine.workspaces.get(S)).toBe(ws);
  });
});
