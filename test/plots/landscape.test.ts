import { describe, expect, test } from "vitest";
import { landscape, surface3d } from "../../src/plots/landscape.js";
import type { Problem } from "../../src/problem/index.js";
import type { Trace } from "../../src/plots/types.js";

const rosen = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
const bowl = (x: number, y: number) => x * x + y * y;
const path = [[-1.2, 1], [-1, 1.1], [0, 0.2], [0.9, 0.8], [1, 1]];

describe("landscape", () => {
  test("evaluates f on the grid (z[j][i] = f(x_i, y_j)) with linear levels for a bowl", () => {
    const fig = landscape(bowl, { xRange: [-1, 1], yRange: [-2, 2], resolution: 11 });
    const c = fig.data[0]!;
    expect(c.type).toBe("contour");
    expect(c.x).toHaveLength(11);
    expect(c.y).toHaveLength(11);
    const z = c.z as number[][];
    expect(z).toHaveLength(11);
    expect(z[0]![0]).toBeCloseTo(bowl(-1, -2), 10);
    expect(z[10]![5]).toBeCloseTo(bowl(0, 2), 10);
    expect((c.colorbar as { title: { text: string } }).title.text).toBe("f");
    expect(fig.layout.xaxis).toMatchObject({ title: { text: "x" }, range: [-1, 1] });
  });

  test("log-spaced levels for a narrow valley, colour bar labelled in f", () => {
    const fig = landscape(rosen, { xRange: [-2, 2], yRange: [-1, 3] });
    const c = fig.data[0]!;
    expect((c.colorbar as { title: { text: string } }).title.text).toMatch(/log levels/);
    const z = (c.z as (number | null)[][]).flat().filter((v): v is number => v !== null);
    expect(Math.max(...z)).toBeCloseTo(Math.log10(rosen(-2, -1)), 1); // f_min ≈ 0 on the grid
    const ticktext = (c.colorbar as { ticktext: string[] }).ticktext;
    expect(ticktext).toContain("1");
    expect(ticktext).toContain("100");
    expect(fig.summary).toMatch(/^log-spaced contours/);
  });

  test("paths: a line with markers per optimizer, start and end marked, legend entries for the markers", () => {
    const fig = landscape(rosen, { paths: [{ name: "gd", xs: path }, { name: "adam", xs: path.slice(0, 3) }], minima: [[1, 1]] });
    const lines = fig.data.filter((t) => t.mode === "lines+markers");
    expect(lines.map((t) => t.name)).toEqual(["gd", "adam"]);
    expect(lines[0]!.x).toEqual(path.map((p) => p[0]));
    const marks = fig.data.filter((t) => t.legendgroup === "gd" && t.mode === "markers");
    expect(marks.map((t) => (t.marker as { symbol: string }).symbol)).toEqual(["circle-open", "x"]);
    expect(marks[1]!.x).toEqual([1]);
    expect(fig.data.some((t) => t.name === "minimum (1, 1)")).toBe(true);
    expect(fig.data.filter((t) => (t.x as unknown[])[0] === null).map((t) => t.name)).toEqual(["start ○", "end ✕"]);
    // Ranges come from the paths and minima with a margin.
    const xr = (fig.layout.xaxis as { range: number[] }).range;
    expect(xr[0]).toBeLessThan(-1.2);
    expect(xr[1]).toBeGreaterThan(1);
  });

  test("long paths are thinned to maxMarkers with their ends kept and steps in customdata", () => {
    const long = Array.from({ length: 5001 }, (_, t) => [Math.cos(t / 500), Math.sin(t / 500)]);
    const fig = landscape(bowl, { paths: [{ name: "gd", xs: long }], maxMarkers: 100 });
    const line = fig.data[1]!;
    expect((line.x as number[]).length).toBeLessThanOrEqual(102);
    expect((line.customdata as number[]).at(-1)).toBe(5000);
  });

  test("heatmap kind", () => {
    expect(landscape(bowl, { xRange: [0, 1], yRange: [0, 1], kind: "heatmap", resolution: 10 }).data[0]!.type).toBe("heatmap");
  });

  test("slices a Problem with more than two variables through dims and at", () => {
    const p: Problem = {
      n: 3, names: ["a", "b", "c"],
      valueAt: (x) => x[0]! + 10 * x[1]! + 100 * x[2]!,
      valueAndGradInto: () => 0,
    };
    const fig = landscape(p, { xRange: [0, 1], yRange: [0, 1], dims: [0, 2], at: [0, 5, 0], resolution: 10, levels: "linear" });
    const z = fig.data[0]!.z as number[][];
    expect(z[0]![0]).toBeCloseTo(50, 10); // a = 0, c = 0, b fixed at 5
    expect(z[9]![9]).toBeCloseTo(1 + 50 + 100, 10);
    expect(fig.layout.xaxis).toMatchObject({ title: { text: "a" } });
    expect(fig.layout.yaxis).toMatchObject({ title: { text: "c" } });
  });

  test("a diverged path does not stretch the view", () => {
    const fig = landscape(bowl, { paths: [{ name: "ok", xs: [[1, 1], [0, 0]] }, { name: "bad", xs: [[1, 1], [1e10, 1e10]], status: "diverged" }] });
    expect((fig.layout.xaxis as { range: number[] }).range[1]).toBeLessThan(2);
    expect(fig.data.find((t) => t.legendgroup === "bad" && t.mode === "lines+markers")!.name).toBe("bad (diverged)");
  });

  test("says what is missing or wrong", () => {
    // no ranges, paths or minima: a default view, not an error (see "default view" below)
    expect(() => landscape(bowl)).not.toThrow();
    expect(() => landscape(bowl, { xRange: [1, 0], yRange: [0, 1] })).toThrow(/lo < hi/);
    expect(() => landscape(bowl, { xRange: [0, 1], yRange: [0, 1], resolution: 3 })).toThrow(/resolution must be an integer in 10..400, got 3/);
    expect(() => landscape({ n: 1, names: ["x"], valueAt: () => 0, valueAndGradInto: () => 0 }, { xRange: [0, 1], yRange: [0, 1] })).toThrow(/at least two variables/);
  });
});

