/**
 * The float64 engine's WebAssembly SIMD kernels (./loss-problem.ts), emitted as bytecode for one
 * network: the three products of each dense layer with that layer's strides built in as
 * constants, column sums for the bias gradients, and tanh with its derivative. They run on the
 * memory of an `F64Arena` (./wasm-gemm.ts), whose buffers the workspace already lives on.
 *
 * Why a module per network, beside the general kernel of ./wasm-gemm.ts: with the strides known,
 * every row of a register block is one load at a constant offset from one pointer (no address
 * arithmetic per row and step), and V8's TurboFan keeps the block in registers. Measured on the
 * 2→64→64→1 benchmark net (Node 20, V8 11.3, one core of an AMD EPYC): 14–15 GMAC/s against 11 for
 * the general kernel on the 64×64×1000 products.
 *
 * - `gemm`: C[m, n] (=, +=, or = bias[n] +) Σ_k A[m, k]·B[k, n], A read as A[m·am + k·ak], B
 *   contiguous along n (rows bk apart), C rows ldc apart (byte strides, fixed per function). Register
 *   blocks of 3 rows × 2 f64x2 vectors (6 accumulators: larger blocks spill in V8 11.3), then 1
 *   vector, then single columns, then single rows. The k range runs in blocks of `kb` (the first
 *   in the given mode, the rest accumulate), so that a long reduction (the weight gradient over
 *   1000 samples) works on pieces of A and B that stay in the L1 cache. The input gradient can
 *   also store C ⊙ E as it stores C: Δ of the layer below, ∂L/∂A ⊙ f'(Z), without a pass of its
 *   own. Every sum runs in the order of a plain loop over k (no FMA), so the results equal the
 *   JavaScript loops of ./dense.ts bit for bit.
 * - `colsum`: out[n] = Σ_s Δ[s, n] over S rows (bias gradients), 16 columns at a time.
 * - `tanh`: A = tanh(Z), D = 1 − A², from Cephes' rational and exponential (see `tanhBody`), its
 *   constants loaded from a table in memory (V8 rebuilds a `v128.const` from immediates at each
 *   use), `pmin` (one instruction; `min` is six) for the clamp at 20: 1.3–2× the speed of the
 *   kernel of ./wasm-gemm.ts, within 5 ulp of Math.tanh.
 *
 * Reference: WebAssembly 2.0 specification, "Vector Instructions" (binary format, prefix 0xFD);
 * S. L. Moshier, Cephes Math Library (tanh.c, exp.c).
 */
import { F64, I32, V128, localGet as get, localSet as set, moduleOf, section, simd, sleb, str, uleb, vec } from "../backends/wasm-emit.js";
import { GEMM_ADD, GEMM_BIAS, GEMM_SET, TANH_COEFFS, type F64Arena } from "./wasm-gemm.js";

const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const ADD = 0x6a, SUB = 0x6b, MUL = 0x6c, EQ = 0x46, EQZ = 0x45, GT_S = 0x4a, LE_S = 0x4c, LT_S = 0x48;
const F64_LOAD = 0x2b, F64_STORE = 0x39, F64_ADD = 0xa0, F64_MUL = 0xa2;
/** f64x2 / v128 opcodes (after the 0xFD prefix). */
const V = { anyTrue: 0x53, allTrue: 0xc3, load: 0x00, splat: 0x0a, store: 0x0b, const: 0x0c, and: 0x4e, xor: 0x51, bitselect: 0x52, lt: 0x49, nearest: 0x94, add: 0xf0, sub: 0xf1, mul: 0xf2, div: 0xf3, pmin: 0xf6, i64shl: 0xcb, i64add: 0xce } as const;
/** memarg: 8-byte alignment, byte offset. */
const mem = (offset: number): number[] => [3, ...uleb(offset)];
const zeroV = (): number[] => [...simd(V.const), ...new Array(16).fill(0)];
const zeroF = (): number[] => [0x44, 0, 0, 0, 0, 0, 0, 0, 0];

