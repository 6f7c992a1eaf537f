/**
 * The float32 optimizer step of `backend: "wasm"` networks: a run's parameters, gradient and
 * optimizer state stay float32 in the engine's WebAssembly memory (./f32-engine.ts) between steps,
 * and one SIMD pass (./f32-step-kernels.ts) updates them, as torch updates a float32 model's
 * parameters in place. The float64 runner (src/optim/run.ts) drives it through the
 * `ResidentStepper` interface (src/optim/resident-step.ts) and reads back only what it records.
 *
 * Which optimizers run here (`planOf`, else the run takes the float64 path unchanged): the aliases
 * `adam` and `adamw` (amsgrad too) and `gd`, `sgd`, `momentum`, `nesterov`, as built by their
 * constructors: the name, the options (each hyperparameter a number or a schedule of the step;
 * per-run arrays are not), and the shape of the state their `init` makes must all match (a chain
 * of the user's own under one of these names, or an alias with its `update` replaced, has a
 * different state or no float64 kernel, and runs on the float64 path; the runner checks the
 * kernel). Every run option works (src/optim/run.ts): mini-batches, validation splits, clipNorm
 * and clipValue (the kernels take its factor and its bound).
 *
 * Arithmetic: torch's single-tensor float32 updates (`_single_tensor_adam`, `_single_tensor_sgd`
 * of PyTorch 1.13), the scalars (bias corrections, −η/(1−β₁ᵗ)) computed in float64 per step and
 * passed as float32, as torch passes Python floats. The trajectory follows the float64 path's to
 * float32 accuracy (test/nn/f32-step.test.ts).
 *
 * Two runs on one network at once (interleaved `optimizeAsync` runs) share the engine's buffers:
 * a run takes them on each call (`acquire`) and the run that held them copies its state out
 * first (`evict`), to be copied back when it continues.
 */
import { float64Ops } from "../backends/index.js";
import type { Optimizer, ResidentStepper, Transform } from "../optim/index.js";
import type { F32NetProblem, ResidentSlot } from "./f32-engine.js";
import type { StepKernels } from "./f32-step-kernels.js";

/** A hyperparameter this path reads: a number or a schedule of the step. */
type H = number | ((step: number) => number);

/** What one step does, read from the optimizer's options (see `planOf`). */
export type StepPlan =
  | { kind: "adam"; lr: H; b1: H; b2: H; eps: H; weightDecay: H; decoupled: boolean; amsgrad: boolean }
  | { kind: "sgd"; lr: H; momentum: H; dampening: H; nesterov: boolean; weightDecay: H };

const at = (h: H, k: number): number => (typeof h === "number" ? h : h(k));
const hyper = (v: unknown): H | undefined => (typeof v === "number" || typeof v === "function" ? (v as H) : undefined);
/** Nonzero or scheduled: in the chain (as `active` of src/optim/named.ts). */
const active = (h: H): boolean => h !== 0;

/** The state's shape check: a record with these keys. */
const has = (s: unknown, ...keys: string[]): boolean => s !== null && typeof s === "object" && keys.every((k) => k in (s as object));

/**
 * The plan of a built-in optimizer this path runs, or null (see the file comment): the alias's
 * name and options, and the state its `init` makes for one parameter, which must be the alias's
 * chain ([L2 decay], Adam, [decoupled decay], lr step / [L2], [momentum], lr step).
 */
