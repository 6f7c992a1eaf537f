/**
 * `withLiveChart` on its own (optimizeAsync's built-in live chart is turned off with live: false
 * here; test/dsl/optimize.test.ts tests the built-in one).
 */
import { afterEach, expect, test } from "vitest";
import { adam, objective, optimizeAsync } from "../../dsl/index.js";
import { withLiveChart } from "../../dsl/plot.js";
import { setDisplayHook, wasShownLive } from "../../src/plots/index.js";
import type { MimeBundle } from "../../src/display/index.js";

const xs = Array.from({ length: 2000 }, (_, i) => i / 1000);
const fit = objective("(w*x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: xs.map((x) => 3 * x + 1) }, reduce: "mean" });
afterEach(() => setDisplayHook(null));

test("withLiveChart follows optimizeAsync live and ends with the run's interactive chart; the user's onProgress still runs", async () => {
  const sent: { bundle: MimeBundle; update: boolean }[] = [];
  setDisplayHook((bundle, o) => void sent.push({ bundle, update: o.update }));
  let mine = 0;
  const run = await withLiveChart({ steps: 150_000, live: { throttleMs: 100 }, onProgress: () => mine++ }, (onProgress) =>
    optimizeAsync(fit, adam({ lr: 0.001 }), { from: [0, 0], steps: 150_000, progressEvery: 50, onProgress, live: false }));
  expect(mine).toBeGreaterThan(0);
  expect(sent.length).toBeGreaterThanOrEqual(3);
  expect(sent[0]!.update).toBe(false);
  expect(sent.slice(1).every((s) => s.update)).toBe(true);
  expect(sent.at(-2)!.bundle["text/html"]).toMatch(/class="optlab-live"/);
  expect(sent.at(-1)!.bundle["text/html"]).toMatch(/class="optlab-chart"/);
  expect(wasShownLive(run)).toBe(true);
});

test("outside a kernel (no display) it just runs", async () => {
  const run = await withLiveChart({}, (onProgress) => optimizeAsync(fit, adam({ lr: 0.001 }), { from: [0, 0], steps: 100, onProgress }));
  expect(run.steps).toBe(100);
  expect(wasShownLive(run)).toBe(false);
});

test("an aborted run ends the live chart with its partial run, and the error goes on", async () => {
  const sent: MimeBundle[] = [];
  setDisplayHook((b) => void sent.push(b));
  const ac = new AbortController();
  const pending = withLiveChart({ live: { throttleMs: 50 } }, (onProgress) =>
    optimizeAsync(fit, adam({ lr: 0.001 }), { from: [0, 0], steps: 1_000_000, progressEvery: 50, signal: ac.signal, onProgress, live: false }));
  // Abort once the live chart is shown (the event; a fixed delay could pass before the first display on a busy machine).
  while (sent.length === 0) await new Promise((r) => setTimeout(r, 1));
  ac.abort();
  await expect(pending).rejects.toMatchObject({ code: "aborted" });
  // The final chart is the partial run's. (Its title is not matched in the HTML: a long spec is
  // gzipped there, and how long it is depends on how far the run got before the abort.)
  expect(sent.at(-1)!["text/html"]).toMatch(/class="optlab-chart"/);
  expect(sent.at(-1)!["text/plain"]).toMatch(/^loss curves of 1 run over \d+ steps: adam \(lr=0\.001\) → .* \(aborted\)$/);
});