/** `while (cond) body` (cond leaves an i32). */
function whileLoop(code: number[], cond: number[], body: () => void): void {
  code.push(0x02, 0x40, 0x03, 0x40, ...cond, EQZ, 0x0d, 1);
  body();
  code.push(0x0c, 0, 0x0b, 0x0b);
}

/** The byte strides of one product: A[m, k] at m·am + k·ak, B[k, n] at k·bk + 8n, C[m, n] at m·ldc + 8n. */
export interface Strides {
  readonly am: number;
  readonly ak: number;
  readonly bk: number;
  readonly ldc: number;
}

/**
 * The register block of the products: 3 rows × 2 f64x2 vectors (6 accumulators). Measured in V8
 * 11.3: larger blocks spill or are unrolled by V8 past its registers (4 × 2: 10% slower, 5 × 2
 * or 4 × 3: half the speed); tiles as functions of their own (2 × 4 blocks, no unrolling) ran
 * one 64×64×1000 product 5% faster but the network's step no faster.
 */
const ROWS = 3, VECS = 2;

// gemm(M, N, K, pA, pB, pC, pBias, mode, kb, times, dE, dO): with times = 1, the last k block also
// stores C ⊙ E at C + dO (E at C + dE; byte differences, the same strides): Δ = (Δ_next·W) ⊙ f'(Z)
// in one pass; with times = 2, only C ⊙ E (C itself is not stored)
const G_M = 0, G_N = 1, G_K = 2, G_A = 3, G_B = 4, G_C = 5, G_BIAS = 6, G_MODE = 7, G_KB = 8, G_TIMES = 9, G_DE = 10, G_DO = 11, G_PARAMS = 12;

/** The locals a tile works with (indices). */
interface TileLocals {
  pa: number; pb: number; pc: number; pBias: number; kn: number; mode: number; times: number; dE: number; dO: number;
  k: number; pe: number; po: number;
  /** Accumulators: R × V vectors, or R scalars for a single column. */
  acc: (r: number, v: number) => number;
  /** B's vectors (or its scalar) of one step, A's splat (or scalar). */
  b: (v: number) => number;
  a: number;
}

/**
 * One tile of C: R rows × Vn vectors (Vn = 0: one scalar column) from pa, pb, pc (the pointers
 * advance): start from 0, C or the bias row (`mode`), kn steps of k, store C (unless `times` is
 * 2), and with `times` (1 or 2) C ⊙ E too.
 */
