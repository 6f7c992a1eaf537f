/**
 * `execute_request`: run a cell.
 *
 * execute_input → streams / displays (as they happen) → execute_result (the last value's MIME
 * bundle) or error → execute_reply, all before the kernel's idle. `silent` sends no output and
 * stores no history; `store_history: false` does not advance the execution count;
 * `user_expressions` are evaluated after a successful cell; with `stop_on_error` (the default)
 * an error aborts the execute requests already waiting.
 */
import { format } from "../../src/display/index.js";
import { cellStore } from "../cell-context.js";
import { jsonReady } from "../display.js";
import type { Executor, Outcome, RunContext } from "../executor.js";
import type { Kernel } from "../kernel.js";
import { interruptError } from "../traceback.js";
import type { Request } from "./index.js";

interface ExecuteContent {
  code?: unknown;
  silent?: unknown;
  store_history?: unknown;
  user_expressions?: unknown;
  allow_stdin?: unknown;
  stop_on_error?: unknown;
}

/**
 * What is wrong with an `execute_request`'s content (naming the field), or null. Only `code` is
 * required; the optional fields must have their types when present.
 */
export function badExecuteContent(content: unknown): string | null {
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);
  if (typeof content !== "object" || content === null || Array.isArray(content)) return `execute_request: the content must be an object with a string "code", got ${kind(content)}`;
  const c = content as ExecuteContent;
  if (!("code" in c)) return 'execute_request: content.code is missing (expected the cell\'s source, a string)';
  if (typeof c.code !== "string") return `execute_request: content.code must be a string, got ${kind(c.code)}`;
  for (const f of ["silent", "store_history", "allow_stdin", "stop_on_error"] as const) {
    if (c[f] !== undefined && typeof c[f] !== "boolean") return `execute_request: content.${f} must be a boolean, got ${kind(c[f])}`;
  }
  if (c.user_expressions !== undefined && (typeof c.user_expressions !== "object" || c.user_expressions === null || Array.isArray(c.user_expressions))) {
    return `execute_request: content.user_expressions must be an object of expressions by name, got ${kind(c.user_expressions)}`;
  }
  return null;
}

/** Runs an `execute_request` (see the module comment for the message sequence). */
export async function execute(k: Kernel, r: Request): Promise<void> {
  const raw = r.env.msg.content as unknown;
  const bad = badExecuteContent(raw);
  if (bad !== null) {
    const error = { ename: "BadRequest", evalue: bad, traceback: [`\u001b[0;31mBadRequest\u001b[0m: ${bad}`] };
    r.ctx.publish("error", error);
    k.reply(r, "execute_reply", { status: "error", execution_count: k.executionCount, ...error }, { status: "error" });
    return;
  }
  const c = raw as ExecuteContent;
  const code = c.code as string;
  const silent = c.silent === true;
  const storeHistory = !silent && c.store_history !== false;
  if (storeHistory) k.executionCount++;
  const count = k.executionCount;
  r.ctx.publish("execute_input", { code, execution_count: count });
  if (storeHistory) r.ctx.count = count;
  k.beforeCell(r.ctx);
  if (storeHistory) k.history.add(count, code);
  const run: RunContext = { count: storeHistory ? count : null, abort: r.ctx.abort, enter: (fn) => cellStore.run(r.ctx, fn), interrupted: () => r.ctx.interrupted };

  const { outcome, userExpressions } = await k.withRunning(r.ctx, async () => {
    let ex: Executor;
    try {
      ex = await Promise.race([k.executor(), r.ctx.abort]);
    } catch (e) {
      return { outcome: startFailure(e, r.ctx.interrupted), userExpressions: {} };
    }
    if (k.preludeWarning) {
      r.ctx.write("stderr", k.preludeWarning);
      k.preludeWarning = null;
    }
    let o = await ex.execute(code, run);
    // One turn of the event loop: Node reports the cell's unhandled rejections (a
    // `Promise.reject()` nobody awaited) only once the microtask queue has drained; this way
    // they show on this cell (kernel.backgroundError), before its result and its idle.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (o.status === "ok" && o.hasValue && !silent) o = await showResult(k, r, ex, o.value, count, storeHistory);
    const ue = o.status === "ok" ? await evaluateAll(ex, c.user_expressions, run) : {};
    await r.ctx.settle();
    return { outcome: o, userExpressions: ue };
  });

  if (outcome.status === "ok") {
    k.reply(r, "execute_reply", { status: "ok", execution_count: count, payload: [], user_expressions: userExpressions }, { status: "ok" });
    return;
  }
  if (outcome.interrupted) {
    // Synchronous code stopped by SIGINT (the JS handler did not run): abort what the cell started.
    r.ctx.interrupt();
    k.interrupt();
  }
  const error = { ename: outcome.ename, evalue: outcome.evalue, traceback: outcome.traceback };
  r.ctx.publish("error", error);
  k.reply(r, "execute_reply", { status: "error", execution_count: count, ...error }, { status: "error" });
  // Work the interrupted cell left behind (timers, promises) no longer writes into it.
  if (r.ctx.interrupted) r.ctx.close();
  if (c.stop_on_error !== false) k.abortQueued();
}

/** Publishes the cell's value as `execute_result`. */
async function showResult(k: Kernel, r: Request, ex: Executor, value: unknown, count: number, storeHistory: boolean): Promise<Outcome> {
  try {
    const bundle = await Promise.race([cellStore.run(r.ctx, () => format(value)), r.ctx.abort]);
    r.ctx.publish("execute_result", { execution_count: count, data: jsonReady(bundle), metadata: {} });
    if (storeHistory) k.history.setOutput(count, bundle["text/plain"]);
    return { status: "ok", value, hasValue: true };
  } catch (e) {
    return ex.failure(e);
  }
}

/** `user_expressions`: each name's expression → its MIME bundle, or the error. */
async function evaluateAll(ex: Executor, exprs: unknown, run: RunContext): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  if (!exprs || typeof exprs !== "object") return out;
  for (const [name, expr] of Object.entries(exprs as Record<string, unknown>)) {
    const o = await ex.evaluate(String(expr), run);
    if (o.status === "ok") {
      try {
        out[name] = { status: "ok", data: jsonReady(await format(o.value)), metadata: {} };
      } catch (e) {
        const f = ex.failure(e);
        if (f.status === "error") out[name] = { status: "error", ename: f.ename, evalue: f.evalue, traceback: f.traceback };
      }
    } else out[name] = { status: "error", ename: o.ename, evalue: o.evalue, traceback: o.traceback };
  }
  return out;
}

function startFailure(e: unknown, interrupted: boolean): Outcome {
  if (interrupted) return { status: "error", interrupted: true, ...interruptError() };
  const msg = e instanceof Error ? e.message : String(e);
  return { status: "error", interrupted: false, ename: "KernelStartError", evalue: msg, traceback: [`KernelStartError: the TypeScript compiler did not start: ${msg}`] };
}
