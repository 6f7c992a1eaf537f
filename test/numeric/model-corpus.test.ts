/**
 * The model corpus (test/fixtures/gradcheck-corpus.json, made by
 * test/fixtures/gen/torch_gradcheck_corpus.py with torch 1.13): small MLP losses with correct
 * and planted-bug gradients, float64 and float32, and ReLU kinks, each judged by
 * torch.autograd.gradcheck. optlab's gradcheck must raise no false alarm on a correct case and
 * miss no bug that torch catches.
 *
 * float32 cases here round f's value and the gradient to float32 (the loss itself runs in
 * float64), and are detected as float32 from the Float32Array gradient.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { gradcheck, nn } from "../../dsl/index.js";

interface Bug {
  kind: "scale-leaf" | "flip" | "zero" | "perturb" | "swap" | "transpose";
  leaf?: number;
  factor?: number;
  entry?: number;
  rel?: number;
  entries?: [number, number];
}
interface Case {
  name: string;
  sizes: number[];
  activation: "tanh" | "relu" | "sigmoid";
  loss: "mse" | "cross-entropy" | "bce";
  dtype: 32 | 64;
  params: { W: number[][]; b: number[] }[];
  x: number[][];
  y: number[][] | number[];
  bug: Bug | null;
  kink: boolean;
  torch: boolean;
  value: number;
}

const corpus = JSON.parse(readFileSync(new URL("../fixtures/gradcheck-corpus.json", import.meta.url), "utf8")) as { cases: Case[] };

function leafSizes(c: Case): number[] {
  return c.params.flatMap((l) => [l.W.length * l.W[0]!.length, l.b.length]);
}

/** The same planted bug as the generator's apply_bug, on the flat gradient. */
function applyBug(g: number[], bug: Bug | null, c: Case): number[] {
  if (!bug) return g;
  const out = g.slice();
  const offs = [0];
  for (const s of leafSizes(c)) offs.push(offs.at(-1)! + s);
  if (bug.kind === "scale-leaf") for (let k = offs[bug.leaf!]!; k < offs[bug.leaf! + 1]!; k++) out[k] = out[k]! * bug.factor!;
  else if (bug.kind === "flip") out[bug.entry!] = -out[bug.entry!]!;
  else if (bug.kind === "zero") out[bug.entry!] = 0;
  else if (bug.kind === "perturb") out[bug.entry!] = out[bug.entry!]! * (1 + bug.rel!);
  else if (bug.kind === "swap") {
    const [i, j] = bug.entries!;
    [out[i], out[j]] = [out[j]!, out[i]!];
  } else {
    const W = c.params[bug.leaf! / 2]!.W;
    const o = W.length;
    const n = W[0]!.length;
    const a = offs[bug.leaf!]!;
    for (let i = 0; i < o; i++) for (let j = 0; j < n; j++) out[a + j * o + i] = g[a + i * n + j]!;
  }
  return out;
}

function flatGrad(t: unknown): number[] {
  return (t as { W: number[][]; b: number[] }[]).flatMap((l) => [...l.W.flat(), ...l.b]);
}

function run(c: Case) {
  const model = nn.mlp(c.sizes, { activation: c.activation, seed: 0 });
  const L = nn.loss(model, { x: c.x, y: c.y as never }, c.loss);
  const f32 = c.dtype === 32;
  const target = {
    f: (p: unknown) => (f32 ? Math.fround(L.value(p as never)) : L.value(p as never)),
    grad: (p: unknown) => {
      const g = applyBug(flatGrad(L.grad(p as never)), c.bug, c);
      return f32 ? Float32Array.from(g) : g;
    },
  };
  return gradcheck(target, { at: c.params });
}

describe("gradcheck model corpus vs torch.autograd.gradcheck", () => {
  test("the corpus has at least 40 cases, correct and buggy, float64 and float32, with kinks", () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(40);
    expect(corpus.cases.some((c) => c.dtype === 32)).toBe(true);
    expect(corpus.cases.some((c) => c.kink)).toBe(true);
    expect(corpus.cases.filter((c) => !c.bug).length).toBeGreaterThanOrEqual(8);
  });

  test.each(corpus.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const model = nn.mlp(c.sizes, { activation: c.activation, seed: 0 });
    const L = nn.loss(model, { x: c.x, y: c.y as never }, c.loss);
    if (c.dtype === 64) expect(Math.abs(L.value(c.params as never) - c.value)).toBeLessThan(1e-12 * Math.max(1, Math.abs(c.value)));
    const r = run(c);
    if (!c.bug) expect(r.verdict, r.message).not.toBe("fail");
    else if (!c.torch) expect(r.verdict, r.message).toBe("fail");
    // A bug torch lets pass is counted in the side-by-side table (docs/readme/gradcheck.md), not asserted.
  });

  test("side-by-side counts (printed for the guide's table)", () => {
    const rowsOf = (pred: (c: Case) => boolean) => corpus.cases.filter(pred);
    const tally = (cs: Case[]) => {
      const optlab = cs.map((c) => run(c).verdict);
      return { cases: cs.length, torchFail: cs.filter((c) => !c.torch).length, optlabFail: optlab.filter((v) => v === "fail").length, optlabKink: optlab.filter((v) => v === "kink").length };
    };
    const table = {
      "correct float64": tally(rowsOf((c) => !c.bug && c.dtype === 64 && !c.kink)),
      "correct float32": tally(rowsOf((c) => !c.bug && c.dtype === 32)),
      "correct at a ReLU kink": tally(rowsOf((c) => !c.bug && c.kink)),
      "buggy float64": tally(rowsOf((c) => !!c.bug && c.dtype === 64 && !c.kink)),
      "buggy float32": tally(rowsOf((c) => !!c.bug && c.dtype === 32)),
      "buggy at a ReLU kink": tally(rowsOf((c) => !!c.bug && c.kink)),
    };
    console.log(JSON.stringify(table));
    expect(table["correct float64"].optlabFail + table["correct float32"].optlabFail + table["correct at a ReLU kink"].optlabFail).toBe(0);
  });
});
