/**
 * A matrix-product kernel in WebAssembly SIMD, emitted as bytecode here (no toolchain, no
 * dependency): C[m, n] (=, +=, or = bias[n] +) Σ_k A[m·am + k·ak] · B[k·bk + n], for float64
 * (f64x2) or float32 (f32x4), over one `WebAssembly.Memory`.
 *
 * The three products of a dense layer are all of this form with B contiguous along n:
 * forward Z = A·Wᵀ + b (B = Wᵀ), weight gradient ΔᵀA (B = A), input gradient Δ·W (B = W).
 * The kernel works in register blocks of 4 rows × 2 vectors (4×4 float64, 4×8 float32: eight
 * vector accumulators held in locals), loading A's entries with `load64_splat` / `load32_splat`,
 * with tails of 1 vector and of single columns, and of single rows. Strides are in bytes.
 * Beside it, `mul` (an elementwise product: Δ = ∂L/∂A ⊙ f'(Z)) and, for float64, `tanh` with its
 * derivative; for float32, `relu`, `tanh` and `sigmoid` with their derivatives, and a product
 * that skips the zeros of A two rows at a time (`pairs` lists them, `spgemm` sums over the
 * lists: a relu layer's weight gradient). `F64Arena` (the float64 engine, ./loss-problem.ts) and
 * `F32Arena` (the float32 engine, ./f32-engine.ts) bind a module to a memory. The byte encoding
 * is ../backends/wasm-emit.ts.
 *
 * Float32 comes in two kernel sets: f32x4 mul then add, and `f32x4.relaxed_madd` (relaxed SIMD:
 * one fused multiply-add where the CPU has FMA), used where relaxed SIMD compiles (on Node 20 after
 * setting V8's `--experimental-wasm-relaxed-simd` in-process, see `relaxedSimdAvailable`). Both
 * are float32-accurate; the fused one rounds once per term instead of twice. On the machine of the
 * benchmarks (AMD EPYC, Zen 5) the 784→256→10 layer products run at ~44 GFLOP/s with mul then add
 * and ~56 GFLOP/s with FMA (one thread, 128-bit vectors).
 *
 * Reference: WebAssembly 2.0 specification, "Vector Instructions" (binary format, prefix 0xFD);
 * WebAssembly relaxed SIMD proposal (Phase 4), `f32x4.relaxed_madd` (opcode 0xFD 0x105); Eigen 3.4,
 * MathFunctionsImpl.h (`generic_fast_tanh_float`); S. L. Moshier, Cephes Math Library (expf.c).
 */
import { F32, F64, I32, V128, localGet, localSet, moduleOf, section, simd, sleb, str, uleb, vec } from "../backends/wasm-emit.js";

/** How a product starts its sums: 0 (overwrite C), C's own values (accumulate), or the bias row. */
export const GEMM_SET = 0, GEMM_ADD = 1, GEMM_BIAS = 2;

const get = localGet;
const set = localSet;
const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const ADD = 0x6a, MUL = 0x6c, SUB = 0x6b, GT_S = 0x4a, GE_S = 0x4e, EQZ = 0x45, EQ = 0x46;
const mem = (align: number, offset: number): number[] => [align, ...uleb(offset)];

interface Prec {
  es: number; // bytes per element
  lanes: number;
  scalar: number; // value type
  load: number; // scalar load opcode
  store: number;
  add: number;
  mul: number;
  splatLoad: number; // SIMD opcode of loadN_splat
  vadd: number;
  vmul: number;
  align: number;
  /** Vector sums by `f32x4.relaxed_madd` (relaxed SIMD, fused where the machine has FMA) instead of mul then add. */
  fma?: boolean;
}
const F64P: Prec = { es: 8, lanes: 2, scalar: F64, load: 0x2b, store: 0x39, add: 0xa0, mul: 0xa2, splatLoad: 0x0a, vadd: 240, vmul: 242, align: 3 };
const F32P: Prec = { es: 4, lanes: 4, scalar: F32, load: 0x2a, store: 0x38, add: 0x92, mul: 0x94, splatLoad: 0x09, vadd: 228, vmul: 230, align: 2 };
const F32P_FMA: Prec = { ...F32P, fma: true };
/** `f32x4.relaxed_madd` (a·b + c), relaxed SIMD opcode 0x105. */
const RELAXED_MADD = 0x105;

// panel function parameters (i32): the R rows starting at pA / pC, all columns
const P_A = 0, P_AM = 1, P_AK = 2, P_B = 3, P_BK = 4, P_C = 5, P_LDC = 6, P_K = 7, P_N = 8, P_MODE = 9, P_BIAS = 10;
const NPARAM = 11;

/**
 * A panel function: rows [0, R) of C from pA/pC, every column, in blocks of 2 vectors, then 1
 * vector, then single columns.
 */
