/**
 * The process guards in a child process of their own (errors nobody catches must not reach the
 * test runner's listeners): run against dist/ (`npm run build` first), like the other kernel
 * process tests.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const guards = fileURLToPath(new URL("../../dist/kernel/process-guards.js", import.meta.url));

/** Runs an ES module script with `guardProcess` imported; returns its exit code and stdout lines. */
function run(script: string): { status: number | null; lines: string[]; stderr: string } {
  const code = `import { guardProcess } from ${JSON.stringify(guards)};\n${script}`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 20_000 });
  return { status: r.status, lines: r.stdout.trim().split("\n").filter(Boolean), stderr: r.stderr };
}

const pause = "const tick = () => new Promise((r) => setTimeout(r, 20));";

test("listeners that rethrow (as emscripten's) are tamed: the process survives and the guard reports", () => {
  const r = run(`${pause}
const seen = [];
const guard = guardProcess((event, e) => seen.push(event + ": " + (e instanceof Error ? e.message : String(e))));
// what tfjs-backend-wasm's emscripten runtime adds when the wasm backend starts
process.on("uncaughtException", (ex) => { throw ex; });
process.on("unhandledRejection", (reason) => { throw reason; });
await tick();
Promise.reject(new Error("left behind"));
setTimeout(() => { throw new Error("in a timer"); }, 0);
await tick(); await tick();
// a listener that throws something else: reported as well
process.on("unhandledRejection", () => { throw new Error("listener bug"); });
await tick();
Promise.reject(new Error("second"));
await tick();
console.log(JSON.stringify(seen));
console.log("alive");`);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(JSON.parse(r.lines[0]!)).toEqual([
    "unhandledRejection: left behind",
    "uncaughtException: in a timer",
    "unhandledRejection: second",
    "unhandledRejection: listener bug",
  ]);
  expect(r.lines[1]).toBe("alive");
});

test("the guard's own listeners come back when removed; release restores the others as they were", () => {
  const r = run(`${pause}
const seen = [];
const mine = () => seen.push("user listener ran");
process.on("unhandledRejection", mine);
const guard = guardProcess((event) => seen.push("guard: " + event));
process.removeAllListeners("unhandledRejection");
process.removeAllListeners("uncaughtException");
await tick();
console.log(process.listenerCount("unhandledRejection"), process.listenerCount("uncaughtException"));
process.removeAllListeners();           // even the watchers
guard.reassert();                       // the kernel calls this before each cell
Promise.reject(new Error("x"));
await tick();
console.log(JSON.stringify(seen));
process.on("unhandledRejection", mine);
await tick();
process.off("unhandledRejection", mine);  // works on the tamed wrapper
console.log(process.listeners("unhandledRejection").includes(mine));
process.on("unhandledRejection", mine);
await tick();
guard.release();
console.log(process.listeners("unhandledRejection").length, process.rawListeners("unhandledRejection")[0] === mine);`);
  expect(r.stderr).toBe("");
  expect(r.lines).toEqual(["1 1", '["guard: unhandledRejection"]', "false", "1 true"]);
});

test("guardExit: process.exit from a cell throws an ExitError and the process goes on; outside a cell it exits", () => {
  const code = `import { guardExit } from ${JSON.stringify(guards)};
let inCell = true;
const release = guardExit(() => inCell);
try { process.exit(3); } catch (e) { console.log(e.name + ": " + e.message); }
console.log("still alive");
inCell = false;
process.exit(7);`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 20_000 });
  const lines = r.stdout.trim().split("\n");
  expect(lines[0]).toMatch(/^ExitError: process\.exit\(3\) would end the kernel and lose every name this notebook defined; to stop it, use the front end's Restart or Shut Down/);
  expect(lines[1]).toBe("still alive");
  expect(r.status).toBe(7);
});

/** Runs an ES module script with the built-ins guards imported (in a child: it changes built-ins). */
function runBuiltins(script: string): string[] {
  const code = `import { guardBuiltins, guardPromiseProtocol } from ${JSON.stringify(guards)};\n${script}`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 20_000 });
  expect(r.stderr).toBe("");
  return r.stdout.trim().split("\n");
}

test("guardBuiltins: the kernel's code gets the originals, a cell's code its own versions", () => {
  const lines = runBuiltins(`
    const g = guardBuiltins();
    JSON.stringify = () => "cell's";
    delete Math.max;
    g.enterKernel();
    console.log(JSON.stringify(1), typeof Math.max, g.changed.join(","));
    g.enterUser();
    console.log(JSON.stringify(1), typeof Math.max);
    g.enterKernel();
    console.log(JSON.stringify(2));
  `);
  expect(lines).toEqual(["1 function JSON.stringify,Math.max", "cell's undefined", "2"]);
});

test("guardPromiseProtocol: a replaced then, an added Object.prototype.then and a replaced Promise are put back", async () => {
  const lines = runBuiltins(`
    const g = guardPromiseProtocol();
    const then = Promise.prototype.then;
    const P = Promise;
    Promise.prototype.then = function () { return this; };
    Object.prototype.then = function () {};
    globalThis.Promise = function () {};
    console.log(g.check().join("; "));
    console.log(Promise.prototype.then === then, "then" in {}, globalThis.Promise === P, g.check().length);
    console.log(await (async () => ({ a: 1 }))().then((v) => v.a));
  `);
  expect(lines).toEqual(["Promise was replaced; Promise.prototype.then was replaced; Object.prototype.then was added", "true false true 0", "1"]);
});
