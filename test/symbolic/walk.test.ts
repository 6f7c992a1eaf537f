import { describe, expect, test } from "vitest";
import { add, call, dagSize, mul, parseExpression, postorder, pow, substituteSyms, sym, toText, useCounts, visit, num, type Expr } from "../../src/symbolic/index.js";

describe("walking the DAG", () => {
  const x = sym("x");
  const y = sym("y");
  const u = add(x, y);
  const e = mul(pow(u, 2), call("sin", [u]));

  test("postorder visits children before parents, each node once", () => {
    const order = postorder([e]);
    expect(new Set(order).size).toBe(order.length);
    for (const n of order) for (const c of n.args) expect(order.indexOf(c)).toBeLessThan(order.indexOf(n));
    expect(order[order.length - 1]).toBe(e);
  });

  test("useCounts counts parent slots: a shared sum is used twice", () => {
    const uses = useCounts([e]);
    expect(uses.get(u)).toBe(2);
    expect(uses.get(e)).toBe(1);
  });

  test("visit folds each shared node once", () => {
    let adds = 0;
    const [text] = visit([e], {
      num: (n) => String(n.value),
      sym: (s) => s.name,
      add: (_n, a) => (adds++, `(${a.join("+")})`),
      mul: (_n, a) => a.join("*"),
      pow: (_n, b, k) => `${b}^${k}`,
      call: (n, a) => `${n.fn}(${a.join(",")})`,
    });
    expect(text).toBe("(x+y)^2*sin((x+y))");
    expect(adds).toBe(1);
  });

  test("deep expressions do not overflow the stack", () => {
    let d: Expr = x;
    for (let i = 0; i < 20000; i++) d = pow(add(d, 1), 3) as Expr;
    expect(dagSize([d])).toBeGreaterThan(40000);
  });

  test("substituteSyms replaces and re-simplifies", () => {
    const f = parseExpression("x^2 + a x").expr;
    const [g] = substituteSyms([f], (s) => (s.name === "a" ? num(0) : undefined));
    expect(toText(g!)).toBe("x^2");
  });
});
