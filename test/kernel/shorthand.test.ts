import { beforeAll, expect, test } from "vitest";
import { packageRoot } from "../../kernel/package-root.js";
import { fixShorthand } from "../../kernel/shorthand.js";
import { loadTsHost, type TsModule } from "../../kernel/ts-host.js";

let ts: TsModule;
beforeAll(() => {
  ts = loadTsHost(packageRoot()).ts;
});

const earlier = (n: string) => ["grad", "loss"].includes(n);

test("shorthand properties naming an earlier cell's value read it from exports", () => {
  expect(fixShorthand(ts, "const o = { grad, loss, x: 1 };", earlier)).toBe("const o = { grad: exports.grad, loss: exports.loss, x: 1 };");
});

test("names the cell declares itself, and unknown names, stay as they are", () => {
  const code = "function f() { const grad = 5; return { grad, other }; }";
  expect(fixShorthand(ts, code, earlier)).toBe(code);
  expect(fixShorthand(ts, "const p = ({ loss }) => ({ loss });", earlier)).toBe("const p = ({ loss }) => ({ loss });");
});
