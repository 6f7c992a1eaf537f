/**
 * A traced step as one WGSL compute kernel, run through TensorFlow.js's WebGPU backend
 * (`runWebGPUProgram`): one invocation per run, reading the packed state `S` ([R, B]) and the
 * per-run hyperparameters `P`, writing the new packed state. One dispatch per optimizer step for
 * every run at once, instead of one dispatch per elementwise op.
 */
import type { Tensor, TF } from "../../backends/index.js";
import type { Op, TNode } from "./trace.js";

const BOOL: ReadonlySet<Op> = new Set<Op>(["gt", "ge", "lt", "le", "and", "or", "not", "isfin"]);

const HELPERS = `
fn optlab_isfin(v : f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) < 0x7f800000u; }
fn optlab_pow(b : f32, e : f32) -> f32 {
  if (e == 0.0) { return 1.0; }
  if (e == round(e)) {
    let r = pow(abs(b), e);
    if (b < 0.0 && abs(e % 2.0) == 1.0) { return -r; }
    return r;
  }
  return pow(b, e);
}
fn optlab_log1p(x : f32) -> f32 { let u = 1.0 + x; if (u == 1.0) { return x; } return log(u) * x / (u - 1.0); }
fn optlab_expm1(x : f32) -> f32 {
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * x / log(u);
}
fn optlab_tanh(x : f32) -> f32 { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }
fn optlab_erf(x : f32) -> f32 {
  // Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7)
  let a = abs(x);
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return sign(x) * y;
}
`;

function lit(v: number): string {
  const f = Math.fround(v);
  if (Number.isNaN(f)) return "uniforms.NAN";
  if (!Number.isFinite(f)) return f > 0 ? "uniforms.INFINITY" : "(-uniforms.INFINITY)";
  const s = f.toPrecision(9);
  return s.includes("e") || s.includes(".") ? `f32(${s})` : `f32(${s}.0)`;
}

/** WGSL expression of one node. */
function expr(nd: TNode, a: string[], isBool: (i: number) => boolean): string {
  const [x, y, z] = a;
  switch (nd.op) {
    case "add": return `${x} + ${y}`;
    case "sub": return `${x} - ${y}`;
    case "mul": return `${x} * ${y}`;
    case "div": return `${x} / ${y}`;
    case "max": return `max(${x}, ${y})`;
    case "min": return `min(${x}, ${y})`;
    case "pow": return `optlab_pow(${x}, ${y})`;
    case "atan2": return `atan2(${x}, ${y})`;
    case "gt": return `${x} > ${y}`;
    case "ge": return `${x} >= ${y}`;
    case "lt": return `${x} < ${y}`;
    case "le": return `${x} <= ${y}`;
    case "and": return `${x} && ${y}`;
    case "or": return `${x} || ${y}`;
    case "not": return `!${x}`;
    case "neg": return `-${x}`;
    case "recip": return `1.0 / ${x}`;
    case "isfin": return `optlab_isfin(${x})`;
    case "log1p": return `optlab_log1p(${x})`;
    case "expm1": return `optlab_expm1(${x})`;
    case "tanh": return `optlab_tanh(${x})`;
    case "erf": return `optlab_erf(${x})`;
    case "sel": return `select(${z}, ${y}, ${isBool(nd.a[0]!) ? x : `${x} != 0.0`})`;
    case "sqrt": case "abs": case "sign": case "floor": case "ceil": case "exp": case "log": case "sin": case "cos": case "tan":
    case "asin": case "acos": case "atan": case "sinh": case "cosh": case "asinh": case "acosh": case "atanh":
      return `${nd.op}(${x})`;
    default:
      throw new Error(`optlab internal error: no WGSL for ${nd.op}`);
  }
}

/**
 * The kernel's body (WGSL `main`): every row of the packed state is read into a variable once,
 * carried through `uniforms.steps` steps (step s reads its uniforms from Q[s·U …]), and written
 * once.
 */
