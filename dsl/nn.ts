/**
 * `nn.*`: small neural networks as objectives over their params tree.
 *
 * - `nn.mlp(sizes, { activation?, outputActivation?, init?, seed? })` → an `Mlp` with `params`
 *   (`[{ W, b }, ...]`, `W` shaped [out][in] like `torch.nn.Linear.weight`) and
 *   `forward(params, X)`.
 * - `nn.loss(model, { x, y }, "mse" | "cross-entropy" | "bce")` → a `NetLoss`: `value(p)`,
 *   `grad(p)` (a tree), `valueAndGrad(p)`, `hvp(p, v)` (exact, Pearlmutter's R-operator), accepted
 *   by `optimize`, `compare`, `gradcheck`, `theory` and `curvature` (it is an engine `Problem`
 *   with data rows: `batchSize`/`seed` give mini-batches; `backend: "wasm"` etc. runs the same
 *   network on TensorFlow.js).
 * - `nn.activationStats(model, params, X)`: mean, std, saturated and dead fractions per layer.
 *
 * @example
 * const model = nn.mlp([2, 16, 1], { activation: "tanh", seed: 0 });
 * const L = nn.loss(model, { x: [[0, 1], [1, 0]], y: [[1], [0]] }, "mse");
 * const run = optimize(L, adam({ lr: 0.01 }), { from: model.params, steps: 200 });
 * run.params; // [{ W, b }, { W, b }]
 */
import { DISPLAY, escapeHtml, type MimeBundle } from "../src/display/index.js";
import { DslError, describe } from "../src/errors/index.js";
import {
  ACTIVATIONS,
  INITS,
  LOSSES,
  NetLossProblem,
  NetSpec,
  activationLatex,
  initialParams,
  layerStats,
  lossLatex,
  type Activation,
  type InitSpec,
  type LayerStats,
  type LossKind,
  type NetData,
  type Targets,
} from "../src/nn/index.js";
import type { DataProblem, Problem } from "../src/problem/index.js";
import type { TfjsEngine } from "../src/backends/index.js";
import { F32NetProblem, runNetOnTensors } from "../src/nn/index.js";
import { parseStart, runAsync, type Run, type RunOptions, type Transform } from "../src/optim/index.js";
import { layoutOf, type Layout, type Tree } from "../src/tree/index.js";

export { ACTIVATIONS, INITS, LOSSES, type Activation, type InitSpec, type LayerStats, type LossKind };

/** A params tree of a network: one `{ W, b }` per layer. */
export type MlpParams = { W: number[][]; b: number[] }[];

/** Options of `nn.mlp`. */
export interface MlpOptions {
  /** Hidden layers' activation (default "tanh"): "tanh", "relu", "sigmoid", "identity", "softplus", "gelu". */
  activation?: Activation;
  /** The last layer's activation (default "identity": logits for cross-entropy and bce). */
  outputActivation?: Activation;
  /** How `params` is drawn (default "torch": as torch.nn.Linear), or a function (shape, { rng }) => W. */
  init?: InitSpec;
  /** Seed of the init's random stream (default 0). */
  seed?: number;
}

const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
};

function checkActivation(a: unknown, who: string, key: string): Activation {
  if (typeof a === "string" && (ACTIVATIONS as readonly string[]).includes(a)) return a as Activation;
  throw new DslError("bad-option", `${who}: ${key} must be one of ${ACTIVATIONS.map((s) => `"${s}"`).join(", ")}, got ${describe(a)}`, { path: `${who}.${key}` });
}

/** A multilayer perceptron: its architecture and initial params (see `nn.mlp`). */
export class Mlp {
  /** @internal */
  readonly spec: NetSpec;
  /** The initial params tree `[{ W, b }, ...]` (a fresh copy each time it is read). */
  get params(): MlpParams {
    return this.spec.unflatten(this.initial);
  }

  /** @internal use `nn.mlp`. */
  constructor(
    readonly sizes: readonly number[],
    readonly activation: Activation,
    readonly outputActivation: Activation,
    readonly init: InitSpec,
    readonly seed: number,
    /** @internal */ readonly initial: Float64Array,
    spec: NetSpec,
  ) {
    this.spec = spec;
  }

  /** Number of scalar parameters. */
  get size(): number {
    return this.spec.n;
  }