function tileCode(code: number[], st: Strides, R: number, Vn: number, l: TileLocals): void {
  const scalar = Vn === 0;
  const cols = scalar ? 1 : Vn;
  const load = scalar ? [F64_LOAD] : simd(V.load);
  const each = (f: (r: number, v: number) => void): void => {
    for (let r = 0; r < R; r++) for (let v = 0; v < cols; v++) f(r, v);
  };
  // start from C (GEMM_ADD), else from the bias row (GEMM_BIAS: read once, copied to every row), else 0
  code.push(...get(l.mode), ...i32c(GEMM_ADD), EQ, 0x04, 0x40);
  each((r, v) => code.push(...get(l.pc), ...load, ...mem(r * st.ldc + 16 * v), ...set(l.acc(r, v))));
  code.push(0x05, ...get(l.mode), ...i32c(GEMM_BIAS), EQ, 0x04, 0x40);
  for (let v = 0; v < cols; v++) code.push(...get(l.pBias), ...load, ...mem(16 * v), ...set(l.acc(0, v)));
  each((r, v) => { if (r > 0) code.push(...get(l.acc(0, v)), ...set(l.acc(r, v))); });
  code.push(0x05);
  each((r, v) => code.push(...(scalar ? zeroF() : zeroV()), ...set(l.acc(r, v))));
  code.push(0x0b, 0x0b, ...get(l.kn), ...set(l.k));
  whileLoop(code, [...get(l.k), ...i32c(0), GT_S], () => {
    for (let v = 0; v < cols; v++) code.push(...get(l.pb), ...load, ...mem(16 * v), ...set(l.b(v)));
    for (let r = 0; r < R; r++) {
      code.push(...get(l.pa), ...(scalar ? [F64_LOAD] : simd(V.splat)), ...mem(r * st.am), ...set(l.a));
      for (let v = 0; v < cols; v++) code.push(...get(l.acc(r, v)), ...get(l.a), ...get(l.b(v)), ...(scalar ? [F64_MUL, F64_ADD] : [...simd(V.mul), ...simd(V.add)]), ...set(l.acc(r, v)));
    }
    code.push(...get(l.pa), ...i32c(st.ak), ADD, ...set(l.pa), ...get(l.pb), ...i32c(st.bk), ADD, ...set(l.pb), ...get(l.k), ...i32c(1), SUB, ...set(l.k));
  });
  code.push(...get(l.times), ...i32c(2), 0x47 /* ne */, 0x04, 0x40);
  each((r, v) => code.push(...get(l.pc), ...get(l.acc(r, v)), ...(scalar ? [F64_STORE] : simd(V.store)), ...mem(r * st.ldc + 16 * v)));
  code.push(0x0b, ...get(l.times), 0x04, 0x40, ...get(l.pc), ...get(l.dE), ADD, ...set(l.pe), ...get(l.pc), ...get(l.dO), ADD, ...set(l.po));
  each((r, v) => {
    const off = mem(r * st.ldc + 16 * v);
    code.push(...get(l.po), ...get(l.acc(r, v)), ...get(l.pe));
    code.push(...(scalar ? [F64_LOAD, ...off, F64_MUL, F64_STORE] : [...simd(V.load), ...off, ...simd(V.mul), ...simd(V.store)]), ...off);
  });
  code.push(0x0b);
}

/**
 * The body of one product with the strides `st` built in (see the file comment): k blocks, row
 * panels of 3 then 1, column tiles of 2 vectors, 1 vector, 1 column.
 */
function gemmBody(st: Strides): number[] {
  let next = G_PARAMS;
  const k0 = next++, kn = next++, mode = next++, a0 = next++, b0 = next++, m = next++, n8 = next++, n8End = next++, aRow = next++, cRow = next++, times = next++;
  const k = next++, pa = next++, pb = next++, pc = next++, pBias = next++, pe = next++, po = next++;
  const nI32 = next - G_PARAMS;
  const vals = next, sVals = vals + ROWS * VECS + VECS + 1;
  const code: number[] = [];

  // k blocks (at least one, so that K = 0 still sets C): kn = min(kb, K − k0)
  code.push(...i32c(0), ...set(k0), ...get(G_MODE), ...set(mode), ...get(G_A), ...set(a0), ...get(G_B), ...set(b0));
  code.push(0x03, 0x40);
  code.push(...get(G_K), ...get(k0), SUB, ...set(kn), ...get(kn), ...get(G_KB), GT_S, 0x04, 0x40, ...get(G_KB), ...set(kn), 0x0b);
  // the fused product with E in the last k block only
  code.push(...get(G_TIMES), ...i32c(0), ...get(k0), ...get(kn), ADD, ...get(G_K), 0x4e /* ge_s */, 0x1b /* select */, ...set(times));
  code.push(...i32c(0), ...set(m));
  for (const R of [ROWS, 1]) {
    whileLoop(code, [...get(m), ...i32c(R), ADD, ...get(G_M), LE_S], () => {
      code.push(...get(a0), ...get(m), ...i32c(st.am), MUL, ADD, ...set(aRow));
      code.push(...get(G_C), ...get(m), ...i32c(st.ldc), MUL, ADD, ...set(cRow));
      // n8: the byte offset of the tile's first column
      code.push(...i32c(0), ...set(n8), ...get(G_N), ...i32c(8), MUL, ...set(n8End));
      for (const Vn of [VECS, 1, 0]) {
        const width = 8 * (Vn === 0 ? 1 : 2 * Vn);
        whileLoop(code, [...get(n8), ...i32c(width), ADD, ...get(n8End), LE_S], () => {
          code.push(...get(aRow), ...set(pa));
          code.push(...get(b0), ...get(n8), ADD, ...set(pb));
          code.push(...get(cRow), ...get(n8), ADD, ...set(pc));
          code.push(...get(G_BIAS), ...get(n8), ADD, ...set(pBias));
          const cols = Vn === 0 ? 1 : Vn;
          const base = Vn === 0 ? sVals : vals;
          tileCode(code, st, R, Vn, {
            pa, pb, pc, pBias, kn, mode, times, dE: G_DE, dO: G_DO, k, pe, po,
            acc: (r, v) => base + r * cols + v, b: (v) => base + R * cols + v, a: base + R * cols + cols,
          });
          code.push(...get(n8), ...i32c(width), ADD, ...set(n8));
        });
      }
      code.push(...get(m), ...i32c(R), ADD, ...set(m));
    });
  }
  code.push(...get(k0), ...get(kn), ADD, ...set(k0), ...i32c(GEMM_ADD), ...set(mode));
  code.push(...get(a0), ...get(kn), ...i32c(st.ak), MUL, ADD, ...set(a0), ...get(b0), ...get(kn), ...i32c(st.bk), MUL, ADD, ...set(b0));
  code.push(...get(k0), ...get(G_K), LT_S, 0x0d, 0, 0x0b);
  code.push(0x0b);
  const body = [...vec([[...uleb(nI32), I32], [...uleb(ROWS * VECS + VECS + 1), V128], [...uleb(ROWS + 2), F64]]), ...code];
  return [...uleb(body.length), ...body];
}

