/**
 * The float32 optimizer kernels of the network engine (./f32-engine.ts, `backend: "wasm"`), in
 * WebAssembly SIMD emitted here as bytecode, like the products of ./wasm-gemm.ts: one pass of
 * f32x4 vectors that reads the parameters w, the gradient g and the optimizer's state and writes
 * the new w and state in place, the way torch's `Adam` / `SGD` update float32 parameters
 * (`torch.optim._functional`, for-loop implementation: the same operations per entry).
 *
 * - `adam` (and `adamAms`, AMSGrad): with g′ = clamp(c·g, −cv, cv) + λ₂w (c: `clipNorm`'s
 *   factor, cv: `clipValue`'s bound, +∞ for none; λ₂: L2 weight decay), m ← β₁m + (1−β₁)g′, v ← β₂v + (1−β₂)g′², v̂ = v (AMSGrad: v̂ ← max(v̂, v)),
 *   d = c₂√v̂ + ε, w ← w + (s·(m/d) + s_d·w), with s = −η/(1−β₁ᵗ), c₂ = 1/√(1−β₂ᵗ), s_d = −ηλ_d
 *   (AdamW's decoupled decay). The bias corrections are computed per step in float64 by the caller
 *   and passed as float32 scalars, as torch computes them in Python floats.
 * - `sgd`: g′ as for adam, b ← first ? g′ : μb + (1−τ)g′, w ← w + s·(nesterov ? g′ + μb : b)
 *   with s = −η (momentum 0: b = g′, no buffer read).
 * - `sumsq`: Σ x² of a float32 vector, in float64 (each entry promoted, squared and summed in
 *   f64x2 lanes): the run's |∇f|² and per-leaf norms from the float32 gradient, as the float64
 *   runner sums the float64 copy of the same gradient.
 *
 * `adam` and `sgd` return two flags, as the float64 runner tracks them: bit 0 set when some
 * update entry is nonzero (NaN counts), bit 1 when some parameter changed (w_new ≠ w_old).
 * Every kernel works on whole vectors; the caller runs the last `n mod 4` entries in JS with
 * `Math.fround` after every operation (float32 arithmetic, the same bits).
 *
 * Reference: WebAssembly 2.0 specification, "Vector Instructions"; PyTorch 1.13
 * torch/optim/adam.py (`_single_tensor_adam`), torch/optim/sgd.py (`_single_tensor_sgd`).
 */
import { F32, F64, I32, V128, localGet as get, localSet as set, moduleOf, section, simd, sleb, str, uleb, vec } from "../backends/wasm-emit.js";

const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const ADD = 0x6a, SUB = 0x6b, EQZ = 0x45, SHL = 0x74, OR = 0x72;
const tee = (i: number): number[] => [0x22, ...uleb(i)];
/** v128.load / v128.store with a 4-byte alignment hint (leaves may start anywhere). */
const load = (): number[] => [...simd(0x00), 2, 0];
const store = (): number[] => [...simd(0x0b), 2, 0];
/** SIMD opcodes (after the 0xFD prefix). */
const S = {
  f32splat: 0x13, f32ne: 0x42, f32neg: 0xe1, f32sqrt: 0xe3, f32add: 0xe4, f32mul: 0xe6, f32div: 0xe7, f32min: 0xe8, f32max: 0xe9,
  or: 0x50, anyTrue: 0x53, shuffle: 0x0d, promoteLow: 0x5f, f64add: 0xf0, f64mul: 0xf2, f64lane: 0x21,
} as const;
const zero128 = (): number[] => [...simd(0x0c), ...new Array(16).fill(0)];
const op = (code: number, ...args: number[][]): number[] => [...args.flat(), ...simd(code)];
/** A loop over `cnt` vectors: `body`, then each pointer += 16 and cnt −= 1. */
function loop(cnt: number, ptrs: number[], body: number[]): number[] {
  const code = [0x02, 0x40, 0x03, 0x40, ...get(cnt), EQZ, 0x0d, 1, ...body];
  for (const p of ptrs) code.push(...get(p), ...i32c(16), ADD, ...set(p));
  code.push(...get(cnt), ...i32c(1), SUB, ...set(cnt), 0x0c, 0, 0x0b, 0x0b);
  return code;
}
/** The flags of a pass from its two or-accumulators: any_true(moved) | any_true(changed) << 1. */
const flags = (moved: number, changed: number): number[] => [...get(moved), ...simd(S.anyTrue), ...get(changed), ...simd(S.anyTrue), ...i32c(1), SHL, OR];
const fnBody = (locals: number[][], code: number[]): number[] => {
  const body = [...vec(locals), ...code, 0x0b];
  return [...uleb(body.length), ...body];
};

