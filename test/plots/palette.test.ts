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

describe("the palette is colour-blind safe and far apart", () => {
  test("CIEDE2000 matches Sharma, Wu & Dalal's reference pairs", async () => {
    const { deltaE2000 } = await import("../../src/plots/palette.js");
    // pairs 1, 7 and 17 of the paper's test data
    expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4);
    expect(deltaE2000([50, 0, 0], [50, -1, 2])).toBeCloseTo(2.3669, 4);
    expect(deltaE2000([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 4);
  });

  test("every pair of the sixteen colours ΔE₀₀ ≥ 15, the first ten ≥ 20, all readable on white", async () => {
    const { colorDistance } = await import("../../src/plots/palette.js");
    expect(PALETTE.length).toBeGreaterThanOrEqual(16);
    for (let i = 0; i < PALETTE.length; i++) {
      expect(colorDistance(PALETTE[i]!, "#FFFFFF"), PALETTE[i]).toBeGreaterThanOrEqual(25);
      for (let j = i + 1; j < PALETTE.length; j++) {
        const d = colorDistance(PALETTE[i]!, PALETTE[j]!);
        expect(d, `${PALETTE[i]} vs ${PALETTE[j]}`).toBeGreaterThanOrEqual(i < 10 && j < 10 ? 20 : 15);
      }
    }
  });

  test("the optimizers most often compared keep colours far apart (adam and lbfgs no longer two reds)", () => {
    resetColors();
    const names = ["gd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "lbfgs", "newton"];
    const c = Object.fromEntries(names.map((n) => [n, colorOf(n)]));
    expect(c.adam).toBe("#D55E00");
    expect(c.lbfgs).toBe("#332288");
    for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) expect(colorOf(names[i]!) === colorOf(names[j]!)).toBe(false);
  });
});
