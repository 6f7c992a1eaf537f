"""Reference timing for test/bench/gradcheck.bench.ts: torch.autograd.gradcheck on the extended
Rosenbrock function in float64 (Debian's python3-torch 1.13).

Usage: /usr/bin/python3 test/bench/gradcheck_torch.py N REPEATS
Prints one JSON object: {"torch": version, "n": N, "full_ms": median, "fast_ms": median}.
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)


def ext_rosenbrock(x):
    xo = x[0::2]
    xe = x[1::2]
    return (100.0 * (xe - xo * xo) ** 2 + (1.0 - xo) ** 2).sum()


def median_ms(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        ok = fn()
        times.append((time.perf_counter() - t) * 1e3)
        assert ok
    times.sort()
    return times[len(times) // 2]


def main():
    n = int(sys.argv[1])
    repeats = int(sys.argv[2])
    idx = torch.arange(n, dtype=torch.float64)
    x = (torch.sin(idx) * 1.2).requires_grad_(True)
    full = lambda: torch.autograd.gradcheck(ext_rosenbrock, (x,), eps=1e-6, atol=1e-5, rtol=1e-3)
    fast = lambda: torch.autograd.gradcheck(ext_rosenbrock, (x,), eps=1e-6, atol=1e-5, rtol=1e-3, fast_mode=True)
    full()  # warm up
    fast()
    print(json.dumps({"torch": torch.__version__, "n": n, "full_ms": median_ms(full, repeats), "fast_ms": median_ms(fast, repeats)}))


main()