/** Column blocks of `colsum`: f64x2 vectors summed side by side (independent accumulators). */
const SUM_VECS = 8;

/**
 * colsum(S, N, pD, ldd, pOut): out[n] = Σ_s D[s·ldd + 8n]; blocks of 8 vectors (16 columns)
 * down all rows, then single vectors, then single columns.
 */
function colsumBody(): number[] {
  const S = 0, N = 1, pD = 2, ldd = 3, pOut = 4;
  const n = 5, s = 6, p = 7;
  const a = (i: number): number => 8 + i; // v128 accumulators
  const f = 8 + SUM_VECS; // f64 accumulator
  const code: number[] = [...i32c(0), ...set(n)];
  for (const vecs of [SUM_VECS, 1, 0]) {
    const width = vecs === 0 ? 1 : 2 * vecs;
    whileLoop(code, [...get(n), ...i32c(width), ADD, ...get(N), LE_S], () => {
      if (vecs === 0) code.push(...zeroF(), ...set(f));
      for (let i = 0; i < vecs; i++) code.push(...zeroV(), ...set(a(i)));
      code.push(...get(pD), ...get(n), ...i32c(8), MUL, ADD, ...set(p), ...i32c(0), ...set(s));
      whileLoop(code, [...get(s), ...get(S), LT_S], () => {
        if (vecs === 0) code.push(...get(f), ...get(p), F64_LOAD, ...mem(0), F64_ADD, ...set(f));
        for (let i = 0; i < vecs; i++) code.push(...get(a(i)), ...get(p), ...simd(V.load), ...mem(16 * i), ...simd(V.add), ...set(a(i)));
        code.push(...get(p), ...get(ldd), ADD, ...set(p), ...get(s), ...i32c(1), ADD, ...set(s));
      });
      if (vecs === 0) code.push(...get(pOut), ...get(n), ...i32c(8), MUL, ADD, ...get(f), F64_STORE, ...mem(0));
      for (let i = 0; i < vecs; i++) code.push(...get(pOut), ...get(n), ...i32c(8), MUL, ADD, ...get(a(i)), ...simd(V.store), ...mem(16 * i));
      code.push(...get(n), ...i32c(width), ADD, ...set(n));
    });
  }
  code.push(0x0b);
  const body = [...vec([[3, I32], [...uleb(SUM_VECS), V128], [1, F64]]), ...code];
  return [...uleb(body.length), ...body];
}