export function wgslSource(nodes: readonly TNode[], order: readonly number[], outputs: readonly number[], B: number, perRun = false): { code: string; U: number } {
  const name = (i: number) => (nodes[i]!.op === "in" ? `r${nodes[i]!.v}` : `v${i}`);
  const isBool = (i: number) => BOOL.has(nodes[i]!.op);
  const U = order.filter((i) => nodes[i]!.op === "uni").reduce((m, i) => Math.max(m, nodes[i]!.v + 1), 0);
  const before: string[] = [];
  const step: string[] = [];
  for (const i of order) {
    const nd = nodes[i]!;
    if (nd.op === "in") continue;
    if (nd.op === "prun") before.push(`  let ${name(i)} = P[${nd.v * B} + index];`);
    else if (nd.op === "const") before.push(`  let ${name(i)} = ${lit(nd.v)};`);
    else if (nd.op === "uni") step.push(`    let ${name(i)} = Q[q + ${nd.v}];`);
    else step.push(`    let ${name(i)} = ${expr(nd, nd.a.map(name), isBool)};`);
  }
  outputs.forEach((o, r) => {
    if (nodes[o]!.op === "in" && nodes[o]!.v === r) return;
    step.push(`    r${r} = ${isBool(o) ? `select(0.0, 1.0, ${name(o)})` : name(o)};`);
  });
  const rows = outputs.map((_o, r) => `  var r${r} = S[${r * B} + index];`);
  // Every binding must be used, or layout "auto" drops it and tfjs's bind group no longer fits
  // (the dispatch is then silently skipped). This branch never runs.
  const touch = `  if (index < 0) { result[0] = S[0]${perRun ? " + P[0]" : ""} + Q[0] + uniforms.NAN; }`;
  const code = `${HELPERS}
fn main(index : i32) {
  if (index >= ${B}) { return; }
${touch}
${rows.join("\n")}
${before.join("\n")}
  for (var s = 0; s < uniforms.steps; s = s + 1) {
    let q = s * ${U};
${step.join("\n")}
  }
${outputs.map((_o, r) => `  result[${r * B} + index] = r${r};`).join("\n")}
}
`;
  return { code, U };
}

/** What the WebGPU backend's `runWebGPUProgram` expects of a program (tfjs-backend-webgpu 4.x). */
interface WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms?: string;
  size?: boolean;
  getUserCode(): string;
}

interface WebGPUBackendLike {
  runWebGPUProgram(program: WebGPUProgramLike, inputs: Tensor[], dtype: "float32", uniforms?: { type: "int32"; data: number[] }[], output?: Tensor): unknown;
}

const WORKGROUP = 128;

/** A compiled kernel for one graph shape. */
export class WgslKernel {
  private readonly program: WebGPUProgramLike;
  private readonly baseKey: string;
  /** Uniform values per step. */
  readonly U: number;
  constructor(key: string, nodes: readonly TNode[], order: readonly number[], outputs: readonly number[], B: number, private readonly perRunRows: number) {
    const { code, U } = wgslSource(nodes, order, outputs, B, perRunRows > 0);
    this.U = U;
    this.program = {
      variableNames: perRunRows > 0 ? ["S", "P", "Q"] : ["S", "Q"],
      outputShape: [outputs.length * B],
      shaderKey: `optlab_fused_${shaderId(key)}_${B}_${perRunRows}`,
      dispatchLayout: { x: [0] },
      dispatch: [Math.ceil(B / WORKGROUP), 1, 1],
      workgroupSize: [WORKGROUP, 1, 1],
      uniforms: "steps : i32, ",
      getUserCode: () => code,
    };
    this.baseKey = this.program.shaderKey;
  }

  /** Runs `steps.length` steps (each with its uniforms): S (and P) in, the new state into `out`. */
  run(tf: TF, S: Tensor, P: Tensor | undefined, steps: readonly (readonly number[])[], out: Tensor): void {
    const backend = tf.backend() as unknown as WebGPUBackendLike;
    const q = new Float32Array(Math.max(1, this.U * steps.length));
    steps.forEach((vals, s) => q.set(vals.slice(0, this.U), s * this.U));
    const Q = tf.tensor1d(q);
    const inputs = this.perRunRows > 0 ? [S, P!, Q] : [S, Q];
    // runWebGPUProgram appends shapes to program.shaderKey in place: reset it, or every call
    // would miss tfjs's pipeline cache and recompile the shader.
    this.program.shaderKey = this.baseKey;
    backend.runWebGPUProgram(this.program, inputs, "float32", [{ type: "int32", data: [steps.length] }], out);
    Q.dispose();
  }
}

const ids = new Map<string, number>();

/** A process-wide id per graph shape (tfjs caches pipelines by shaderKey: ids never collide). */
function shaderId(key: string): number {
  let id = ids.get(key);
  if (id === undefined) ids.set(key, (id = ids.size));
  return id;
}
