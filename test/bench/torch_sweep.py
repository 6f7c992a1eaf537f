"""
The reference for test/bench/tfjs-sweep.bench.ts: the same vectorized sweep in PyTorch on the CPU.

B configurations of Adam (torch.optim.Adam's update, written with in-place tensor ops so that each
run has its own learning rate: lr is a [B, 1] tensor, log-spaced over 1e-4 .. 1e-1) on the 2-D
Rosenbrock function from (-1.2, 1), `steps` steps. Mode "same-work" also does what optlab's sweep
does every step: the loss and gradient norm at the new point, the first step with |grad| <= tol,
and divergence (a non-finite loss), so both sides compute the same results. Mode "minimal" only
takes the Adam steps (analytic gradient), the least work that still sweeps.

Usage: /usr/bin/python3 torch_sweep.py B steps mode threads  ->  prints JSON {seconds, ...}
"""
import json
import math
import sys
import time

import torch

B = int(sys.argv[1])
steps = int(sys.argv[2])
mode = sys.argv[3] if len(sys.argv) > 3 else "same-work"
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 0
if threads > 0:
    torch.set_num_threads(threads)
torch.set_grad_enabled(False)

b1, b2, eps, tol = 0.9, 0.999, 1e-8, 1e-4
lr = torch.logspace(-4, -1, B).unsqueeze(1)
x = torch.empty(B, 2)
x[:, 0] = -1.2
x[:, 1] = 1.0
m = torch.zeros_like(x)
v = torch.zeros_like(x)
g = torch.empty_like(x)


def loss_and_grad(x, g):
    a = x[:, 0]
    b = x[:, 1]
    r = b - a * a
    torch.mul(a, r, out=g[:, 0]).mul_(-400).add_(a - 1, alpha=2)
    torch.mul(r, 200, out=g[:, 1])
    return (1 - a) ** 2 + 100 * r * r


f = loss_and_grad(x, g)
to_tol = torch.full((B,), -1, dtype=torch.int32)
diverged_at = torch.full((B,), -1, dtype=torch.int32)
t0 = time.perf_counter()
for t in range(1, steps + 1):
    if mode == "minimal" and t > 1:
        loss_and_grad(x, g)
    m.mul_(b1).add_(g, alpha=1 - b1)
    v.mul_(b2).addcmul_(g, g, value=1 - b2)
    bc1 = 1 - b1 ** t
    bc2 = 1 - b2 ** t
    denom = (v.sqrt() / math.sqrt(bc2)).add_(eps)
    x.addcdiv_(m * (lr / bc1), denom, value=-1)
    if mode == "same-work":
        f = loss_and_grad(x, g)
        gn = g.norm(dim=1)
        hit = (gn <= tol) & (to_tol < 0)
        to_tol[hit] = t
        bad = ~torch.isfinite(f) & (diverged_at < 0)
        diverged_at[bad] = t
if mode != "same-work":
    f = loss_and_grad(x, g)
seconds = time.perf_counter() - t0
print(json.dumps({
    "seconds": seconds,
    "B": B,
    "steps": steps,
    "mode": mode,
    "threads": torch.get_num_threads(),
    "torch": torch.__version__,
    "finalLossMedian": float(f.median()),
}))