describe("surface3d", () => {
  test("a surface and 3-D paths lifted onto it", () => {
    const fig = surface3d(bowl, { xRange: [-1, 1], yRange: [-1, 1], resolution: 12, paths: [{ name: "gd", xs: [[1, 1], [0.5, 0.5], [0, 0]] }] });
    const types = fig.data.map((t: Trace) => t.type);
    expect(types[0]).toBe("surface");
    expect(types.slice(1).every((t) => t === "scatter3d")).toBe(true);
    const line = fig.data[1]!;
    const z = line.z as number[];
    expect(z).toHaveLength(3);
    expect(z[0]).toBeGreaterThan(z[2]!);
    expect(fig.layout.scene).toBeDefined();
    expect((fig.layout.scene as { zaxis: { title: { text: string } } }).zaxis.title.text).toBe("f");
  });

  test("z = f by default for a narrow valley (a log z would crease it into a saw-tooth); log z on request, written out", () => {
    const zTitle = (fig: ReturnType<typeof surface3d>) => (fig.layout.scene as { zaxis: { title: { text: string } } }).zaxis.title.text;
    expect(zTitle(surface3d(rosen, { xRange: [-2, 2], yRange: [-1, 3] }))).toBe("f");
    // Rosenbrock's grid minimum is ~10⁻⁴ here, small next to c = 10 (1% of the range, a power of ten): left out
    expect(zTitle(surface3d(rosen, { xRange: [-2, 2], yRange: [-1, 3], zScale: "log" }))).toBe("log₁₀(f + 10)");
    // a minimum of 5 stays in the label
    expect(zTitle(surface3d((x, y) => 5 + rosen(x, y), { xRange: [-2, 2], yRange: [-1, 3], zScale: "log" }))).toBe("log₁₀(f − 5 + 10)");
    // a spike: half the plane three decades below the top → log by default
    expect(zTitle(surface3d((x, y) => Math.exp(10 * (x * x + y * y)), { xRange: [-1, 1], yRange: [-1, 1] }))).toBe("log₁₀(f + 10⁶)");
  });
});

test("a function of three parameters is an error about its arity, not 'not finite anywhere'", () => {
  const f3 = ((x: number, y: number, z: number) => x + y + z) as unknown as (x: number, y: number) => number;
  expect(() => landscape(f3, { xRange: [-1, 1], yRange: [-1, 1] })).toThrow(/expected a function \(x, y\) => number, got a function of 3 parameters/);
  expect(() => surface3d(f3, { xRange: [-1, 1], yRange: [-1, 1] })).toThrow(/got a function of 3 parameters/);
  expect(landscape((x: number) => x, { xRange: [-1, 1], yRange: [-1, 1] }).data[0]!.type).toBe("contour");
});
