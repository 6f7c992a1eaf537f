/**
 * `describeEachBackend(title, fn)`: the same suite on every backend that starts here — the
 * float64 engine, tfjs-cpu, tfjs-wasm, tfjs-webgpu (and tfjs-node's `tensorflow` where
 * installed). A backend that cannot start, lacks a capability the suite needs, or was left out
 * (OPTLAB_TEST_BACKENDS=float64,cpu,...) still shows up, skipped, with the reason in its name.
 *
 * Tolerances come from the backend's precision (`rtol`, `atol`). Arrays are written as rows:
 * `b.array([[1, 2]])` is a Float64Array on float64 (one run only) and a [B, n] tensor on tfjs.
 *
 * @example
 * describeEachBackend("lerp", (b) => {
 *   test("moves a quarter of the way", async () => {
 *     const r = await b.rows(b.tidy(() => b.ops.lerp(b.array([[0, 4]]), b.array([[4, 0]]), 0.25)));
 *     expectClose(r, [[1, 3]], b);
 *   });
 * });
 */
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { float64Ops, probeBackend, startTfjs, type BackendName, type Capability, type Ops, type Scalar, type Tensor, type TfjsEngine } from "../../src/backends/index.js";
import { BACKENDS } from "../../src/backends/index.js";

/** One backend as a suite sees it. */
export interface TestBackend<A = unknown> {
  readonly name: BackendName;
  readonly precision: 32 | 64;
  readonly ops: Ops<A>;
  /** The tfjs engine (undefined on float64). */
  readonly engine?: TfjsEngine;
  /** Relative and absolute tolerance for results of a few dozen operations. */
  readonly rtol: number;
  readonly atol: number;
  /** Rows → array: Float64Array (one row) on float64, a [B, n] tensor on tfjs. */
  array(rows: readonly (readonly number[])[]): A;
  /** Array → rows. */
  rows(a: A): Promise<number[][]>;
  /** A per-run scalar → one number per run. */
  scalars(s: Scalar<A>): Promise<number[]>;
  /** tf.tidy on tfjs; just calls `f` on float64. */
  tidy<T extends A | A[] | void>(f: () => T): T;
  /** Frees arrays (no-op on float64). */
  dispose(...as: unknown[]): void;
  /** Live tensors (0 on float64), for leak checks. */
  live(): number;
}

const ALL: BackendName[] = ["float64", "cpu", "wasm", "webgpu", "tensorflow"];
const selected = process.env.OPTLAB_TEST_BACKENDS?.split(",").map((s) => s.trim()).filter(Boolean);

type Entry = { backend: TestBackend<any> } | { skip: string };

const entries = new Map<BackendName, Entry>();
for (const name of ALL) {
  if (selected && !selected.includes(name)) {
    entries.set(name, { skip: "not selected by OPTLAB_TEST_BACKENDS" });
    continue;
  }
  if (name === "float64") {
    entries.set(name, { backend: float64Backend() });
    continue;
  }
  const status = await probeBackend(name);
  if (!status.available) entries.set(name, { skip: status.reason ?? "cannot start" });
  else entries.set(name, { backend: tfjsBackend(await startTfjs(name)) });
}

/** Options of `describeEachBackend`. */
export interface EachBackendOptions {
  /** Capabilities the suite needs ("batch": [B, n] batches of runs); others are skipped. */
  needs?: readonly Capability[];
  /** Restrict to these backends (e.g. leave webgpu out of a heavy suite; say why in `why`). */
  only?: readonly BackendName[];
  /** Why `only` leaves some out (shown in the skipped suite's name). */
  why?: string;
}

/** Runs `fn` as one `describe` block per backend; unavailable ones are listed as skipped. */
export function describeEachBackend(title: string, fn: (b: TestBackend<any>) => void, opts: EachBackendOptions = {}): void {
  for (const name of ALL) {
    const entry = entries.get(name)!;
    const info = BACKENDS[name];
    let reason = "skip" in entry ? entry.skip : undefined;
    const missing = (opts.needs ?? []).filter((c) => !info.capabilities.includes(c));
    if (!reason && missing.length) reason = `${name} lacks ${missing.join(", ")}`;
    if (!reason && opts.only && !opts.only.includes(name)) reason = opts.why ?? "left out by this suite";
    if (reason || !("backend" in entry)) {
      describe.skip(`${title} [${name}: skipped, ${reason}]`, () => {
        test.skip(`needs ${name}`, () => {});
      });
      continue;
    }
    const b = entry.backend;
    describe(`${title} [${name}]`, () => {
      beforeAll(async () => {
        await b.engine?.activate();
      });
      // Another describe in the same file may have switched tfjs's active backend.
      beforeEach(async () => {
        await b.engine?.activate();
      });
      fn(b);
    });
  }
}

/** Asserts `actual` ≈ `expected` elementwise within the backend's tolerances (or given ones). */
export function expectClose(
  actual: number | readonly number[] | readonly (readonly number[])[],
  expected: number | readonly number[] | readonly (readonly number[])[],
  tol: { rtol: number; atol: number },
  label = "",
): void {
  const a = [actual].flat(2) as number[];
  const e = [expected].flat(2) as number[];
  expect(a.length, `${label} length`).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i]! - e[i]!) <= tol.atol + tol.rtol * Math.abs(e[i]!) || (Number.isNaN(a[i]) && Number.isNaN(e[i]));
    if (!ok) expect.fail(`${label}[${i}]: got ${a[i]}, expected ${e[i]} (rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

function float64Backend(): TestBackend<Float64Array> {
  return {
    name: "float64",
    precision: 64,
    ops: float64Ops,
    rtol: 1e-12,
    atol: 1e-14,
    array(rows) {
      if (rows.length !== 1) throw new Error(`float64 arrays hold one run, got ${rows.length} rows`);
      return Float64Array.from(rows[0]!);
    },
    rows: async (a) => [Array.from(a)],
    scalars: async (s) => [s as number],
    tidy: (f) => f(),
    dispose: () => {},
    live: () => 0,
  };
}

function tfjsBackend(e: TfjsEngine): TestBackend<Tensor> {
  const tf = e.tf;
  return {
    name: e.name,
    precision: 32,
    ops: e.ops,
    engine: e,
    rtol: 2e-5,
    atol: 1e-6,
    array(rows) {
      const n = rows[0]?.length ?? 0;
      return tf.tensor2d(Float32Array.from(rows.flat()), [rows.length, n]);
    },
    async rows(a) {
      const d = await e.read(a);
      const [B, n] = a.shape.length === 2 ? (a.shape as [number, number]) : [1, a.size];
      return Array.from({ length: B }, (_, i) => Array.from(d.subarray(i * n, (i + 1) * n)));
    },
    async scalars(s) {
      if (typeof s === "number") return [s];
      return Array.from(await e.read(s));
    },
    tidy: (f) => tf.tidy(f as () => Tensor | Tensor[] | void) as never,
    dispose: (...as) => tf.dispose(as.filter((x): x is Tensor => x instanceof tf.Tensor)),
    live: () => tf.memory().numTensors,
  };
}
