import { expect, test } from "vitest";
import { decodeArray, encodeArrays, type TypedArraySpec } from "../../src/plots/encode.js";

const long = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

test("long numeric trace arrays become typed-array specs that decode to the same values", () => {
  const y = long(100, (i) => Number((1 / (i + 1)).toPrecision(5)));
  const x = long(100, (i) => i * 3);
  const z = long(40, (r) => long(50, (c) => Number(Math.sin(r + c / 7).toPrecision(4))));
  const fig = { data: [{ type: "scatter", x, y, name: "a", marker: { color: long(40, (i) => i / 40) } }, { type: "contour", z }], layout: { xaxis: { range: long(40, (i) => i) } } };
  const enc = encodeArrays(fig);
  const [s, c] = enc.data as unknown as Record<string, TypedArraySpec & Record<string, unknown>>[];
  expect(s!.x).toMatchObject({ dtype: "i4" });
  expect(s!.y).toMatchObject({ dtype: "f4" });
  expect(decodeArray(s!.x as unknown as TypedArraySpec)).toEqual(x);
  (decodeArray(s!.y as unknown as TypedArraySpec) as number[]).forEach((v, i) => expect(Math.abs(v - y[i]!) / y[i]!).toBeLessThan(5e-7));
  expect((s!.marker as Record<string, unknown>).color).toMatchObject({ dtype: "f4" });
  expect(c!.z).toMatchObject({ dtype: "f4", shape: "40,50" });
  expect((decodeArray(c!.z as unknown as TypedArraySpec) as number[][])[3]![7]).toBeCloseTo(z[3]![7]!, 6);
  expect(enc.layout).toBe(fig.layout); // layouts stay plain
  expect(Array.isArray(fig.data[0]!.y)).toBe(true); // the input is not modified
});

test("short arrays, strings and mixed arrays stay plain; gaps become NaN; float32-unsafe values use float64", () => {
  const enc = encodeArrays({ data: [{ type: "scatter", y: [1, 2, 3], text: long(40, String), x: long(40, (i) => (i % 2 ? i : "a")) as never }], layout: {} });
  expect(enc.data[0]!.y).toEqual([1, 2, 3]);
  expect(Array.isArray(enc.data[0]!.text)).toBe(true);
  expect(Array.isArray(enc.data[0]!.x)).toBe(true);
  const gaps = encodeArrays({ data: [{ type: "scatter", y: long(40, (i) => (i === 5 ? null : i + 0.5)) as never }], layout: {} });
  expect(Number.isNaN((decodeArray(gaps.data[0]!.y as TypedArraySpec) as number[])[5])).toBe(true);
  const precise = encodeArrays({ data: [{ type: "scatter", y: long(40, (i) => 1 + i * 1e-9) }], layout: {} });
  expect(precise.data[0]!.y).toMatchObject({ dtype: "f8" });
  const huge = encodeArrays({ data: [{ type: "scatter", y: long(40, (i) => 1e300 * (i + 1)) }], layout: {} });
  expect(huge.data[0]!.y).toMatchObject({ dtype: "f8" });
});
