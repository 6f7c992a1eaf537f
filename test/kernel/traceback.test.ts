import { expect, test } from "vitest";
import { runtimeError, type CellInfo, type RuntimeErrorOptions } from "../../kernel/traceback.js";

const ROOT = "/opt/proj/node_modules/optlab";
// (frames are in the compiled script, one wrapper line above the cell: script line 3 is cell line 2)
const cell: CellInfo = { source: "const f = (x: number[]) => { throw new RangeError('bad') };\noptimize(f, gd(), { from: [1] });", count: 3, map: (l, c) => ({ line: l, column: c }) };
const options: RuntimeErrorOptions = {
  cell: (file) => (file === "optlab-cell-3.ts" ? cell : undefined),
  isKernelFile: (file) => file.startsWith(`${ROOT}/dist/kernel/`) || file === "node:vm",
  shortPath: (file) => (file.startsWith(ROOT) ? `optlab/${file.slice(ROOT.length + 1)}` : file),
  isLibraryFile: (file) => file.startsWith(`${ROOT}/`) && !file.slice(ROOT.length).includes("/node_modules/"),
};
const error = (name: string, stackFrames: string[], extra: Record<string, unknown> = {}) =>
  Object.assign(new Error("bad"), { name, stack: [`${name}: bad`, ...stackFrames.map((f) => `    at ${f}`)].join("\n") }, extra);

const userCallbackThrough = [
  "Object.f (optlab-cell-3.ts:2:40)",
  `UserModelProblem.valueAt (file://${ROOT}/dist/src/numeric/user-model.js:45:10)`,
  `Runner.start (file://${ROOT}/dist/src/optim/run.js:170:5)`,
  `runSync (${ROOT}/dist/src/optim/run.js:318:3)`,
  `Proxy.optimize (file://${ROOT}/dist/dsl/optimize.js:123:9)`,
  "optlab-cell-3.ts:3:1",
  "sigintHandlersWrap (node:vm:280:12)",
  `Executor.run (file://${ROOT}/dist/kernel/executor.js:129:23)`,
];

test("frames inside optlab collapse into one line between the cell's own frames", () => {
  const { traceback } = runtimeError(error("RangeError", userCallbackThrough), options);
  expect(traceback.slice(1, 4)).toEqual(["    at Object.f (Cell In[3], line 1)", "    … 4 frames inside optlab", "    at Cell In[3], line 2"]);
  expect(traceback.join("\n")).not.toMatch(/dist\/|user-model|executor/);
});

test("a genuine bug inside optlab: its frames collapse too, with the library frames it called", () => {
  const { traceback, ename } = runtimeError(error("TypeError", [
    `get (${ROOT}/node_modules/mathjs/lib/cjs/x.js:1:1)`,
    `compile (${ROOT}/dist/src/symbolic/compile.js:10:2)`,
    `objective (${ROOT}/dist/dsl/objective.js:3:4)`,
    "optlab-cell-3.ts:3:1",
    "node:vm:1:1",
  ]), options);
  expect(ename).toBe("TypeError");
  expect(traceback.slice(1, 3)).toEqual(["    … 3 frames inside optlab", "    at Cell In[3], line 2"]);
});

test("frames of the user's own modules and of other packages stay as they are", () => {
  const { traceback } = runtimeError(error("Error", [
    "helper (/home/u/nb/util.js:4:2)",
    "/home/u/node_modules/left-pad/index.js:9:1",
    "optlab-cell-3.ts:3:1",
  ]), options);
  expect(traceback.slice(1, 4)).toEqual(["    at helper (/home/u/nb/util.js:4)", "    at /home/u/node_modules/left-pad/index.js:9", "    at Cell In[3], line 2"]);
});

test("a DslError shows the cell's frames only", () => {
  const { traceback } = runtimeError(error("DslError", userCallbackThrough, { code: "bad-option" }), options);
  expect(traceback[0]).toMatch(/DslError.*\[bad-option\]: bad/);
  expect(traceback.slice(1, 3)).toEqual(["    at Object.f (Cell In[3], line 1)", "    at Cell In[3], line 2"]);
});
