/**
 * Float64 parity of the networks with PyTorch (fixtures from test/fixtures/gen/torch_nn.py, torch
 * 1.13 in float64, weights given in the fixture): loss value, gradient tree, Hessian-vector
 * product (torch's double backward), and full-batch SGD-momentum and Adam trajectories.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { NetLossProblem, NetSpec, type Activation, type LossKind, type Targets } from "../../src/nn/index.js";
import { adam, runSync, sgd } from "../../src/optim/index.js";

interface Case {
  name: string;
  sizes: number[];
  activation: Activation;
  outputActivation: Activation;
  loss: LossKind;
  x: number[][];
  y: number[] | number[][];
  params: { W: number[][]; b: number[] }[];
  value: number;
  grad: { W: number[][]; b: number[] }[];
  v: { W: number[][]; b: number[] }[];
  hvp: { W: number[][]; b: number[] }[];
  trajectories: Record<"sgd" | "adam", { options: Record<string, number>; steps: number; losses: number[]; xs: number[][] }>;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch-nn.json", import.meta.url), "utf8")) as { source: string; cases: Case[] };

function problemOf(c: Case): { p: NetLossProblem; net: NetSpec } {
  const L = c.sizes.length - 1;
  const net = new NetSpec(c.sizes, Array.from({ length: L }, (_, l) => (l === L - 1 ? c.outputActivation : c.activation)));
  const Y: Targets = c.loss === "cross-entropy" ? { kind: "class", classes: Int32Array.from(c.y as number[]) } : { kind: "real", values: Float64Array.from((c.y as number[][]).flat()) };
  const p = new NetLossProblem(net, c.loss, { samples: c.x.length, X: Float64Array.from(c.x.flat()), Y });
  return { p, net };
}

/** max |a − b| / max(|b|_∞, tiny): relative to the size of the reference. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0, err = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
  }
  return err / Math.max(scale, 1e-300);
}

describe(`torch parity (${fixture.source})`, () => {
  it("covers tanh, relu and sigmoid with every loss", () => {
    for (const a of ["tanh", "relu", "sigmoid"]) for (const l of ["mse", "cross-entropy", "bce"]) expect(fixture.cases.some((c) => c.activation === a && c.loss === l)).toBe(true);
  });

  for (const c of fixture.cases) {
    describe(c.name, () => {
      const { p, net } = problemOf(c);
      const x0 = net.flattenInto(c.params, new Float64Array(net.n));

      it("value and gradient tree agree to 1e-10 relative", () => {
        const g = new Float64Array(net.n);
        const v = p.valueAndGradInto(x0, g);
        expect(Math.abs(v - c.value) / Math.abs(c.value)).toBeLessThan(1e-10);
        const ref = net.flattenInto(c.grad, new Float64Array(net.n));
        expect(relErr(g, ref)).toBeLessThan(1e-10);
        // per leaf too (a small layer's gradient is not hidden by a large one's)
        for (const leaf of net.leaves) {
          expect(relErr(g.subarray(leaf.offset, leaf.offset + leaf.size), ref.subarray(leaf.offset, leaf.offset + leaf.size)), leaf.path).toBeLessThan(1e-9);
        }
      });

      it("Hessian-vector product agrees with torch's double backward", () => {
        const v = net.flattenInto(c.v, new Float64Array(net.n));
        const out = new Float64Array(net.n);
        p.hvpInto(x0, v, out);
        expect(relErr(out, net.flattenInto(c.hvp, new Float64Array(net.n)))).toBeLessThan(1e-10);
      });

      for (const key of ["sgd", "adam"] as const) {
        it(`full-batch ${key} trajectory agrees to 1e-9 over ${c.trajectories[key].steps} steps`, () => {
          const t = c.trajectories[key];
          const opt = key === "sgd" ? sgd({ lr: t.options.lr!, momentum: t.options.momentum! }) : adam({ lr: t.options.lr! });
          const run = runSync(p, opt, { from: Array.from(x0), steps: t.steps });
          expect(run.steps).toBe(t.steps);
          for (let k = 0; k <= t.steps; k++) {
            expect(relErr(run.xs[k]!, t.xs[k]!), `step ${k}`).toBeLessThan(1e-9);
            expect(Math.abs(run.losses[k]! - t.losses[k]!) / Math.abs(t.losses[k]!), `loss ${k}`).toBeLessThan(1e-9);
          }
        });
      }
    });
  }
});
