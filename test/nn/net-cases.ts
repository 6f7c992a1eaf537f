/** Small random networks for every activation and loss, shared by the engine tests of test/nn. */
import { ACTIVATIONS, NetSpec, type Activation, type LossKind, type NetData, type Targets } from "../../src/nn/index.js";
import { rng } from "../../src/random/rng.js";

/** The losses with a network shape each (hidden layers of the activation, an identity output). */
export const LOSS_SHAPES: [LossKind, number[]][] = [["mse", [3, 9, 6, 2]], ["cross-entropy", [5, 7, 4]], ["bce", [2, 5, 3]]];

/** Every activation × loss. */
export const NET_CASES: [Activation, LossKind, number[]][] = ACTIVATIONS.flatMap((act) => LOSS_SHAPES.map(([kind, sizes]) => [act, kind, sizes] as [Activation, LossKind, number[]]));

/** A network with `act` hidden layers, S samples of random data and targets, a random point x and direction v. */
export function netCase(act: Activation, kind: LossKind, sizes: number[], S: number, seed: number): { net: NetSpec; data: NetData; x: Float64Array; v: Float64Array } {
  const r = rng(seed);
  const net = new NetSpec(sizes, [...sizes.slice(2).map(() => act), "identity"]);
  const K = net.outputs;
  const Y: Targets = kind === "cross-entropy"
    ? { kind: "class", classes: Int32Array.from({ length: S }, (_, s) => s % K) }
    : { kind: "real", values: r.uniformInto(new Float64Array(S * K)) as Float64Array };
  const data = { samples: S, X: Float64Array.from(r.normal([S * net.inputs]) as number[]), Y };
  const x = Float64Array.from(r.normal([net.n]) as number[]);
  const v = Float64Array.from(r.normal([net.n]) as number[]);
  return { net, data, x, v };
}