export function planOf(optimizer: Transform): StepPlan | null {
  const o = optimizer as Partial<Optimizer>;
  const opts = o.options;
  if (!opts || typeof o.name !== "string" || (optimizer.needs?.length ?? 0) > 0) return null;
  let state: unknown;
  try {
    state = optimizer.init(new Float64Array(1), float64Ops);
  } catch {
    return null;
  }
  if (!Array.isArray(state)) return null;
  const lr = hyper(opts.lr);
  const wd = opts.weightDecay === undefined ? 0 : hyper(opts.weightDecay);
  if (lr === undefined || wd === undefined) return null;
  if (o.name === "adam" || o.name === "adamw") {
    const betas = opts.betas as unknown[] | undefined;
    const b1 = hyper(betas?.[0]), b2 = hyper(betas?.[1]), eps = hyper(opts.eps);
    if (b1 === undefined || b2 === undefined || eps === undefined || typeof opts.amsgrad !== "boolean") return null;
    const decoupled = o.name === "adamw";
    const i = decoupled || !active(wd) ? 0 : 1; // where Adam's state sits in the chain's
    if (state.length !== (active(wd) ? 3 : 2) || !has(state[i], "count", "mu", "nu", "nuMax") || !has(state.at(-1), "count")) return null;
    return { kind: "adam", lr, b1, b2, eps, weightDecay: wd, decoupled, amsgrad: opts.amsgrad };
  }
  if (o.name === "gd" || o.name === "sgd" || o.name === "momentum" || o.name === "nesterov") {
    const momentum = opts.momentum === undefined ? 0 : hyper(opts.momentum);
    const dampening = opts.dampening === undefined ? 0 : hyper(opts.dampening);
    const nesterov = opts.nesterov ?? (o.name === "nesterov");
    if (momentum === undefined || dampening === undefined || typeof nesterov !== "boolean") return null;
    const n = (active(wd) ? 1 : 0) + (active(momentum) ? 1 : 0) + 1;
    if (state.length !== n || (active(momentum) && !has(state[n - 2], "count", "buf"))) return null;
    return { kind: "sgd", lr, momentum, dampening, nesterov, weightDecay: wd };
  }
  return null;
}

const f = Math.fround;
/** clip_grad_value_: g within [−c, c] (NaN stays NaN), as the kernels' max then min. */
const clamp = (g: number, c: number): number => (g < -c ? -c : g > c ? c : g);

/** One run's steps on the engine's buffers (see the file comment). */
export class F32Stepper implements ResidentStepper {
  /** The state copied out while another run holds the buffers, or null. */
  private saved: Float32Array[] | null = null;
  private released = false;
  private readonly n: number;
  private readonly nv: number;

  /**
   * @param rows - the rows of the run's loss (its training rows), or null for all of them; the
   *   slot is in the workspace of that many rows.
   */
  constructor(private readonly engine: F32NetProblem, private readonly slot: ResidentSlot, private readonly kernels: StepKernels, readonly plan: StepPlan, private readonly rows: Int32Array | null = null) {
    this.n = engine.n;
    this.nv = this.n >> 2;
  }

  /** Takes the buffers (the holder copies its state out first; this run's comes back in). */
  private acquire(): void {
    const slot = this.slot;
    if (slot.holder === this) return;
    slot.holder?.evict();
    if (this.saved) slot.views.forEach((v, i) => v.set(this.saved![i]!));
    slot.holder = this;
    this.released = false;
  }

  /** Another run takes the buffers: keep this run's state (unless it is over). */
  evict(): void {
    if (!this.released) this.saved = this.slot.views.map((v) => Float32Array.from(v));
    this.slot.holder = null;
  }

  load(x: Float64Array): void {
    this.acquire();
    const { W, M, V, X } = this.slot;
    W.set(x);
    M.fill(0);
    V.fill(0);
    X.fill(0);
  }

  evaluate(): number {
    this.acquire();
    return this.engine.evaluateResident(this.slot, this.rows);
  }

  evaluateRows(rows: Int32Array): number {
    this.acquire();
    return this.engine.evaluateResidentRows(this.slot, rows);
  }

  squares(offset: number, size: number): number {
    this.acquire();
    const G = this.slot.G;
    const nv = size >> 2;
    let s = nv > 0 ? this.kernels.sumsq(G.byteOffset + 4 * offset, nv) : 0;
    for (let j = offset + 4 * nv; j < offset + size; j++) s += G[j]! * G[j]!;
    return s;
  }

