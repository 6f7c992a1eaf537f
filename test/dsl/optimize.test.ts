/**
 * dsl/optimize.ts beyond the float64 runner (test/optim/run.test.ts): backends (TensorFlow.js runs
 * through `optimizeTensor`, with TypeScript overloads: a promise for a tfjs backend, a `Run`
 * otherwise), live charts of `optimizeAsync` / `compareAsync` (with a fake display hook and a fake
 * kernel), and the kernel cell's abort signal.
 */
import { afterEach, describe, expect, expectTypeOf, test } from "vitest";
import { adam, compare, compareAsync, gd, objective, optimize, optimizeAsync, sgd, type Comparison, type Run } from "../../dsl/index.js";
import { formatSync, type MimeBundle } from "../../src/display/index.js";
import { setDisplayHook, wasShownLive } from "../../src/plots/index.js";
import { describeEachBackend, type TestBackend } from "../support/describe-each-backend.js";

const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
const from = [-1.2, 1];
const KERNEL = Symbol.for("optlab.kernel");

afterEach(() => {
  setDisplayHook(null);
  delete (globalThis as Record<symbol, unknown>)[KERNEL];
});

function expectClose(run: Run, ref: Run, tol = 1e-4): void {
  expect(run.xs.length).toBe(ref.xs.length);
  run.xs.forEach((x, k) => x.forEach((v, i) => expect(Math.abs(v - ref.xs[k]![i]!), `x[${k}][${i}]`).toBeLessThan(tol)));
}

describe("backends in optimize", () => {
  test("TypeScript overloads: a tfjs backend literal gives a promise, none/float64/auto a Run, a string either", () => {
    // checked by tsc (npx tsc -p tsconfig.json), never called here
    expectTypeOf(() => optimize(f, adam(), { from, steps: 1 })).returns.toEqualTypeOf<Run>();
    expectTypeOf(() => optimize(f, adam(), { from, backend: "float64" })).returns.toEqualTypeOf<Run>();
    expectTypeOf(() => optimize(f, adam(), { from, backend: "auto" })).returns.toEqualTypeOf<Run>();
    expectTypeOf(() => optimize(f, adam(), { from, backend: "wasm" })).returns.toEqualTypeOf<Promise<Run>>();
    expectTypeOf(() => optimize(f, adam(), { from, backend: "webgpu" as const })).returns.toEqualTypeOf<Promise<Run>>();
    const name: string = "cpu";
    expectTypeOf(() => optimize(f, adam(), { from, backend: name })).returns.toEqualTypeOf<Run | Promise<Run>>();
    expectTypeOf(() => compare(f, { a: adam() }, { from })).returns.toEqualTypeOf<Comparison>();
    expectTypeOf(() => compare(f, { a: adam() }, { from, backend: "cpu" })).returns.toEqualTypeOf<Promise<Comparison>>();
    expectTypeOf(() => optimizeAsync(f, adam(), { from, backend: "tensorflow" })).returns.toEqualTypeOf<Promise<Run>>();
  });

  test("float64 (default, \"float64\", \"auto\") runs synchronously, and await works on it too", async () => {
    const a = optimize(f, adam({ lr: 0.01 }), { from, steps: 50 });
    expect(a).not.toBeInstanceOf(Promise);
    for (const backend of ["float64", "auto"] as const) expect(optimize(f, adam({ lr: 0.01 }), { from, steps: 50, backend }).x).toEqual(a.x);
    expect((await optimize(f, adam({ lr: 0.01 }), { from, steps: 50 })).x).toEqual(a.x);
  });

  test("bad input is refused at once, with a tfjs backend too (not as a rejection the user may never await)", async () => {
    expect(() => optimize(f, adam(), { from, backend: "gpu" })).toThrow(/optimize: backend must be one of "float64", "auto", "cpu", "wasm", "webgpu", "tensorflow", got "gpu"/);
    const user = { f: (p: number[]) => p[0]! ** 2, grad: (p: number[]) => [2 * p[0]!] };
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as { code?: string; message: string };
      }
      throw new Error("expected a synchronous DslError");
    };
    expect(thrown(() => optimize(user, adam(), { from: [1], backend: "cpu" })).code).toBe("backend-capability");
    expect(thrown(() => optimize(f, adam(), { from, backend: "cpu", stepz: 3 } as never)).code).toBe("unknown-option");
    // found in a kernel: an unawaited optimize(..., { backend: "wasm" }) with a bad start rejected later
    expect(thrown(() => optimize(f, adam(), { from: [1], backend: "wasm" }))).toMatchObject({ code: "bad-start", message: "optimize: the start point has 1 value, the objective has 2 variables (x, y)" });
    expect(thrown(() => optimize(f, adam(), { from, backend: "cpu", batchSize: 4 })).code).toBe("not-data-backed");
    expect(thrown(() => optimize(f, 5 as never, { from, backend: "cpu" })).code).toBe("bad-optimizer");
    expect(thrown(() => compare(f, { a: adam() }, { from: [1, 2, 3], backend: "cpu" })).code).toBe("bad-start");
    expect(thrown(() => compare(f, { a: 5 as never }, { from, backend: "cpu" })).code).toBe("bad-optimizer");
    // and `await` sees the same error
    await expect((async () => await optimize(f, adam(), { from: [1], backend: "wasm" }))()).rejects.toMatchObject({ code: "bad-start" });
    expect(() => optimize(f, adam(), { from, live: true } as never)).toThrow(/optimize: live charts need optimizeAsync/);
  });

  test("compare with a tfjs backend: a promise of the comparison, each run on tfjs, the objective kept for charts", async () => {
    const spec = { gd: gd({ lr: 1e-3 }), momentum: sgd({ lr: 1e-3, momentum: 0.9 }) };
    const ref = compare(f, spec, { from, steps: 100 });
    const c = await compare(f, spec, { from, steps: 100, backend: "wasm" });
    expect(c.names).toEqual(["gd", "momentum"]);
    expect(c.objective).toBe(f);
    for (const n of c.names) {
      expect(c.runs[n]!.name).toBe(n);
      expect(c.runs[n]!.message).toMatch(/\[wasm, float32\]$/);
      expectClose(c.runs[n]!, ref.runs[n]!);
    }
    const ca = await compareAsync(f, spec, { from, steps: 100, backend: "cpu" });
    expectClose(ca.runs.momentum!, ref.runs.momentum!);
  });
});

