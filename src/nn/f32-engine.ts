/**
 * A network's loss in float32 on WebAssembly SIMD: the same network and loss as
 * `NetLossProblem` (./loss-problem.ts), with every matrix product an f32x4 kernel that optlab
 * emits at run time (./wasm-gemm.ts: register blocks of 4 rows × 8 columns, fused multiply-adds
 * by relaxed SIMD where available, else mul then add) over one WebAssembly memory allocated once
 * per batch size; relu, tanh and sigmoid layers run a SIMD kernel for the activation and its
 * derivative (tanh by Eigen's rational approximation, sigmoid by Cephes' expf, within a few
 * float32 ulp). It is a
 * `Problem` of the float64 runner (src/optim/run.ts), so a run has every option of the float64
 * engine (mini-batches, clipping, validation splits, early stopping, per-leaf gradient norms) and
 * follows the float64 trajectory to float32 accuracy. Two ways to step:
 *
 * - resident (`residentStepper`, ./f32-step.ts): for the built-in optimizers it runs (adam,
 *   adamw, gd, sgd, momentum, nesterov; with every run option), the parameters, the gradient and
 *   the optimizer's state stay float32 in this engine's memory between steps and one SIMD pass
 *   updates them, as torch does with a float32 model; the runner reads back the loss and the
 *   gradient's squares every step and the point only when its record needs it;
 * - otherwise the runner's float64 path: parameters, state and update float64 (one fused pass of
 *   the built-in transforms), converted to float32 for each forward and reverse pass.
 *
 * Layout ("transposed world", as src/nn/tfjs-run.ts): activations are stored transposed,
 * Hᵀ_l [out × S], so that every product reads the weights as stored ([out][in], the params'
 * own layout: no weight transposes, the parameters convert with one `Float32Array.set`):
 *
 * - forward Zᵀ_l = W_l Hᵀ_{l−1} + b_l (rows of Zᵀ start at b, then C += W·Hᵀ);
 * - ∂L/∂W_l = Δᵀ_l H_{l−1} (A = Δᵀ, B = H_{l−1} row-major: the only transposes are of
 *   activations, [S × width]); for a relu layer, whose Δ is zero wherever a unit is off (about
 *   half the entries), the product skips those terms two rows of Δᵀ at a time
 *   (`F32Arena.gemmSkippingZeros`);
 * - ∂L/∂Hᵀ_{l−1} = W_lᵀ Δᵀ_l (A = W read by columns, B = Δᵀ);
 * - ∂L/∂b_l = Δᵀ_l 1 (row sums).
 *
 * The loss itself (S × outputs values) is computed in float64 by ./losses.ts.
 */
import { DslError } from "../errors/index.js";
import { activate } from "./activations.js";
import { lossValueAndGrad, type LossKind } from "./losses.js";
import { NetProblemBase, type NetData } from "./loss-problem.js";
import type { NetSpec } from "./net.js";
import type { Transform } from "../optim/index.js";
import { F32Stepper, planOf } from "./f32-step.js";
import { stepKernels } from "./f32-step-kernels.js";
import { F32Arena, GEMM_ADD, gemmModule } from "./wasm-gemm.js";

/**
 * @internal The buffers of resident runs (./f32-step.ts) in the memory of the workspace of the
 * rows their loss is over (all rows, or a validation split's training rows): parameters W, gradient G, Adam's moments M and V, and X (AMSGrad's max of v, or SGD's momentum
 * buffer), n float32 each; `holder` is the run that has them now.
 */
export interface ResidentSlot {
  readonly W: Float32Array;
  readonly G: Float32Array;
  readonly M: Float32Array;
  readonly V: Float32Array;
  readonly X: Float32Array;
  readonly views: readonly Float32Array[];
  holder: F32Stepper | null;
}

interface Workspace {
  S: number;
  arena: F32Arena;
  /** Parameters and gradient, flat in the params' layout. */
  P: Float32Array;
  G: Float32Array;
  /** Inputs row-major [S × in] and transposed [in × S]. */
  X: Float32Array;
  XT: Float32Array;
  /** What X holds: all data rows or the last gathered rows. */
  x: "all" | "rows" | "none";
  /** Per layer, transposed [out × S]: pre-activations, activations, f', ∂L/∂H, Δ. */
  Z: Float32Array[];
  H: Float32Array[];
  D: Float32Array[];
  GH: Float32Array[];
  Delta: Float32Array[];
  /** Row-major copies of the hidden activations [S × out] (B of the weight gradients). */
  HR: Float32Array[];
  /** The output and its gradient in float64, row-major [S × K], for ./losses.ts. */
  O: Float64Array;
  GO: Float64Array;
  /** Scratch of the zero-skipping weight gradients of relu layers (`F32Arena.gemmSkippingZeros`), or null (none, or too large). */
  skip: Float32Array | null;
  /** The buffers of resident runs, in workspaces made for them, else null. */
  slot: ResidentSlot | null;
}

/** Vectors of n float32 a resident slot holds (W, G, M, V, X). */
const SLOT_VECTORS = 5;

