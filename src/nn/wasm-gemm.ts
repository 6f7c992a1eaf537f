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
 * derivative. `F64Arena` (the float64 engine, ./loss-problem.ts) and `F32Arena` (the float32
 * engine, ./f32-engine.ts) bind a module to a memory. The byte encoding is ../backends/wasm-emit.ts.
 *
 * Reference: WebAssembly 2.0 specification, "Vector Instructions" (binary format, prefix 0xFD).
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
}
const F64P: Prec = { es: 8, lanes: 2, scalar: F64, load: 0x2b, store: 0x39, add: 0xa0, mul: 0xa2, splatLoad: 0x0a, vadd: 240, vmul: 242, align: 3 };
const F32P: Prec = { es: 4, lanes: 4, scalar: F32, load: 0x2a, store: 0x38, add: 0x92, mul: 0x94, splatLoad: 0x09, vadd: 228, vmul: 230, align: 2 };

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
        for (let v = 0; v < V; v++) code.push(...get(acc(r, v)), ...get(av), ...get(bv(v)), ...simd(p.vmul), ...simd(p.vadd), ...set(acc(r, v)));
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

/** The module's bytes: imports env.mem, exports `gemm` and `mul` for the given precision (and `tanh` for float64). */
function moduleBytes(p: Prec): Uint8Array<ArrayBuffer> {
  const f64 = p === F64P;
  const types = vec([
    [0x60, ...uleb(NPARAM), ...new Array(NPARAM).fill(I32), 0],
    [0x60, 12, ...new Array(12).fill(I32), 0],
    [0x60, 4, I32, I32, I32, I32, 0],
  ]);
  const imports = vec([[...str("env"), ...str("mem"), 0x02, 0x00, 1]]);
  const funcs = vec(f64 ? [[0], [0], [1], [2], [2]] : [[0], [0], [1], [2]]);
  const exps = [[...str("gemm"), 0x00, 2], [...str("mul"), 0x00, 3]];
  if (f64) exps.push([...str("tanh"), 0x00, 4]);
  const code = vec(f64 ? [panel(p, 4), panel(p, 1), driver(), mulBody(p), tanhBody()] : [panel(p, 4), panel(p, 1), driver(), mulBody(p)]);
  return moduleOf(section(1, types), section(2, imports), section(3, funcs), section(7, vec(exps)), section(10, code));
}

/** C = (0 | C | bias) + A·B over the strided operands (byte addresses and byte strides). */
export type GemmFn = (M: number, N: number, K: number, A: number, am: number, ak: number, B: number, bk: number, C: number, ldc: number, mode: number, bias: number) => void;

const modules: Partial<Record<"f64" | "f32", WebAssembly.Module | null>> = {};

/** The compiled module for a precision, or null where WebAssembly SIMD is unavailable. */
export function gemmModule(precision: "f64" | "f32"): WebAssembly.Module | null {
  if (modules[precision] === undefined) {
    try {
      modules[precision] = typeof WebAssembly === "object" ? new WebAssembly.Module(moduleBytes(precision === "f64" ? F64P : F32P)) : null;
    } catch {
      modules[precision] = null;
    }
  }
  return modules[precision]!;
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
  protected static make(precision: "f64" | "f32", values: number): { memory: WebAssembly.Memory; exports: WebAssembly.Exports; bytes: number } | null {
    const mod = gemmModule(precision);
    if (!mod) return null;
    const bytes = values * (precision === "f64" ? 8 : 4) + 4096;
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
 * A float32 arena (see `GemmArena`): f32x4 products in register blocks of 4 rows × 8 columns.
 *
 * @example
 * const arena = F32Arena.create(1000);
 * if (arena) { const a = arena.alloc(16); }
 */
export class F32Arena extends GemmArena<Float32Array> {
  /** An arena for `floats` float32 values (plus alignment), or null without WebAssembly SIMD or past 2 GiB. */
  static create(floats: number): F32Arena | null {
    const m = GemmArena.make("f32", floats);
    return m ? new F32Arena(m.memory, m.exports, m.bytes, Float32Array) : null;
  }
}