  update(k: number, clip: number, clipValue: number): number {
    this.acquire();
    const p = this.plan;
    return p.kind === "adam" ? this.adam(p, k, clip, clipValue) : this.sgd(p, k, clip, clipValue);
  }

  private adam(p: Extract<StepPlan, { kind: "adam" }>, k: number, clip: number, cv: number): number {
    const t = k + 1;
    const b1 = at(p.b1, k), b2 = at(p.b2, k), eps = at(p.eps, k), lr = at(p.lr, k), wd = at(p.weightDecay, k);
    // float64 scalars, as torch's Python floats; float32 from here on
    const s = -lr / (1 - Math.pow(b1, t));
    const c2 = 1 / Math.sqrt(1 - Math.pow(b2, t));
    const sd = p.decoupled ? -lr * wd : 0, wd2 = p.decoupled ? 0 : wd;
    const { W, G, M, V, X } = this.slot;
    const kern = p.amsgrad ? this.kernels.adamAms : this.kernels.adam;
    let flags = kern(W.byteOffset, G.byteOffset, M.byteOffset, V.byteOffset, X.byteOffset, this.nv, b1, 1 - b1, b2, 1 - b2, c2, eps, s, sd, wd2, clip, cv);
    // the last n mod 4 entries, operation for operation in float32
    const B1 = f(b1), W1 = f(1 - b1), B2 = f(b2), W2 = f(1 - b2), C2 = f(c2), E = f(eps), S = f(s), SD = f(sd), WD = f(wd2), C = f(clip), CV = f(cv);
    for (let j = 4 * this.nv; j < this.n; j++) {
      const w = W[j]!;
      const g = f(clamp(f(G[j]! * C), CV) + f(WD * w));
      const m = (M[j] = f(f(B1 * M[j]!) + f(W1 * g)));
      let v = (V[j] = f(f(B2 * V[j]!) + f(W2 * f(g * g))));
      if (p.amsgrad) v = X[j] = Math.max(X[j]!, v);
      const u = f(f(S * f(m / f(f(C2 * f(Math.sqrt(v))) + E))) + f(SD * w));
      const wn = (W[j] = f(w + u));
      if (u !== 0) flags |= 1;
      if (wn !== w) flags |= 2;
    }
    return flags;
  }

  private sgd(p: Extract<StepPlan, { kind: "sgd" }>, k: number, clip: number, cv: number): number {
    const mu = at(p.momentum, k), hasBuf = active(p.momentum);
    const first = k === 0;
    const damp = first ? 0 : 1 - at(p.dampening, k);
    const wd = at(p.weightDecay, k), s = -at(p.lr, k);
    const { W, G, X: B } = this.slot; // X holds the momentum buffer
    let flags = this.kernels.sgd(W.byteOffset, G.byteOffset, B.byteOffset, this.nv, first ? 1 : 0, p.nesterov ? 1 : 0, hasBuf ? 1 : 0, clip, wd, mu, damp, s, cv);
    const MU = f(mu), D = f(damp), WD = f(wd), S = f(s), C = f(clip), CV = f(cv);
    for (let j = 4 * this.nv; j < this.n; j++) {
      const w = W[j]!;
      const g = f(clamp(f(G[j]! * C), CV) + f(WD * w));
      let b = g;
      if (hasBuf) {
        if (!first) b = f(f(MU * B[j]!) + f(D * g));
        B[j] = b;
        if (p.nesterov) b = f(g + f(MU * b));
      }
      const u = f(S * b);
      const wn = (W[j] = f(w + u));
      if (u !== 0) flags |= 1;
      if (wn !== w) flags |= 2;
    }
    return flags;
  }

  store(out: Float64Array): void {
    this.acquire();
    out.set(this.slot.W);
  }

  release(): void {
    this.released = true;
    this.saved = null;
    if (this.slot.holder === this) this.slot.holder = null;
  }
}