/**
 * Cephes' tanh rational in w = z² for the argument z/2 (s = w/4), scaled by powers of 2 (so every
 * rounding is the same as at s): 64·Q(w/4) = ((w + 4Q₀)·w + 16Q₁)·w + 64Q₂ (monic),
 * 16·P(w/4) = (P₀·w + 4P₁)·w + 16P₂.
 */
function scaledPQ(): { P: number[]; Q: number[] } {
  const { P, Q } = TANH_COEFFS;
  return { P: [P[0]!, 4 * P[1]!, 16 * P[2]!], Q: [4 * Q[0]!, 16 * Q[1]!, 64 * Q[2]!] };
}

/** |z| below this takes the rational branch (at z/2, where Cephes' rational holds: |z/2| < 0.625). */
const SMALL = 1.25;

/** The tanh constants, in the order of the table in memory (each splat to an f64x2). */
function tanhTable(): { values: number[]; at: (v: number) => number } {
  const { P, Q, EP, EQ, C1, C2 } = TANH_COEFFS;
  const values = [1, SMALL, 20, -2, Math.LOG2E, C1, C2, 6755399441055744, 4, ...scaledPQ().P, ...scaledPQ().Q, ...EP, ...EQ];
  return { values, at: (v: number) => 16 * values.indexOf(v) };
}
/** Two i64 lanes of the table (after the f64 values): the sign mask, the abs mask, 1023. */
const I64_ROWS = [-0x8000000000000000n, 0x7fffffffffffffffn, 1023n] as const;

/**
 * tanh(pZ, pA, pD, pairs, pK): A = tanh(Z), D = 1 − A² over `pairs` f64x2 lanes (pK: the
 * constant table). |z| < 1.25: Cephes' rational at z/2 (valid for |z/2| < 0.625) and the double
 * angle, tanh z = 2τ/(1 + τ²) with τ = tanh(z/2) (at most 5 ulp from Math.tanh, against 4 for
 * the rational at z below 0.625, as the float64 tanh of ./wasm-gemm.ts does; the wider range
 * spares most pairs of a network's hidden layer the exponential); else (1 − t)/(1 + t) with
 * t = e^{−2|z|} (|z| capped at 20) from Cephes' exp: n = round(y·log₂e), r = y − n·ln2 (two
 * parts), e^r = (EQ(r²) + r·EP(r²))/(EQ(r²) − r·EP(r²)), 2ⁿ built in the exponent bits. Each is
 * formed as one fraction, one division, and the sign of z goes on at the end. A pair whose lanes
 * take the same branch computes that one only; a mixed pair computes both and selects per lane
 * (the same arithmetic per lane either way: a value does not depend on its neighbour).
 */
