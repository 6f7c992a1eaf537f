/**
 * Types in cells: every value a public DSL function or method returns can be stored in a `const`
 * without an annotation (tslab compiles each cell to a module and emits its declarations for later
 * cells; a return type that names something the DSL does not export fails there with TS4023), and
 * type errors never show optlab's install path.
 *
 * The calls are enumerated from the built declarations (dist/dsl/index.d.ts, `npm run build`): each
 * exported function, each function member of an exported object or namespace (`curvature.*`,
 * `plot.*`, `schedules.*`, `tree.*`, `nn.*`, ...), each method of an exported class or interface.
 * Arguments are `undefined as any`, so the cell only type-checks (through the kernel's compiler,
 * with the cells' declarations); the three calls the issue names also run for real.
 */
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Kernel } from "../../kernel/kernel.js";
import { packageRoot } from "../../kernel/package-root.js";
import { MemoryTransport } from "../../kernel/transport.js";
import { decode, encode, newHeader, Signer, type Message } from "../../kernel/wire.js";

const KEY = "types-test";
let kernel: Kernel;
let transport: MemoryTransport;
const signer = new Signer(KEY);

beforeAll(async () => {
  transport = new MemoryTransport();
  kernel = new Kernel({ transport, key: KEY, mode: "kernel", warmDelayMs: 0 });
  await kernel.start();
  await kernel.executor();
}, 120_000);

afterAll(async () => {
  await kernel?.close();
});

/** Runs a cell through the kernel; resolves with its reply and iopub messages. */
function execute(code: string): Promise<{ reply: Message; iopub: Message[] }> {
  const msg: Message = { header: newHeader("execute_request", "s", "test"), parent_header: {}, metadata: {}, content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false }, buffers: [] };
  return new Promise((resolve) => {
    const iopub: Message[] = [];
    let reply: Message | undefined;
    const off = transport.onSend(({ channel, frames }) => {
      if (channel === "stdin") return;
      const m = decode(frames, signer).msg;
      if ((m.parent_header as { msg_id?: string }).msg_id !== msg.header.msg_id) return;
      if (channel === "iopub") iopub.push(m);
      else reply = m;
      if (reply && m.header.msg_type === "status" && m.content.execution_state === "idle") {
        off();
        resolve({ reply, iopub });
      }
    });
    transport.deliver("shell", encode(msg, [], signer));
  });
}

/** `const x = <call>` for every public function and method that returns a value. */
function publicCalls(): string[] {
  const file = join(packageRoot(), "dist/dsl/index.d.ts");
  const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const mod = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const calls: string[] = [];
  const args = (sig: ts.Signature) => sig.getParameters().map(() => "undefined as any").join(", ");
  const returns = (sig: ts.Signature) => !(checker.getReturnTypeOfSignature(sig).flags & (ts.TypeFlags.Void | ts.TypeFlags.Never | ts.TypeFlags.Undefined));
  const members = (type: ts.Type, prefix: string) => {
    for (const p of checker.getPropertiesOfType(type)) {
      if (p.name.startsWith("_") || p.name.startsWith("__@")) continue;
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (!decl) continue;
      const sig = checker.getTypeOfSymbolAtLocation(p, decl).getCallSignatures()[0];
      if (sig && returns(sig)) calls.push(`${prefix}${/^[A-Za-z_$][\w$]*$/.test(p.name) ? `.${p.name}` : `[${JSON.stringify(p.name)}]`}(${args(sig)})`);
    }
  };
  for (const exp of checker.getExportsOfModule(mod)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const name = exp.name;
    if (name === "DISPLAY" || name === "default") continue;
    const typeParams = (t: ts.Type) => {
      const n = (t as ts.InterfaceType).typeParameters?.length ?? 0;
      return n ? `<${Array(n).fill("any").join(", ")}>` : "";
    };
    if (sym.flags & ts.SymbolFlags.Class) {
      const inst = checker.getDeclaredTypeOfSymbol(sym);
      members(inst, `(null! as ${name}${typeParams(inst)})`);
      members(checker.getTypeOfSymbol(sym), name);
      continue;
    }
    if (sym.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias) && !(sym.flags & ts.SymbolFlags.Value)) {
      const t = checker.getDeclaredTypeOfSymbol(sym);
      if (t.getCallSignatures().length === 0 && !(t.flags & ts.TypeFlags.Union)) members(t, `(null! as ${name}${typeParams(t)})`);
      continue;
    }
    if (sym.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable | ts.SymbolFlags.ValueModule)) {
      const t = checker.getTypeOfSymbol(sym);
      const sig = t.getCallSignatures()[0];
      if (sig && returns(sig)) calls.push(`${name}(${args(sig)})`);
      members(t, name);
    }
  }
  return calls;
}