/** The most scratch values (16 MiB) the zero-skipping weight gradients may take; past it they run dense. */
const MAX_SKIP_SCRATCH = 1 << 22;

/** out[i·rows + r] = a[r·cols + i]: a [rows × cols] transposed, in tiles of 16 × 16. */
function transpose(a: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const T = 16;
  for (let r0 = 0; r0 < rows; r0 += T) {
    const r1 = Math.min(rows, r0 + T);
    for (let c0 = 0; c0 < cols; c0 += T) {
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = a[r * cols + c]!;
    }
  }
}

/** The float32 WebAssembly SIMD loss of a network (see the file comment). */
export class F32NetProblem extends NetProblemBase {
  private readonly workspaces = new Map<number, Workspace>();

  /**
   * @internal Whether runs may step on this engine's memory (`residentStepper`; default true);
   * false sends every run through the runner's float64 path (benchmarks and tests compare the two).
   */
  static residentSteps = true;

  /** True where WebAssembly SIMD is available (else the engine cannot run). */
  static available(): boolean {
    return gemmModule("f32") !== null;
  }

  /**
   * @param layout - the params tree's layout (per-leaf gradient norms in a run), as `NetLoss` has it.
   * @param initial - the default start (the model's params), as `NetLoss` has it.
   */
  constructor(net: NetSpec, kind: LossKind, dataset: NetData, readonly layout?: unknown, readonly initial?: Float64Array) {
    super(net, kind, dataset);
  }

  /**
   * The buffers for S rows (made once per S; made again, with room for resident runs, when
   * `resident` asks for it and the one there has none, which no resident run holds).
   */
  private workspace(S: number, resident = false): Workspace {
    let ws = this.workspaces.get(S);
    if (ws && (!resident || ws.slot)) return ws;
    const L = this.net.layers;
    const nin = this.net.inputs;
    const width = L.reduce((t, l) => t + l.out, 0);
    const skipNeed = L.reduce((t, l) => (l.activation === "relu" ? Math.max(t, F32Arena.skipScratch(l.out, S)) : t), 0);
    const skipLen = skipNeed <= MAX_SKIP_SCRATCH ? skipNeed : 0;
    const floats = (2 + (resident ? SLOT_VECTORS : 0)) * this.n + 2 * S * nin + 6 * S * width + skipLen + 64 * (L.length * 6 + 9 + SLOT_VECTORS);
    const arena = F32Arena.create(floats);
    if (!arena) {
      throw new DslError("too-large", `backend "wasm": the float32 network engine's buffers for ${S} rows (${(floats * 4 / 2 ** 20).toFixed(0)} MiB) do not fit one WebAssembly memory (2 GiB, or what this process can allocate; a run evaluates the loss over all training rows at every step): use backend "cpu" or "float64", or fewer rows`, { path: "optimize.backend" });
    }
    const mk = (): Float32Array[] => L.map((l) => arena.alloc(S * l.out));
    ws = {
      S, arena, P: arena.alloc(this.n), G: arena.alloc(this.n), X: arena.alloc(S * nin), XT: arena.alloc(S * nin), x: "none",
      Z: mk(), H: mk(), D: mk(), GH: mk(), Delta: mk(),
      HR: L.map((l, i) => (i < L.length - 1 ? arena.alloc(S * l.out) : new Float32Array(0))),
      O: new Float64Array(S * this.net.outputs), GO: new Float64Array(S * this.net.outputs),
      skip: skipLen > 0 ? arena.alloc(skipLen) : null,
      slot: null,
    };
    if (resident) {
      const views = Array.from({ length: SLOT_VECTORS }, () => arena.alloc(this.n));
      const [W, G, M, V, X] = views as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      ws.slot = { W, G, M, V, X, views, holder: null };
    }
    this.workspaces.set(S, ws);
    return ws;
  }

  /** The input rows into ws.X and ws.XT (all rows once; gathered rows at every call). */
  private inputs(ws: Workspace, rows: Int32Array | null): void {
    const nin = this.net.inputs;
    const X = this.dataset.X;
    if (!rows) {
      if (ws.x === "all") return;
      ws.X.set(X);
      ws.x = "all";
    } else {
      ws.x = "rows";
      for (let s = 0; s < rows.length; s++) {
        const r = rows[s]! * nin;
        for (let i = 0; i < nin; i++) ws.X[s * nin + i] = X[r + i]!;
      }
    }
    transpose(ws.X, ws.S, nin, ws.XT);
  }

  /** Loss over `rows` (all when null); with `g`, its gradient too. */
  evaluate(x: Float64Array, rows: Int32Array | null, g: Float64Array | null): number {
    const S = rows ? rows.length : this.dataset.samples;
    const ws = this.workspace(S);
    this.inputs(ws, rows);
    ws.P.set(x);
    const value = this.pass(ws, ws.P, g ? ws.G : null, rows);
    if (g) g.set(ws.G);
    return value;
  }