  /**
   * The network's outputs for the inputs `X` ([samples][features]) at `params` (a params tree or
   * a flat vector): [samples][outputs].
   */
  forward(params: MlpParams | ArrayLike<number> | unknown, X: readonly (readonly number[])[]): number[][] {
    const x = this.spec.flattenInto(params, new Float64Array(this.spec.n), "forward.params");
    const data = readInputs(X, this.spec.inputs, "forward.X");
    const p = new NetLossProblem(this.spec, "mse", { samples: data.samples, X: data.X, Y: { kind: "real", values: new Float64Array(data.samples * this.spec.outputs) } });
    const acts = p.activations(x, null);
    const out = acts[acts.length - 1]!.A;
    const K = this.spec.outputs;
    return Array.from({ length: data.samples }, (_, s) => Array.from(out.subarray(s * K, s * K + K)));
  }

  /** Layer equations in LaTeX (h₀ = x). */
  latex(): string {
    const L = this.spec.layers.length;
    return this.spec.layers
      .map((layer, l) => {
        const lhs = l === L - 1 ? "\\hat y" : `h_{${l + 1}}`;
        const inp = l === 0 ? "x" : `h_{${l}}`;
        return `${lhs} &= ${activationLatex(layer.activation, `W_{${l + 1}} ${inp} + b_{${l + 1}}`)}`;
      })
      .join(" \\\\ ");
  }

  /** The architecture as table rows: layer, W shape, activation, parameters. */
  rows(): [string, string, string, string][] {
    return this.spec.layers.map((L, l) => [`${l}`, `${L.out}×${L.in}`, L.activation, `${L.out * L.in + L.out}`]);
  }

  toString(): string {
    return `mlp(${this.sizes.join("→")}, ${this.activation}${this.outputActivation !== "identity" ? `, output ${this.outputActivation}` : ""}; ${this.size} params)`;
  }

  [DISPLAY](): MimeBundle {
    return {
      "text/plain": this.toString(),
      "text/latex": `$$\\begin{aligned} ${this.latex()} \\end{aligned}$$`,
      "text/html": architectureHtml(this, this.toString()),
    };
  }
}

function architectureHtml(model: Mlp, caption: string, extra = ""): string {
  const head = ["layer", "W shape [out×in]", "activation", "params"];
  const body = model.rows().map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("");
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${body}<tr><td colspan="3"><b>total</b></td><td><b>${model.size}</b></td></tr></tbody></table>${extra}`;
}

/**
 * A multilayer perceptron with layer sizes `sizes` (inputs, hidden..., outputs): each layer is
 * x ↦ f(W x + b) with `W` [out][in]; hidden layers use `activation`, the last `outputActivation`.
 *
 * @param sizes - at least two positive integers, e.g. [2, 64, 64, 1].
 * @param options - `{ activation = "tanh", outputActivation = "identity", init = "torch", seed = 0 }`.
 * @example
 * const model = nn.mlp([2, 8, 1], { activation: "relu", seed: 1 });
 * model.params[0].W.length; // 8
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Mlp {
  const who = "nn.mlp";
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new DslError("bad-argument", `${who}: sizes must be at least two positive integers (inputs, hidden..., outputs), e.g. [2, 16, 1], got ${describe(sizes)}`, { path: `${who}.sizes` });
  }
  // a size bound (issue 16): [2, 1e9, 1] failed with "RangeError: Array buffer allocation failed"
  const nParams = sizes.slice(1).reduce((a, out, l) => a + (sizes[l]! + 1) * out, 0);
  if (nParams > 2 ** 24) throw new DslError("bad-argument", `${who}: sizes ${describe(sizes)} make ${nParams.toExponential(2)} parameters; at most 2^24 = ${2 ** 24} fit one float64 model here`, { path: `${who}.sizes` });
  if (options === null || typeof options !== "object") throw new DslError("bad-options", `${who}: expected options { activation?, outputActivation?, init?, seed? }, got ${describe(options)}`, { path: who });
  for (const k of Object.keys(options)) {
    if (!["activation", "outputActivation", "init", "seed"].includes(k)) throw new DslError("bad-option", `${who}: unknown option '${k}' (options: activation, outputActivation, init, seed)`, { path: `${who}.${k}` });
  }
  const activation = checkActivation(options.activation ?? "tanh", who, "activation");
  const outputActivation = checkActivation(options.outputActivation ?? "identity", who, "outputActivation");
  const seed = options.seed ?? 0;
  if (typeof seed !== "number" || !Number.isInteger(seed)) throw new DslError("bad-option", `${who}: seed must be an integer, got ${describe(seed)}`, { path: `${who}.seed` });
  const init = options.init ?? "torch";
  if (typeof init !== "function" && !(INITS as readonly string[]).includes(init as string)) {
    throw new DslError("bad-option", `${who}: init must be one of ${INITS.map((s) => `"${s}"`).join(", ")} or a function (shape, { rng }) => W, got ${describe(init)}`, { path: `${who}.init` });
  }
  const L = sizes.length - 1;
  const spec = new NetSpec(sizes, Array.from({ length: L }, (_, l) => (l === L - 1 ? outputActivation : activation)));
  return new Mlp([...sizes], activation, outputActivation, init, seed, initialParams(spec, init, seed, who), spec);
}

// -- data -------------------------------------------------------------------------------------

function readInputs(x: unknown, features: number, at: string): { samples: number; X: Float64Array } {
  if (!Array.isArray(x) || x.length === 0) throw new DslError("bad-data", `${at}: expected inputs [samples][${features}] (a non-empty array of rows), got ${describe(x)}`, { path: at });
  const S = x.length;
  const X = new Float64Array(S * features);
  for (let s = 0; s < S; s++) {
    const row = features === 1 && typeof x[s] === "number" ? [x[s]] : x[s];
    if (!(Array.isArray(row) || ArrayBuffer.isView(row)) || (row as ArrayLike<number>).length !== features) {
      throw new DslError("bad-data", `${at}[${s}]: expected a row of ${features} number${features === 1 ? "" : "s"} (the model's inputs), got ${describe(row)}`, { path: `${at}[${s}]` });
    }
    for (let i = 0; i < features; i++) {
      const v = (row as ArrayLike<unknown>)[i];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new DslError("bad-data", `${at}[${s}][${i}]: expected a finite number, got ${describe(v)}`, { path: `${at}[${s}][${i}]` });
      X[s * features + i] = v;
    }
  }
  return { samples: S, X };
}

