/** The activations of the networks: GELU against torch (float64). */
import { describe, expect, it } from "vitest";
import { activate } from "../../src/nn/index.js";

describe("activate", () => {
  it("gives torch's exact GELU", () => {
    // torch.nn.functional.gelu (approximate="none") in float64
    const z = Float64Array.of(-4.0, -1.5, -0.3, 0.0, 0.6, 2.5, 7.0);
    const ref = [-0.00012668496733247991, -0.10021080190328704, -0.1146265733433142, 0.0, 0.43544812934995586, 2.4844758366855597, 6.999999999991041];
    const A = new Float64Array(7), D = new Float64Array(7);
    activate("gelu", z, A, D, 7);
    ref.forEach((r, i) => expect(Math.abs(A[i]! - r)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(r))));
  });
});
