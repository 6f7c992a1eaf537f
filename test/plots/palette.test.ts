import { beforeEach, describe, expect, test } from "vitest";
import { PALETTE, colorOf, resetColors } from "../../src/plots/palette.js";

describe("colorOf", () => {
  beforeEach(() => resetColors());

  test("gives the same colour to the same name in every chart of a session", () => {
    const a = colorOf("adam (lr=0.01)");
    colorOf("sgd");
    expect(colorOf("adam (lr=0.01)")).toBe(a);
  });

  test("known optimizers keep their preferred colour whatever the order", () => {
    const first = colorOf("adam");
    resetColors();
    colorOf("sgd");
    colorOf("rmsprop");
    expect(colorOf("adam")).toBe(first);
    expect(first).toBe(PALETTE[3]);
  });

  test("a second variant of an optimizer takes a free colour, not the same one", () => {
    const a = colorOf("adam (lr=0.1)");
    const b = colorOf("adam (lr=0.01)");
    expect(b).not.toBe(a);
  });

  test("distinct names get distinct colours until the palette runs out, then still a palette colour", () => {
    const names = Array.from({ length: PALETTE.length }, (_, i) => `run ${i}`);
    const colors = names.map(colorOf);
    expect(new Set(colors).size).toBe(PALETTE.length);
    expect(PALETTE).toContain(colorOf("one more"));
  });
});

test("a new kernel document (the runner's next notebook) starts with fresh colours", () => {
  const hooks = { version: 1, mode: "runner", displayBundle: () => "id", once: () => true, documentId: 7 };
  (globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")] = hooks;
  try {
    colorOf("x1");
    const second = colorOf("x2");
    hooks.documentId = 8;
    expect(colorOf("x2")).not.toBe(second);
    expect(colorOf("x2")).toBe(PALETTE[0]);
  } finally {
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")];
  }
});
