/**
 * Colours keyed by series name, stable across every chart of a session: once "adam" is red in
 * the loss curves it is red over the contours, in the rates chart and in the sharpness plot.
 *
 * Known optimizer names prefer a fixed colour (so `adam` is the same in every notebook); other
 * names, and a second variant of an optimizer ("adam lr=0.1" after "adam lr=0.01"), take the
 * first colour nobody holds yet. When all are taken, a hash of the name picks one.
 */
import { kernelHooks } from "./kernel-hooks.js";

/**
 * The palette: colour-blind safe, sixteen series apart. Okabe & Ito's six chromatic colours
 * (blue, orange, bluish green, vermillion, reddish purple, sky blue; their yellow is too pale on
 * white), then six dark companions from Paul Tol's muted scheme and neighbours (indigo, wine,
 * brown, olive, grey, purple), then four more picked greedily for distance (dark green, dark
 * teal, slate violet, ochre). Every pair differs by CIEDE2000 ΔE₀₀ ≥ 15 and the first ten by
 * ΔE₀₀ ≥ 20 (test/plots/palette.test.ts measures it), so no two runs of a comparison share a
 * hue, adam and lbfgs included. Black is left to markers (minima, ends).
 */
export const PALETTE: readonly string[] = [
  "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
  "#332288", "#882255", "#6B3E26", "#999933", "#7F7F7F", "#AA4499",
  "#3F6B00", "#005F5F", "#7570B3", "#8C6D31",
];

/**
 * Colours of curvature signs (Hessian eigenvalues and the curvature strip), from the palette so
 * they stay colour-blind safe: blue for λ > 0 (convex), vermillion for λ < 0 (Okabe & Ito's
 * blue/vermillion pair, told apart by every common colour-vision deficiency), grey for λ ≈ 0,
 * reddish purple for a maximum (all λ < 0: concave).
 */
export const SIGN_COLORS = {
  positive: PALETTE[0]!, negative: PALETTE[3]!, zero: PALETTE[10]!, maximum: PALETTE[4]!,
} as const;

/** Optimizer base names → preferred palette slot. */
const PREFERRED: Readonly<Record<string, number>> = {
  gd: 0, sgd: 0, momentum: 1, nesterov: 2, adam: 3, adamw: 4, rmsprop: 5, lbfgs: 6, newton: 7,
  adagrad: 8, adamax: 9, naturalgradient: 10, nadam: 11, adadelta: 8, radam: 9,
};

const assigned = new Map<string, string>();
let document = 0;

/**
 * The colour of the series called `name`, assigned on first use and kept for the session.
 *
 * @param name a legend name such as `"adam"` or `"sgd (lr=0.1, momentum=0.9)"`.
 * @returns a CSS hex colour.
 * @example
 * colorOf("adam") === colorOf("adam"); // true, in every chart of the session
 */
export function colorOf(name: string): string {
  // A new document (the runner's next notebook) starts with fresh colours.
  const doc = kernelHooks()?.documentId ?? 0;
  if (doc !== document) {
    assigned.clear();
    document = doc;
  }
  const known = assigned.get(name);
  if (known) return known;
  const used = new Set(assigned.values());
  const base = /^[a-z]+/.exec(name.toLowerCase().replace(/[\s_-]/g, ""))?.[0] ?? "";
  const preferred = PREFERRED[base];
  let color: string | undefined;
  if (preferred !== undefined && !used.has(PALETTE[preferred]!)) color = PALETTE[preferred];
  color ??= PALETTE.find((c) => !used.has(c)) ?? PALETTE[hash(name) % PALETTE.length]!;
  assigned.set(name, color);
  return color;
}

/**
 * Forget every assignment (fresh colours). In a kernel this happens by itself when the runner
 * starts the next notebook (a new document id).
 */
export function resetColors(): void {
  assigned.clear();
}

/** FNV-1a, enough to spread names over the palette once it is exhausted. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A hex colour (#rrggbb) in CIE L*a*b* (D65 white, sRGB). */
export function hexToLab(hex: string): [number, number, number] {
  const n = parseInt(hex.replace("#", ""), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047;
  const y = r * 0.2126 + g * 0.7152 + b * 0.0722;
  const z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/**
 * The CIEDE2000 colour difference ΔE₀₀ of two L*a*b* colours (Sharma, Wu & Dalal 2005): about 1
 * is just noticeable, above 20 two line colours are told apart at a glance.
 */
export function deltaE2000(lab1: readonly number[], lab2: readonly number[]): number {
  const [L1, a1, b1] = lab1 as [number, number, number];
  const [L2, a2, b2] = lab2 as [number, number, number];
  const rad = Math.PI / 180;
  const C1 = Math.hypot(a1, b1), C2 = Math.hypot(a2, b2), Cb = (C1 + C2) / 2;
  const G = 0.5 * (1 - Math.sqrt(Cb ** 7 / (Cb ** 7 + 25 ** 7)));
  const a1p = (1 + G) * a1, a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1), C2p = Math.hypot(a2p, b2);
  const hue = (x: number, y: number) => {
    if (x === 0 && y === 0) return 0;
    const t = Math.atan2(y, x) / rad;
    return t < 0 ? t + 360 : t;
  };
  const h1p = hue(a1p, b1), h2p = hue(a2p, b2);
  const dLp = L2 - L1, dCp = C2p - C1p;
  let dhp = 0;
  if (C1p * C2p !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(C1p * C2p) * Math.sin((dhp * rad) / 2);
  const Lbp = (L1 + L2) / 2, Cbp = (C1p + C2p) / 2;
  let hbp = h1p + h2p;
  if (C1p * C2p !== 0) {
    if (Math.abs(h1p - h2p) <= 180) hbp = (h1p + h2p) / 2;
    else hbp = h1p + h2p < 360 ? (h1p + h2p + 360) / 2 : (h1p + h2p - 360) / 2;
  }
  const T = 1 - 0.17 * Math.cos((hbp - 30) * rad) + 0.24 * Math.cos(2 * hbp * rad) + 0.32 * Math.cos((3 * hbp + 6) * rad) - 0.2 * Math.cos((4 * hbp - 63) * rad);
  const dTheta = 30 * Math.exp(-(((hbp - 275) / 25) ** 2));
  const RC = 2 * Math.sqrt(Cbp ** 7 / (Cbp ** 7 + 25 ** 7));
  const SL = 1 + (0.015 * (Lbp - 50) ** 2) / Math.sqrt(20 + (Lbp - 50) ** 2);
  const SC = 1 + 0.045 * Cbp, SH = 1 + 0.015 * Cbp * T;
  const RT = -Math.sin(2 * dTheta * rad) * RC;
  return Math.sqrt((dLp / SL) ** 2 + (dCp / SC) ** 2 + (dHp / SH) ** 2 + RT * (dCp / SC) * (dHp / SH));
}

/** ΔE₀₀ between two hex colours. */
export function colorDistance(a: string, b: string): number {
  return deltaE2000(hexToLab(a), hexToLab(b));
}
