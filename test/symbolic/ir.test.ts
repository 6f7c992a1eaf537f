import { describe, expect, test } from "vitest";
import { add, call, dependsOn, freeSyms, isConstant, mul, num, pow, sym } from "../../src/symbolic/index.js";

describe("IR hash-consing", () => {
  test("equal structures are the same object, with the same id", () => {
    const x = sym("x");
    const y = sym("y");
    expect(sym("x")).toBe(x);
    expect(num(2.5)).toBe(num(2.5));
    expect(add(x, mul(2, y))).toBe(add(x, mul(2, y)));
    expect(call("sin", [pow(x, 2)])).toBe(call("sin", [pow(x, 2)]));
    expect(add(x, y).id).toBe(add(x, y).id);
  });

  test("argument order is kept: x + y and y + x are different nodes", () => {
    const x = sym("x");
    const y = sym("y");
    expect(add(x, y)).not.toBe(add(y, x));
    expect(add(x, y).args).toEqual([x, y]);
  });

  test("-0 and 0 are one constant; NaN is a constant too", () => {
    expect(num(-0)).toBe(num(0));
    expect(Object.is(num(-0).kind === "num" && (num(-0) as { value: number }).value, 0)).toBe(true);
    expect(num(NaN)).toBe(num(NaN));
  });

  test("nodes are frozen", () => {
    const e = add(sym("x"), sym("y"));
    expect(Object.isFrozen(e.args)).toBe(true);
  });
});

describe("free symbols", () => {
  test("freeSyms collects every symbol once and dependsOn agrees", () => {
    const [x, y, z] = ["x", "y", "z"].map(sym) as [ReturnType<typeof sym>, ReturnType<typeof sym>, ReturnType<typeof sym>];
    const e = add(mul(x, call("exp", [y])), pow(x, 2), call("pi", []));
    expect([...freeSyms(e)].map((s) => s.name).sort()).toEqual(["x", "y"]);
    expect(dependsOn(e, x)).toBe(true);
    expect(dependsOn(e, z)).toBe(false);
    expect(freeSyms(e)).toBe(freeSyms(e));
  });

  test("constant expressions have no symbols", () => {
    expect(isConstant(pow(2, 0.5))).toBe(true);
    expect(isConstant(call("log", [call("pi", [])]))).toBe(true);
    expect(isConstant(add(1, sym("a")))).toBe(false);
  });
});
