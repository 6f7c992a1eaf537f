/**
 * A network's loss as a `Problem` of the float64 engine: value, gradient (reverse mode, layer by
 * layer), exact Hessian-vector products (Pearlmutter's R-operator: a forward R-pass for R{Z}, R{A}
 * and a backward R-pass for R{∂L/∂θ}, so H·v costs about two gradients and no finite
 * differences), the dense Hessian from n of those, and the `DataProblem` entry points for
 * mini-batches and per-sample gradients.
 *
 * Buffers are allocated once per batch size and reused: a training step allocates nothing.
 *
 * Reference: B. A. Pearlmutter, "Fast exact multiplication by the Hessian", Neural Computation
 * 6(1), 1994.
 */
import { DslError } from "../errors/index.js";
import { DENSE_MAX_N } from "../numeric/curvature/index.js";
import type { DataProblem, Problem } from "../problem/index.js";
import { activate, activateSecond, isPiecewiseLinear } from "./activations.js";
import { denseForward, denseInputGrad, denseWeightGrad } from "./dense.js";
import { F64NetKernels } from "./f64-kernels.js";
import { lossR, lossValueAndGrad, type LossKind, type Targets } from "./losses.js";
import type { NetSpec } from "./net.js";
import { F64Arena, GEMM_BIAS, GEMM_SET } from "./wasm-gemm.js";

/**
 * The WebAssembly SIMD side of a workspace: every buffer of the forward and reverse pass lives
 * on one arena, with the parameters, the gradient and Wᵀ copied in, and the network's own
 * kernels (./f64-kernels.ts: 5–9× the speed of the JavaScript loops of ./dense.ts, which remain
 * the path where WebAssembly SIMD is missing and for Hessian-vector products).
 */
interface WasmSide {
  arena: F64Arena;
  kernels: F64NetKernels;
  /** The parameters x (copied in at each evaluation). */
  P: Float64Array;
  /** The gradient (copied out). */
  G: Float64Array;
  /** Wᵀ of one layer [in × out] (the forward product needs B contiguous along the outputs). */
  WT: Float64Array;
  /** What A0 holds: all data rows ("all") or the last gathered rows. */
  a0: "all" | "rows" | "none";
}

/** Per-layer buffers for one batch size. */
interface Workspace {
  S: number;
  A0: Float64Array;
  Z: Float64Array[];
  A: Float64Array[];
  /** f'(Z) */
  D: Float64Array[];
  /** ∂L/∂A */
  GA: Float64Array[];
  /** ∂L/∂Z */
  Delta: Float64Array[];
  /** R-pass buffers, allocated on first use. */
  r?: { RZ: Float64Array[]; RA: Float64Array[]; RGA: Float64Array[]; RDelta: Float64Array[]; F2: Float64Array[]; gScratch: Float64Array };
  /** Present when WebAssembly SIMD is available: the buffers above are views on its arena. */
  w?: WasmSide;
}

/** The data of a loss: inputs [samples × in] and targets. */
export interface NetData {
  readonly samples: number;
  readonly X: Float64Array;
  readonly Y: Targets;
}

/**
 * What every engine of a network's loss shares: the `Problem` entry points and the `DataProblem`
 * (a mean over rows: mini-batches, per-sample gradients one row at a time) over its
 * `evaluate(x, rows, g | null)` (rows null: all of them). `NetLossProblem` (float64) and
 * `F32NetProblem` (./f32-engine.ts) extend it.
 */
export abstract class NetProblemBase implements Problem {
  readonly n: number;
  readonly data: DataProblem;

  constructor(readonly net: NetSpec, readonly kind: LossKind, readonly dataset: NetData) {
    this.n = net.n;
    const one = new Int32Array(1);
    this.data = {
      samples: dataset.samples,
      reduce: "mean",
      batchValueAt: (x, rows) => this.evaluate(x, rows, null),
      batchValueAndGradInto: (x, g, rows) => this.evaluate(x, rows, g),
      sampleGradsInto: (x, rows, G) => {
        const g = new Float64Array(this.n);
        for (let i = 0; i < rows.length; i++) {
          one[0] = rows[i]!;
          this.evaluate(x, one, g);
          G.set(g, i * this.n);
        }
      },
    };
  }

