/**
 * TensorFlow.js functions checked directly: f(p) returns a tf.Scalar; the gradient comes from
 * tf.grads (so a tf.customGrad inside f is what gets checked) or from the user's grad; float32.
 */
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { gradcheck } from "../../dsl/index.js";
import { startTfjs } from "../../src/backends/tfjs.js";

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

describe("order: 2 on a tfjs function", () => {
  test("is refused with the reason (tfjs's nested tf.grads is not a reliable second derivative)", () => {
    expect(() => gradcheck({ f: loss }, { at, order: 2 })).toThrow(/needs an analytic second derivative.*a TensorFlow\.js function has none here/);
  });
});

describe("gradcheck on a tf.LayersModel and on tensor points", () => {
  const xs = tf.tensor2d([[0.3, -1.2], [1.1, 0.4], [0.2, 0.9], [-0.6, 0.1], [0.5, -0.3]]);
  const ys = tf.tensor2d([[0.5], [0.1], [-0.7], [0.4], [0.2]]);
  const net = () =>
    tf.sequential({
      layers: [tf.layers.dense({ name: "hidden", units: 3, inputShape: [2], activation: "tanh", kernelInitializer: tf.initializers.randomUniform({ minval: -0.8, maxval: 0.8, seed: 3 }) }), tf.layers.dense({ name: "out", units: 1, kernelInitializer: tf.initializers.randomUniform({ minval: -0.8, maxval: 0.8, seed: 4 }) })],
    });

  test("its trainable weights are the tree (nested by weight name), its compiled loss the loss; weights restored, no tensor left", () => {
    const model = net();
    model.compile({ loss: "meanSquaredError", optimizer: "sgd" });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const count = tf.memory().numTensors;
    const r = gradcheck({ model, x: xs, y: ys });
    expect(r.verdict, r.message).toBe("pass");
    expect(r.rtol).toBe(1e-3);
    expect(r.params!.map((l) => [l.path, l.size])).toEqual([["hidden.kernel", 6], ["hidden.bias", 3], ["out.kernel", 3], ["out.bias", 1]]);
    expect(r.rows[1]!.name).toBe("hidden.kernel[0,1]");
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    expect(tf.memory().numTensors).toBe(count);
  });

  test("a named loss, a loss function (yTrue, yPred), and f() of the model give the same gradient check", () => {
    const model = net();
    const a = gradcheck({ model, x: xs, y: ys, loss: "meanAbsoluteError" });
    expect(a.verdict, a.message).toBe("pass");
    const b = gradcheck({ model, x: xs, y: ys, loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.meanSquaredError(y, p) as tf.Scalar });
    const c = gradcheck({ model, f: () => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor) as tf.Scalar });
    expect(b.verdict).toBe("pass");
    expect(c.rows.map((r) => r.analytic)).toEqual(b.rows.map((r) => r.analytic));
  });

  test("a wrong tf.customGrad inside the model's loss fails, on every weight", () => {
    const model = net();
    const square = tf.customGrad(((d: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
      save([d]);
      return { value: d.square(), gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => dy.mul(s!).mul(3) }; // 3 instead of 2
    }) as never);
    const r = gradcheck({ model, x: xs, y: ys, loss: (y: tf.Tensor, p: tf.Tensor) => (square(p.sub(y)) as tf.Tensor).mean() as tf.Scalar });
    expect(r.verdict).toBe("fail");
    expect(r.params!.every((l) => !l.ok)).toBe(true);
    expect(r.message).toMatch(/analytic = 1\.500\d*× the numeric in every entry/);
  });

  test("at for a model: another point (a tree of tensors), the model's own weights untouched", () => {
    const model = net();
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const at = { hidden: { kernel: tf.fill([2, 3], 0.2), bias: tf.zeros([3]) }, out: { kernel: tf.fill([3, 1], -0.4), bias: tf.scalar(0.1).reshape([1]) } };
    const r = gradcheck({ model, x: xs, y: ys, loss: "meanSquaredError" }, { at });
    expect(r.verdict, r.message).toBe("pass");
    expect(r.value).toBeCloseTo(tf.tidy(() => ys.sub(tf.tanh(xs.matMul(tf.fill([2, 3], 0.2))).matMul(tf.fill([3, 1], -0.4)).add(0.1)).square().mean().dataSync()[0]!), 6);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    Object.values(at).forEach((l) => Object.values(l).forEach((t) => t.dispose()));
  });

  test("a model target without a loss, or with a wrong-shaped at, is a DslError naming what is missing", () => {
    const model = net();
    expect(() => gradcheck({ model, x: xs, y: ys })).toThrow(/loss must be \(yTrue, yPred\) => tf\.Scalar or one of "meanSquaredError"/);
    expect(() => gradcheck({ model })).toThrow(/needs f: \(\) => tf\.Scalar, or data x and y/);
    expect(() => gradcheck({ model, x: xs, y: ys, loss: "mse" }, { at: { hidden: { kernel: [[1, 2]], bias: [0, 0, 0] }, out: { kernel: [[1], [1], [1]], bias: [0] } } })).toThrow(/hidden\.kernel must have the shape \[2, 3\]/);
  });

  test("tensors as the point: a tree of tf.Tensor leaves, or one tensor, checks as the same arrays would", () => {
    const W = tf.tensor2d(at.W);
    const b = tf.tensor1d(at.b);
    const r = gradcheck({ f: loss }, { at: { W, b } });
    const ref = gradcheck({ f: loss }, { at });
    expect(r.verdict).toBe("pass");
    expect(r.rows.map((x) => x.name)).toEqual(ref.rows.map((x) => x.name));
    expect(r.rows.map((x) => x.analytic)).toEqual(ref.rows.map((x) => x.analytic));
    const v = tf.tensor1d([0.3, -0.7, 1.2]);
    const f = (x: tf.Tensor1D) => x.square().sum().mul(0.5) as tf.Scalar;
    expect(gradcheck({ f }, { at: v }).rows.map((x) => x.name)).toEqual(["x[0]", "x[1]", "x[2]"]);
    // Plain user code given tensors gets their values.
    const plain = gradcheck({ f: (p: number[]) => p[0]! * p[1]!, grad: (p: number[]) => [p[1]!, p[0]!] }, { at: tf.tensor1d([0.5, 2]) });
    expect(plain.verdict).toBe("pass");
    [W, b, v].forEach((t) => t.dispose());
  });
});

