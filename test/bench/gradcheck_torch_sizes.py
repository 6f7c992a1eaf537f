"""Reference timings for the size rows of test/bench/gradcheck.bench.ts: torch.autograd.gradcheck
(float64, its defaults eps 1e-6, atol 1e-5, rtol 1e-3; full and fast_mode) on the same two
functions at the same points: the extended Rosenbrock function and a tanh MLP loss (20 inputs,
8 samples, one output, MSE; weights [hidden][in] like torch.nn.Linear, flat parameter order
W1, b1, w2, b2). One thread, as optlab runs on one.

Usage: /usr/bin/python3 test/bench/gradcheck_torch_sizes.py '[["rosen", 1000, "full", 3], ...]'
Prints one JSON line: {"torch": version, "rows": [{"model", "n", "mode", "ms", "ok"}, ...]}; "ok" is
torch's verdict (False: it calls the correct gradient wrong, e.g. the rounding of a large f at its
fixed eps 1e-6 exceeds its atol 1e-5 — the extended Rosenbrock function at n = 10⁵).
"""
import json
import math
import sys
import time

import torch

torch.set_num_threads(1)
NIN, SAMPLES = 20, 8


def rosen_case(n):
    x = torch.tensor([1.2 * math.sin(i) for i in range(n)], dtype=torch.float64, requires_grad=True)

    def f(p):
        xo = p[0::2]
        xe = p[1::2]
        return (100.0 * (xe - xo * xo) ** 2 + (1.0 - xo) ** 2).sum()

    return f, x


def mlp_hidden(n):
    return max(1, math.floor((n - 1) / (NIN + 2) + 0.5))  # JavaScript Math.round


def mlp_case(n):
    hid = mlp_hidden(n)
    size = hid * NIN + 2 * hid + 1
    X = torch.tensor([math.sin(1.3 * k + 0.2) for k in range(SAMPLES * NIN)], dtype=torch.float64).reshape(SAMPLES, NIN)
    Y = torch.tensor([math.cos(0.7 * k) for k in range(SAMPLES)], dtype=torch.float64)

    def f(p):
        W1 = p[: hid * NIN].reshape(hid, NIN)
        b1 = p[hid * NIN : hid * NIN + hid]
        w2 = p[hid * NIN + hid : hid * NIN + 2 * hid]
        out = torch.tanh(X @ W1.T + b1) @ w2 + p[-1]
        return ((out - Y) ** 2).mean()

    x = torch.tensor([0.3 * math.sin(0.37 * k + 1) for k in range(size)], dtype=torch.float64, requires_grad=True)
    return f, x


def main():
    tasks = json.loads(sys.argv[1])
    rows = []
    for model, n, mode, repeats in tasks:
        f, x = (rosen_case if model == "rosen" else mlp_case)(n)
        fast = mode == "fast"
        check = lambda: torch.autograd.gradcheck(f, (x,), eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=fast, raise_exception=False)
        if repeats > 1:
            check()  # warm-up
        times = []
        ok = True
        for _ in range(repeats):
            t = time.perf_counter()
            ok = check() and ok
            times.append((time.perf_counter() - t) * 1e3)
        times.sort()
        rows.append({"model": model, "n": x.numel(), "mode": mode, "ms": times[len(times) // 2], "ok": ok})
    print(json.dumps({"torch": torch.__version__, "rows": rows}))


main()