function panel(p: Prec, R: number): number[] {
  // i32 locals
  let next = NPARAM;
  const n = next++, pa = next++, pb = next++, pc = next++, pbias = next++, k = next++;
  const rAm: number[] = [0], rLdc: number[] = [0];
  for (let r = 1; r < R; r++) { rAm.push(next++); rLdc.push(next++); }
  const nI32 = next - NPARAM;
  // v128 locals: accumulators R×2, b×2, a
  const vBase = next;
  const acc = (r: number, v: number): number => vBase + r * 2 + v;
  const bv = (v: number): number => vBase + 2 * R + v;
  const av = vBase + 2 * R + 2;
  const nV = 2 * R + 3;
  // scalar locals: accumulators R, b, a
  const sBase = vBase + nV;
  const sacc = (r: number): number => sBase + r;
  const sb = sBase + R, sa = sBase + R + 1;
  const nS = R + 2;

  const code: number[] = [];
  for (let r = 1; r < R; r++) {
    code.push(...get(P_AM), ...i32c(r), MUL, ...set(rAm[r]!));
    code.push(...get(P_LDC), ...i32c(r), MUL, ...set(rLdc[r]!));
  }
  code.push(...i32c(0), ...set(n));
  const rowAddr = (base: number, r: number, strides: number[]): number[] => (r === 0 ? get(base) : [...get(base), ...get(strides[r]!), ADD]);

  /** One column block: V vectors (V = 1, 2) or a single scalar column (V = 0). */
  const block = (V: number): void => {
    const width = V === 0 ? 1 : V * p.lanes;
    code.push(0x02, 0x40, 0x03, 0x40);
    // if n + width > N: done
    code.push(...get(n), ...i32c(width), ADD, ...get(P_N), GT_S, 0x0d, 1);
    // pointers
    code.push(...get(n), ...i32c(p.es), MUL, ...set(k)); // k = n·es (temp)
    code.push(...get(P_C), ...get(k), ADD, ...set(pc));
    code.push(...get(P_BIAS), ...get(k), ADD, ...set(pbias));
    code.push(...get(P_B), ...get(k), ADD, ...set(pb));
    code.push(...get(P_A), ...set(pa));
    code.push(...get(P_K), ...set(k));
    // init accumulators
    for (let r = 0; r < R; r++) {
      if (V === 0) code.push(...(p.scalar === F64 ? [0x44, 0, 0, 0, 0, 0, 0, 0, 0] : [0x43, 0, 0, 0, 0]), ...set(sacc(r)));
      else for (let v = 0; v < V; v++) code.push(...simd(0x0c), ...new Array(16).fill(0), ...set(acc(r, v)));
    }
    // mode == ADD: from C
    code.push(...get(P_MODE), ...i32c(GEMM_ADD), EQ, 0x04, 0x40);
    for (let r = 0; r < R; r++) {
      if (V === 0) code.push(...rowAddr(pc, r, rLdc), p.load, ...mem(p.align, 0), ...set(sacc(r)));
      else for (let v = 0; v < V; v++) code.push(...rowAddr(pc, r, rLdc), ...simd(0x00), ...mem(p.align, 16 * v), ...set(acc(r, v)));
    }
    code.push(0x0b);
    // mode == BIAS: from the bias row
    code.push(...get(P_MODE), ...i32c(GEMM_BIAS), EQ, 0x04, 0x40);
    for (let r = 0; r < R; r++) {
      if (V === 0) code.push(...get(pbias), p.load, ...mem(p.align, 0), ...set(sacc(r)));
      else for (let v = 0; v < V; v++) code.push(...get(pbias), ...simd(0x00), ...mem(p.align, 16 * v), ...set(acc(r, v)));
    }
    code.push(0x0b);
    // k loop
    code.push(0x02, 0x40, 0x03, 0x40);
    code.push(...get(k), EQZ, 0x0d, 1);
    if (V === 0) {
      code.push(...get(pb), p.load, ...mem(p.align, 0), ...set(sb));
      for (let r = 0; r < R; r++) {
        code.push(...rowAddr(pa, r, rAm), p.load, ...mem(p.align, 0), ...get(sb), p.mul, ...get(sacc(r)), p.add, ...set(sacc(r)));
      }
    } else {
      for (let v = 0; v < V; v++) code.push(...get(pb), ...simd(0x00), ...mem(p.align, 16 * v), ...set(bv(v)));
      for (let r = 0; r < R; r++) {
        code.push(...rowAddr(pa, r, rAm), ...simd(p.splatLoad), ...mem(p.align, 0), ...set(av));
        for (let v = 0; v < V; v++) {
          if (p.fma) code.push(...get(av), ...get(bv(v)), ...get(acc(r, v)), ...simd(RELAXED_MADD), ...set(acc(r, v)));
          else code.push(...get(acc(r, v)), ...get(av), ...get(bv(v)), ...simd(p.vmul), ...simd(p.vadd), ...set(acc(r, v)));
        }
      }
    }
    code.push(...get(pa), ...get(P_AK), ADD, ...set(pa));
    code.push(...get(pb), ...get(P_BK), ADD, ...set(pb));
    code.push(...get(k), ...i32c(1), SUB, ...set(k));
    code.push(0x0c, 0, 0x0b, 0x0b);
    // store
    for (let r = 0; r < R; r++) {
      if (V === 0) code.push(...rowAddr(pc, r, rLdc), ...get(sacc(r)), p.store, ...mem(p.align, 0));
      else for (let v = 0; v < V; v++) code.push(...rowAddr(pc, r, rLdc), ...get(acc(r, v)), ...simd(0x0b), ...mem(p.align, 16 * v));
    }
    code.push(...get(n), ...i32c(width), ADD, ...set(n));
    code.push(0x0c, 0, 0x0b, 0x0b);
  };
  block(2);
  block(1);
  block(0);
  code.push(0x0b);
  const locals = vec([[...uleb(nI32), I32], [...uleb(nV), V128], [...uleb(nS), p.scalar]]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

// gemm parameters: M, N, K, A, am, ak, B, bk, C, ldc, mode, bias
const G_M = 0, G_N = 1, G_K = 2, G_A = 3, G_AM = 4, G_AK = 5, G_B = 6, G_BK = 7, G_C = 8, G_LDC = 9, G_MODE = 10, G_BIAS = 11;

/** The driver: row panels of 4, then single rows (calls panel functions 0 = R4 and 1 = R1). */
function driver(): number[] {
  const m = 12;
  const code: number[] = [...i32c(0), ...set(m)];
  const callPanel = (fn: number): number[] => [
    ...get(G_A), ...get(m), ...get(G_AM), MUL, ADD,
    ...get(G_AM), ...get(G_AK), ...get(G_B), ...get(G_BK),
    ...get(G_C), ...get(m), ...get(G_LDC), MUL, ADD,
    ...get(G_LDC), ...get(G_K), ...get(G_N), ...get(G_MODE), ...get(G_BIAS),
    0x10, fn,
  ];
  for (const [rows, fn] of [[4, 0], [1, 1]] as const) {
    code.push(0x02, 0x40, 0x03, 0x40);
    code.push(...get(m), ...i32c(rows), ADD, ...get(G_M), GT_S, 0x0d, 1);
    code.push(...callPanel(fn));
    code.push(...get(m), ...i32c(rows), ADD, ...set(m));
    code.push(0x0c, 0, 0x0b, 0x0b);
  }
  code.push(0x0b);
  const body = [...vec([[1, I32]]), ...code];
  return [...uleb(body.length), ...body];
}

// f64x2 opcodes of the tanh kernel
const V = { load: 0x00, store: 0x0b, const: 0x0c, and: 0x4e, xor: 0x51, bitselect: 0x52, lt: 0x49, nearest: 0x94, abs: 0xec, add: 0xf0, sub: 0xf1, mul: 0xf2, div: 0xf3, min: 0xf4, i64shl: 0xcb, i64add: 0xce, anyTrue: 0x53, i64allTrue: 0xc3 } as const;

function f64x2Const(v: number): number[] {
  const b = new Uint8Array(16);
  const d = new DataView(b.buffer);
  d.setFloat64(0, v, true);
  d.setFloat64(8, v, true);
  return [...simd(V.const), ...b];
}
function i64x2Const(v: bigint): number[] {
  const b = new Uint8Array(16);
  const d = new DataView(b.buffer);
  d.setBigInt64(0, v, true);
  d.setBigInt64(8, v, true);
  return [...simd(V.const), ...b];
}

/** Cephes' tanh (S. L. Moshier, Cephes Math Library, tanh.c and exp.c): about 2 ulp. */
export const TANH_COEFFS = {
  P: [-9.64399179425052238628e-1, -9.92877231001918586564e1, -1.61468768441708447952e3],
  Q: [1.12811678491632931402e2, 2.23548839060100448583e3, 4.84406305325125486048e3],
  EP: [1.26177193074810590878e-4, 3.02994407707441961300e-2, 9.99999999999999999910e-1],
  EQ: [3.00198505138664455042e-6, 2.52448340349684104192e-3, 2.27265548208155028766e-1, 2.00000000000000000009e0],
  C1: 6.93145751953125e-1,
  C2: 1.42860682030941723212e-6,
};

/**
 * tanh(pZ, pA, pD, pairs): A = tanh(Z), D = 1 − A² over `pairs` f64x2 lanes:
 * |z| < 0.625 by Cephes' rational x + x³P(x²)/Q(x²), else (1 − t)/(1 + t) with t = e^{−2|z|}
 * (|z| capped at 20, where tanh rounds to ±1) from Cephes' exp: n = round(y·log₂e),
 * r = y − n·ln2 (two parts), e^r by its rational, 2ⁿ built in the exponent bits. A pair whose
 * two lanes take the same branch computes that branch only; a mixed pair selects between both.
 */
function tanhBody(): number[] {
  const pz = 0, pa = 1, pd = 2, cnt = 3;
  const x = 4, z = 5, s = 6, r = 7, rr = 8, n = 9, t = 10, tn = 11, px = 12, m = 13, num = 14, den = 15;
  const { P, Q, EP, EQ, C1, C2 } = TANH_COEFFS;
  const op = (code: number, ...args: number[][]): number[] => [...args.flat(), ...simd(code)];
  const add = (a: number[], b: number[]): number[] => op(V.add, a, b);
  const sub = (a: number[], b: number[]): number[] => op(V.sub, a, b);
  const mul = (a: number[], b: number[]): number[] => op(V.mul, a, b);
  const div = (a: number[], b: number[]): number[] => op(V.div, a, b);
  const k = f64x2Const;
  const code: number[] = [];
  code.push(0x02, 0x40, 0x03, 0x40, ...get(cnt), EQZ, 0x0d, 1);
  code.push(...get(pz), ...simd(V.load), ...mem(3, 0), ...set(x));
  code.push(...op(V.abs, get(x)), ...set(z));
  code.push(...mul(get(x), get(x)), ...set(s));
  // small: |x| + |x|·s·P(s)/Q(s) = (|x|·Q + |x|·s·P)/Q (the sign of x goes on at the end, for
  // both branches: tanh(−0) = −0)
  const Ps = add(mul(add(mul(k(P[0]!), get(s)), k(P[1]!)), get(s)), k(P[2]!));
  const Qs = [...add(mul(add(mul(add(get(s), k(Q[0]!)), get(s)), k(Q[1]!)), get(s)), k(Q[2]!)), ...set(t)];
  const smallNum = add(mul(get(z), get(t)), mul(mul(get(z), get(s)), Ps));
  // which branch each lane takes; a pair whose lanes agree computes only its own branch (the
  // same arithmetic per lane as selecting between both: bit-identical either way)
  code.push(...op(V.lt, get(z), k(0.625)), ...set(m));
  code.push(...get(m), ...simd(V.i64allTrue), 0x04, 0x40);
  code.push(...Qs, ...smallNum, ...set(num), ...get(t), ...set(den));
  code.push(0x05);
  // big: y = −2·min(z, 20); n = nearest(y·log₂e); r = y − n·C1 − n·C2; e^r = (EQ(r²) + px)/(EQ(r²) − px)
  code.push(...mul(op(V.min, get(z), k(20)), k(-2)), ...set(r));
  code.push(...op(V.nearest, mul(get(r), k(Math.LOG2E))), ...set(n));
  code.push(...sub(sub(get(r), mul(get(n), k(C1))), mul(get(n), k(C2))), ...set(r));
  code.push(...mul(get(r), get(r)), ...set(rr));
  code.push(...mul(get(r), add(mul(add(mul(k(EP[0]!), get(rr)), k(EP[1]!)), get(rr)), k(EP[2]!))), ...set(px));
  code.push(...add(mul(add(mul(add(mul(k(EQ[0]!), get(rr)), k(EQ[1]!)), get(rr)), k(EQ[2]!)), get(rr)), k(EQ[3]!)), ...set(rr)); // EQ(r²)
  // 2ⁿ: the bits of n + 1.5·2⁵² hold n in their low bits; (bits + 1023) << 52 is 2ⁿ
  const pow2 = op(V.i64shl, op(V.i64add, add(get(n), k(6755399441055744)), i64x2Const(1023n)), i32c(52));
  // t = e^{−2z} = v/u with u = EQ − px, v = (EQ + px)·2ⁿ; (1 − t)/(1 + t) = (u − v)/(u + v)
  code.push(...mul(add(get(rr), get(px)), pow2), ...set(n)); // v
  code.push(...sub(get(rr), get(px)), ...set(px)); // u
  code.push(...get(m), ...simd(V.anyTrue), 0x04, 0x40);
  // mixed pair: both branches, one division
  code.push(...Qs, ...op(V.bitselect, smallNum, sub(get(px), get(n)), get(m)), ...set(num));
  code.push(...op(V.bitselect, get(t), add(get(px), get(n)), get(m)), ...set(den));
  code.push(0x05, ...sub(get(px), get(n)), ...set(num), ...add(get(px), get(n)), ...set(den), 0x0b);
  code.push(0x0b);
  code.push(...op(V.xor, div(get(num), get(den)), op(V.and, get(x), i64x2Const(-0x8000000000000000n))), ...set(tn));
  code.push(...get(pa), ...get(tn), ...simd(V.store), ...mem(3, 0));
  code.push(...get(pd), ...sub(k(1), mul(get(tn), get(tn))), ...simd(V.store), ...mem(3, 0));
  for (const ptr of [pz, pa, pd]) code.push(...get(ptr), ...i32c(16), ADD, ...set(ptr));
  code.push(...get(cnt), ...i32c(1), SUB, ...set(cnt));
  code.push(0x0c, 0, 0x0b, 0x0b, 0x0b);
  const body = [...vec([[12, V128]]), ...code];
  return [...uleb(body.length), ...body];
}

/** mul(pA, pB, pOut, vectors): Out = A ⊙ B over `vectors` 16-byte vectors (Δ = ∂L/∂A ⊙ f'(Z)). */
function mulBody(p: Prec): number[] {
  const pa = 0, pb = 1, po = 2, cnt = 3;
  const vmul = p === F64P ? V.mul : 0xe6;
  const code: number[] = [0x02, 0x40, 0x03, 0x40, ...get(cnt), EQZ, 0x0d, 1];
  code.push(...get(po), ...get(pa), ...simd(V.load), ...mem(p.align, 0), ...get(pb), ...simd(V.load), ...mem(p.align, 0), ...simd(vmul), ...simd(V.store), ...mem(p.align, 0));
  for (const ptr of [pa, pb, po]) code.push(...get(ptr), ...i32c(16), ADD, ...set(ptr));
  code.push(...get(cnt), ...i32c(1), SUB, ...set(cnt));
  code.push(0x0c, 0, 0x0b, 0x0b, 0x0b);
  const body = [...vec([]), ...code];
  return [...uleb(body.length), ...body];
}

/**
 * The float32 tanh of Eigen (`generic_fast_tanh_float`, Eigen 3.4, MathFunctionsImpl.h): a
 * rational function x·P(x²)/Q(x²) of degrees 13/6 on x clamped to ±7.90531110763549805 (where it
 * rounds to ±1), x itself where |x| < 0.0004; within 3.4 float32 ulp of tanh (measured against
 * Math.tanh over [−6, 6], test/nn/wasm-gemm.test.ts).
 */
export const TANH32_COEFFS = {
  alpha: [4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16],
  beta: [4.89352518554385e-3, 2.26843463243900e-3, 1.18534705686654e-4, 1.19825839466702e-6],
  clamp: 7.90531110763549805,
  tiny: 0.0004,
};

/** f32x4 / i32x4 opcodes of the float32 tanh and sigmoid kernels (after the 0xFD prefix). */
const V4 = { abs: 0xe0, neg: 0xe1, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, min: 0xe8, pmin: 0xea, pmax: 0xeb, lt: 0x43, nearest: 0x6a, i32truncSat: 0xf8, i32add: 0xae, i32shl: 0xab } as const;

function f32x4Const(v: number): number[] {
  return [...simd(V.const), ...new Uint8Array(new Float32Array([v, v, v, v]).buffer)];
}

/**
 * tanh32(pZ, pA, pD, vectors): A = tanh(Z) (`TANH32_COEFFS`) and D = (1 − A)(1 + A) = tanh′(Z)
 * over `vectors` f32x4 vectors, multiply then add throughout (the same bits on both kernel sets).
 * NaN gives NaN, ±0 gives ±0, ±∞ gives ±1.
 */
function tanh32Body(): number[] {
  const pz = 0, pa = 1, pd = 2, cnt = 3, z = 4, x2 = 5, t = 6;
  const { alpha, beta, clamp, tiny } = TANH32_COEFFS;
  const k = f32x4Const;
  const op = (code: number, ...args: number[][]): number[] => [...args.flat(), ...simd(code)];
  const horner = (cs: number[]): number[] => {
    let e = k(cs[cs.length - 1]!);
    for (let i = cs.length - 2; i >= 0; i--) e = op(V4.add, op(V4.mul, e, get(x2)), k(cs[i]!));
    return e;
  };
  const code: number[] = [0x02, 0x40, 0x03, 0x40, ...get(cnt), EQZ, 0x0d, 1];
  code.push(...get(pz), ...simd(V.load), ...mem(2, 0), ...set(z));
  // x = clamp(z) (pmin/pmax keep a NaN), kept in t until x² is taken
  code.push(...op(V4.pmax, op(V4.pmin, get(z), k(clamp)), k(-clamp)), ...set(t));
  code.push(...op(V4.mul, get(t), get(t)), ...set(x2));
  code.push(...op(V4.div, op(V4.mul, horner(alpha), get(t)), horner(beta)), ...set(t));
  code.push(...op(V.bitselect, get(z), get(t), op(V4.lt, op(V4.abs, get(z)), k(tiny))), ...set(t));
  code.push(...get(pa), ...get(t), ...simd(V.store), ...mem(2, 0));
  code.push(...get(pd), ...op(V4.mul, op(V4.sub, k(1), get(t)), op(V4.add, k(1), get(t))), ...simd(V.store), ...mem(2, 0));
  for (const ptr of [pz, pa, pd]) code.push(...get(ptr), ...i32c(16), ADD, ...set(ptr));
  code.push(...get(cnt), ...i32c(1), SUB, ...set(cnt));
  code.push(0x0c, 0, 0x0b, 0x0b, 0x0b);
  const body = [...vec([[3, V128]]), ...code];
  return [...uleb(body.length), ...body];
}

/**
 * The float32 exp of Cephes (S. L. Moshier, Cephes Math Library, expf.c) that the sigmoid kernel
 * uses: e^y = 2ⁿ·e^r, n = nearest(y·log₂e), r = y − n·C1 − n·C2, e^r = 1 + r + r²·P(r).
 */
export const EXP32_COEFFS = {
  P: [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1],
  C1: 0.693359375,
  C2: -2.12194440e-4,
  /** |z| is capped here (e^−87.3 ≈ 1.22·10⁻³⁸, just above the smallest normal float32, 1.18·10⁻³⁸). */
  cap: 87.3,
};

/**
 * sigmoid32(pZ, pA, pD, vectors): A = σ(Z) = 1/(1 + e^−|z|) for z ≥ 0 and e^−|z|/(1 + e^−|z|)
 * for z < 0 (full relative accuracy on both sides, within 2 float32 ulp; for |z| > 87.3 within
 * 1.3·10⁻³⁸ of 0 or 1), D = A(1 − A) = σ′(Z), over `vectors` f32x4 vectors. NaN gives NaN.
 */
function sigmoid32Body(): number[] {
  const pz = 0, pa = 1, pd = 2, cnt = 3, z = 4, y = 5, n = 6, r = 7, e = 8;
  const { P, C1, C2, cap } = EXP32_COEFFS;
  const k = f32x4Const;
  const op = (code: number, ...args: number[][]): number[] => [...args.flat(), ...simd(code)];
  const code: number[] = [0x02, 0x40, 0x03, 0x40, ...get(cnt), EQZ, 0x0d, 1];
  code.push(...get(pz), ...simd(V.load), ...mem(2, 0), ...set(z));
  // y = −min(|z|, cap) (f32x4.min keeps a NaN); n = nearest(y·log₂e); r = y − n·C1 − n·C2
  code.push(...op(V4.neg, op(V4.min, op(V4.abs, get(z)), k(cap))), ...set(y));
  code.push(...op(V4.nearest, op(V4.mul, get(y), k(Math.LOG2E))), ...set(n));
  code.push(...op(V4.sub, op(V4.sub, get(y), op(V4.mul, get(n), k(C1))), op(V4.mul, get(n), k(C2))), ...set(r));
  let poly = k(P[0]!);
  for (let i = 1; i < P.length; i++) poly = op(V4.add, op(V4.mul, poly, get(r)), k(P[i]!));
  // e = (1 + r + r²·P(r))·2ⁿ, 2ⁿ from the bits (n + 127) << 23 (n ≥ −126: a normal number)
  const pow2 = op(V4.i32shl, op(V4.i32add, op(V4.i32truncSat, get(n)), [...simd(V.const), ...new Uint8Array(new Int32Array([127, 127, 127, 127]).buffer)]), i32c(23));
  code.push(...op(V4.mul, op(V4.add, op(V4.add, op(V4.mul, poly, op(V4.mul, get(r), get(r))), get(r)), k(1)), pow2), ...set(e));
  // σ(|z|) = 1/(1 + e), σ(−|z|) = e/(1 + e)
  code.push(...op(V4.add, k(1), get(e)), ...set(r));
  code.push(...op(V.bitselect, op(V4.div, get(e), get(r)), op(V4.div, k(1), get(r)), op(V4.lt, get(z), k(0))), ...set(y));
  code.push(...get(pa), ...get(y), ...simd(V.store), ...mem(2, 0));
  code.push(...get(pd), ...op(V4.mul, get(y), op(V4.sub, k(1), get(y))), ...simd(V.store), ...mem(2, 0));
  for (const ptr of [pz, pa, pd]) code.push(...get(ptr), ...i32c(16), ADD, ...set(ptr));
  code.push(...get(cnt), ...i32c(1), SUB, ...set(cnt));
  code.push(0x0c, 0, 0x0b, 0x0b, 0x0b);
  const body = [...vec([[5, V128]]), ...code];
  return [...uleb(body.length), ...body];
}

// opcodes of the float32 zero-skipping product
const I32_LOAD = 0x28, I32_STORE = 0x36, F32_LOAD = 0x2a, F32_STORE = 0x38, F32_NE = 0x5c, OR = 0x72, GE_U = 0x4f;

/**
 * pairs(pA, am, ak, M, K, pList, pCnt, bk) → entries: for each pair of rows (2p, 2p + 1) of A
 * (entries A[m·am + k·ak], k < K; M even), the k where either row is nonzero, in order, as
 * triples (k·bk, A[2p, k], A[2p + 1, k]) at pList + 12·(p·K + j), and their count at pCnt + 4·p
 * (branch-free: every triple is written, the slot advances when either value is not ±0; NaN is
 * kept). Returns the total count.
 */
function pairsBody(): number[] {
  const pA = 0, am = 1, ak = 2, M = 3, K = 4, pList = 5, pCnt = 6, bk = 7;
  const m = 8, k = 9, c = 10, pa = 11, total = 12, row = 13, kb = 14, slot = 15, a = 16, b = 17;
  const code: number[] = [...i32c(0), ...set(total), ...i32c(0), ...set(m)];
  code.push(0x02, 0x40, 0x03, 0x40, ...get(m), ...get(M), GE_U, 0x0d, 1);
  code.push(...get(pA), ...get(m), ...get(am), MUL, ADD, ...set(pa));
  code.push(...get(pList), ...get(m), ...get(K), MUL, ...i32c(6), MUL, ADD, ...set(row)); // (m/2)·K·12
  code.push(...i32c(0), ...set(c), ...i32c(0), ...set(k), ...i32c(0), ...set(kb));
  code.push(0x02, 0x40, 0x03, 0x40, ...get(k), ...get(K), GE_U, 0x0d, 1);
  code.push(...get(pa), F32_LOAD, ...mem(2, 0), ...set(a));
  code.push(...get(pa), ...get(am), ADD, F32_LOAD, ...mem(2, 0), ...set(b));
  code.push(...get(row), ...get(c), ...i32c(12), MUL, ADD, ...set(slot));
  code.push(...get(slot), ...get(kb), I32_STORE, ...mem(2, 0));
  code.push(...get(slot), ...get(a), F32_STORE, ...mem(2, 4));
  code.push(...get(slot), ...get(b), F32_STORE, ...mem(2, 8));
  code.push(...get(c), ...get(a), 0x43, 0, 0, 0, 0, F32_NE, ...get(b), 0x43, 0, 0, 0, 0, F32_NE, OR, ADD, ...set(c));
  code.push(...get(pa), ...get(ak), ADD, ...set(pa), ...get(kb), ...get(bk), ADD, ...set(kb), ...get(k), ...i32c(1), ADD, ...set(k));
  code.push(0x0c, 0, 0x0b, 0x0b);
  code.push(...get(pCnt), ...get(m), ...i32c(2), MUL, ADD, ...get(c), I32_STORE, ...mem(2, 0)); // (m/2)·4
  code.push(...get(total), ...get(c), ADD, ...set(total), ...get(m), ...i32c(2), ADD, ...set(m));
  code.push(0x0c, 0, 0x0b, 0x0b);
  code.push(...get(total), 0x0b);
  const body = [...vec([[8, I32], [2, F32]]), ...code];
  return [...uleb(body.length), ...body];
}

/**
 * spgemm(M, N, K, pList, pCnt, B, C, ldc): C[m, n] = Σ_j A[m, k_j]·B[k_j, n] over the triples of
 * `pairs` (M even; C overwritten; byte addresses and strides): two rows at a time, column blocks
 * of 4 vectors (one block of B stays in L1 while every pair passes over it: 8 accumulators), then
 * 1 vector, then single columns.
 */
function spgemmBody(p: Prec): number[] {
  const M = 0, N = 1, K = 2, pList = 3, pCnt = 4, B = 5, C = 6, ldc = 7;
  const n = 8, m = 9, e = 10, pl = 11, pb = 12, pc = 13, pBn = 14;
  const acc = (r: number, v: number): number => 15 + r * 4 + v; // v128 × 8
  const a0 = 23, a1 = 24; // v128
  const bv = (v: number): number => 25 + v; // v128 × 4
  const s0 = 29, s1 = 30, sa0 = 31, sa1 = 32; // f32
  const code: number[] = [...i32c(0), ...set(n)];
  const block = (Vn: number): void => {
    const width = Vn === 0 ? 1 : 4 * Vn;
    code.push(0x02, 0x40, 0x03, 0x40);
    code.push(...get(n), ...i32c(width), ADD, ...get(N), GT_S, 0x0d, 1);
    code.push(...get(B), ...get(n), ...i32c(4), MUL, ADD, ...set(pBn));
    code.push(...i32c(0), ...set(m));
    code.push(0x02, 0x40, 0x03, 0x40, ...get(m), ...get(M), GE_U, 0x0d, 1);
    code.push(...get(pCnt), ...get(m), ...i32c(2), MUL, ADD, I32_LOAD, ...mem(2, 0), ...set(e));
    code.push(...get(pList), ...get(m), ...get(K), MUL, ...i32c(6), MUL, ADD, ...set(pl));
    if (Vn === 0) code.push(0x43, 0, 0, 0, 0, ...set(s0), 0x43, 0, 0, 0, 0, ...set(s1));
    else for (let r = 0; r < 2; r++) for (let v = 0; v < Vn; v++) code.push(...simd(0x0c), ...new Array(16).fill(0), ...set(acc(r, v)));
    code.push(0x02, 0x40, 0x03, 0x40, ...get(e), EQZ, 0x0d, 1);
    code.push(...get(pl), I32_LOAD, ...mem(2, 0), ...get(pBn), ADD, ...set(pb));
    if (Vn === 0) {
      code.push(...get(pl), F32_LOAD, ...mem(2, 4), ...set(sa0), ...get(pl), F32_LOAD, ...mem(2, 8), ...set(sa1));
      code.push(...get(pb), F32_LOAD, ...mem(2, 0), ...get(sa0), p.mul, ...get(s0), p.add, ...set(s0));
      code.push(...get(pb), F32_LOAD, ...mem(2, 0), ...get(sa1), p.mul, ...get(s1), p.add, ...set(s1));
    } else {
      code.push(...get(pl), ...simd(0x09), ...mem(2, 4), ...set(a0), ...get(pl), ...simd(0x09), ...mem(2, 8), ...set(a1));
      for (let v = 0; v < Vn; v++) code.push(...get(pb), ...simd(0x00), ...mem(2, 16 * v), ...set(bv(v)));
      for (let v = 0; v < Vn; v++) {
        for (const [r, av] of [[0, a0], [1, a1]] as const) {
          if (p.fma) code.push(...get(av), ...get(bv(v)), ...get(acc(r, v)), ...simd(RELAXED_MADD), ...set(acc(r, v)));
          else code.push(...get(acc(r, v)), ...get(av), ...get(bv(v)), ...simd(p.vmul), ...simd(p.vadd), ...set(acc(r, v)));
        }
      }
    }
    code.push(...get(pl), ...i32c(12), ADD, ...set(pl), ...get(e), ...i32c(1), SUB, ...set(e));
    code.push(0x0c, 0, 0x0b, 0x0b);
    code.push(...get(C), ...get(m), ...get(ldc), MUL, ADD, ...get(n), ...i32c(4), MUL, ADD, ...set(pc));
    if (Vn === 0) code.push(...get(pc), ...get(s0), F32_STORE, ...mem(2, 0), ...get(pc), ...get(ldc), ADD, ...get(s1), F32_STORE, ...mem(2, 0));
    else for (let r = 0; r < 2; r++) for (let v = 0; v < Vn; v++) code.push(...get(pc), ...(r ? [...get(ldc), ADD] : []), ...get(acc(r, v)), ...simd(0x0b), ...mem(2, 16 * v));
    code.push(...get(m), ...i32c(2), ADD, ...set(m));
    code.push(0x0c, 0, 0x0b, 0x0b);
    code.push(...get(n), ...i32c(width), ADD, ...set(n));
    code.push(0x0c, 0, 0x0b, 0x0b);
  };
  block(4);
  block(1);
  block(0);
  code.push(0x0b);
  const body = [...vec([[7, I32], [14, V128], [4, F32]]), ...code];
  return [...uleb(body.length), ...body];
}

// opcodes of the float32 relu kernel
const F32X4_GT = 0x44;

/**
 * relu(pZ, pH, pD, vectors): H = relu(Z) and D = relu'(Z) (1 where z > 0, else 0, as
 * ./activations.ts: NaN and −0 give 0) over `vectors` f32x4 vectors.
 */
function reluBody(): number[] {
  const pz = 0, ph = 1, pd = 2, cnt = 3, z = 4, mask = 5;
  const one = new Uint8Array(new Float32Array([1, 1, 1, 1]).buffer);
  const code: number[] = [0x02, 0x40, 0x03, 0x40, ...get(cnt), EQZ, 0x0d, 1];
  code.push(...get(pz), ...simd(V.load), ...mem(2, 0), ...set(z));
  code.push(...get(z), ...simd(0x0c), ...new Array(16).fill(0), ...simd(F32X4_GT), ...set(mask));
  code.push(...get(ph), ...get(z), ...get(mask), ...simd(V.and), ...simd(V.store), ...mem(2, 0));
  code.push(...get(pd), ...simd(0x0c), ...one, ...get(mask), ...simd(V.and), ...simd(V.store), ...mem(2, 0));
  for (const ptr of [pz, ph, pd]) code.push(...get(ptr), ...i32c(16), ADD, ...set(ptr));
  code.push(...get(cnt), ...i32c(1), SUB, ...set(cnt));
  code.push(0x0c, 0, 0x0b, 0x0b, 0x0b);
  const body = [...vec([[2, V128]]), ...code];
  return [...uleb(body.length), ...body];
}

/**
 * The module's bytes: imports env.mem, exports `gemm` and `mul` for the given precision, and
 * `tanh` for float64 or `relu` for float32 (the float64 module's bytes
 * are those it always had: its kernels are the float64 engine's).
 */
function moduleBytes(p: Prec): Uint8Array<ArrayBuffer> {
  const f64 = p === F64P;
  const types = [
    [0x60, ...uleb(NPARAM), ...new Array(NPARAM).fill(I32), 0],
    [0x60, 12, ...new Array(12).fill(I32), 0],
    [0x60, 4, I32, I32, I32, I32, 0],
  ];
  const imports = vec([[...str("env"), ...str("mem"), 0x02, 0x00, 1]]);
  const funcs = vec(f64 ? [[0], [0], [1], [2], [2]] : [[0], [0], [1], [2], [2], [3], [4], [2], [2]]);
  const exps = [[...str("gemm"), 0x00, 2], [...str("mul"), 0x00, 3]];
  if (!f64) types.push([0x60, 8, ...new Array(8).fill(I32), 1, I32], [0x60, 8, ...new Array(8).fill(I32), 0]);
  if (f64) exps.push([...str("tanh"), 0x00, 4]);
  else exps.push([...str("relu"), 0x00, 4], [...str("pairs"), 0x00, 5], [...str("spgemm"), 0x00, 6], [...str("tanh"), 0x00, 7], [...str("sigmoid"), 0x00, 8]);
  const code = vec(f64 ? [panel(p, 4), panel(p, 1), driver(), mulBody(p), tanhBody()] : [panel(p, 4), panel(p, 1), driver(), mulBody(p), reluBody(), pairsBody(), spgemmBody(p), tanh32Body(), sigmoid32Body()]);
  return moduleOf(section(1, vec(types)), section(2, imports), section(3, funcs), section(7, vec(exps)), section(10, code));
}

/** C = (0 | C | bias) + A·B over the strided operands (byte addresses and byte strides). */
export type GemmFn = (M: number, N: number, K: number, A: number, am: number, ak: number, B: number, bk: number, C: number, ldc: number, mode: number, bias: number) => void;

/** The kernel sets: float64, float32 with f32x4 mul then add, float32 with relaxed-SIMD FMA. */
export type GemmKernels = "f64" | "f32" | "f32-fma";

const modules: Partial<Record<GemmKernels, WebAssembly.Module | null>> = {};

/** A module of one function `(v128, v128, v128) → f32x4.relaxed_madd`: valid where relaxed SIMD is on. */
const RELAXED_PROBE = moduleOf(
  section(1, vec([[0x60, 3, V128, V128, V128, 1, V128]])),
  section(3, vec([[0]])),
  section(10, vec([[11, 0, ...get(0), ...get(1), ...get(2), ...simd(RELAXED_MADD), 0x0b]])),
);

let relaxed: boolean | undefined;

/**
 * True where WebAssembly relaxed SIMD (`f32x4.relaxed_madd`) compiles. Node 20 (V8 11.3) has it
 * behind `--experimental-wasm-relaxed-simd`: when the probe does not validate and this runs in
 * Node, the flag is set in-process once (`v8.setFlagsFromString`, which affects modules compiled
 * afterwards) and the probe is tried again. Browsers with relaxed SIMD validate it directly.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxed !== undefined) return relaxed;
  if (typeof WebAssembly !== "object") return (relaxed = false);
  relaxed = WebAssembly.validate(RELAXED_PROBE);
  if (!relaxed) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    try {
      const v8 = proc?.getBuiltinModule?.("node:v8") as { setFlagsFromString?: (flags: string) => void } | undefined;
      if (v8?.setFlagsFromString) {
        v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
        relaxed = WebAssembly.validate(RELAXED_PROBE);
      }
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}

/**
 * The compiled module of a kernel set, or null where WebAssembly SIMD (for "f32-fma": relaxed
 * SIMD, see `relaxedSimdAvailable`) is unavailable.
 */
export function gemmModule(kernels: GemmKernels): WebAssembly.Module | null {
  if (modules[kernels] === undefined) {
    try {
      if (typeof WebAssembly !== "object" || (kernels === "f32-fma" && !relaxedSimdAvailable())) modules[kernels] = null;
      else modules[kernels] = new WebAssembly.Module(moduleBytes(kernels === "f64" ? F64P : kernels === "f32" ? F32P : F32P_FMA));
    } catch {
      modules[kernels] = null;
    }
  }
  return modules[kernels]!;
}

type View = Float64Array | Float32Array;

/**
 * A fixed-size WebAssembly memory with the kernels of one precision bound to it, and a bump
 * allocator of typed-array views on it (16-byte aligned). The memory never grows, so views stay
 * valid. `F64Arena` and `F32Arena` are its two precisions.
 */
abstract class GemmArena<T extends View> {
  private top = 0;
  private readonly es: number;
  protected constructor(readonly memory: WebAssembly.Memory, protected readonly exports: WebAssembly.Exports, readonly bytes: number, private readonly Ctor: { new (b: ArrayBuffer, off: number, len: number): T; BYTES_PER_ELEMENT: number }) {
    this.es = Ctor.BYTES_PER_ELEMENT;
  }

  /** The memory and the instance's exports for `values` values of a precision, or null (no SIMD, past 2 GiB, out of memory). */
  protected static make(kernels: GemmKernels, values: number): { memory: WebAssembly.Memory; exports: WebAssembly.Exports; bytes: number } | null {
    const mod = gemmModule(kernels);
    if (!mod) return null;
    const bytes = values * (kernels === "f64" ? 8 : 4) + 4096;
    const pages = Math.ceil(bytes / 65536);
    if (pages > 32768) return null; // 2 GiB: leave such sizes to plain typed arrays
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: pages });
    } catch {
      return null; // out of memory for one block: the caller falls back to plain typed arrays
    }
    return { memory, exports: new WebAssembly.Instance(mod, { env: { mem: memory } }).exports, bytes };
  }

  /**
   * The product (see `GemmFn`), in column blocks of 64 when B is large: each block of B (K × 64)
   * then stays in cache while every row panel of A passes over it.
   */
  gemm(M: number, N: number, K: number, A: number, am: number, ak: number, B: number, bk: number, C: number, ldc: number, mode: number, bias: number): void {
    const NB = 64, es = this.es;
    const kernel = this.exports.gemm as GemmFn;
    if (N <= NB || K * NB * es < 32768) {
      kernel(M, N, K, A, am, ak, B, bk, C, ldc, mode, bias);
      return;
    }
    for (let n0 = 0; n0 < N; n0 += NB) kernel(M, Math.min(NB, N - n0), K, A, am, ak, B + n0 * es, bk, C + n0 * es, ldc, mode, bias + n0 * es);
  }

  /** Out = A ⊙ B over the first `len` entries of three views on this arena (rounded up to whole vectors, in the padding of `alloc`). */
  mul(A: T, B: T, Out: T, len: number): void {
    (this.exports.mul as (a: number, b: number, o: number, n: number) => void)(this.addr(A), this.addr(B), this.addr(Out), Math.ceil((len * this.es) / 16));
  }

  /** A zeroed view of `len` values (its end padded to 16 bytes). */
  alloc(len: number): T {
    const off = this.top;
    this.top = (off + len * this.es + 15) & ~15;
    if (this.top > this.memory.buffer.byteLength) throw new RangeError(`${this.constructor.name}: out of memory (${this.top} > ${this.memory.buffer.byteLength} bytes)`);
    return new this.Ctor(this.memory.buffer, off, len);
  }

  /** The byte address of a view on this arena's memory (throws for any other array). */
  addr(a: T): number {
    if (a.buffer !== this.memory.buffer) throw new Error(`${this.constructor.name}: the array is not on this arena's memory`);
    return a.byteOffset;
  }
}