describeEachBackend("optimize(..., { backend })", (b: TestBackend<any>) => {
  test("returns the float64 run to float32 accuracy, with the Run record of the float64 engine", async () => {
    const ref = optimize(f, adam({ lr: 0.01 }), { from, steps: 150 });
    const run = await optimize(f, adam({ lr: 0.01 }), { from, steps: 150, backend: b.name as "cpu" });
    expect(run.lrs).toHaveLength(150);
    expect(run.status).toBe(ref.status);
    expect(run.message).toMatch(new RegExp(`\\[${b.name}, float32\\]$`));
    expectClose(run, ref);
    const async = await optimizeAsync(f, adam({ lr: 0.01 }), { from, steps: 150, backend: b.name });
    expect(async.xs).toEqual(run.xs);
  });
}, { only: ["cpu", "wasm", "webgpu", "tensorflow"], why: "float64 is the reference here" });

/** Records what a display hook is sent. */
function recorder(): { bundle: MimeBundle; displayId: string; update: boolean }[] {
  const sent: { bundle: MimeBundle; displayId: string; update: boolean }[] = [];
  setDisplayHook((bundle, o) => void sent.push({ bundle, ...o }));
  return sent;
}

/** A fake kernel (hooks version 1) recording displays; `abort()` interrupts "the cell". */
function fakeKernel(mode: "kernel" | "runner") {
  const shown: { bundle: MimeBundle; update: boolean }[] = [];
  const cell = new AbortController();
  (globalThis as Record<symbol, unknown>)[KERNEL] = {
    version: 1, mode, signal: cell.signal, documentId: 1,
    once: () => false,
    displayBundle: (bundle: MimeBundle, o: { displayId?: string; update?: boolean } = {}) => (shown.push({ bundle, update: o.update ?? false }), o.displayId ?? "id"),
  };
  return { shown, abort: () => cell.abort(new Error("InterruptError")) };
}

