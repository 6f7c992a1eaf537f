/**
 * The byte-level pieces of a WebAssembly module that optlab emits at run time (no toolchain):
 * LEB128 integers, names, vectors, sections, local get/set, the SIMD prefix and the module
 * header. Shared by the fused tensor kernels (src/tensor/fused/wasm.ts) and the dense-layer
 * kernels of the networks (src/nn/wasm-gemm.ts).
 *
 * Reference: WebAssembly 2.0 specification, "Binary Format" (5.1 Conventions, 5.5 Modules).
 */

/** An unsigned LEB128 integer. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** A signed LEB128 integer (32-bit range). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A vector: its length, then the items. */
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
/** A name (ASCII). */
export const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
/** A section: id, byte size, body. */
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
/** `local.get i` / `local.set i`. */
export const localGet = (i: number): number[] => [0x20, ...uleb(i)];
export const localSet = (i: number): number[] => [0x21, ...uleb(i)];
/** A SIMD instruction (prefix 0xFD) with its immediates. */
export const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];

/** Value types. */
export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

/** The module header (magic and version 1) followed by the given sections, as bytes. */
export function moduleOf(...sections: number[][]): Uint8Array<ArrayBuffer> {
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);
}