function tanhBody(): number[] {
  const pz = 0, pa = 1, pd = 2, cnt = 3, pk = 4;
  const x = 5, z = 6, s = 7, r = 8, rr = 9, n = 10, t = 11, tn = 12, px = 13, m = 14, num = 15, den = 16, s2 = 17;
  const { EP, EQ, C1, C2 } = TANH_COEFFS;
  const { P, Q } = scaledPQ();
  const table = tanhTable();
  const k = (v: number): number[] => [...get(pk), ...simd(V.load), ...mem(table.at(v))];
  const ki = (i: number): number[] => [...get(pk), ...simd(V.load), ...mem(16 * (table.values.length + i))];
  const op = (o: number, ...args: number[][]): number[] => [...args.flat(), ...simd(o)];
  const add = (a: number[], b: number[]): number[] => op(V.add, a, b);
  const sub = (a: number[], b: number[]): number[] => op(V.sub, a, b);
  const mul = (a: number[], b: number[]): number[] => op(V.mul, a, b);
  const code: number[] = [];
  code.push(0x02, 0x40, 0x03, 0x40, ...get(cnt), EQZ, 0x0d, 1);
  code.push(...get(pz), ...simd(V.load), ...mem(0), ...set(x));
  code.push(...op(V.and, get(x), ki(1)), ...set(z));
  code.push(...mul(get(x), get(x)), ...set(s));
  code.push(...op(V.lt, get(z), k(SMALL)), ...set(m));
  // small: with s = z², d = 64·Q(s/4) and n = z·d + z·s·16·P(s/4) (128 times Cephes' numerator at
  // z/2, see scaledPQ), tanh(z/2) = n/(2d) and tanh(z) = 2·tanh(z/2)/(1 + tanh²(z/2)) = n·d/(d² + n²/4)
  // (polynomials by Estrin's scheme and the fraction scaled by 4, n·d/(d² + n²/4) = 4nd/((2d)² + n²):
  // a shorter chain of dependent operations, which is what bounds this loop)
  const Qs = [...mul(get(s), get(s)), ...set(s2), ...add(mul(add(get(s), k(Q[0]!)), get(s2)), add(mul(k(Q[1]!), get(s)), k(Q[2]!))), ...set(t)];
  const Ps = add(mul(k(P[0]!), get(s2)), add(mul(k(P[1]!), get(s)), k(P[2]!)));
  const half = [...add(mul(get(z), get(t)), mul(mul(get(z), get(s)), Ps)), ...set(r)];
  const smallNum = mul(mul(get(r), get(t)), k(4));
  const smallDen = add(op(V.mul, add(get(t), get(t)), add(get(t), get(t))), mul(get(r), get(r)));
  // a pair whose two lanes take the same branch computes that branch only (the same arithmetic
  // per lane as selecting between both: bit-identical either way)
  code.push(...get(m), ...simd(V.allTrue), 0x04, 0x40);
  code.push(...Qs, ...half, ...smallNum, ...set(num), ...smallDen, ...set(den));
  code.push(0x05);
  // big: y = −2·min(z, 20); n = nearest(y·log₂e); r = y − n·C1 − n·C2
  code.push(...mul(op(V.pmin, get(z), k(20)), k(-2)), ...set(r));
  code.push(...op(V.nearest, mul(get(r), k(Math.LOG2E))), ...set(n));
  code.push(...sub(sub(get(r), mul(get(n), k(C1))), mul(get(n), k(C2))), ...set(r));
  code.push(...mul(get(r), get(r)), ...set(rr));
  code.push(...mul(get(r), add(mul(add(mul(k(EP[0]!), get(rr)), k(EP[1]!)), get(rr)), k(EP[2]!))), ...set(px));
  code.push(...add(mul(add(mul(add(mul(k(EQ[0]!), get(rr)), k(EQ[1]!)), get(rr)), k(EQ[2]!)), get(rr)), k(EQ[3]!)), ...set(rr));
  // 2ⁿ: the bits of n + 1.5·2⁵² hold n in their low bits; (bits + 1023) << 52 is 2ⁿ
  const pow2 = op(V.i64shl, op(V.i64add, add(get(n), k(6755399441055744)), ki(2)), i32c(52));
  // t = e^{−2z} = v/u with u = EQ − px, v = (EQ + px)·2ⁿ; (1 − t)/(1 + t) = (u − v)/(u + v)
  code.push(...mul(add(get(rr), get(px)), pow2), ...set(n)); // v
  code.push(...sub(get(rr), get(px)), ...set(px)); // u
  code.push(...get(m), ...simd(V.anyTrue), 0x04, 0x40);
  // mixed pair: both branches, one division
  code.push(...Qs, ...half, ...op(V.bitselect, smallNum, sub(get(px), get(n)), get(m)), ...set(num));
  code.push(...op(V.bitselect, smallDen, add(get(px), get(n)), get(m)), ...set(den));
  code.push(0x05, ...sub(get(px), get(n)), ...set(num), ...add(get(px), get(n)), ...set(den), 0x0b);
  code.push(0x0b);
  code.push(...op(V.xor, op(V.div, get(num), get(den)), op(V.and, get(x), ki(0))), ...set(tn));
  code.push(...get(pa), ...get(tn), ...simd(V.store), ...mem(0));
  code.push(...get(pd), ...sub(k(1), mul(get(tn), get(tn))), ...simd(V.store), ...mem(0));
  for (const ptr of [pz, pa, pd]) code.push(...get(ptr), ...i32c(16), ADD, ...set(ptr));
  code.push(...get(cnt), ...i32c(1), SUB, ...set(cnt));
  code.push(0x0c, 0, 0x0b, 0x0b, 0x0b);
  const body = [...vec([[13, V128]]), ...code];
  return [...uleb(body.length), ...body];
}