/**
 * The float32 params `first … first + count − 1` splatted into v128 locals from `v0`, and −cv
 * (the last param, the clipping bound) into local v0 + count.
 */
function splats(first: number, count: number, v0: number): number[] {
  const code: number[] = [];
  for (let i = 0; i < count; i++) code.push(...get(first + i), ...simd(S.f32splat), ...set(v0 + i));
  code.push(...op(S.f32neg, get(v0 + count - 1)), ...set(v0 + count));
  return code;
}

/** g′ = clamp(c·g, −cv, cv) + λ₂w (clip_grad_norm_'s factor, clip_grad_value_'s bound, L2 decay); NaN stays NaN. */
const gradient = (pg: number, clip: number, cv: number, ncv: number, wd: number, w: number): number[] =>
  op(S.f32add, op(S.f32min, op(S.f32max, op(S.f32mul, [...get(pg), ...load()], get(clip)), get(ncv)), get(cv)), op(S.f32mul, get(wd), get(w)));

/** adam(pW, pG, pM, pV, pVmax, vectors, b1, w1, b2, w2, c2, eps, s, sd, wd, clip, cv) → flags. */
function adamBody(amsgrad: boolean): number[] {
  const pw = 0, pg = 1, pm = 2, pv = 3, px = 4, cnt = 5;
  // f32 params 6..16 are splatted into v128 locals 17..27, −cv into 28
  const P0 = 6, NP = 11, V0 = 17;
  const B1 = V0, W1 = V0 + 1, B2 = V0 + 2, W2 = V0 + 3, C2 = V0 + 4, EPS = V0 + 5, SS = V0 + 6, SD = V0 + 7, WD = V0 + 8, CLIP = V0 + 9, CV = V0 + 10, NCV = V0 + 11;
  const g = V0 + 12, w = V0 + 13, m = V0 + 14, v = V0 + 15, u = V0 + 16, wn = V0 + 17, moved = V0 + 18, changed = V0 + 19;
  const code = splats(P0, NP, V0);
  const body: number[] = [];
  body.push(...get(pw), ...load(), ...set(w));
  body.push(...gradient(pg, CLIP, CV, NCV, WD, w), ...set(g));
  body.push(...get(pm), ...op(S.f32add, op(S.f32mul, get(B1), [...get(pm), ...load()]), op(S.f32mul, get(W1), get(g))), ...tee(m), ...store());
  body.push(...get(pv), ...op(S.f32add, op(S.f32mul, get(B2), [...get(pv), ...load()]), op(S.f32mul, get(W2), op(S.f32mul, get(g), get(g)))), ...tee(v), ...store());
  if (amsgrad) body.push(...get(px), ...op(S.f32max, [...get(px), ...load()], get(v)), ...tee(v), ...store());
  // u = s·(m / (c2·√v + eps)) + sd·w
  body.push(...op(S.f32add, op(S.f32mul, get(SS), op(S.f32div, get(m), op(S.f32add, op(S.f32mul, get(C2), op(S.f32sqrt, get(v))), get(EPS)))), op(S.f32mul, get(SD), get(w))), ...set(u));
  body.push(...get(pw), ...op(S.f32add, get(w), get(u)), ...tee(wn), ...store());
  body.push(...op(S.or, get(moved), op(S.f32ne, get(u), zero128())), ...set(moved));
  body.push(...op(S.or, get(changed), op(S.f32ne, get(wn), get(w))), ...set(changed));
  code.push(...loop(cnt, amsgrad ? [pw, pg, pm, pv, px] : [pw, pg, pm, pv], body), ...flags(moved, changed));
  return fnBody([[20, V128]], code);
}

