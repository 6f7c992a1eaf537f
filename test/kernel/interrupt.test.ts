/**
 * Interrupts of the real kernel process (dist/kernel/cli.js, `npm run build`) over ZeroMQ, in both
 * interrupt modes: "signal" (SIGINT to the process) and "message" (`interrupt_request` on the
 * control channel, what the kernelspec declares). Every form of cell code that used to ignore an
 * interrupt — a synchronous loop, a loop of microtasks, synchronous code after an `await`, a long
 * DSL loop, an awaited timer loop — must end with a `KeyboardInterrupt` error reply, and the next
 * cell must still see the variables defined before.
 *
 * Each cell shows a display first; the interrupt is sent once the client has that display (so the
 * cell's code is running — not after a fixed delay). None of these cells ends by itself, so a
 * reply at all shows the interrupt worked; the bound is the client's reply timeout (10 s, generous
 * for a busy machine; the kernel's own target is 1 s, measured by test/bench). The measured
 * latencies are printed.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { startKernel, type StartedKernel } from "./client.js";

const REPLY_BOUND_MS = 10_000;

let k: StartedKernel;
const latencies: string[] = [];
let kernelLog = "";

beforeAll(async () => {
  k = await startKernel([process.execPath, join(packageRoot(), "dist/kernel/cli.js"), "kernel", "-f", "{connection_file}"], { env: { OPTLAB_STATIC_IMAGES: "0" }, timeoutMs: 60000 });
  k.process.stderr!.on("data", (d: Buffer) => (kernelLog += d.toString()));
  const { reply } = await k.client.execute('const keptBefore = "kept";\nlet counter = 0;');
  expect(reply.content.status).toBe("ok");
}, 90_000);

afterAll(async () => {
  await k?.stop();
  if (latencies.length) console.log(`interrupt → error reply (ms):\n${latencies.join("\n")}`);
  if (kernelLog) console.log(`kernel log:\n${kernelLog}`);
});

/** The cells that must stop; each shows a display once it runs. */
const FORMS: Record<string, string> = {
  "a synchronous loop": 'display.text("running");\nwhile (true) { counter++; }',
  "a loop of microtasks": 'display.text("running");\nasync function m() { while (true) { await Promise.resolve(); } }\nawait m();',
  "synchronous code after an await": 'await null;\ndisplay.text("running");\nwhile (true) { counter++; }',
  "a long DSL call in a loop": 'display.text("running");\nconst f = objective("(1 - x)^2 + 100*(y - x^2)^2");\nfor (let i = 0; i < 1e9; i++) { await optimize(f, adam({ lr: 1e-3 }), { from: [-1.2, 1], steps: 200 }); }',
  "an awaited timer loop": 'display.text("running");\nwhile (true) { await new Promise((r) => setTimeout(r, 5)); counter++; }',
};

async function interruptCell(code: string, mode: "signal" | "message"): Promise<{ content: Record<string, unknown>; ms: number }> {
  let running!: () => void;
  const started = new Promise<void>((r) => (running = r));
  const reply = k.client.execute(code, {}, REPLY_BOUND_MS + 60_000, (m) => m.header.msg_type === "display_data" && running());
  // A cell that fails before it runs (a type error) answers without a display.
  const early = await Promise.race([started.then(() => null), reply]);
  if (early) throw new Error(`the cell ended before it ran: ${JSON.stringify(early.reply.content)}`);
  const t0 = performance.now();
  if (mode === "signal") k.process.kill("SIGINT");
  else k.client.send("control", "interrupt_request", {});
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no reply within ${REPLY_BOUND_MS} ms of the interrupt`)), REPLY_BOUND_MS).unref());
  const r = await Promise.race([reply, timeout]);
  return { content: r.reply.content, ms: performance.now() - t0 };
}

for (const mode of ["signal", "message"] as const) {
  describe(`interrupt_mode "${mode}"`, () => {
    for (const [what, code] of Object.entries(FORMS)) {
      test(`stops ${what}; the session keeps its variables`, async () => {
        const { content, ms } = await interruptCell(code, mode);
        latencies.push(`  ${mode.padEnd(7)} ${what}: ${Math.round(ms)}`);
        expect(content).toMatchObject({ status: "error", ename: "KeyboardInterrupt" });
        // Code that blocked the kernel was ended where it ran: the traceback shows that cell line.
        // The DSL loop alternates blocking work (one optimize call) with an await between calls:
        // an interrupt that lands on that await is answered at once, as for any awaited work (the
        // cell's abort signal then stops the next optimize call), and that reply has no line to
        // show. Which of the two happens depends on where the loop is when the interrupt arrives.
        const traceback = (content.traceback as string[]).join("\n");
        const cellLine = /at (\S+ \()?Cell In\[\d+\], line \d+[\s\S]*----> +\d/;
        if (what === "a long DSL call in a loop") {
          if (!cellLine.test(traceback)) expect(traceback).toMatch(/^\S*KeyboardInterrupt\S*: interrupted by the user$/);
        } else if (what !== "an awaited timer loop") expect(traceback).toMatch(cellLine);
        const { reply, iopub } = await k.client.execute("keptBefore + (typeof counter)");
        expect(reply.content.status).toBe("ok");
        expect(iopub.find((m) => m.header.msg_type === "execute_result")!.content.data).toEqual({ "text/plain": "'keptnumber'" });
      }, 90_000);
    }
  });
}

describe("after interrupts", () => {
  test("work an interrupted cell left behind no longer writes into it (or the next cell)", async () => {
    const code = 'setInterval(() => console.log("LEFT BEHIND"), 5);\ndisplay.text("running");\nwhile (true) {}';
    const { content } = await interruptCell(code, "message");
    expect(content.ename).toBe("KeyboardInterrupt");
    // The interval still runs (timers are the user's), but its output goes nowhere: a later cell
    // that waits across several of its ticks sees only its own output.
    const { iopub } = await k.client.execute('await new Promise((r) => setTimeout(r, 100));\nconsole.log("own");');
    const text = iopub.filter((m) => m.header.msg_type === "stream").map((m) => String(m.content.text)).join("");
    expect(text).toBe("own\n");
  }, 60_000);

  test("an interrupt while nothing runs changes nothing; the kernel answers the next cell", async () => {
    k.process.kill("SIGINT");
    const id = k.client.send("control", "interrupt_request", {});
    expect((await k.client.waitReply(id, 30_000)).content).toEqual({ status: "ok" });
    const { reply } = await k.client.execute("1 + 1");
    expect(reply.content.status).toBe("ok");
  }, 60_000);
});
