import { expect, test } from "vitest";
import { relevantCompletions } from "../../kernel/handlers/complete.js";
import { inspectBundle } from "../../kernel/handlers/inspect.js";
import { docMathToText, texToText } from "../../kernel/tex-text.js";

test("texToText: Greek, sub- and superscripts, fractions, roots, text", () => {
  expect(texToText("m_t = \\beta_1 m_{t-1} + (1-\\beta_1)g_t")).toBe("mₜ = β₁ mₜ₋₁ + (1-β₁)gₜ");
  expect(texToText("x_{t+1} = x_t - \\eta\\,\\frac{g_t}{\\sqrt{s_t}+\\epsilon}")).toBe("xₜ₊₁ = xₜ - η gₜ/(√sₜ+ε)");
  expect(texToText("\\|x\\|_2^2 \\le \\kappa")).toBe("‖x‖₂² ≤ κ");
  // no Unicode subscript for every character: _(…)
  expect(texToText("w_{\\mathrm{bdq}}")).toBe("w_(bdq)");
  expect(texToText("g_t + \\beta b_t \\text{ if nesterov else } b_t")).toBe("gₜ + β bₜ if nesterov else bₜ");
});

test("docMathToText: display math on its own line, inline math in place, prose untouched", () => {
  expect(docMathToText("Adam: $$m_t = \\beta_1 m_{t-1}$$ with $\\beta_1 < 1$.")).toBe("Adam:\n  mₜ = β₁ mₜ₋₁\nwith β₁ < 1.");
  expect(docMathToText("costs $5 and $6")).toBe("costs $5 and $6");
});

test("inspectBundle: the signature as TypeScript, the docs as text", () => {
  const b = inspectBundle("function f(): void\n\nSee $$a_1$$.");
  expect(b["text/plain"]).toBe("function f(): void\n\nSee\n  a₁\n.");
  expect(b["text/markdown"]).toBe("```typescript\nfunction f(): void\n```\n\nSee\n  a₁\n.");
  expect(inspectBundle("const x: number")["text/plain"]).toBe("const x: number");
});

test("relevantCompletions: prefix first, then word starts, never mid-word matches", () => {
  expect(relevantCompletions("ada", ["ReadableStream", "scaleByAdam", "adam", "Adam", "adagrad"])).toEqual(["adam", "adagrad", "Adam", "scaleByAdam"]);
  expect(relevantCompletions("", ["b", "a"])).toEqual(["b", "a"]);
  expect(relevantCompletions("rate", ["learning_rate", "separate"])).toEqual(["learning_rate"]);
});
