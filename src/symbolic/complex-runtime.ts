/**
 * Complex helpers for the complex-step code path (`complex.ts`). Each writes its result into
 * `out` ([re, im]) so generated code allocates nothing.
 *
 * Formulas are chosen to keep a tiny imaginary part exact (complex step uses h ≈ 1e-20): e.g.
 * log uses atan2(b, a), which is b/a to full precision, and tan/tanh use the double-angle form.
 */
export const out = new Float64Array(2);

function set(re: number, im: number): void {
  out[0] = re;
  out[1] = im;
}

export function cdiv(a: number, b: number, c: number, d: number): void {
  // Smith's algorithm: no overflow in c² + d².
  if (Math.abs(c) >= Math.abs(d)) {
    const r = d / c;
    const den = c + d * r;
    set((a + b * r) / den, (b - a * r) / den);
  } else {
    const r = c / d;
    const den = c * r + d;
    set((a * r + b) / den, (b * r - a) / den);
  }
}

export function cexp(a: number, b: number): void {
  const e = Math.exp(a);
  set(b === 0 ? e : e * Math.cos(b), b === 0 ? 0 : e * Math.sin(b));
}

export function clog(a: number, b: number): void {
  set(Math.log(Math.hypot(a, b)), Math.atan2(b, a));
}

/** log(1 + a + ib), accurate when a + ib is small. */
export function clog1p(a: number, b: number): void {
  set(0.5 * Math.log1p(2 * a + a * a + b * b), Math.atan2(b, 1 + a));
}

export function csqrt(a: number, b: number): void {
  if (a === 0 && b === 0) return set(0, 0);
  const m = Math.hypot(a, b);
  if (a >= 0) {
    const r = Math.sqrt((m + a) / 2);
    set(r, b / (2 * r));
  } else {
    const t = Math.sqrt((m - a) / 2);
    set(Math.abs(b) / (2 * t), b < 0 ? -t : t);
  }
}

export function csin(a: number, b: number): void {
  set(Math.sin(a) * Math.cosh(b), Math.cos(a) * Math.sinh(b));
}

export function ccos(a: number, b: number): void {
  set(Math.cos(a) * Math.cosh(b), -Math.sin(a) * Math.sinh(b));
}

/** tan(a + ib) = (sin 2a + i sinh 2b) / (cos 2a + cosh 2b). */
export function ctan(a: number, b: number): void {
  const den = Math.cos(2 * a) + Math.cosh(2 * b);
  set(Math.sin(2 * a) / den, Math.sinh(2 * b) / den);
}

export function csinh(a: number, b: number): void {
  set(Math.sinh(a) * Math.cos(b), Math.cosh(a) * Math.sin(b));
}

export function ccosh(a: number, b: number): void {
  set(Math.cosh(a) * Math.cos(b), Math.sinh(a) * Math.sin(b));
}

/** tanh(a + ib) = (sinh 2a + i sin 2b) / (cosh 2a + cos 2b), with the large-|a| limit. */
export function ctanh(a: number, b: number): void {
  if (Math.abs(a) > 20) return set(Math.sign(a), 4 * Math.sin(b) * Math.cos(b) * Math.exp(-2 * Math.abs(a)));
  const den = Math.cosh(2 * a) + Math.cos(2 * b);
  set(Math.sinh(2 * a) / den, Math.sin(2 * b) / den);
}

/** 1 / (1 + e^{−z}), computed from the side where the exponential is ≤ 1. */
export function csigmoid(a: number, b: number): void {
  if (a >= 0) {
    cexp(-a, -b);
    cdiv(1, 0, 1 + out[0]!, out[1]!);
  } else {
    cexp(a, b);
    const er = out[0]!;
    const ei = out[1]!;
    cdiv(er, ei, 1 + er, ei);
  }
}

/** log(1 + e^z) = max(z, 0) + log1p(e^{−|z|}) (real part's sign decides the branch). */
export function csoftplus(a: number, b: number): void {
  if (a > 0) {
    cexp(-a, -b);
    clog1p(out[0]!, out[1]!);
    set(a + out[0]!, b + out[1]!);
  } else {
    cexp(a, b);
    clog1p(out[0]!, out[1]!);
  }
}

/** log Σ e^{z_k} for z_k = re[k] + i im[k], shifted by the largest real part. */
export function clogsumexp(...parts: number[]): void {
  const n = parts.length / 2;
  let m = -Infinity;
  for (let k = 0; k < n; k++) m = Math.max(m, parts[2 * k]!);
  if (!Number.isFinite(m)) return set(m, 0);
  let sr = 0;
  let si = 0;
  for (let k = 0; k < n; k++) {
    cexp(parts[2 * k]! - m, parts[2 * k + 1]!);
    sr += out[0]!;
    si += out[1]!;
  }
  clog(sr, si);
  set(m + out[0]!, out[1]!);
}

/** The runtime object handed to complex generated code as `C`. */
export const COMPLEX_RUNTIME = { out, cdiv, cexp, clog, clog1p, csqrt, csin, ccos, ctan, csinh, ccosh, ctanh, csigmoid, csoftplus, clogsumexp } as const;
