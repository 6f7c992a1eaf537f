#!/usr/bin/python3
"""numpy.linalg.eigvalsh (LAPACK via OpenBLAS) on random symmetric matrices, for eig-sym.bench.ts.

Prints one JSON object {n: best milliseconds} for the sizes given on the command line. The
matrices are random symmetric (uniform entries, symmetrized), as in the TypeScript benchmark.
Run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (the bench does it for this command only).
"""
import json
import sys
import time

import numpy as np

out = {}
for n in map(int, sys.argv[1:]):
    rng = np.random.default_rng(n)
    A = rng.uniform(-0.5, 0.5, (n, n))
    A = (A + A.T) / 2
    np.linalg.eigvalsh(A)
    reps = max(5, int(2000 / max(n, 1)))
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        np.linalg.eigvalsh(A)
        best = min(best, time.perf_counter() - t)
    out[n] = best * 1e3
print(json.dumps(out))
