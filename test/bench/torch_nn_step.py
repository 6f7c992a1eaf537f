#!/usr/bin/python3
"""One training step (forward + backward + Adam) of an MLP in PyTorch eager, timed.

    /usr/bin/python3 test/bench/torch_nn_step.py small [threads] [window] [windows]
        # 2→64→64→1 tanh, MSE, 1000 samples, float64
    /usr/bin/python3 test/bench/torch_nn_step.py large [threads] [window] [windows]
        # 784→256→10 relu, cross-entropy, 128 samples, float32

threads: "1" pins torch, OpenMP and OpenBLAS to one thread (set in the environment before torch
is imported, so that the BLAS honours it too); "default" leaves torch's own choice (one thread
per core). After a warm-up of 20 steps, `windows` windows of `window` steps are timed; prints one
JSON line {"ms_per_step" (the fastest window), "median_ms", "torch", "threads", "window",
"windows"}. test/bench/nn.bench.ts runs it beside optlab's step, in the same run, with the same
windows.
"""
import json
import os
import sys

which = sys.argv[1]
threads_arg = sys.argv[2] if len(sys.argv) > 2 else "default"
window = int(sys.argv[3]) if len(sys.argv) > 3 else 50
windows = int(sys.argv[4]) if len(sys.argv) > 4 else 10
if threads_arg != "default":
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = threads_arg

import time  # noqa: E402

import torch  # noqa: E402


def main():
    if threads_arg != "default":
        torch.set_num_threads(int(threads_arg))
    threads = torch.get_num_threads()
    torch.manual_seed(0)
    if which == "small":
        dtype, sizes, S, act = torch.float64, [2, 64, 64, 1], 1000, torch.nn.Tanh
        X = torch.randn(S, 2, dtype=dtype)
        Y = torch.randn(S, 1, dtype=dtype)
        crit = torch.nn.MSELoss()
    else:
        dtype, sizes, S, act = torch.float32, [784, 256, 10], 128, torch.nn.ReLU
        X = torch.randn(S, 784, dtype=dtype)
        Y = torch.randint(0, 10, (S,))
        crit = torch.nn.CrossEntropyLoss()
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]).to(dtype))
        if i < len(sizes) - 2:
            layers.append(act())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss = crit(model(X), Y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(20):
        step()
    times = []
    for _ in range(windows):
        t0 = time.perf_counter()
        for _ in range(window):
            step()
        times.append((time.perf_counter() - t0) / window * 1e3)
    times.sort()
    print(json.dumps({"ms_per_step": times[0], "median_ms": times[len(times) // 2], "torch": torch.__version__,
                      "threads": threads, "window": window, "windows": windows}))


main()
