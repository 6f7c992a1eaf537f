/**
 * A traced step as one WebAssembly SIMD function, generated as bytecode here: four runs per
 * 128-bit vector, every node of the graph a `v128` local, loads and stores straight from the
 * packed state. Arithmetic, comparisons and selects are SIMD instructions; transcendental
 * functions (exp, log, sin, pow, …) fall back to JavaScript's Math per lane.
 *
 * Memory (a `WasmDevice`'s, shared by the kernels of a run): two packed states [R, Bp]
 * (ping-pong), the per-run values [P, Bp], then the uniforms; Bp is B rounded up to a multiple
 * of 4 (padding lanes compute garbage that is never read).
 *
 * Reference: WebAssembly SIMD proposal (fixed-width 128-bit), merged into the WebAssembly 2.0
 * specification; opcode table in the spec's "Vector Instructions" (binary format, prefix 0xFD).
 */
import { moduleOf, section, simd, sleb, str, uleb, vec } from "../../backends/wasm-emit.js";
import type { Op, TNode } from "./trace.js";

const SIMD = 0xfd;
const OP = {
  load: 0x00, store: 0x0b, const: 0x0c, splat: 0x13, extract: 0x1f, replace: 0x20,
  eq: 0x41, ne: 0x42, lt: 0x43, gt: 0x44, le: 0x45, ge: 0x46,
  not: 0x4d, and: 0x4e, or: 0x50, bitselect: 0x52,
  ceil: 0x67, floor: 0x68,
  abs: 0xe0, neg: 0xe1, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, min: 0xe8, max: 0xe9,
} as const;

const SCALAR1: Partial<Record<Op, (x: number) => number>> = {
  exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1, sin: Math.sin, cos: Math.cos, tan: Math.tan,
  asin: Math.asin, acos: Math.acos, atan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh, erf: erfScalar,
};
const SCALAR2: Partial<Record<Op, (x: number, y: number) => number>> = { pow: Math.pow, atan2: Math.atan2 };

function erfScalar(x: number): number {
  // Abramowitz & Stegun 7.1.26, as the WGSL kernel (float32 kernels need no more)
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return Math.sign(x) * y;
}

let simdOk: boolean | undefined;

/** True when this runtime validates a module with a SIMD instruction. */
export function wasmSimdSupported(): boolean {
  if (simdOk === undefined) {
    // (func (result v128) v128.const 0)
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, SIMD, OP.const, ...new Array(16).fill(0), 11]);
    try {
      simdOk = typeof WebAssembly === "object" && WebAssembly.validate(bytes);
    } catch {
      simdOk = false;
    }
  }
  return simdOk;
}

// -- binary encoding: ../../backends/wasm-emit.ts ------------------------------------------

const f32bytes = (v: number) => Array.from(new Uint8Array(new Float32Array([v]).buffer));
const f64bytes = (v: number) => Array.from(new Uint8Array(new Float64Array([v]).buffer));

const BOOL: ReadonlySet<Op> = new Set<Op>(["gt", "ge", "lt", "le", "and", "or", "not", "isfin"]);

/** Where the packed states, per-run values and uniforms live in a device's memory. */
export interface WasmLayout {
  B: number;
  /** B rounded up to a multiple of 4. */
  Bp: number;
  R: number;
  P: number;
  stateBytes: number;
  pOff: number;
  uOff: number;
}

/** Most uniform values one call may read (steps × uniforms per step). */
export const MAX_UNIFORMS = 4096;

/**
 * The packed state of a fused run in WebAssembly memory: two states (ping-pong), the per-run
 * values and the uniforms, shared by every kernel of the run.
 */
export class WasmDevice {
  readonly layout: WasmLayout;
  readonly memory: WebAssembly.Memory;
  private cur = 0;

  constructor(B: number, R: number, P: number) {
    const Bp = Math.ceil(B / 4) * 4;
    const stateBytes = R * Bp * 4;
    const pOff = 2 * stateBytes;
    const uOff = pOff + P * Bp * 4;
    this.layout = { B, Bp, R, P, stateBytes, pOff, uOff };
    this.memory = new WebAssembly.Memory({ initial: Math.ceil((uOff + MAX_UNIFORMS * 4) / 65536) });
  }

