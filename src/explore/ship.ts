/**
 * Kernel side of explorables: what goes to the page. The objective ships as its compiled
 * float64 code (the closures `optimize` calls, rebuilt in the page from the same source; see
 * src/symbolic/shipped.ts), the optimizer function as its source text, checked to use only its
 * parameter and optlab's constructors. What cannot travel is a DslError naming it.
 */
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";
import { DslError } from "../errors/index.js";
import type { Problem } from "../problem/index.js";
import { shippedCode, SymbolicDataProblem, SymbolicProblem, type ShippedArg, type ShippedCode } from "../symbolic/index.js";
import { ALLOWED_NAMES, OPTIMIZER_NAMES } from "./names.js";
import type { WireArg, WireCode, WireOptimizer, WireProblem } from "./wire.js";

/** Typed array → its wire form (base64 of its little-endian bytes). */
function wireArray(a: Float64Array | Int32Array): { type: "f64" | "i32"; b64: string } {
  return { type: a instanceof Float64Array ? "f64" : "i32", b64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64") };
}

function wireArg(a: ShippedArg): WireArg {
  switch (a.kind) {
    case "arrays": return { kind: "arrays", arrays: a.arrays.map(wireArray) };
    case "code": return { kind: "code", code: wireCode(a.code) };
    default: return { ...a } as WireArg;
  }
}

/** A recorded closure in its wire form. */
export function wireCode(c: ShippedCode): WireCode {
  return { params: [...c.params], body: c.body, args: c.args.map(wireArg) };
}

/** The symbolic core behind a DSL objective (its `core.problem`; the Objective keeps it private). */
function coreOf(target: unknown): Problem | undefined {
  if (target instanceof SymbolicProblem || target instanceof SymbolicDataProblem) return target;
  const core = (target as { core?: { problem?: unknown } } | null)?.core?.problem;
  return core instanceof SymbolicProblem || core instanceof SymbolicDataProblem ? core : undefined;
}

function need(fn: unknown, what: string, who: string): WireCode {
  const c = shippedCode(fn);
  if (!c) throw new DslError("not-serializable", `${who}: the objective's compiled ${what} cannot be sent to the page (it is not code optlab generated)`, { path: `${who}.target` });
  return wireCode(c);
}

/**
 * The objective's compiled float64 code for the page: f and (f, ∇f), and ∇²f when `hessian`.
 * Objectives from `objective(...)` (strings, TS functions, data-backed) ship; anything else (a
 * `{ f, grad }` model, a network loss) is a DslError naming what could not be serialized.
 *
 * @param target what `optimize` would get.
 * @param hessian also ship ∇²f (second-order optimizers).
 * @param who the caller's name for messages.
 */
export function shipProblem(target: unknown, hessian: boolean, who = "explore"): WireProblem {
  const core = coreOf(target);
  if (!core) {
    const t = target as Record<string, unknown> | null;
    const what = t && typeof t === "object" && typeof t.f === "function"
      ? `a hand-written { f, grad } model: its functions f and grad are closures in the kernel (they may read kernel variables), which the page cannot run; write the objective with objective("...") or objective((x, y) => ...) instead`
      : `this objective (${t && typeof t === "object" ? (t.constructor?.name ?? "object") : typeof t}): only objectives built by objective(...) — strings, TS functions, data-backed — compile to code the page can run`;
    throw new DslError("not-serializable", `${who}: cannot send ${what}`, { path: `${who}.target` });
  }
  if (core instanceof SymbolicProblem) {
    return {
      n: core.n, names: [...core.names], rows: false,
      value: need(core.valueFn, "f", who), valueGrad: need(core.valueGradFn, "gradient", who),
      ...(hessian ? { hessian: need(core.hessianFn, "Hessian", who) } : {}),
    };
  }
  // Data-backed: compile the entry points (first call), then read the closures the calls use.
  const d = core as SymbolicDataProblem;
  const x = new Float64Array(d.n);
  d.batchValueAt(x, null);
  d.batchValueAndGradInto(x, new Float64Array(d.n), null);
  if (hessian) d.batchHessianInto(x, new Float64Array(d.n * d.n), null);
  const fns = (d as unknown as { fns: { v?: unknown; g?: unknown; h?: unknown } }).fns;
  return {
    n: d.n, names: [...d.names], rows: true,
    value: need(fns.v, "f", who), valueGrad: need(fns.g, "gradient", who),
    ...(hessian ? { hessian: need(fns.h, "Hessian", who) } : {}),
  };
}

// -- the optimizer function ------------------------------------------------------------------

let tsMod: typeof TsMorph.ts | undefined;
const ts = (): typeof TsMorph.ts => (tsMod ??= (createRequire(import.meta.url)("ts-morph") as typeof TsMorph).ts);

/** Identifiers that compiled cells use as module objects: `exports` (kernel cells), `optlab_1` (tsc CommonJS). */
const NAMESPACE = /^(?:exports|[A-Za-z_$][\w$]*_\d+)$/;

/** Names a module object may hold that the page provides. */
const CONSTRUCTOR_NAMES: ReadonlySet<string> = new Set<string>([...OPTIMIZER_NAMES, "schedules"]);

/**
 * Checks an optimizer function's source and returns it in a form the page evaluates: an
 * expression (a method's `name(h) {…}` gets a `function` keyword), reading only its parameters,
 * its own locals, optlab's optimizer and schedule constructors and a few pure globals. A name
 * from the kernel session (a variable of another cell, an import) is a DslError naming it.
 *
 * @param fn the function.
 * @param name which optimizer (for messages).
 * @param who the caller's name.
 */
export function shipOptimizer(fn: unknown, name: string, who = "explore"): WireOptimizer {
  const path = `${who}.optimizer${name === "optimizer" ? "" : `.${name}`}`;
  if (typeof fn !== "function") throw new DslError("bad-optimizer", `${who}: optimizer must be a function (h) => optimizer, such as (h) => adam({ lr: h.lr }), got ${typeof fn}`, { path });
  let source = Function.prototype.toString.call(fn).trim();
  if (/\{\s*\[native code\]\s*\}$/.test(source)) throw new DslError("not-serializable", `${who}: the optimizer function ${name} is a built-in or bound function; it has no source to send to the page. Write it as (h) => adam({ lr: h.lr })`, { path });
  const T = ts();
  if (!/^(?:async\s+)?(?:function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(source)) source = `function ${source.replace(/^async\s+/, "")}`;
  const sf = T.createSourceFile("optimizer.js", `(${source}\n)`, T.ScriptTarget.ES2022, true, T.ScriptKind.JS);
  const diags = (sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? [];
  const expr = (sf.statements[0] as TsMorph.ts.ExpressionStatement | undefined)?.expression;
  const fnNode = expr && T.isParenthesizedExpression(expr) ? expr.expression : undefined;
  if (diags.length > 0 || !fnNode || !(T.isArrowFunction(fnNode) || T.isFunctionExpression(fnNode))) {
    throw new DslError("not-serializable", `${who}: could not read the source of the optimizer function ${name} as a function: ${source.slice(0, 120)}`, { path });
  }
  if (fnNode.modifiers?.some((m) => m.kind === T.SyntaxKind.AsyncKeyword) || (T.isFunctionExpression(fnNode) && fnNode.asteriskToken)) {
    throw new DslError("bad-optimizer", `${who}: the optimizer function ${name} must return an optimizer directly (not async, not a generator)`, { path });
  }
  // Locals: every name bound anywhere inside (parameters, destructuring, const/let/var, inner functions).
  const locals = new Set<string>();
  const bind = (n: TsMorph.ts.BindingName | undefined): void => {
    if (!n) return;
    if (T.isIdentifier(n)) locals.add(n.text);
    else for (const el of n.elements) if (!T.isOmittedExpression(el)) bind(el.name);
  };
  const visitDecl = (node: TsMorph.ts.Node): void => {
    if (T.isParameter(node) || T.isVariableDeclaration(node) || T.isBindingElement(node)) bind(node.name);
    else if ((T.isFunctionDeclaration(node) || T.isFunctionExpression(node) || T.isClassDeclaration(node)) && node.name) locals.add(node.name.text);
    else if (T.isCatchClause(node) && node.variableDeclaration) bind(node.variableDeclaration.name);
    T.forEachChild(node, visitDecl);
  };
  visitDecl(fnNode);
  const bad = new Set<string>();
  const namespaces = new Set<string>();
  const visit = (node: TsMorph.ts.Node): void => {
    if (T.isPropertyAccessExpression(node) && T.isIdentifier(node.expression) && !locals.has(node.expression.text) && !ALLOWED_NAMES.has(node.expression.text)) {
      // exports.adam (a kernel cell), optlab_1.adam (tsc's CommonJS), o.adam (import * as o):
      // a constructor read through a module object
      const mod = node.expression.text;
      const prop = node.name.text;
      if (CONSTRUCTOR_NAMES.has(prop)) {
        namespaces.add(mod);
        return;
      }
      if (NAMESPACE.test(mod)) {
        bad.add(prop);
        return;
      }
    }
    if (T.isIdentifier(node)) {
      const p = node.parent;
      const isName =
        (T.isPropertyAccessExpression(p) && p.name === node) ||
        (T.isPropertyAssignment(p) && p.name === node) ||
        ((T.isMethodDeclaration(p) || T.isPropertyDeclaration(p) || T.isGetAccessor(p) || T.isSetAccessor(p)) && p.name === node) ||
        (T.isBindingElement(p) && p.propertyName === node) ||
        T.isLabeledStatement(p) || T.isBreakOrContinueStatement(p);
      if (!isName && !locals.has(node.text) && !ALLOWED_NAMES.has(node.text)) bad.add(node.text);
    }
    if (node.kind === T.SyntaxKind.ThisKeyword) bad.add("this");
    T.forEachChild(node, visit);
  };
  visit(fnNode);
  if (bad.size > 0) {
    const names = [...bad];
    throw new DslError(
      "not-serializable",
      `${who}: the optimizer function ${name} uses ${names.map((n) => `'${n}'`).join(", ")}, which ${names.length === 1 ? "is" : "are"} not available in the page: it may use its parameter (the slider values), optlab's optimizers and schedules (adam, sgd, chain, schedules.cosine, ...) and Math; put a number in directly, or make it a slider in params`,
      { path, detail: { names } },
    );
  }
  return { name, source, namespaces: [...namespaces] };
}