function readTargets(y: unknown, kind: LossKind, samples: number, K: number, at: string): Targets {
  if (!Array.isArray(y) || y.length !== samples) {
    const what = kind === "cross-entropy" ? `${samples} class indices in 0..${K - 1}` : `targets [${samples}][${K}]`;
    throw new DslError("bad-data", `${at}: expected ${what} (one per row of x), got ${describe(y)}`, { path: at });
  }
  if (kind === "cross-entropy") {
    if (K < 2) throw new DslError("bad-data", `${at}: cross-entropy needs a model with at least 2 outputs (one logit per class), this one has ${K}`, { path: at });
    const classes = new Int32Array(samples);
    y.forEach((c, s) => {
      if (!Number.isInteger(c) || c < 0 || c >= K) throw new DslError("bad-data", `${at}[${s}]: expected a class index in 0..${K - 1}, got ${describe(c)}`, { path: `${at}[${s}]` });
      classes[s] = c;
    });
    return { kind: "class", classes };
  }
  const values = readInputs(y, K, at).X;
  if (kind === "bce") {
    const bad = values.findIndex((v) => v < 0 || v > 1);
    if (bad >= 0) throw new DslError("bad-data", `${at}[${Math.floor(bad / K)}]: bce targets are probabilities in [0, 1], got ${values[bad]}`, { path: `${at}[${Math.floor(bad / K)}]` });
  }
  return { kind: "real", values };
}

// -- the loss ---------------------------------------------------------------------------------

/**
 * A network's loss on data, as an objective over its params tree (see `nn.loss`). It is an
 * engine `Problem` (float64, allocation-free per step) with data rows for mini-batches.
 */
export class NetLoss implements Problem {
  readonly n: number;
  readonly data: DataProblem;
  /** The params tree's layout (paths `[0].W`, `[0].b`, ...). */
  readonly layout: Layout;
  /** The model's initial params, flat (the default start). */
  readonly initial: Float64Array;
  /** @internal */
  readonly core: NetLossProblem;

  /** @internal use `nn.loss`. */
  constructor(readonly model: Mlp, readonly kind: LossKind, readonly dataset: NetData) {
    this.core = new NetLossProblem(model.spec, kind, dataset);
    this.n = model.spec.n;
    this.data = this.core.data;
    this.layout = layoutOf(model.params as unknown as Tree);
    this.initial = model.initial;
  }