  /**
   * @internal A stepper that runs `optimizer`'s steps on this engine's memory (./f32-step.ts), or
   * null for an optimizer it does not run (see `planOf`) or without the kernels. The runner
   * decides which runs may use one (src/optim/resident-step.ts).
   */
  residentStepper(optimizer: Transform, rows: Int32Array | null = null): F32Stepper | null {
    if (!F32NetProblem.residentSteps) return null;
    const plan = planOf(optimizer);
    if (!plan) return null;
    const ws = this.workspace(rows ? rows.length : this.dataset.samples, true);
    const kernels = stepKernels(ws.arena.memory);
    return kernels ? new F32Stepper(this, ws.slot!, kernels, plan, rows) : null;
  }

  /**
   * @internal The loss over `rows` (a mini-batch) at the slot's parameters W, the gradient into
   * its G: on the rows' own workspace (W copied in, the gradient copied back, float32 to float32).
   */
  evaluateResidentRows(slot: ResidentSlot, rows: Int32Array): number {
    const ws = this.workspace(rows.length);
    this.inputs(ws, rows);
    ws.P.set(slot.W);
    const value = this.pass(ws, ws.P, ws.G, rows);
    slot.G.set(ws.G);
    return value;
  }

  /**
   * @internal The loss over the run's rows (all when null; the training rows of a validation
   * split) at the slot's parameters W, the gradient into its G, on the slot's own workspace.
   */
  evaluateResident(slot: ResidentSlot, rows: Int32Array | null): number {
    const ws = this.workspaces.get(rows ? rows.length : this.dataset.samples);
    if (ws?.slot !== slot) throw new Error("F32NetProblem.evaluateResident: the slot is not this engine's");
    this.inputs(ws, rows);
    return this.pass(ws, slot.W, slot.G, rows);
  }

  /**
   * The forward pass (and with G the reverse pass, the gradient into G) over the rows in ws.X /
   * ws.XT at the parameters P (float32 views on ws's memory, in the params' layout).
   */
  private pass(ws: Workspace, P: Float32Array, G: Float32Array | null, rows: Int32Array | null): number {
    const S = ws.S;
    const arena = ws.arena;
    const Ls = this.net.layers;
    const es = 4;
    // forward: Zᵀ = b 1ᵀ + W Hᵀ
    let HT = ws.XT;
    for (let l = 0; l < Ls.length; l++) {
      const L = Ls[l]!;
      const Z = ws.Z[l]!;
      for (let o = 0; o < L.out; o++) Z.fill(P[L.bOffset + o]!, o * S, (o + 1) * S);
      arena.gemm(L.out, S, L.in, P.byteOffset + L.wOffset * es, L.in * es, es, arena.addr(HT), S * es, arena.addr(Z), S * es, GEMM_ADD, 0);
      if (L.activation === "relu") arena.relu(Z, ws.H[l]!, ws.D[l]!, S * L.out);
      else if (L.activation === "tanh") arena.tanh(Z, ws.H[l]!, ws.D[l]!, S * L.out);
      else if (L.activation === "sigmoid") arena.sigmoid(Z, ws.H[l]!, ws.D[l]!, S * L.out);
      else activate(L.activation, Z, ws.H[l]!, ws.D[l]!, S * L.out);
      HT = ws.H[l]!;
    }
    // the loss in float64 on the output, row-major
    const last = Ls.length - 1;
    const K = this.net.outputs;
    const OT = ws.H[last]!, O = ws.O, GO = ws.GO;
    for (let s = 0; s < S; s++) for (let k = 0; k < K; k++) O[s * K + k] = OT[k * S + s]!;
    const value = lossValueAndGrad(this.kind, O, S, K, this.dataset.Y, rows, GO);
    if (!G) return value;
    const GOT = ws.GH[last]!;
    for (let s = 0; s < S; s++) for (let k = 0; k < K; k++) GOT[k * S + s] = GO[s * K + k]!;
    // reverse pass
    for (let l = last; l >= 0; l--) {
      const L = Ls[l]!;
      const nin = L.in, nout = L.out;
      const Delta = ws.Delta[l]!;
      arena.mul(ws.GH[l]!, ws.D[l]!, Delta, S * nout);
      const pD = arena.addr(Delta);
      // H_{l−1} row-major
      let Hprev = ws.X;
      if (l > 0) {
        Hprev = ws.HR[l - 1]!;
        transpose(ws.H[l - 1]!, nin, S, Hprev);
      }
      // ∂L/∂W = Δᵀ H_{l−1}; a relu layer's Δ is zero wherever its unit is off: those terms are skipped
      const pG = G.byteOffset + L.wOffset * es;
      if (ws.skip && L.activation === "relu") arena.gemmSkippingZeros(nout, nin, S, pD, S * es, es, arena.addr(Hprev), nin * es, pG, nin * es, ws.skip);
      else arena.gemm(nout, nin, S, pD, S * es, es, arena.addr(Hprev), nin * es, pG, nin * es, 0, 0);
      for (let o = 0; o < nout; o++) {
        let t = 0;
        for (let s = o * S, e = s + S; s < e; s++) t += Delta[s]!;
        G[L.bOffset + o] = t;
      }
      if (l > 0) arena.gemm(nin, S, nout, P.byteOffset + L.wOffset * es, es, nin * es, pD, S * es, arena.addr(ws.GH[l - 1]!), S * es, 0, 0);
    }
    return value;
  }
}
