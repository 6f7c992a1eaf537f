/**
 * The dense-layer kernels on row-major Float64Arrays (S samples × features), written for V8:
 * plain loops over contiguous rows, in register blocks of 2 samples × 4 outputs (8
 * accumulators: about 3× the speed of one output at a time in V8). The float64 engine runs its
 * gradients on the WebAssembly SIMD kernels of ./f64-kernels.ts (the same sums in the same order,
 * 5–9× these loops on 64×64×1000 products); these remain the path where WebAssembly SIMD is
 * missing, and the R-passes of Hessian-vector products.
 */

/**
 * Z[s, o] = b[o] + Σ_i A[s, i]·W[o, i], or with `bOff` < 0 Z[s, o] += Σ_i A[s, i]·W[o, i] (the
 * R-pass's extra products); blocks of 2 samples × 4 outputs (8 accumulators in registers).
 */
export function denseForward(A: Float64Array, S: number, nin: number, P: Float64Array, wOff: number, bOff: number, nout: number, Z: Float64Array): void {
  const add = bOff < 0;
  const bias = (o: number): number => (add ? 0 : P[bOff + o]!);
  const put = (j: number, c: number): void => {
    Z[j] = add ? Z[j]! + c : c;
  };
  let s = 0;
  for (; s + 1 < S; s += 2) {
    const a0 = s * nin, a1 = a0 + nin;
    const z0 = s * nout, z1 = z0 + nout;
    let o = 0;
    for (; o + 3 < nout; o += 4) {
      const w0 = wOff + o * nin, w1 = w0 + nin, w2 = w1 + nin, w3 = w2 + nin;
      const b0 = bias(o), b1 = bias(o + 1), b2 = bias(o + 2), b3 = bias(o + 3);
      let c00 = b0, c01 = b1, c02 = b2, c03 = b3, c10 = b0, c11 = b1, c12 = b2, c13 = b3;
      for (let i = 0; i < nin; i++) {
        const x0 = A[a0 + i]!, x1 = A[a1 + i]!;
        const v0 = P[w0 + i]!, v1 = P[w1 + i]!, v2 = P[w2 + i]!, v3 = P[w3 + i]!;
        c00 += x0 * v0; c01 += x0 * v1; c02 += x0 * v2; c03 += x0 * v3;
        c10 += x1 * v0; c11 += x1 * v1; c12 += x1 * v2; c13 += x1 * v3;
      }
      put(z0 + o, c00); put(z0 + o + 1, c01); put(z0 + o + 2, c02); put(z0 + o + 3, c03);
      put(z1 + o, c10); put(z1 + o + 1, c11); put(z1 + o + 2, c12); put(z1 + o + 3, c13);
    }
    for (; o < nout; o++) {
      const w0 = wOff + o * nin;
      let c0 = bias(o), c1 = c0;
      for (let i = 0; i < nin; i++) { const v = P[w0 + i]!; c0 += A[a0 + i]! * v; c1 += A[a1 + i]! * v; }
      put(z0 + o, c0); put(z1 + o, c1);
    }
  }
  for (; s < S; s++) {
    const a0 = s * nin, z0 = s * nout;
    for (let o = 0; o < nout; o++) {
      const w0 = wOff + o * nin;
      let c = bias(o);
      for (let i = 0; i < nin; i++) c += A[a0 + i]! * P[w0 + i]!;
      put(z0 + o, c);
    }
  }
}

