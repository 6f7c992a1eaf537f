/**
 * Initial weights of a network, drawn from one seeded `rng` stream layer by layer (W row-major,
 * then b), so a seed gives the same network everywhere.
 *
 * - `"torch"` (default): `torch.nn.Linear`'s reset_parameters: W by kaiming_uniform_(a = √5),
 *   i.e. U(−1/√in, 1/√in), and b ~ U(−1/√in, 1/√in).
 * - `"xavierUniform"`: W ~ U(−a, a), a = √(6/(in + out)) (torch.nn.init.xavier_uniform_), b = 0.
 * - `"xavierNormal"`: W ~ N(0, 2/(in + out)), b = 0.
 * - `"heUniform"`: W ~ U(−√(6/in), √(6/in)) (kaiming_uniform_, fan_in, ReLU gain), b = 0.
 * - `"heNormal"`: W ~ N(0, 2/in), b = 0.
 * - `"zeros"`: everything 0.
 * - a function `(shape, { rng }) => W` (such as `init.xavierUniform`): W from it, b = 0.
 */
import { DslError, describe } from "../errors/index.js";
import { init as torchInit, rng as makeRng, type Rng } from "../random/index.js";
import type { NetSpec } from "./net.js";

/** The named initializations. */
export const INITS = ["torch", "xavierUniform", "xavierNormal", "heUniform", "heNormal", "zeros"] as const;

/** A named initialization or an initializer function. */
export type InitSpec = (typeof INITS)[number] | ((shape: [number, number], opts: { rng: Rng }) => unknown);

/**
 * Flat initial parameters of `net` from `seed`.
 *
 * @example
 * initialParams(new NetSpec([2, 3, 1], ["tanh", "identity"]), "torch", 0); // Float64Array(13)
 */
export function initialParams(net: NetSpec, init: InitSpec, seed: number | string, who = "nn.mlp"): Float64Array {
  const r = makeRng(seed as number);
  const x = new Float64Array(net.n);
  for (const L of net.layers) {
    const W = x.subarray(L.wOffset, L.wOffset + L.out * L.in);
    const b = x.subarray(L.bOffset, L.bOffset + L.out);
    if (typeof init === "function") {
      const w = init([L.out, L.in], { rng: r });
      readWeights(w, L.out, L.in, W, `${who}.init`);
      continue;
    }
    switch (init) {
      case "torch": {
        // torch.nn.Linear.reset_parameters: kaiming_uniform_(W, a=√5), i.e. gain √(2/(1+5)), bound √3·gain/√fan_in (= 1/√in); b ~ U(−1/√in, 1/√in)
        const bound = Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + 5)) / Math.sqrt(L.in));
        uniformInto(r, W, -bound, bound);
        const bb = 1 / Math.sqrt(L.in);
        uniformInto(r, b, -bb, bb);
        break;
      }
      case "xavierUniform": case "xavierNormal": case "heUniform": case "heNormal":
        // src/random's init.* (torch.nn.init arithmetic) on the same stream; biases stay 0
        readWeights(torchInit[init]([L.out, L.in], { rng: r }), L.out, L.in, W, `${who}.init`);
        break;
      case "zeros": break;
      default:
        throw new DslError("bad-option", `${who}: init must be one of ${INITS.map((s) => `"${s}"`).join(", ")} or a function (shape, { rng }) => W, got ${describe(init)}`, { path: `${who}.init` });
    }
  }
  return x;
}

function uniformInto(r: Rng, out: Float64Array, low: number, high: number): void {
  r.uniformInto(out, low, high);
}

/** What an init function returned, checked to be an out × in matrix (nested array or flat). */
function readWeights(w: unknown, out: number, inn: number, into: Float64Array, at: string): void {
  const flat = ArrayBuffer.isView(w) ? Array.from(w as Float64Array) : Array.isArray(w) ? (w as unknown[]).flat(1) : null;
  if (!flat || flat.length !== out * inn || flat.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new DslError("bad-option", `${at}: the init function must return a ${out}×${inn} matrix of finite numbers for shape [${out}, ${inn}], got ${describe(w)}`, { path: at });
  }
  into.set(flat as number[]);
}
