/**
 * Data-backed training at scale on tfjs: logistic regression on 10⁶ rows, mini-batches of 2¹⁶
 * with the float64 runner's seeded shuffles, two epochs, against the float64 engine on the same
 * batches. One backend (wasm): the float64 reference alone takes seconds.
 */
import { expect, test } from "vitest";
import { adam, objective, optimize } from "../../dsl/index.js";
import { optimizeTensor } from "../../dsl/tensor.js";

test("logistic regression on 10⁶ rows: two epochs of mini-batches on wasm match float64", async () => {
  const N = 1_000_000;
  let s = 11;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const w = [1.5, -2, 0.5];
  const a = Array.from({ length: N }, () => [r() * 2 - 1, r() * 2 - 1, r() * 2 - 1]);
  const y = a.map((row) => (row.reduce((acc, v, j) => acc + v * w[j]!, 0.25) + 0.5 * (r() - 0.5) > 0 ? 1 : 0));
  const z = "w1*a[1] + w2*a[2] + w3*a[3] + c";
  const L = objective(`softplus(${z}) - y*(${z})`, { params: ["w1", "w2", "w3", "c"], data: { a, y } });
  const opts = { from: [0, 0, 0, 0], epochs: 2, batchSize: 65_536, seed: 3 };
  const run = await optimizeTensor(L, adam({ lr: 0.1 }), { ...opts, backend: "wasm" });
  const ref = optimize(L, adam({ lr: 0.1 }), opts);
  expect(run.steps).toBe(ref.steps);
  expect(run.batchesPerEpoch).toBe(Math.ceil(N / 65_536));
  run.x.forEach((v, i) => expect(Math.abs(v - ref.x[i]!)).toBeLessThan(1e-3));
  expect(Math.abs(run.loss - ref.loss) / ref.loss).toBeLessThan(1e-4);
  // the weights point the right way (the data's noise shrinks them)
  expect(Math.sign(run.x[0]!)).toBe(1);
  expect(Math.sign(run.x[1]!)).toBe(-1);
}, 120_000);