describe("types in cells", () => {
  test("every public DSL function and method's value can be stored in a const without an annotation", () => {
    const calls = publicCalls();
    // The API is large; a broken enumeration (no calls) must fail, not pass.
    expect(calls.length).toBeGreaterThan(100);
    for (const name of ["curvature.sharpness(", "curvature.trace(", "curvature.noise(", "optimize(", "plot.", "schedules.", "nn."]) expect(calls.some((c) => c.startsWith(name))).toBe(true);
    const ex = kernel.readyExecutor!;
    const source = calls.map((c, i) => `const v${i} = ${c};`).join("\n");
    const r = ex.converter.convert(ex.declarations, source);
    const failures = r.diagnostics.map((d) => `${calls[d.start.line] ?? `line ${d.start.line}`}: TS${d.code} ${d.messageText}`);
    expect(failures).toEqual([]);
  }, 120_000);

  test("curvature.sharpness / trace / noise in real cells: stored in consts, used in the next cell", async () => {
    const define = await execute(
      'const fq = objective("x^2 + 10*y^2");\n' +
        "const runq = optimize(fq, gd({ lr: 0.01 }), { from: [1, 1], steps: 20 });\n" +
        "const s = curvature.sharpness(fq, runq, { every: 5 });\n" +
        "const t = curvature.trace(fq, { at: [1, 1] });\n" +
        'const fit = objective("(w*a - y)^2", { params: ["w"], data: { a: [1, 2, 3], y: [2, 4, 7] } });\n' +
        "const n = curvature.noise(fit, { at: [1] });",
    );
    expect([define.reply.content.status, define.reply.content.evalue]).toEqual(["ok", undefined]);
    const use = await execute("[s.sharpness.length > 0, typeof t.trace, typeof n.noiseScale]");
    expect(use.reply.content.status).toBe("ok");
    expect(use.iopub.find((m) => m.header.msg_type === "execute_result")!.content.data).toEqual({ "text/plain": "[ true, 'number', 'number' ]" });
  }, 60_000);

  test("type errors never show optlab's install path", async () => {
    // The message TS4023 gave before the fix (the issue's), as the compiler would report it now for
    // any name it cannot reach: the kernel writes optlab's directory as "optlab/".
    const ex = kernel.readyExecutor!;
    const converter = ex.converter;
    const convert = converter.convert;
    const pos = { offset: 6, line: 0, character: 6 };
    converter.convert = (prev, src) => ({
      ...convert.call(converter, prev, src),
      diagnostics: [{ start: pos, end: pos, category: 1, code: 4023, messageText: `Exported variable 's' has or is using name 'DISPLAY' from external module "${packageRoot()}/dist/dsl/curvature" but cannot be named.` }],
    });
    let reply: Message;
    try {
      ({ reply } = await execute("const s = 1;"));
    } finally {
      converter.convert = convert;
    }
    expect(reply.content).toMatchObject({ status: "error", ename: "TSError" });
    const text = `${reply.content.evalue}\n${(reply.content.traceback as string[]).join("\n")}`;
    expect(text).toContain('external module "optlab/dist/dsl/curvature"');
    expect(text).not.toContain(packageRoot());
  }, 60_000);
});