  get names(): readonly string[] {
    return this.net.names;
  }

  valueAt(x: Float64Array): number {
    return this.evaluate(x, null, null);
  }

  valueAndGradInto(x: Float64Array, g: Float64Array): number {
    return this.evaluate(x, null, g);
  }

  /** Loss over `rows` (all when null); with `g`, its gradient too. */
  abstract evaluate(x: Float64Array, rows: Int32Array | null, g: Float64Array | null): number;
}

/** The float64 loss of a network on data (see the file comment). */
export class NetLossProblem extends NetProblemBase {
  private readonly workspaces = new Map<number, Workspace>();

  hvpInto(x: Float64Array, v: Float64Array, out: Float64Array): void {
    this.hvpRows(x, v, out, null);
  }

  /** The dense Hessian, column by column from n exact Hessian-vector products (n ≤ 2000). */
  hessianInto(x: Float64Array, H: Float64Array): void {
    const n = this.n;
    if (n > DENSE_MAX_N) {
      throw new DslError("too-large", `the network has ${n} parameters: a dense Hessian (${n}² entries) is formed up to ${DENSE_MAX_N}; use curvature.eigenvalues / curvature.density (Hessian-vector products) or a first-order optimizer`, { path: "hessian" });
    }
    const e = new Float64Array(n);
    const col = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e[j] = 1;
      this.hvpRows(x, e, col, null);
      e[j] = 0;
      for (let i = 0; i < n; i++) H[i * n + j] = col[i]!;
    }
    // symmetrize the rounding
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (H[i * n + j]! + H[j * n + i]!);
      H[i * n + j] = m;
      H[j * n + i] = m;
    }
  }

  /** The buffers for S rows (made once per S). */
  private workspace(S: number): Workspace {
    let ws = this.workspaces.get(S);
    if (!ws) {
      const L = this.net.layers;
      const width = L.reduce((t, l) => t + l.out, 0);
      const wt = L.reduce((t, l) => Math.max(t, l.in * l.out), 0);
      // beside the buffers: the kernels' constant table, and up to one double of 16-byte padding per view
      const views = 5 * L.length + 5;
      const arena = NetLossProblem.useWasm ? F64Arena.create(S * this.net.inputs + 5 * S * width + 2 * this.n + wt + F64NetKernels.TABLE_DOUBLES + views) : null;
      const kernels = arena ? F64NetKernels.create(arena, L) : null;
      const wasm = arena && kernels ? { arena, kernels } : null;
      const alloc = (len: number): Float64Array => (wasm ? wasm.arena.alloc(len) : new Float64Array(len));
      const mk = (): Float64Array[] => L.map((l) => alloc(S * l.out));
      ws = { S, A0: alloc(S * this.net.inputs), Z: mk(), A: mk(), D: mk(), GA: mk(), Delta: mk() };
      if (wasm) ws.w = { ...wasm, P: wasm.arena.alloc(this.n), G: wasm.arena.alloc(this.n), WT: wasm.arena.alloc(wt), a0: "none" };
      this.workspaces.set(S, ws);
    }
    return ws;
  }

  /** False to keep every product on the JavaScript loops (tests compare both paths). */
  static useWasm = true;

  /** The input rows: the data itself for all rows, else gathered into ws.A0. */
  private inputs(ws: Workspace, rows: Int32Array | null): Float64Array {
    const w = ws.w;
    if (!rows) {
      if (!w) return this.dataset.X;
      if (w.a0 !== "all") ws.A0.set(this.dataset.X);
      w.a0 = "all";
      return ws.A0;
    }
    if (w) w.a0 = "rows";
    const nin = this.net.inputs;
    const X = this.dataset.X;
    for (let s = 0; s < rows.length; s++) {
      const r = rows[s]! * nin;
      for (let i = 0; i < nin; i++) ws.A0[s * nin + i] = X[r + i]!;
    }
    return ws.A0;
  }

  /** Forward pass into ws; returns the input matrix used. */
  private forward(x: Float64Array, ws: Workspace, rows: Int32Array | null): Float64Array {
    const X = this.inputs(ws, rows);
    const S = ws.S;
    let A = X;
    const Ls = this.net.layers;
    const w = ws.w;
    if (w) w.P.set(x);
    for (let l = 0; l < Ls.length; l++) {
      const L = Ls[l]!;
      if (w) {
        // Z = A·Wᵀ + b with Wᵀ [in × out] made contiguous along the outputs
        const { arena, P, WT } = w;
        const nin = L.in, nout = L.out, wOff = L.wOffset;
        for (let o = 0; o < nout; o++) for (let i = 0; i < nin; i++) WT[i * nout + o] = P[wOff + o * nin + i]!;
        w.kernels.product(l, "forward", S, arena.addr(A), arena.addr(WT), arena.addr(ws.Z[l]!), GEMM_BIAS, P.byteOffset + L.bOffset * 8);
      } else denseForward(A, S, L.in, x, L.wOffset, L.bOffset, L.out, ws.Z[l]!);
      if (w && L.activation === "tanh") w.kernels.tanh(w.arena.addr(ws.Z[l]!), w.arena.addr(ws.A[l]!), w.arena.addr(ws.D[l]!), S * L.out);
      else activate(L.activation, ws.Z[l]!, ws.A[l]!, ws.D[l]!, S * L.out);
      A = ws.A[l]!;
    }
    return X;
  }

  /** Loss over `rows` (all when null); with `g`, its gradient too. */
  evaluate(x: Float64Array, rows: Int32Array | null, g: Float64Array | null): number {
    const S = rows ? rows.length : this.dataset.samples;
    const ws = this.workspace(S);
    const X = this.forward(x, ws, rows);
    const Ls = this.net.layers;
    const last = Ls.length - 1;
    const value = lossValueAndGrad(this.kind, ws.A[last]!, S, this.net.outputs, this.dataset.Y, rows, ws.GA[last]!);
    if (g) this.backward(x, ws, X, g);
    return value;
  }

  /**
   * Reverse pass from ws.GA[last]: Δ_l = ∂L/∂A_l ⊙ f'(Z_l), ∂L/∂W_l = Δ_lᵀ A_{l−1}, ∂L/∂A_{l−1} = Δ_l W_l.
   * The SIMD path writes ∂L/∂A of the hidden layers (ws.GA) only with `keepGA` (the R-pass of a
   * Hessian-vector product reads them; a gradient needs only Δ).
   */
  private backward(x: Float64Array, ws: Workspace, X: Float64Array, g: Float64Array, keepGA = false): void {
    const S = ws.S;
    const Ls = this.net.layers;
    const w = ws.w;
    if (w) {
      // the same products on the arena: ∂L/∂W = Δᵀ A, ∂L/∂b = the column sums of Δ, ∂L/∂A = Δ W,
      // which writes Δ of the layer below (∂L/∂A ⊙ f'(Z)) as it goes; every entry of the gradient
      // is written
      const { arena, kernels, P, G } = w;
      const last = Ls.length - 1;
      arena.mul(ws.GA[last]!, ws.D[last]!, ws.Delta[last]!, S * Ls[last]!.out);
      for (let l = last; l >= 0; l--) {
        const L = Ls[l]!;
        const Aprev = l === 0 ? X : ws.A[l - 1]!;
        const pD = arena.addr(ws.Delta[l]!);
        kernels.product(l, "weightGrad", S, pD, arena.addr(Aprev), G.byteOffset + L.wOffset * 8);
        kernels.columnSums(S, L.out, pD, G.byteOffset + L.bOffset * 8);
        if (l > 0) kernels.product(l, "inputGrad", S, pD, P.byteOffset + L.wOffset * 8, arena.addr(ws.GA[l - 1]!), GEMM_SET, 0, arena.addr(ws.D[l - 1]!), arena.addr(ws.Delta[l - 1]!), keepGA);
      }
      g.set(G);
      return;
    }
    g.fill(0);
    for (let l = Ls.length - 1; l >= 0; l--) {
      const L = Ls[l]!;
      const len = S * L.out;
      const GA = ws.GA[l]!, D = ws.D[l]!, Delta = ws.Delta[l]!;
      for (let j = 0; j < len; j++) Delta[j] = GA[j]! * D[j]!;
      const Aprev = l === 0 ? X : ws.A[l - 1]!;
      denseWeightGrad(Delta, Aprev, S, L.in, L.out, g, L.wOffset, L.bOffset);
      if (l > 0) denseInputGrad(Delta, S, L.in, L.out, x, L.wOffset, ws.GA[l - 1]!);
    }
  }

  /** H·v over `rows` into `out` (forward, loss, backward, then the two R-passes). */
  hvpRows(x: Float64Array, v: Float64Array, out: Float64Array, rows: Int32Array | null): void {
    const S = rows ? rows.length : this.dataset.samples;
    const ws = this.workspace(S);
    const Ls = this.net.layers;
    const r = (ws.r ??= {
      RZ: Ls.map((l) => new Float64Array(S * l.out)),
      RA: Ls.map((l) => new Float64Array(S * l.out)),
      RGA: Ls.map((l) => new Float64Array(S * l.out)),
      RDelta: Ls.map((l) => new Float64Array(S * l.out)),
      F2: Ls.map((l) => new Float64Array(S * l.out)),
      gScratch: new Float64Array(this.n),
    });
    const X = this.forward(x, ws, rows);
    const last = Ls.length - 1;
    lossValueAndGrad(this.kind, ws.A[last]!, S, this.net.outputs, this.dataset.Y, rows, ws.GA[last]!);
    this.backward(x, ws, X, r.gScratch, true);
    // forward R-pass: R{Z_l} = R{A_{l−1}} W_lᵀ + A_{l−1} V_lᵀ + v_b, R{A_l} = f'(Z_l) ⊙ R{Z_l}
    for (let l = 0; l < Ls.length; l++) {
      const L = Ls[l]!;
      const RZ = r.RZ[l]!;
      const Aprev = l === 0 ? X : ws.A[l - 1]!;
      denseForward(Aprev, S, L.in, v, L.wOffset, L.bOffset, L.out, RZ);
      if (l > 0) denseForward(r.RA[l - 1]!, S, L.in, x, L.wOffset, -1, L.out, RZ);
      const RA = r.RA[l]!, D = ws.D[l]!;
      for (let j = 0; j < S * L.out; j++) RA[j] = D[j]! * RZ[j]!;
      if (!isPiecewiseLinear(L.activation)) activateSecond(L.activation, ws.Z[l]!, ws.A[l]!, r.F2[l]!, S * L.out);
    }
    lossR(this.kind, ws.A[last]!, r.RA[last]!, S, this.net.outputs, r.RGA[last]!);
    // backward R-pass
    out.fill(0);
    for (let l = last; l >= 0; l--) {
      const L = Ls[l]!;
      const len = S * L.out;
      const RD = r.RDelta[l]!, RGA = r.RGA[l]!, D = ws.D[l]!;
      if (isPiecewiseLinear(L.activation)) {
        for (let j = 0; j < len; j++) RD[j] = RGA[j]! * D[j]!;
      } else {
        const GA = ws.GA[l]!, F2 = r.F2[l]!, RZ = r.RZ[l]!;
        for (let j = 0; j < len; j++) RD[j] = RGA[j]! * D[j]! + GA[j]! * F2[j]! * RZ[j]!;
      }
      const Aprev = l === 0 ? X : ws.A[l - 1]!;
      denseWeightGrad(RD, Aprev, S, L.in, L.out, out, L.wOffset, L.bOffset);
      if (l > 0) {
        denseWeightGrad(ws.Delta[l]!, r.RA[l - 1]!, S, L.in, L.out, out, L.wOffset, -1);
        denseInputGrad(RD, S, L.in, L.out, x, L.wOffset, r.RGA[l - 1]!);
        denseInputGrad(ws.Delta[l]!, S, L.in, L.out, v, L.wOffset, r.RGA[l - 1]!, true);
      }
    }
  }

  /** The activations A_l of every layer at x over `rows` (copies), with their pre-activations. */
  activations(x: Float64Array, rows: Int32Array | null): { Z: Float64Array; A: Float64Array; S: number }[] {
    const S = rows ? rows.length : this.dataset.samples;
    const ws = this.workspace(S);
    this.forward(x, ws, rows);
    return this.net.layers.map((L, l) => ({ Z: ws.Z[l]!.slice(0, S * L.out), A: ws.A[l]!.slice(0, S * L.out), S }));
  }
}