/** sgd(pW, pG, pB, vectors, first, nesterov, hasBuf, clip, wd, mu, damp, s, cv) → flags. */
function sgdBody(): number[] {
  const pw = 0, pg = 1, pb = 2, cnt = 3, first = 4, nesterov = 5, hasBuf = 6;
  const P0 = 7, NP = 6, V0 = 13;
  const CLIP = V0, WD = V0 + 1, MU = V0 + 2, DAMP = V0 + 3, SS = V0 + 4, CV = V0 + 5, NCV = V0 + 6;
  const g = V0 + 7, w = V0 + 8, b = V0 + 9, u = V0 + 10, wn = V0 + 11, moved = V0 + 12, changed = V0 + 13;
  const code = splats(P0, NP, V0);
  const body: number[] = [];
  body.push(...get(pw), ...load(), ...set(w));
  body.push(...gradient(pg, CLIP, CV, NCV, WD, w), ...tee(g), ...set(b));
  // with a buffer: b = first ? g : μ·b + (1−τ)·g, stored; d = nesterov ? g + μ·b : b
  body.push(...get(hasBuf), 0x04, 0x40);
  body.push(...get(first), EQZ, 0x04, 0x40, ...op(S.f32add, op(S.f32mul, get(MU), [...get(pb), ...load()]), op(S.f32mul, get(DAMP), get(g))), ...set(b), 0x0b);
  body.push(...get(pb), ...get(b), ...store());
  body.push(...get(nesterov), 0x04, 0x40, ...op(S.f32add, get(g), op(S.f32mul, get(MU), get(b))), ...set(b), 0x0b);
  body.push(0x0b);
  body.push(...op(S.f32mul, get(SS), get(b)), ...set(u));
  body.push(...get(pw), ...op(S.f32add, get(w), get(u)), ...tee(wn), ...store());
  body.push(...op(S.or, get(moved), op(S.f32ne, get(u), zero128())), ...set(moved));
  body.push(...op(S.or, get(changed), op(S.f32ne, get(wn), get(w))), ...set(changed));
  code.push(...loop(cnt, [pw, pg, pb], body), ...flags(moved, changed));
  return fnBody([[14, V128]], code);
}

/** sumsq(p, vectors) → Σ x² in float64 (f64x2 lanes: the low and the high half of each f32x4). */
function sumsqBody(): number[] {
  const p = 0, cnt = 1, x = 2, lo = 3, hi = 4;
  // promote_low(e)²: e is evaluated twice (a local read, or a shuffle of one), no temporary needed
  const square = (e: () => number[]): number[] => op(S.f64mul, op(S.promoteLow, e()), op(S.promoteLow, e()));
  const high = (): number[] => [...get(x), ...get(x), ...simd(S.shuffle), 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
  const body = [...get(p), ...load(), ...set(x), ...op(S.f64add, get(lo), square(() => get(x))), ...set(lo), ...op(S.f64add, get(hi), square(high)), ...set(hi)];
  const code = [...loop(cnt, [p], body), ...op(S.f64add, get(lo), get(hi)), ...set(lo)];
  code.push(...get(lo), ...simd(S.f64lane, 0), ...get(lo), ...simd(S.f64lane, 1), 0xa0);
  return fnBody([[3, V128]], code);
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, 17, ...new Array(6).fill(I32), ...new Array(11).fill(F32), 1, I32],
    [0x60, 13, ...new Array(7).fill(I32), ...new Array(6).fill(F32), 1, I32],
    [0x60, 2, I32, I32, 1, F64],
  ];
  const imports = vec([[...str("env"), ...str("mem"), 0x02, 0x00, 1]]);
  const funcs = vec([[0], [0], [1], [2]]);
  const exps = vec([[...str("adam"), 0x00, 0], [...str("adamAms"), 0x00, 1], [...str("sgd"), 0x00, 2], [...str("sumsq"), 0x00, 3]]);
  const code = vec([adamBody(false), adamBody(true), sgdBody(), sumsqBody()]);
  return moduleOf(section(1, vec(types)), section(2, imports), section(3, funcs), section(7, exps), section(10, code));
}

/** The kernels bound to one memory (byte addresses; float32 scalars). */
export interface StepKernels {
  adam(pW: number, pG: number, pM: number, pV: number, pVmax: number, vectors: number, b1: number, w1: number, b2: number, w2: number, c2: number, eps: number, s: number, sd: number, wd: number, clip: number, cv: number): number;
  adamAms(pW: number, pG: number, pM: number, pV: number, pVmax: number, vectors: number, b1: number, w1: number, b2: number, w2: number, c2: number, eps: number, s: number, sd: number, wd: number, clip: number, cv: number): number;
  sgd(pW: number, pG: number, pB: number, vectors: number, first: number, nesterov: number, hasBuf: number, clip: number, wd: number, mu: number, damp: number, s: number, cv: number): number;
  sumsq(p: number, vectors: number): number;
}

let compiled: WebAssembly.Module | null | undefined;
const bound = new WeakMap<WebAssembly.Memory, StepKernels>();

/** The optimizer kernels on `memory` (an instance per memory, made once), or null without WebAssembly SIMD. */
export function stepKernels(memory: WebAssembly.Memory): StepKernels | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === "object" ? new WebAssembly.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  let k = bound.get(memory);
  if (!k) {
    k = new WebAssembly.Instance(compiled, { env: { mem: memory } }).exports as unknown as StepKernels;
    bound.set(memory, k);
  }
  return k;
}