describe("live charts of optimizeAsync and compareAsync", () => {
  const long = { from, steps: 300_000, progressEvery: 2, live: { throttleMs: 0 } } as const;

  test("with a display: one output, updated in place while the run goes, ending as the run's chart; the run then displays its table only", async () => {
    const sent = recorder();
    let mine = 0;
    const run = await optimizeAsync(f, adam({ lr: 1e-4 }), { ...long, onProgress: () => mine++ });
    expect(mine).toBeGreaterThan(0); // the user's onProgress still runs
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(new Set(sent.map((s) => s.displayId)).size).toBe(1);
    expect(sent.map((s) => s.update)).toEqual([false, ...sent.slice(1).map(() => true)]);
    expect(sent[0]!.bundle["text/html"]).toMatch(/class="optlab-live".*Optimizing with adam…/s);
    const last = sent.at(-1)!.bundle;
    expect(last["text/html"]).toMatch(/class="optlab-chart"/);
    expect(last["application/vnd.plotly.v1+json"]).toBeUndefined(); // JupyterLab does not redraw JSON on update
    expect(wasShownLive(run)).toBe(true);
    expect(formatSync(run)).toEqual(run.tableBundle());
  });

  test("live: false, or no display (plain Node), shows nothing and runs the same", async () => {
    const sent = recorder();
    const a = await optimizeAsync(f, adam({ lr: 1e-4 }), { ...long, steps: 200_000, live: false });
    expect(sent).toEqual([]);
    setDisplayHook(null);
    const b = await optimizeAsync(f, adam({ lr: 1e-4 }), { ...long, steps: 200_000 });
    expect(b.x).toEqual(a.x);
    expect(wasShownLive(b)).toBe(false);
    expect(formatSync(b)["application/vnd.plotly.v1+json"]).toBeDefined(); // its own chart
    await expect(optimizeAsync(f, adam(), { from, live: "yes" as never })).rejects.toThrow(/live must be true, false or \{ title\?, throttleMs\?, totalSteps\?, maxPoints\? \}, got "yes"/);
  });

  test("compareAsync: one live chart for all runs, ending with the comparison's chart (trajectories over contours, loss curves)", async () => {
    const sent = recorder();
    const c = await compareAsync(f, { gd: gd({ lr: 1e-4 }), adam: adam({ lr: 1e-4 }) }, { ...long, steps: 150_000 });
    expect(new Set(sent.map((s) => s.displayId)).size).toBe(1);
    expect(sent.some((s) => /gd: step/.test(s.bundle["text/plain"])) && sent.some((s) => /adam: step/.test(s.bundle["text/plain"]))).toBe(true);
    expect(sent.at(-1)!.bundle["text/plain"]).toMatch(/contours of f .* with 2 trajectories .*; loss curves of 2 runs/);
    expect(wasShownLive(c)).toBe(true);
    expect(formatSync(c)).toEqual(c.tableBundle());
  });

  test("in a running kernel the live chart is on by default; under `optlab run` (runner mode) it is off", async () => {
    const k = fakeKernel("kernel");
    await optimizeAsync(f, adam({ lr: 1e-4 }), { ...long, steps: 300_000, live: undefined });
    expect(k.shown.length).toBeGreaterThanOrEqual(2);
    expect(k.shown.at(-1)!.update).toBe(true);
    const r = fakeKernel("runner");
    await optimizeAsync(f, adam({ lr: 1e-4 }), { ...long, steps: 300_000, live: undefined });
    expect(r.shown).toEqual([]);
  });

  test("interrupting the kernel cell stops the run (the cell's abort signal), ending the live chart with the partial run", async () => {
    const k = fakeKernel("kernel");
    const pending = optimizeAsync(f, adam({ lr: 1e-4 }), { ...long, steps: 50_000_000 }).catch((e: unknown) => e);
    // Interrupt once the live chart is on screen: the event, not a fixed delay (which, on a busy
    // machine, could pass before the first display, leaving nothing shown to check).
    while (k.shown.length === 0) await new Promise((r) => setTimeout(r, 1));
    k.abort();
    const err = await pending;
    expect(err).toMatchObject({ code: "aborted" });
    const run = (err as { detail: { run: Run } }).detail.run;
    expect(run.status).toBe("aborted");
    expect(run.steps).toBeLessThan(50_000_000);
    const last = k.shown.at(-1)!.bundle;
    expect(last["text/html"]).toMatch(/class="optlab-chart"/);
    expect(last["text/plain"]).toMatch(/^loss curves of 1 run over \d+ steps: adam \(lr=10⁻⁴\) → .* \(aborted\)$/);
  });
});
