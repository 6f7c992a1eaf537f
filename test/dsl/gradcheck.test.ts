/**
 * gradcheck as a notebook user calls it: user code { f, grad }, symbolic objectives, options and
 * errors for bad input.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { DEFAULT_RTOL, DslError, format, gradcheck, objective, type UserModel } from "../../dsl/index.js";

/** Rosenbrock as user code, with its gradient written by hand. */
const rosen: UserModel = {
  f: ([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2,
  grad: ([x, y]) => [-2 * (1 - x!) - 400 * x! * (y! - x! * x!), 200 * (y! - x! * x!)],
};

function dslError(fn: () => unknown): DslError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DslError);
    return e as DslError;
  }
  throw new Error("expected a DslError");
}

describe("gradcheck on user code { f, grad }", () => {
  test("the doc-comment example passes", () => {
    const r = gradcheck({ f: ([x, y]) => x! * x! * y!, grad: ([x, y]) => [2 * x! * y!, x! * x!] }, { at: [1, 2] });
    expect(r.verdict).toBe("pass");
    expect(r.ok).toBe(true);
    expect(r.rows.map((x) => x.name)).toEqual(["x[0]", "x[1]"]);
  });

  test("a hand-written gradient with a missing factor 2 fails, naming the coordinate", () => {
    const wrong: UserModel = { f: rosen.f, grad: ([x, y]) => [-(1 - x!) - 400 * x! * (y! - x! * x!), 200 * (y! - x! * x!)] };
    for (const method of ["central", "richardson", "forward"] as const) {
      const r = gradcheck(wrong, { at: [-1.2, 1], method });
      expect(r.verdict).toBe("fail");
      expect(r.failures).toEqual([0]);
      expect(r.message).toMatch(/^gradcheck: relative error 1e-2 at x\[0\] \(analytic -213, numeric -216\) is above tol/);
    }
  });

  test("names come from the model or the options, and `at` may be a record by name", () => {
    const named = { ...rosen, names: ["x", "y"] };
    expect(gradcheck(named, { at: { y: 1, x: -1.2 } }).rows.map((r) => r.name)).toEqual(["x", "y"]);
    expect(gradcheck(rosen, { at: [-1.2, 1], names: ["a", "b"] }).rows.map((r) => r.name)).toEqual(["a", "b"]);
  });

  test("grad may return a Float64Array and at may be one", () => {
    const m: UserModel = { f: rosen.f, grad: (p) => Float64Array.from(rosen.grad(p) as number[]) };
    expect(gradcheck(m, { at: Float64Array.of(0.5, 0.5) }).verdict).toBe("pass");
  });

  test("f gets a plain number[] that it may not keep, and mutating it does no harm", () => {
    const seen: number[][] = [];
    const m: UserModel = {
      f: (p) => {
        seen.push(p);
        const v = rosen.f(p);
        p[0] = 1e9; // a careless model
        return v;
      },
      grad: rosen.grad,
    };
    expect(gradcheck(m, { at: [-1.2, 1] }).verdict).toBe("pass");
    expect(Array.isArray(seen[0])).toBe(true);
  });

  test("the Hessian check uses the model's hess", () => {
    const m: UserModel = { ...rosen, hess: ([x, y]) => [[2 - 400 * (y! - 3 * x! * x!), -400 * x!], [-400 * x!, 200]] };
    const r = gradcheck(m, { at: [-1.2, 1], hessian: true });
    expect(r.ok).toBe(true);
    expect(r.hessian!.ok).toBe(true);
    const wrong: UserModel = { ...rosen, hess: ([x, y]) => [[2 - 400 * (y! - 3 * x! * x!), -400 * x!], [-400 * x!, 100]] };
    const w = gradcheck(wrong, { at: [-1.2, 1], hessian: { rtol: 1e-5 } });
    expect(w.verdict).toBe("fail");
    expect(w.hessian!.rtol).toBe(1e-5);
    expect(w.message).toMatch(/hessian: 1 of 3 entries fail: relative error 5e-1 at H\[x\[1\],x\[1\]\]/);
  });

  test("fast mode checks random directions", () => {
    const n = 500;
    const m: UserModel = {
      f: (p) => p.reduce((s, v, i) => s + (i + 1) * v * v, 0),
      grad: (p) => p.map((v, i) => 2 * (i + 1) * v),
    };
    const at = Array.from({ length: n }, (_, i) => Math.sin(i));
    const r = gradcheck(m, { at, fast: true });
    expect(r.rows).toHaveLength(4);
    expect(r.directions).toBe(4);
    expect(r.verdict).toBe("pass");
    expect(r.evaluations).toBeLessThan(20);
    const bad: UserModel = { ...m, grad: (p) => p.map((v, i) => (i === 321 ? 1.01 : 1) * 2 * (i + 1) * v) };
    expect(gradcheck(bad, { at, fast: 2, seed: 7 }).verdict).toBe("fail");
  });

  test("defaults per method are reported", () => {
    for (const method of ["central", "richardson", "forward"] as const) {
      const r = gradcheck(rosen, { at: [0.5, 0.5], method });
      expect(r.method).toBe(method);
      expect(r.rtol).toBe(DEFAULT_RTOL[method]);
      expect(r.atol).toBe("auto");
    }
    expect(DEFAULT_RTOL).toEqual({ forward: 1e-5, central: 1e-6, richardson: 1e-9, complex: 1e-12 });
    const r = gradcheck(rosen, { at: [0.5, 0.5], rtol: 1e-3, atol: 1e-8, h: 1e-4 });
    expect([r.rtol, r.atol, r.h]).toEqual([1e-3, 1e-8, 1e-4]);
  });

  test("the report displays as an HTML table", async () => {
    const b = await format(gradcheck(rosen, { at: [-1.2, 1] }));
    expect(b["text/html"]).toContain("<table");
    expect(b["text/plain"]).toMatch(/^gradcheck PASS: 2 coordinates agree \(central differences/);
  });
});

describe("gradcheck on symbolic objectives", () => {
  const f = objective("(1 - x)^2 + 100 (y - x^2)^2");

  test.each(["central", "richardson", "complex", "forward"] as const)("Rosenbrock passes with %s", (method) => {
    const r = gradcheck(f, { at: [-1.2, 1], method });
    expect(r.verdict, r.message).toBe("pass");
    expect(r.rows.map((x) => x.name)).toEqual(["x", "y"]);
  });

  test("complex step agrees with the symbolic gradient to machine precision", () => {
    const g = objective("exp(x) * sin(y) + log(1 + z^2) + x*y*z");
    const r = gradcheck(g, { at: [0.3, -1.1, 2.5], method: "complex" });
    expect(r.maxRelError).toBeLessThan(1e-14);
    expect(r.rows.every((x) => x.h === 1e-20 * Math.max(1, Math.abs(x.index === 0 ? 0.3 : x.index === 1 ? 1.1 : 2.5)))).toBe(true);
  });

  test("at its minimum, with its Hessian and a record point", () => {
    const r = gradcheck(f, { at: { x: 1, y: 1 }, hessian: true });
    expect(r.verdict).toBe("pass");
    expect(r.hessian!.numericHessian[0]![0]).toBeCloseTo(802, 5);
  });

  test.each([
    ["abs(x) + y^2", [0, 1], ["x"]],
    ["max(x, y) + z^2", [0.7, 0.7, 1], ["x", "y"]],
    ["relu(x) + y^2", [0, 1], ["x"]],
    ["max(x, 0) * 3 + sin(y)", [0, 1], ["x"]],
  ] as const)("%s at %j is a kink for every method", (src, at, kinks) => {
    const o = objective(src);
    for (const method of ["central", "richardson", "complex"] as const) {
      const r = gradcheck(o, { at: [...at], method });
      expect(r.verdict, `${method}: ${r.message}`).toBe("kink");
      expect(r.kinks.map((k) => r.rows[k]!.name)).toEqual(kinks);
    }
  });

  test("a hand-written gradient checked against the objective's value", () => {
    const wrong = { f: (p: number[]) => f.value(p), grad: (p: number[]) => [f.grad(p)[1]!, f.grad(p)[0]!] };
    const r = gradcheck(wrong, { at: [-1.2, 1] });
    expect(r.failures).toEqual([0, 1]);
    expect(r.message).toMatch(/looks swapped with x\[1\]/);
  });
});

describe("gradcheck errors for bad input", () => {
  test.each([
    ["no options", () => gradcheck(rosen, undefined as never), "missing-option", /expected options \{ at: \[\.\.\.\] \}/],
    ["no at", () => gradcheck(rosen, {} as never), "missing-option", /the option `at` .* is required/],
    ["unknown option", () => gradcheck(rosen, { at: [1, 1], rtoll: 1e-3 } as never), "bad-option", /unknown option 'rtoll' \(did you mean 'rtol'\?\)/],
    ["torch's eps", () => gradcheck(rosen, { at: [1, 1], eps: 1e-6 } as never), "bad-option", /unknown option 'eps' \(torch's eps is the finite-difference step: here it is h, a step coefficient/],
    ["torch's fast_mode", () => gradcheck(rosen, { at: [1, 1], fast_mode: true } as never), "bad-option", /unknown option 'fast_mode' \(torch's fast_mode is fast here\)/],
    ["torch's raise_exception", () => gradcheck(rosen, { at: [1, 1], raise_exception: false } as never), "bad-option", /never throws for a wrong gradient: read report\.ok/],
    ["at with NaN", () => gradcheck(rosen, { at: [1, NaN] }), "bad-point", /at\[1\] must be a finite number, got NaN/],
    ["at empty", () => gradcheck(rosen, { at: [] }), "bad-point", /at least one value/],
    ["at as a string", () => gradcheck(rosen, { at: "1,2" as never }), "bad-point", /must be an array of numbers/],
    ["bad method", () => gradcheck(rosen, { at: [1, 1], method: "cnetral" as never }), "bad-option", /method must be one of "central", "richardson", "complex", "forward", got "cnetral"/],
    ["bad rtol", () => gradcheck(rosen, { at: [1, 1], rtol: -1 }), "bad-option", /rtol must be a positive number, got -1/],
    ["bad atol", () => gradcheck(rosen, { at: [1, 1], atol: "big" as never }), "bad-option", /atol must be "auto" or a number ≥ 0, got "big"/],
    ["bad h", () => gradcheck(rosen, { at: [1, 1], h: 0 }), "bad-option", /h must be a positive number, got 0/],
    ["bad fast", () => gradcheck(rosen, { at: [1, 1], fast: -2 }), "bad-option", /fast must be true, false or a number of directions/],
    ["bad seed", () => gradcheck(rosen, { at: [1, 1], fast: true, seed: 0.5 }), "bad-option", /seed must be an integer/],
    ["bad refine", () => gradcheck(rosen, { at: [1, 1], refine: "yes" as never }), "bad-option", /refine must be true or false/],
    ["bad names", () => gradcheck(rosen, { at: [1, 1], names: ["a"] }), "bad-option", /names must be 2 strings/],
    ["bad hessian option", () => gradcheck(rosen, { at: [1, 1], hessian: { tol: 1 } as never }), "bad-option", /unknown option 'hessian.tol'/],
    ["hessian without hess", () => gradcheck(rosen, { at: [1, 1], hessian: true }), "unsupported", /needs an analytic Hessian .* pass `hess`/],
    ["complex on user code", () => gradcheck(rosen, { at: [1, 1], method: "complex" }), "unsupported", /method "complex" needs .* for user code \{ f, grad \} use "central" or "richardson"/],
    ["a number as target", () => gradcheck(42 as never, { at: [1] }), "bad-target", /expected an objective or user code \{ f: \(p\) => number, grad: \(p\) => number\[\] \}, got 42/],
    ["f without grad", () => gradcheck({ f: () => 1 } as never, { at: [1] }), "bad-target", /got an object with keys \{f\}/],
  ])("%s", (_name, fn, code, re) => {
    const e = dslError(fn);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(re);
  });

  test("grad(p) of the wrong length, with NaN, or not a number names the coordinate", () => {
    expect(dslError(() => gradcheck({ f: rosen.f, grad: () => [1] }, { at: [1, 1] })).message).toBe("gradcheck: grad(p) returned 1 value, expected 2 (one per parameter; at has 2)");
    const nan = dslError(() => gradcheck({ f: rosen.f, grad: () => [1, NaN] }, { at: [1, 1] }));
    expect([nan.code, nan.path, nan.message]).toEqual(["bad-output", "grad[1]", "gradcheck: grad(p)[1] (x[1]) is NaN"]);
    expect(dslError(() => gradcheck({ f: rosen.f, grad: () => [1, "2"] as never }, { at: [1, 1] })).message).toBe('gradcheck: grad(p)[1] (x[1]) must be a number, got "2"');
    expect(dslError(() => gradcheck({ f: rosen.f, grad: () => 3 as never }, { at: [1, 1] })).message).toMatch(/grad\(p\) must return an array of 2 numbers, got 3/);
    expect(dslError(() => gradcheck({ ...rosen, names: ["x", "y"], grad: () => [Infinity, 0] }, { at: [1, 1] })).message).toBe("gradcheck: grad(p)[0] (x) is Infinity");
  });

  test("a wrong length of `at` for user code shows up as the gradient's length", () => {
    expect(dslError(() => gradcheck(rosen, { at: [1] })).message).toBe("gradcheck: grad(p) returned 2 values, expected 1 (one per parameter; at has 1)");
  });

  test("f that returns a non-number, or a non-finite value at the point", () => {
    expect(dslError(() => gradcheck({ f: () => "1" as never, grad: () => [0] }, { at: [1] })).message).toBe('gradcheck: f(p) must return a number, got "1"');
    const e = dslError(() => gradcheck({ f: () => Infinity, grad: () => [0] }, { at: [1] }));
    expect(e.code).toBe("non-finite");
    expect(e.message).toMatch(/f is Infinity at the point/);
  });

  test("hess(p) of the wrong shape", () => {
    const e = dslError(() => gradcheck({ ...rosen, hess: () => [[1, 2]] }, { at: [1, 1], hessian: true }));
    expect(e.message).toMatch(/hess\(p\) must return 2 rows of 2 numbers/);
  });

  test("objectives: wrong length and unknown names in `at`", () => {
    const f = objective("x^2 + y");
    expect(dslError(() => gradcheck(f, { at: [1, 2, 3] })).message).toBe("gradcheck: at has 3 values, but the objective has 2 variables (x, y)");
    expect(dslError(() => gradcheck(f, { at: { x: 1 } })).message).toMatch(/no value for 'y'/);
  });

  test("a wrong gradient never throws: it is reported", () => {
    const r = gradcheck({ f: rosen.f, grad: () => [0, 0] }, { at: [-1.2, 1] });
    expect(r.verdict).toBe("fail");
  });
});

describe("docs/readme/gradcheck.md", () => {
  // Every ```ts block of the guide runs; a line `console.log(EXPR); // JSON` must print that JSON.
  const here = dirname(fileURLToPath(import.meta.url));
  const md = readFileSync(join(here, "../../docs/readme/gradcheck.md"), "utf8");
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

  test("has examples", () => expect(blocks.length).toBeGreaterThanOrEqual(6));

  test.each(blocks.map((b, i) => [i, b] as const))("example %i runs and prints what it says", (_i, block) => {
    const expected: unknown[] = [];
    const lines = block.split("\n").filter((l) => !/^import .* from "optlab";$/.test(l));
    const body = lines
      .map((l) => {
        const m = /^(\s*)console\.log\((.*)\); \/\/ (.*)$/.exec(l);
        if (!m) return l;
        expected.push(JSON.parse(m[3]!));
        return `${m[1]}__log(${m[2]});`;
      })
      .join("\n");
    const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
    const printed: unknown[] = [];
    new Function("gradcheck", "objective", "__log", js)(gradcheck, objective, (v: unknown) => printed.push(JSON.parse(JSON.stringify(v))));
    expect(printed).toEqual(expected);
  });
});

describe("weak evidence", () => {
  test("a pass where the numeric derivative cannot see the gradient is called weak in the message", () => {
    // f ≈ 1e12 + 1e-3·a: the central difference is 0 ± ~500, so even a wrong factor 2 "agrees"
    const model = { f: (p: number[]) => 1e12 + 1e-3 * p[0]!, grad: () => [2e-3] };
    const r = gradcheck(model, { at: [1] });
    expect(r.verdict).toBe("pass");
    expect(r.rows[0]!.uncertain).toBe(true);
    expect(r.message).toMatch(/, but weak: the numeric derivative is less accurate than rtol at x\[0\]/);
  });
});