/** The products of one dense layer: forward Z = A·Wᵀ, weight gradient ΔᵀA, input gradient Δ·W. */
export type LayerProduct = "forward" | "weightGrad" | "inputGrad";

/**
 * The strides of a layer's products (S samples × features, row-major; Wᵀ [in × out] for the
 * forward product, W [out × in] for the input gradient).
 */
export function layerStrides(nin: number, nout: number): Record<LayerProduct, Strides> {
  return {
    forward: { am: nin * 8, ak: 8, bk: nout * 8, ldc: nout * 8 },
    weightGrad: { am: 8, ak: nout * 8, bk: nin * 8, ldc: nin * 8 },
    inputGrad: { am: nout * 8, ak: 8, bk: nin * 8, ldc: nin * 8 },
  };
}

const key = (st: Strides): string => `${st.am},${st.ak},${st.bk},${st.ldc}`;

/** The module for a list of stride sets: `gemm0`, `gemm1`, ..., `colsum`, `tanh`. */
function moduleBytes(strides: readonly Strides[]): Uint8Array<ArrayBuffer> {
  const types = vec([
    [0x60, ...uleb(G_PARAMS), ...new Array(G_PARAMS).fill(I32), 0],
    [0x60, 5, I32, I32, I32, I32, I32, 0],
  ]);
  const imports = vec([[...str("env"), ...str("mem"), 0x02, 0x00, 1]]);
  const funcs = vec([...strides.map(() => [0]), [1], [1]]);
  const exps = vec([...strides.map((_, i) => [...str(`gemm${i}`), 0x00, ...uleb(i)]), [...str("colsum"), 0x00, ...uleb(strides.length)], [...str("tanh"), 0x00, ...uleb(strides.length + 1)]]);
  const code = vec([...strides.map(gemmBody), colsumBody(), tanhBody()]);
  return moduleOf(section(1, types), section(2, imports), section(3, funcs), section(7, exps), section(10, code));
}

const compiled = new Map<string, WebAssembly.Module | null>();

type Gemm = (M: number, N: number, K: number, pA: number, pB: number, pC: number, pBias: number, mode: number, kb: number, times: number, dE: number, dO: number) => void;

/** Depth of the k blocks of a long reduction (A and B pieces of 32 rows stay in the L1 cache). */
const KB_LONG = 32;

/**
 * The kernels of one network bound to an arena's memory (see the file comment). Addresses are
 * byte offsets on the arena (`arena.addr(view)`).
 *
 * @example
 * const arena = F64Arena.create(1000)!;
 * const k = F64NetKernels.create(arena, [{ in: 2, out: 3 }])!;
 * const X = arena.alloc(4 * 2), WT = arena.alloc(2 * 3), b = arena.alloc(3), Z = arena.alloc(4 * 3);
 * k.product(0, "forward", 4, arena.addr(X), arena.addr(WT), arena.addr(Z), GEMM_BIAS, arena.addr(b)); // Z = X·Wᵀ + b
 */
export class F64NetKernels {
  private constructor(
    private readonly gemms: Gemm[][],
    private readonly colsumFn: (S: number, N: number, pD: number, ldd: number, pOut: number) => void,
    private readonly tanhFn: (pZ: number, pA: number, pD: number, pairs: number, pK: number) => void,
    private readonly layers: readonly { in: number; out: number }[],
    private readonly tableAddr: number,
  ) {}

