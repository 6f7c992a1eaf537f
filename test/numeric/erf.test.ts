/** erf/erfc against Python's math.erf/erfc (C library, correctly rounded to ~1 ulp); the symbolic runtime uses the same function. */
import { describe, expect, it } from "vitest";
import { erf, erfc } from "../../src/numeric/erf.js";
import { RUNTIME } from "../../src/symbolic/runtime.js";

// /usr/bin/python3 -c "import math; print([[x, math.erf(x), math.erfc(x)] for x in xs])"
const REF = [[-5.5, -0.9999999999999927, 1.9999999999999927], [-3.2, -0.9999939742388483, 1.9999939742388482], [-2.5, -0.999593047982555, 1.999593047982555], [-1.3, -0.9340079449406524, 1.9340079449406524], [-0.7, -0.6778011938374184, 1.6778011938374184], [-1e-06, -1.1283791670951364e-06, 1.000001128379167], [0.05, 0.05637197779701663, 0.9436280222029834], [0.4, 0.42839235504666845, 0.5716076449533315], [0.9, 0.7969082124228322, 0.20309178757716786], [1.6, 0.976348383344644, 0.023651616655355985], [2.2, 0.9981371537020182, 0.0018628462979818894], [2.9, 0.9999589021219005, 4.109787809945886e-05], [3.3, 0.9999969422902035, 3.0577097964381654e-06], [4.1, 0.9999999932999724, 6.700027654084918e-09], [6.0, 1.0, 2.1519736712498916e-17]] as const;

describe("erf", () => {
  it("matches math.erf to 1e-15 relative", () => {
    for (const [x, e] of REF) expect(Math.abs(erf(x) - e) / Math.abs(e), `erf(${x})`).toBeLessThan(1e-15);
  });
  it("erfc keeps relative accuracy in the tail (2e-14)", () => {
    for (const [x, , c] of REF) expect(Math.abs(erfc(x) - c) / c, `erfc(${x})`).toBeLessThan(2e-14);
  });
  it("is odd and NaN-safe", () => {
    expect(erf(-0.3)).toBe(-erf(0.3));
    expect(erf(NaN)).toBeNaN();
  });
  it("is the erf of symbolic objectives too (one implementation)", () => {
    expect(RUNTIME.erf).toBe(erf);
  });
});
