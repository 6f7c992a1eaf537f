/**
 * Hessian sign colours come from the palette, and the style guide's Axes section agrees with its
 * "Spectra are markers" rule and with what hessianSpectrum does (log / symmetric log beyond two decades).
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { PALETTE, SIGN_COLORS, colorDistance } from "../../src/plots/palette.js";
import { hessianAlong, hessianSpectrum } from "../../src/plots/hessian.js";

type Obj = Record<string, unknown>;

test("eigenvalue markers are coloured from the palette's sign colours, told apart", () => {
  for (const c of Object.values(SIGN_COLORS)) expect(PALETTE).toContain(c);
  expect(colorDistance(SIGN_COLORS.positive, SIGN_COLORS.negative)).toBeGreaterThan(30);
  const fig = hessianSpectrum([-2, 0, 1, 1000]);
  const markers = (fig.data as Obj[]).find((t) => t.name === "eigenvalues")!;
  expect((markers.marker as Obj).color).toEqual([SIGN_COLORS.negative, SIGN_COLORS.zero, SIGN_COLORS.positive, SIGN_COLORS.positive]);
  const strip = hessianAlong([{ name: "r", steps: [0, 1], eigenvalues: [[1, 2], [-1, -2]] }]);
  const colors = (strip.data as Obj[]).flatMap((t) => (Array.isArray((t.marker as Obj | undefined)?.color) ? ((t.marker as Obj).color as string[]) : []));
  expect(colors).toEqual(expect.arrayContaining([SIGN_COLORS.positive, SIGN_COLORS.maximum]));
});

test("the style guide's Axes section says what hessianSpectrum does with eigenvalues", () => {
  const guide = readFileSync(new URL("../../docs/readme/charts.md", import.meta.url), "utf8");
  const axes = guide.slice(guide.indexOf("## Axes"), guide.indexOf("## Numbers"));
  expect(axes).not.toMatch(/linear axis is kept where zero and the sign matter \(eigenvalues/);
  expect(axes).toMatch(/symmetric-log/);
  // and the chart does it: mixed signs over three decades → symmetric log; all positive → log
  expect(((hessianSpectrum([-2, 1, 1000]).layout.yaxis as Obj).title as Obj).text).toContain("symmetric log");
  expect((hessianSpectrum([1, 10, 1000]).layout.yaxis as Obj).type).toBe("log");
  expect((hessianSpectrum([1, 5, 20]).layout.yaxis as Obj).type).toBe("linear");
});