  /** The float64 values `create` takes from the arena (the constant table of tanh), beside the caller's own. */
  static readonly TABLE_DOUBLES = 2 * (tanhTable().values.length + I64_ROWS.length);

  /** The kernels for `layers` on `arena` (allocates its constant table there), or null where the module does not compile. */
  static create(arena: F64Arena, layers: readonly { in: number; out: number }[]): F64NetKernels | null {
    const sets = layers.map((L) => layerStrides(L.in, L.out));
    const distinct: Strides[] = [];
    const index = new Map<string, number>();
    for (const s of sets) for (const st of Object.values(s)) if (!index.has(key(st))) { index.set(key(st), distinct.length); distinct.push(st); }
    const id = distinct.map(key).join(";");
    if (!compiled.has(id)) {
      try {
        compiled.set(id, new WebAssembly.Module(moduleBytes(distinct)));
      } catch {
        compiled.set(id, null);
      }
    }
    const mod = compiled.get(id);
    if (!mod) return null;
    const ex = new WebAssembly.Instance(mod, { env: { mem: arena.memory } }).exports;
    const gemms = sets.map((s) => (["forward", "weightGrad", "inputGrad"] as const).map((p) => ex[`gemm${index.get(key(s[p]))!}`] as Gemm));
    const { values } = tanhTable();
    const table = arena.alloc(F64NetKernels.TABLE_DOUBLES);
    values.forEach((v, i) => table.fill(v, 2 * i, 2 * i + 2));
    const bits = new BigInt64Array(table.buffer, table.byteOffset + 16 * values.length, 2 * I64_ROWS.length);
    I64_ROWS.forEach((v, i) => bits.fill(v, 2 * i, 2 * i + 2));
    return new F64NetKernels(gemms, ex.colsum as F64NetKernels["colsumFn"], ex.tanh as F64NetKernels["tanhFn"], layers, table.byteOffset);
  }

  /**
   * One product of layer `l` over S samples: forward C = A·Wᵀ (+ bias with `GEMM_BIAS`), weight
   * gradient C = ΔᵀA (out × in, in k blocks over the samples), input gradient C = Δ·W. With
   * `pTimes` and `pOut` (addresses of two more matrices shaped like C), C ⊙ E is also written to
   * `pOut` (E at `pTimes`) as C is stored, and with `keepC` false instead of C (C's memory is not
   * written).
   */
  product(l: number, which: LayerProduct, S: number, pA: number, pB: number, pC: number, mode = GEMM_SET, pBias = 0, pTimes = -1, pOut = -1, keepC = true): void {
    const L = this.layers[l]!;
    const f = this.gemms[l]![which === "forward" ? 0 : which === "weightGrad" ? 1 : 2]!;
    const times = pTimes >= 0 && pOut >= 0 ? (keepC ? 1 : 2) : 0;
    const dE = times ? pTimes - pC : 0, dO = times ? pOut - pC : 0;
    if (which === "forward") f(S, L.out, L.in, pA, pB, pC, pBias, mode, L.in, times, dE, dO);
    else if (which === "weightGrad") f(L.out, L.in, S, pA, pB, pC, 0, mode, KB_LONG, times, dE, dO);
    else f(S, L.in, L.out, pA, pB, pC, 0, mode, L.out, times, dE, dO);
  }

  /** out[n] = Σ_s Δ[s, n] for the `width` columns of an S-row matrix (a layer's bias gradient). */
  columnSums(S: number, width: number, pDelta: number, pOut: number): void {
    this.colsumFn(S, width, pDelta, width * 8, pOut);
  }

  /** A = tanh(Z), D = 1 − A² over `len` entries (an odd `len` computes one more lane, in the 16-byte padding of the arena's views). */
  tanh(pZ: number, pA: number, pD: number, len: number): void {
    this.tanhFn(pZ, pA, pD, (len + 1) >> 1, this.tableAddr);
  }
}