  get names(): readonly string[] {
    return this.core.names;
  }
  /** Number of data rows. */
  get samples(): number {
    return this.dataset.samples;
  }
  valueAt(x: Float64Array): number {
    return this.core.valueAt(x);
  }
  valueAndGradInto(x: Float64Array, g: Float64Array): number {
    return this.core.valueAndGradInto(x, g);
  }
  hvpInto(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.core.hvpInto(x, v, out);
  }
  hessianInto(x: Float64Array, H: Float64Array): void {
    this.core.hessianInto(x, H);
  }

  /** A params tree (or n numbers) as the flat vector; errors name the path. */
  point(p: unknown, what = "params"): Float64Array {
    return this.model.spec.flattenInto(p, new Float64Array(this.n), what);
  }

  /** The loss at `params`. */
  value(params: MlpParams | ArrayLike<number> | unknown): number {
    return this.core.valueAt(this.point(params, "value(params)"));
  }
  /** The gradient at `params`, as a params tree. */
  grad(params: MlpParams | ArrayLike<number> | unknown): MlpParams {
    return this.valueAndGrad(params).grad;
  }
  /** Value and gradient tree in one pass. */
  valueAndGrad(params: MlpParams | ArrayLike<number> | unknown): { value: number; grad: MlpParams } {
    const g = new Float64Array(this.n);
    const value = this.core.valueAndGradInto(this.point(params, "valueAndGrad(params)"), g);
    return { value, grad: this.model.spec.unflatten(g) };
  }
  /** ∇²L(params)·v (exact, by the R-operator), as a params tree. */
  hvp(params: MlpParams | ArrayLike<number> | unknown, v: MlpParams | ArrayLike<number> | unknown): MlpParams {
    const out = new Float64Array(this.n);
    this.core.hvpInto(this.point(params, "hvp(params)"), this.point(v, "hvp(v)"), out);
    return this.model.spec.unflatten(out);
  }
  /**
   * @internal `optimize(loss, opt, { backend: "wasm" | "cpu" | "webgpu" | ... })` runs here: the
   * same network on TensorFlow.js (float32), see src/nn/tfjs-run.ts.
   */
  runOnTensors(engine: TfjsEngine, transform: Transform, options: RunOptions & { backend?: string; signal?: AbortSignal }, who = "optimize"): Promise<Run> {
    const x0 = parseStart(this, options.from, who);
    const { from: _f, backend: _b, ...rest } = options as RunOptions & { backend?: string };
    // "wasm": optlab's own float32 WebAssembly SIMD engine (src/nn/f32-engine.ts) on the float64
    // runner, unless NetLoss.tfjsWasm asks for tfjs-wasm's kernels
    if (engine.name === "wasm" && !NetLoss.tfjsWasm && F32NetProblem.available() && !transform.needs?.includes("float64")) {
      this.f32 ??= new F32NetProblem(this.model.spec, this.kind, this.dataset, this.layout, this.initial);
      return runAsync(this.f32, transform, { ...rest, from: x0 } as RunOptions, who).then((run) => {
        run.message = `${run.message ? `${run.message} ` : ""}[WebAssembly SIMD, float32]`;
        return run;
      });
    }
    return runNetOnTensors(engine, this.model.spec, this.kind, this.dataset, transform, x0, rest, who);
  }

  /**
   * @internal True to run `backend: "wasm"` on tfjs-wasm's kernels instead of optlab's float32
   * SIMD engine (benchmarks compare the two).
   */
  static tfjsWasm = false;
  private f32?: F32NetProblem;

  /** A flat vector (a run's point) as the params tree. */
  unflatten(x: ArrayLike<number>): MlpParams {
    return this.model.spec.unflatten(x);
  }

  latex(): string {
    return `\\begin{aligned} ${this.model.latex()} \\\\ ${lossLatex(this.kind, this.model.spec.outputs).replace("=", "&=")} \\end{aligned}`;
  }

  toString(): string {
    return `nn.loss(${this.model.toString()}, ${this.kind}, ${this.samples} samples)`;
  }

  [DISPLAY](): MimeBundle {
    return {
      "text/plain": `${this.toString()}\n${this.model.rows().map((r) => `  layer ${r[0]}: W ${r[1]}, ${r[2]}, ${r[3]} params`).join("\n")}`,
      "text/latex": `$$${this.latex()}$$`,
      "text/html": architectureHtml(this.model, this.toString(), `<p>loss: ${escapeHtml(this.kind)} (mean over ${this.samples} samples${this.kind === "cross-entropy" ? ", class-index targets" : ""})</p>`),
    };
  }
}

