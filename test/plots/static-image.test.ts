import { afterAll, describe, expect, test, vi } from "vitest";
import { chartBundle } from "../../src/plots/bundle.js";
import { chromiumPath, closeStaticRenderer, renderPng, staticImageStatus } from "../../src/plots/static-image.js";
import { lossCurves } from "../../src/plots/loss.js";

const hasChromium = chromiumPath() !== null;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(b64: string): { width: number; height: number } {
  const b = Buffer.from(b64, "base64");
  expect(b.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test("a Chromium named by OPTLAB_CHROMIUM that does not exist turns static images off, with the reason", () => {
  const saved = process.env.OPTLAB_CHROMIUM;
  process.env.OPTLAB_CHROMIUM = "/nonexistent/chromium";
  try {
    expect(chromiumPath()).toBeNull();
    expect(staticImageStatus()).toEqual({ available: false, reason: expect.stringMatching(/no Chromium found .*\/nonexistent\/chromium/) });
  } finally {
    if (saved === undefined) delete process.env.OPTLAB_CHROMIUM;
    else process.env.OPTLAB_CHROMIUM = saved;
  }
});

describe.skipIf(!hasChromium)("with Debian's Chromium", () => {
  afterAll(() => closeStaticRenderer());

  test("renderPng draws the figure at the asked size and scale; the browser is reused", async () => {
    // Count launches (the renderer imports this same playwright-core module object), not time.
    const { chromium } = await import("playwright-core");
    const launches = vi.spyOn(chromium, "launch");
    try {
      const fig = lossCurves([{ name: "gd", losses: [1, 0.5, 0.25, 0.125] }]);
      const a = await renderPng(fig, { width: 400, height: 300, scale: 1 });
      expect(pngSize(a!)).toEqual({ width: 400, height: 300 });
      const b = await renderPng(fig, { width: 300, height: 200, scale: 2 });
      expect(pngSize(b!)).toEqual({ width: 600, height: 400 });
      expect(launches).toHaveBeenCalledTimes(1); // no relaunch for the second image
    } finally {
      launches.mockRestore();
    }
  });

  test("a chart bundle gets image/png when static images are on", async () => {
    const b = await chartBundle(lossCurves([{ name: "gd", losses: [1, 0.5] }]), { staticImage: true, includePlotly: false });
    expect(pngSize(b["image/png"] as string).width).toBe(800);
  });
});
