import { expect, test } from "vitest";
import { startTfjs } from "../../src/backends/tfjs.js";

test("starting the wasm backend leaves no uncaughtException / unhandledRejection listeners behind", async () => {
  // tfjs-backend-wasm's emscripten runtime adds listeners that rethrow (one would end a Jupyter
  // kernel on the first unhandled rejection); startTfjs removes what starting added.
  const emitter: NodeJS.EventEmitter = process;
  const before = {
    uncaughtException: emitter.listeners("uncaughtException"),
    unhandledRejection: emitter.listeners("unhandledRejection"),
  };
  const wasm = await startTfjs("wasm");
  expect(wasm.device).toMatch(/WebAssembly/);
  expect(emitter.listeners("uncaughtException")).toEqual(before.uncaughtException);
  expect(emitter.listeners("unhandledRejection")).toEqual(before.unhandledRejection);
});