/**
 * The loss of `model` on data `{ x, y }`: `"mse"` (torch MSELoss: mean over all entries; `y`
 * [samples][outputs], or one number per sample for one output), `"cross-entropy"` (torch
 * CrossEntropyLoss on the outputs as logits; `y` class indices), `"bce"` (torch
 * BCEWithLogitsLoss; `y` in [0, 1]).
 *
 * @example
 * const L = nn.loss(nn.mlp([2, 4, 3], { init: "zeros" }), { x: [[0, 1], [1, 1]], y: [2, 0] }, "cross-entropy");
 * L.value(L.model.params); // log 3 (equal logits)
 */
export function loss(model: Mlp, data: { x: readonly (readonly number[])[] | readonly number[]; y: readonly unknown[] }, kind: LossKind = "mse"): NetLoss {
  const who = "nn.loss";
  if (!(model instanceof Mlp)) throw new DslError("bad-argument", `${who}: expected a model from nn.mlp(...), got ${describe(model)}`, { path: `${who}.model` });
  if (data === null || typeof data !== "object" || !("x" in data) || !("y" in data)) throw new DslError("bad-data", `${who}: expected data { x, y }, got ${describe(data)}`, { path: `${who}.data` });
  if (!(LOSSES as readonly string[]).includes(kind)) throw new DslError("bad-argument", `${who}: kind must be one of ${LOSSES.map((s) => `"${s}"`).join(", ")}, got ${describe(kind)}`, { path: `${who}.kind` });
  const { samples, X } = readInputs(data.x, model.spec.inputs, `${who}.x`);
  const Y = readTargets(data.y, kind, samples, model.spec.outputs, `${who}.y`);
  return new NetLoss(model, kind, { samples, X, Y });
}

// -- activation statistics --------------------------------------------------------------------

/** Activation statistics per layer at a point (see `nn.activationStats`). */
export class ActivationStats {
  constructor(readonly layers: readonly LayerStats[], readonly samples: number) {}

  toString(): string {
    return this.layers.map((s) => `layer ${s.layer} (${s.activation}, ${s.units} units): mean ${fmt(s.mean)}, std ${fmt(s.std)}, saturated ${(100 * s.saturated).toFixed(1)}%, dead ${(100 * s.dead).toFixed(1)}%`).join("\n");
  }

  [DISPLAY](): MimeBundle {
    const head = ["layer", "activation", "units", "mean", "std", "min", "max", "saturated", "dead units"];
    const body = this.layers
      .map((s) => [String(s.layer), s.activation, String(s.units), fmt(s.mean), fmt(s.std), fmt(s.min), fmt(s.max), `${(100 * s.saturated).toFixed(1)}%`, `${(100 * s.dead).toFixed(1)}%`])
      .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
      .join("");
    return {
      "text/plain": this.toString(),
      "text/html": `<table><caption>activations over ${this.samples} samples (saturated: f′ below 5% of its maximum; dead: saturated on every sample)</caption><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table>`,
    };
  }
}

/**
 * Statistics of each layer's activations at `params` over the inputs `X`: mean, std, min, max,
 * the fraction of saturated entries (f′ below 5% of its largest slope: tanh/sigmoid near their
 * asymptotes, ReLU off) and of dead units (saturated on every sample).
 *
 * @example
 * const model = nn.mlp([1, 32, 32, 1], { activation: "sigmoid", init: "zeros" });
 * nn.activationStats(model, model.params, [[0], [1]]).layers[0].std; // 0
 */
export function activationStats(model: Mlp, params: MlpParams | ArrayLike<number> | unknown, X: readonly (readonly number[])[]): ActivationStats {
  if (!(model instanceof Mlp)) throw new DslError("bad-argument", `nn.activationStats: expected a model from nn.mlp(...), got ${describe(model)}`, { path: "nn.activationStats.model" });
  const x = model.spec.flattenInto(params, new Float64Array(model.spec.n), "nn.activationStats.params");
  const data = readInputs(X, model.spec.inputs, "nn.activationStats.X");
  const p = new NetLossProblem(model.spec, "mse", { samples: data.samples, X: data.X, Y: { kind: "real", values: new Float64Array(data.samples * model.spec.outputs) } });
  const acts = p.activations(x, null);
  return new ActivationStats(model.spec.layers.map((L, l) => layerStats(l, L.activation, acts[l]!.Z, data.samples, L.out)), data.samples);
}