/**
 * A float64 arena (see `GemmArena`), with the tanh kernel.
 *
 * @example
 * const arena = F64Arena.create(1000);
 * if (arena) { const a = arena.alloc(16); }
 */
export class F64Arena extends GemmArena<Float64Array> {
  /** An arena for `doubles` float64 values (plus alignment), or null without WebAssembly SIMD or past 2 GiB. */
  static create(doubles: number): F64Arena | null {
    const m = GemmArena.make("f64", doubles);
    return m ? new F64Arena(m.memory, m.exports, m.bytes, Float64Array) : null;
  }

  /**
   * A = tanh(Z), D = 1 − A² over the first `len` entries of three views on this arena (an odd
   * `len` computes one more lane, in the padding every view of `alloc` has up to 16 bytes).
   */
  tanh(Z: Float64Array, A: Float64Array, D: Float64Array, len: number): void {
    (this.exports.tanh as (pZ: number, pA: number, pD: number, pairs: number) => void)(this.addr(Z), this.addr(A), this.addr(D), (len + 1) >> 1);
  }
}

/**
 * A float32 arena (see `GemmArena`): f32x4 products in register blocks of 4 rows × 8 columns,
 * with relaxed-SIMD FMA where available (`fma`), and the relu kernel.
 *
 * @example
 * const arena = F32Arena.create(1000);
 * if (arena) { const a = arena.alloc(16); }
 */