/** gW[o, i] += Σ_s Δ[s, o]·A[s, i], gb[o] += Σ_s Δ[s, o] (gb skipped when bOff < 0); blocks of 2 samples × 4 outputs. */
export function denseWeightGrad(delta: Float64Array, A: Float64Array, S: number, nin: number, nout: number, G: Float64Array, wOff: number, bOff: number): void {
  let s = 0;
  for (; s + 1 < S; s += 2) {
    const a0 = s * nin, a1 = a0 + nin;
    const d0 = s * nout, d1 = d0 + nout;
    let o = 0;
    for (; o + 3 < nout; o += 4) {
      const p0 = delta[d0 + o]!, p1 = delta[d0 + o + 1]!, p2 = delta[d0 + o + 2]!, p3 = delta[d0 + o + 3]!;
      const q0 = delta[d1 + o]!, q1 = delta[d1 + o + 1]!, q2 = delta[d1 + o + 2]!, q3 = delta[d1 + o + 3]!;
      const w0 = wOff + o * nin, w1 = w0 + nin, w2 = w1 + nin, w3 = w2 + nin;
      for (let i = 0; i < nin; i++) {
        const x0 = A[a0 + i]!, x1 = A[a1 + i]!;
        G[w0 + i] = G[w0 + i]! + p0 * x0 + q0 * x1;
        G[w1 + i] = G[w1 + i]! + p1 * x0 + q1 * x1;
        G[w2 + i] = G[w2 + i]! + p2 * x0 + q2 * x1;
        G[w3 + i] = G[w3 + i]! + p3 * x0 + q3 * x1;
      }
    }
    for (; o < nout; o++) {
      const p = delta[d0 + o]!, q = delta[d1 + o]!;
      const w0 = wOff + o * nin;
      for (let i = 0; i < nin; i++) G[w0 + i] = G[w0 + i]! + p * A[a0 + i]! + q * A[a1 + i]!;
    }
  }
  for (; s < S; s++) {
    const a0 = s * nin, d0 = s * nout;
    for (let o = 0; o < nout; o++) {
      const d = delta[d0 + o]!;
      if (d === 0) continue;
      const w0 = wOff + o * nin;
      for (let i = 0; i < nin; i++) G[w0 + i] = G[w0 + i]! + d * A[a0 + i]!;
    }
  }
  if (bOff >= 0) {
    for (let t = 0; t < S; t++) {
      const d0 = t * nout;
      for (let o = 0; o < nout; o++) G[bOff + o] = G[bOff + o]! + delta[d0 + o]!;
    }
  }
}

/** Out[s, i] = Σ_o Δ[s, o]·W[o, i] (overwrites; `accumulate` adds instead); blocks of 2 samples × 4 outputs. */
export function denseInputGrad(delta: Float64Array, S: number, nin: number, nout: number, P: Float64Array, wOff: number, out: Float64Array, accumulate = false): void {
  let s = 0;
  for (; s + 1 < S; s += 2) {
    const g0 = s * nin, g1 = g0 + nin;
    const d0 = s * nout, d1 = d0 + nout;
    if (!accumulate) out.fill(0, g0, g1 + nin);
    let o = 0;
    for (; o + 3 < nout; o += 4) {
      const p0 = delta[d0 + o]!, p1 = delta[d0 + o + 1]!, p2 = delta[d0 + o + 2]!, p3 = delta[d0 + o + 3]!;
      const q0 = delta[d1 + o]!, q1 = delta[d1 + o + 1]!, q2 = delta[d1 + o + 2]!, q3 = delta[d1 + o + 3]!;
      const w0 = wOff + o * nin, w1 = w0 + nin, w2 = w1 + nin, w3 = w2 + nin;
      for (let i = 0; i < nin; i++) {
        const v0 = P[w0 + i]!, v1 = P[w1 + i]!, v2 = P[w2 + i]!, v3 = P[w3 + i]!;
        out[g0 + i] = out[g0 + i]! + p0 * v0 + p1 * v1 + p2 * v2 + p3 * v3;
        out[g1 + i] = out[g1 + i]! + q0 * v0 + q1 * v1 + q2 * v2 + q3 * v3;
      }
    }
    for (; o < nout; o++) {
      const p = delta[d0 + o]!, q = delta[d1 + o]!;
      const w0 = wOff + o * nin;
      for (let i = 0; i < nin; i++) { const v = P[w0 + i]!; out[g0 + i] = out[g0 + i]! + p * v; out[g1 + i] = out[g1 + i]! + q * v; }
    }
  }
  for (; s < S; s++) {
    const g0 = s * nin, d0 = s * nout;
    if (!accumulate) out.fill(0, g0, g0 + nin);
    for (let o = 0; o < nout; o++) {
      const d = delta[d0 + o]!;
      if (d === 0) continue;
      const w0 = wOff + o * nin;
      for (let i = 0; i < nin; i++) out[g0 + i] = out[g0 + i]! + d * P[w0 + i]!;
    }
  }
}