describe("on tfjs's wasm backend", () => {
  beforeAll(async () => {
    await startTfjs("wasm");
    await tf.setBackend("wasm");
  });
  afterAll(async () => {
    await tf.setBackend("cpu");
  });

  test("a tfjs loss, a wrong customGrad and a LayersModel are judged as on cpu", () => {
    expect(tf.getBackend()).toBe("wasm");
    expect(gradcheck({ f: loss }, { at }).verdict).toBe("pass");
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3], activation: "tanh", kernelInitializer: tf.initializers.randomUniform({ minval: -0.8, maxval: 0.8, seed: 5 }) }), tf.layers.dense({ units: 2 })] });
    const count = tf.memory().numTensors;
    const r = gradcheck({ model, x: X, y: T, loss: "meanSquaredError" });
    expect(r.verdict, r.message).toBe("pass");
    expect(r.params!.length).toBe(4);
    expect(tf.memory().numTensors).toBe(count);
    const square = tf.customGrad(((d: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
      save([d]);
      return { value: d.square(), gradFunc: (dy: tf.Tensor, [v]: tf.Tensor[]) => dy.mul(v!) }; // 1 instead of 2
    }) as never);
    const bad = gradcheck({ model, x: X, y: T, loss: (y: tf.Tensor, p: tf.Tensor) => (square(p.sub(y)) as tf.Tensor).mean() as tf.Scalar });
    expect(bad.verdict).toBe("fail");
    model.dispose();
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