  /** Writes rows of the current state (row r of `packed` = state row r, [rows, B]). */
  write(packed: Float32Array, rows: number): void {
    const { B, Bp, stateBytes } = this.layout;
    const dst = new Float32Array(this.memory.buffer, this.cur * stateBytes, rows * Bp);
    for (let r = 0; r < rows; r++) dst.set(packed.subarray(r * B, (r + 1) * B), r * Bp);
  }

  /** Writes the per-run values. */
  writePerRun(values: readonly (readonly number[])[]): void {
    const { B, Bp, P, pOff } = this.layout;
    const dst = new Float32Array(this.memory.buffer, pOff, P * Bp);
    values.forEach((v, s) => {
      for (let b = 0; b < B; b++) dst[s * Bp + b] = v[b]!;
    });
  }

  /**
   * Runs a kernel for `steps.length` steps (each with its uniforms) on the current state;
   * `inPlace` writes the result over it (for init).
   */
  run(kernel: WasmKernel, steps: readonly (readonly number[])[], inPlace = false): void {
    const { uOff, stateBytes } = this.layout;
    const U = kernel.U;
    if (U * steps.length > MAX_UNIFORMS) throw new Error(`optlab internal error: ${U * steps.length} uniforms (limit ${MAX_UNIFORMS})`);
    const u = new Float32Array(this.memory.buffer, uOff, U * steps.length);
    steps.forEach((vals, s) => {
      for (let i = 0; i < U; i++) u[s * U + i] = vals[i]!;
    });
    const inBase = this.cur * stateBytes;
    if (!inPlace) this.cur = 1 - this.cur;
    kernel.fn(inBase, this.cur * stateBytes, uOff, steps.length);
  }

  /** Copies the current state over the other one. */
  mirror(): void {
    const { stateBytes } = this.layout;
    const bytes = new Uint8Array(this.memory.buffer);
    const from = this.cur * stateBytes;
    bytes.copyWithin((1 - this.cur) * stateBytes, from, from + stateBytes);
  }

  /** The current state ([R, B] row-major, a copy). */
  read(): Float32Array {
    const { B, Bp, R, stateBytes } = this.layout;
    const src = new Float32Array(this.memory.buffer, this.cur * stateBytes, R * Bp);
    const out = new Float32Array(R * B);
    for (let r = 0; r < R; r++) out.set(src.subarray(r * Bp, r * Bp + B), r * B);
    return out;
  }
}

/**
 * A graph compiled to `step(inBase, outBase)` against a device's layout. Rows in `skip` are not
 * stored: the caller guarantees both ping-pong states already hold their (unchanged) values.
 */
export class WasmKernel {
  readonly fn: (inBase: number, outBase: number, uBase: number, K: number) => void;
  /** Uniform values per step (the largest slot read + 1). */
  readonly U: number;
  constructor(device: WasmDevice, nodes: readonly TNode[], order: readonly number[], outputs: readonly number[], skip: ReadonlySet<number> = new Set()) {
    this.U = order.filter((i) => nodes[i]!.op === "uni").reduce((m, i) => Math.max(m, nodes[i]!.v + 1), 0);
    const { module, imports } = build(nodes, order, outputs, device.layout, skip);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(module), { env: { mem: device.memory }, m: imports });
    this.fn = instance.exports.step as WasmKernel["fn"];
  }
}

/**
 * Emits the module: `step(inBase, outBase, uBase, K)` runs K steps of the graph on every vector
 * of four runs: the state rows are loaded once, carried in locals through the K steps (each with
 * its own uniforms, at uBase + s·U·4), and stored once: memory traffic per step falls K-fold.
 */
