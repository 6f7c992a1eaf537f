#!/usr/bin/python3
"""SymPy reference for test/bench/symbolic.bench.ts: the extended Rosenbrock function
f = sum_{i=1}^{n/2} 100 (x_{2i} - x_{2i-1}^2)^2 + (1 - x_{2i-1})^2, its gradient by sympy.diff,
its Hessian from the gradient, and lambdify(cse=True) of f, the gradient and the Hessian.

Timed inside Python (time.perf_counter), repeated; prints one JSON line:
{"n": ..., "derive_compile_s": [...], "eval_grad_us": ..., "sympy": "1.11.1"}
Usage: /usr/bin/python3 test/bench/sympy_rosenbrock.py N REPEATS
"""
import json
import sys
import time

import numpy as np
import sympy as sp


def run(n, tag):
    t0 = time.perf_counter()
    x = sp.symbols(f"{tag}1:{n + 1}", real=True)
    f = sum(100 * (x[2 * i + 1] - x[2 * i] ** 2) ** 2 + (1 - x[2 * i]) ** 2 for i in range(n // 2))
    grad = [sp.diff(f, v) for v in x]
    hess = [[sp.diff(g, v) for v in x] for g in grad]
    f_fn = sp.lambdify([x], f, cse=True)
    g_fn = sp.lambdify([x], grad, cse=True)
    h_fn = sp.lambdify([x], hess, cse=True)
    t1 = time.perf_counter()
    return t1 - t0, f_fn, g_fn, h_fn


def main():
    n = int(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    times = []
    g_fn = None
    for r in range(repeats):
        # Fresh symbol names each time: SymPy caches expressions, this keeps repeats honest.
        t, _f, g_fn, _h = run(n, f"x{r}_")
        times.append(t)
    pt = list(np.linspace(-1.2, 1.2, n))
    k = 2000
    t0 = time.perf_counter()
    for _ in range(k):
        g_fn(pt)
    eval_us = (time.perf_counter() - t0) / k * 1e6
    print(json.dumps({"n": n, "derive_compile_s": times, "eval_grad_us": eval_us, "sympy": sp.__version__}))


if __name__ == "__main__":
    main()