export class F32Arena extends GemmArena<Float32Array> {
  /**
   * Whether new arenas multiply-add with relaxed-SIMD FMA where it is available (default true);
   * false forces the f32x4 mul-then-add kernels (tests run both paths).
   */
  static useFma = true;

  private constructor(memory: WebAssembly.Memory, exports: WebAssembly.Exports, bytes: number, readonly fma: boolean) {
    super(memory, exports, bytes, Float32Array);
  }

  /**
   * An arena for `floats` float32 values (plus alignment), or null without WebAssembly SIMD or
   * past 2 GiB. Its products use `f32x4.relaxed_madd` when `F32Arena.useFma` is set and relaxed
   * SIMD is available (`fma` says which), f32x4 mul then add otherwise.
   */
  static create(floats: number): F32Arena | null {
    const fma = F32Arena.useFma && gemmModule("f32-fma") !== null;
    const m = GemmArena.make(fma ? "f32-fma" : "f32", floats);
    return m ? new F32Arena(m.memory, m.exports, m.bytes, fma) : null;
  }

  /**
   * C = A·B (C overwritten; operands as `gemm`'s, byte addresses and strides) skipping the terms
   * where A is zero in two rows at once: the rows of A go in pairs, each pair's nonzero columns k
   * (nonzero in either row) are listed into `scratch` (a view on this arena of at least
   * `F32Arena.skipScratch(M, K)` values), and each pair of rows of C sums over its list only,
   * in f32x4 blocks of 2 rows × 16 columns. A ReLU layer's Δ is zero wherever its unit is off (about
   * half the entries), so a pair is nonzero in about 3/4 of its columns. Where more than
   * `maxDensity` of the pairs' columns are nonzero (no gain) the dense `gemm` runs instead. An odd
   * last row runs on `gemm`. Returns true when the zero-skipping product ran. A skipped term is
   * 0·b: ±0 for finite b (the sum is unchanged); an infinite or NaN b facing a zero of A in both
   * rows is skipped where the dense product gives NaN.
   */
  gemmSkippingZeros(M: number, N: number, K: number, A: number, am: number, ak: number, B: number, bk: number, C: number, ldc: number, scratch: Float32Array, maxDensity = 0.9): boolean {
    const need = F32Arena.skipScratch(M, K);
    if (scratch.length < need) throw new RangeError(`F32Arena.gemmSkippingZeros: the scratch holds ${scratch.length} values, ${need} needed for ${M} × ${K}`);
    const Me = M & ~1;
    if (Me > 0) {
      const pList = this.addr(scratch), pCnt = pList + 6 * Me * K;
      const listed = (this.exports.pairs as (...a: number[]) => number)(A, am, ak, Me, K, pList, pCnt, bk);
      if (listed > maxDensity * (Me / 2) * K) {
        this.gemm(M, N, K, A, am, ak, B, bk, C, ldc, GEMM_SET, 0);
        return false;
      }
      (this.exports.spgemm as (...a: number[]) => void)(Me, N, K, pList, pCnt, B, C, ldc);
    }
    if (M > Me) this.gemm(1, N, K, A + Me * am, am, ak, B, bk, C + Me * ldc, ldc, GEMM_SET, 0);
    return true;
  }