function build(nodes: readonly TNode[], order: readonly number[], outputs: readonly number[], layout: WasmLayout, skip: ReadonlySet<number>): { module: Uint8Array<ArrayBuffer>; imports: Record<string, (...x: number[]) => number> } {
  const { Bp, pOff } = layout;
  // imported scalar functions, in first-use order
  const used: Op[] = [];
  for (const i of order) {
    const op = nodes[i]!.op;
    if ((SCALAR1[op] || SCALAR2[op]) && !used.includes(op)) used.push(op);
  }
  const importIndex = new Map(used.map((op, k) => [op, k]));
  const imports: Record<string, (...x: number[]) => number> = {};
  for (const op of used) imports[op] = (SCALAR1[op] ?? SCALAR2[op])!;
  const stepIndex = used.length;
  const U = order.filter((i) => nodes[i]!.op === "uni").reduce((m, i) => Math.max(m, nodes[i]!.v + 1), 0);

  // rows: read (an input node, or unchanged but not known equal in both states), written
  const through = (r: number) => nodes[outputs[r]!]!.op === "in" && nodes[outputs[r]!]!.v === r;
  outputs.forEach((o, r) => {
    const nd = nodes[o]!;
    if (nd.op === "in" && nd.v !== r) throw new Error(`optlab internal error: row ${r} copies row ${nd.v}`);
  });
  const readRows = new Set<number>(order.filter((i) => nodes[i]!.op === "in").map((i) => nodes[i]!.v));
  const writeRows: number[] = [];
  outputs.forEach((_o, r) => {
    if (through(r) && skip.has(r)) return;
    writeRows.push(r);
    if (through(r)) readRows.add(r);
  });

  // locals: params 0 inBase, 1 outBase, 2 uBase, 3 K; i32 4 o, 5 aIn, 6 aOut, 7 aP, 8 s, 9 aU;
  // then v128: one per row carried through the steps, one per (non-input) node
  const [O, A_IN, A_OUT, A_P, STEP, A_U] = [4, 5, 6, 7, 8, 9];
  const I32_LOCALS = 6;
  const rowLocal = new Map<number, number>();
  let next = 4 + I32_LOCALS;
  for (const r of new Set([...readRows, ...writeRows])) rowLocal.set(r, next++);
  const local = new Map<number, number>();
  for (const i of order) local.set(i, nodes[i]!.op === "in" ? rowLocal.get(nodes[i]!.v)! : next++);
  const v128Count = next - 4 - I32_LOCALS;
  const lget = (l: number) => [0x20, ...uleb(l)];
  const lset = (l: number) => [0x21, ...uleb(l)];
  const get = (i: number) => lget(local.get(i)!);
  const set = (i: number) => lset(local.get(i)!);
  const rowBytes = Bp * 4;
  const one = simd(OP.const, ...f32bytes(1), ...f32bytes(1), ...f32bytes(1), ...f32bytes(1));
  const splatConst = (v: number) => simd(OP.const, ...[0, 1, 2, 3].flatMap(() => f32bytes(v)));
  const memarg = (offset: number) => [4, ...uleb(offset)];

  const constants: number[] = []; // once per call
  const perVector: number[] = []; // once per vector of runs (per-run values)
  const perStep: number[] = []; // every step
  for (const i of order) {
    const nd = nodes[i]!;
    const a = nd.a;
    let code: number[];
    switch (nd.op) {
      case "const":
        constants.push(...splatConst(nd.v), ...set(i));
        continue;
      case "prun":
        perVector.push(...lget(A_P), ...simd(OP.load, ...memarg(nd.v * rowBytes)), ...set(i));
        continue;
      case "in":
        continue; // the row's carried local
      case "uni":
        code = [...lget(A_U), 0x2a, 2, ...uleb(4 * nd.v), ...simd(OP.splat)];
        break;
      case "add": case "sub": case "mul": case "div": case "min": case "max": case "gt": case "ge": case "lt": case "le":
      case "and": case "or":
        code = [...get(a[0]!), ...get(a[1]!), ...simd(OP[nd.op])];
        break;
      case "not": case "neg": case "sqrt": case "abs": case "floor": case "ceil":
        code = [...get(a[0]!), ...simd(OP[nd.op])];
        break;
      case "recip":
        code = [...one, ...get(a[0]!), ...simd(OP.div)];
        break;
      case "sign":
        // (x > 0) & 1  |  (x < 0) & −1
        code = [...get(a[0]!), ...splatConst(0), ...simd(OP.gt), ...one, ...simd(OP.and), ...get(a[0]!), ...splatConst(0), ...simd(OP.lt), ...splatConst(-1), ...simd(OP.and), ...simd(OP.or)];
        break;
      case "isfin":
        code = [...get(a[0]!), ...simd(OP.abs), ...splatConst(Infinity), ...simd(OP.lt)];
        break;
      case "sel": {
        const c = BOOL.has(nodes[a[0]!]!.op) ? get(a[0]!) : [...get(a[0]!), ...splatConst(0), ...simd(OP.ne)];
        code = [...get(a[1]!), ...get(a[2]!), ...c, ...simd(OP.bitselect)];
        break;
      }
      default: {
        const f = importIndex.get(nd.op);
        if (f === undefined) throw new Error(`optlab internal error: no WebAssembly for ${nd.op}`);
        const two = SCALAR2[nd.op] !== undefined;
        code = [...get(a[0]!)];
        for (let lane = 0; lane < 4; lane++) {
          code.push(...get(a[0]!), ...simd(OP.extract, lane), 0xbb);
          if (two) code.push(...get(a[1]!), ...simd(OP.extract, lane), 0xbb);
          code.push(0x10, ...uleb(f), 0xb6, ...simd(OP.replace, lane));
        }
      }
    }
    perStep.push(...code, ...set(i));
  }
  // end of a step: the outputs become the carried rows (all computed before any is assigned)
  for (const r of writeRows) {
    if (through(r)) continue;
    const o = outputs[r]!;
    perStep.push(...get(o), ...(BOOL.has(nodes[o]!.op) ? [...one, ...simd(OP.and)] : []), ...lset(rowLocal.get(r)!));
  }
  const loads = [...readRows].flatMap((r) => [...lget(A_IN), ...simd(OP.load, ...memarg(r * rowBytes)), ...lset(rowLocal.get(r)!)]);
  const stores = writeRows.flatMap((r) => [...lget(A_OUT), ...lget(rowLocal.get(r)!), ...simd(OP.store, ...memarg(r * rowBytes))]);

  const addr = (dst: number, base: number[]) => [...base, ...lget(O), 0x6a, ...lset(dst)];
  const stepLoop = [
    0x41, 0, ...lset(STEP), ...lget(2), ...lset(A_U),
    0x02, 0x40, 0x03, 0x40,
    ...lget(STEP), ...lget(3), 0x4e, 0x0d, 1, // if s ≥ K: break
    ...perStep,
    ...lget(STEP), 0x41, 1, 0x6a, ...lset(STEP),
    ...lget(A_U), 0x41, ...sleb(4 * U), 0x6a, ...lset(A_U),
    0x0c, 0, 0x0b, 0x0b,
  ];
  const loop = [
    0x02, 0x40, 0x03, 0x40,
    ...lget(O), 0x41, ...sleb(rowBytes), 0x4f, 0x0d, 1, // if o ≥ rowBytes: break
    ...addr(A_IN, lget(0)), ...addr(A_OUT, lget(1)), ...addr(A_P, [0x41, ...sleb(pOff)]),
    ...loads, ...perVector, ...stepLoop, ...stores,
    ...lget(O), 0x41, 16, 0x6a, ...lset(O),
    0x0c, 0, 0x0b, 0x0b,
  ];
  const locals = vec([[...uleb(I32_LOCALS), 0x7f], [...uleb(v128Count), 0x7b]]);
  const fnBody = [...locals, ...constants, ...loop, 0x0b];
  const types = vec([[0x60, 1, 0x7c, 1, 0x7c], [0x60, 2, 0x7c, 0x7c, 1, 0x7c], [0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 0]]);
  const importEntries = [
    [...str("env"), ...str("mem"), 0x02, 0x00, ...uleb(1)],
    ...used.map((op) => [...str("m"), ...str(op), 0x00, SCALAR2[op] ? 1 : 0]),
  ];
  const module = moduleOf(
    section(1, types),
    section(2, vec(importEntries)),
    section(3, vec([[2]])),
    section(7, vec([[...str("step"), 0x00, ...uleb(stepIndex)]])),
    section(10, vec([[...uleb(fnBody.length), ...fnBody]])),
  );
  return { module, imports };
}
