/**
 * A cell that declares nothing leaves nothing behind in the executor once its bounded records
 * (the compile cache, the cells kept for tracebacks) are full: the live heap after full
 * collections stays flat over hundreds of new cells. Node 20 keeps ~1 KB of every `vm.Script`
 * it compiled for as long as the process lives (0.97 KB per script after full collections,
 * against 0.01 KB per `vm.compileFunction`); the executor compiled each cell as one, which this
 * test catches (~0.6 MB over these 600 cells). In one process, with small records so that
 * they fill quickly.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { beforeAll, expect, test } from "vitest";
import { Executor, type RunContext } from "../../kernel/executor.js";
import { packageRoot } from "../../kernel/package-root.js";
import { loadPrelude } from "../../kernel/prelude.js";
import { loadTsHost } from "../../kernel/ts-host.js";

let ex: Executor;
let gc: () => void;

beforeAll(async () => {
  v8.setFlagsFromString("--expose-gc");
  gc = vm.runInNewContext("gc") as () => void;
  const host = loadTsHost(packageRoot());
  const prelude = await loadPrelude(packageRoot(), host.ts, { display() {}, prompt: () => null, comms: {} });
  ex = new Executor({ host, prelude, packageRoot: packageRoot(), compileCacheSize: 10, cellsKept: 10 });
}, 120_000);

const ctx = (count: number): RunContext => ({ count, abort: new Promise(() => undefined), enter: (fn) => fn() }) as RunContext;

async function cells(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const out = await ex.execute(`${i} + 0.5`, ctx(i));
    expect(out).toMatchObject({ status: "ok", value: i + 0.5 });
  }
}

const liveMb = () => {
  gc();
  gc();
  return v8.getHeapStatistics().used_heap_size / 1048576;
};

test("600 new expression cells leave the live heap flat once the records are full", async () => {
  // the first ~1300 cells still grow the heap by ~2.5 MB (the compiler's code warming up), then it is flat
  await cells(0, 1300);
  const before = liveMb();
  await cells(1300, 1900);
  const after = liveMb();
  expect(after - before, `live heap ${before.toFixed(2)} → ${after.toFixed(2)} MB`).toBeLessThan(0.3);
}, 600_000);