  /** The scratch values `gemmSkippingZeros` needs for an M × K matrix A: a list of (k, two values) per pair of rows and a count. */
  static skipScratch(M: number, K: number): number {
    return (M >> 1) * (3 * K + 1);
  }

  /**
   * A = tanh(Z), D = 1 − A² (as (1 − A)(1 + A)) over the first `len` entries of three views on
   * this arena, in float32 (`TANH32_COEFFS`: within a few ulp of tanh; whole vectors, in the
   * padding of `alloc`).
   */
  tanh(Z: Float32Array, A: Float32Array, D: Float32Array, len: number): void {
    (this.exports.tanh as (z: number, a: number, d: number, n: number) => void)(this.addr(Z), this.addr(A), this.addr(D), Math.ceil(len / 4));
  }

  /**
   * A = σ(Z), D = A(1 − A) over the first `len` entries of three views on this arena, in float32
   * (`EXP32_COEFFS`: within 2 ulp of σ; whole vectors, in the padding of `alloc`).
   */
  sigmoid(Z: Float32Array, A: Float32Array, D: Float32Array, len: number): void {
    (this.exports.sigmoid as (z: number, a: number, d: number, n: number) => void)(this.addr(Z), this.addr(A), this.addr(D), Math.ceil(len / 4));
  }

  /** H = relu(Z), D = relu'(Z) (1 where z > 0, else 0) over the first `len` entries of three views on this arena (whole vectors, in the padding of `alloc`). */
  relu(Z: Float32Array, H: Float32Array, D: Float32Array, len: number): void {
    (this.exports.relu as (z: number, h: number, d: number, n: number) => void)(this.addr(Z), this.addr(H), this.addr(D), Math.ceil(len / 4));
  }
}
