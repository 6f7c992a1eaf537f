#!/usr/bin/python3
"""scipy.optimize.minimize(method="Newton-CG") on the extended Rosenbrock function (scipy's
rosen, with its exact gradient rosen_der and Hessian rosen_hess), for newton.bench.ts.

Prints JSON {"n": n, "nit": iterations, "ms": best total milliseconds, "msPerIter": ...}. Start
(-1.2, 1, -1.2, 1, ...), as the TypeScript benchmark.
"""
import json
import sys
import time

import numpy as np
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
x0 = np.array([-1.2 if i % 2 == 0 else 1.0 for i in range(n)])
best = float("inf")
res = None
for _ in range(7):
    t = time.perf_counter()
    res = minimize(rosen, x0, jac=rosen_der, hess=rosen_hess, method="Newton-CG", options={"xtol": 1e-10})
    best = min(best, time.perf_counter() - t)
print(json.dumps({"n": n, "nit": int(res.nit), "ms": best * 1e3, "msPerIter": best * 1e3 / res.nit, "fun": float(res.fun)}))
