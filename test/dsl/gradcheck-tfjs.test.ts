/**
 * TensorFlow.js functions checked directly: f(p) returns a tf.Scalar; the gradient comes from
 * tf.grads (so a tf.customGrad inside f is what gets checked) or from the user's grad; float32.
 */
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import ts from "typescript";
import { beforeAll, describe, expect, test } from "vitest";
import { gradcheck } from "../../dsl/index.js";

type Tp = { W: tf.Tensor2D; b: tf.Tensor1D };
const X = tf.tensor2d([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5], [0.2, 0.9, -1.4], [-0.6, 0.1, 0.8]]);
const T = tf.tensor2d([[0.5, -0.2], [0.1, 0.3], [-0.7, 0.2], [0.4, 0.6]]);
const at = { W: [[0.1, -0.4, 0.2], [0.5, 0.3, -0.2]], b: [0.05, -0.1] };
const loss = (p: Tp) => tf.tanh(X.matMul(p.W, false, true).add(p.b)).sub(T).square().mean() as tf.Scalar;

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

describe("gradcheck on TensorFlow.js functions", () => {
  test("a tfjs loss over a tree of tensors passes with tf.grads, as float32, without leaking tensors", () => {
    const before = tf.memory().numTensors;
    const r = gradcheck({ f: loss }, { at });
    expect(r.verdict).toBe("pass");
    expect(r.rtol).toBe(1e-3);
    expect(r.params!.map((l) => [l.path, l.ok])).toEqual([["W", true], ["b", true]]);
    expect(r.rows[0]!.name).toBe("W[0,0]");
    expect(tf.memory().numTensors).toBe(before);
  });

  test("a flat point gives f one tensor", () => {
    const r = gradcheck({ f: (x: tf.Tensor1D) => x.square().sum().mul(0.5).add(x.sin().sum()) as tf.Scalar }, { at: [0.3, -0.7, 1.2] });
    expect(r.verdict).toBe("pass");
  });

  test("a wrong tf.customGrad is caught; a correct one passes", () => {
    const softplus = (bug: number) =>
      tf.customGrad(((x: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
        save([x]);
        return { value: tf.softplus(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => dy.mul(tf.sigmoid(saved[0]!)).mul(bug) };
      }) as never);
    const f = (bug: number) => (x: tf.Tensor1D) => (softplus(bug)(x.mul(2)) as tf.Tensor).sum() as tf.Scalar;
    expect(gradcheck({ f: f(1) }, { at: [0.3, -0.7, 1.2] }).verdict).toBe("pass");
    const bad = gradcheck({ f: f(1.05) }, { at: [0.3, -0.7, 1.2] });
    expect(bad.verdict).toBe("fail");
    expect(bad.failures.length).toBe(3);
  });

  test("a hand-written gradient returning tensors is checked; a missing factor 2 fails on W only", () => {
    const grad = (p: Tp, factor: number) => {
      const z = tf.tanh(X.matMul(p.W, false, true).add(p.b));
      const dz = z.sub(T).mul(2 / 8).mul(tf.scalar(1).sub(z.square()));
      return { W: dz.transpose().matMul(X).mul(factor), b: dz.sum(0) };
    };
    expect(gradcheck({ f: loss, grad: (p: Tp) => grad(p, 1) }, { at }).verdict).toBe("pass");
    const r = gradcheck({ f: loss, grad: (p: Tp) => grad(p, 0.5) }, { at });
    expect(r.verdict).toBe("fail");
    expect(r.params!.map((l) => l.ok)).toEqual([false, true]);
  });
});

describe("docs/readme/gradcheck.md, TensorFlow.js blocks (```ts tfjs)", () => {
  const md = readFileSync(new URL("../../docs/readme/gradcheck.md", import.meta.url), "utf8");
  const blocks = [...md.matchAll(/```ts tfjs\n([\s\S]*?)```/g)].map((m) => m[1]!);

  test("there is one", () => expect(blocks.length).toBeGreaterThanOrEqual(1));

  test.each(blocks.map((b, i) => [i, b] as const))("block %i runs and prints what it says, leaving no tensors", (_i, block) => {
    const expected: unknown[] = [];
    const body = block
      .split("\n")
      .map((l) => {
        const m = /^(\s*)console\.log\((.*)\); \/\/ (.*)$/.exec(l);
        if (!m) return l;
        expected.push(JSON.parse(m[3]!));
        return `${m[1]}__log(${m[2]});`;
      })
      .join("\n");
    const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    const printed: unknown[] = [];
    const before = tf.memory().numTensors;
    tf.tidy(() => new Function("tf", "gradcheck", "__log", js)(tf, gradcheck, (v: unknown) => printed.push(JSON.parse(JSON.stringify(v)))));
    expect(printed).toEqual(expected);
    expect(tf.memory().numTensors).toBe(before);
  });
});
