#!/usr/bin/python3
"""PyTorch baseline of the toy-model training step, written from ../shared/docs/paper-spec.md §1
the way the authors' exp-17.py trains (benchmark only; never part of the product):

  data       x = (rand(B, n) < p) * rand(B, n) * 2   (torch's RNG, 2·B·n uniforms, dense)
  model      y = ReLU(x W Wᵀ + b), W ~ N(0, 1/m), b ~ N(0, 1)
  loss       MSE over B·n; lossScale × MSE is what backward() sees (autograd)
  optimizer  the spec's AdamW (exp/adamw.py): decay first (γ < 0 row-wise towards unit norm,
             ε added to the norm), then Adam with bias correction; b never decays
  schedule   per group: linear warmup (5%), cosine to 5% of the peak; peaks W 0.02·(8/m)^¼, b 2/m

Usage:
  torch_baseline.py serve --m 64 --threads 1    (bench/train.ts drives it: each line "u t" asks
                                                 for u untimed steps, then t timed ones; it answers
                                                 {"ms": …}, the time per timed step)
  torch_baseline.py run --m 64 --steps 3000 --seed 0 --threads 1
Prints JSON, one object a line. Threads are fixed before torch loads (OpenMP and OpenBLAS read
them from the environment) and again with torch.set_num_threads. With more than one thread,
OpenMP's workers sleep instead of spinning while they wait (OMP_WAIT_POLICY=passive, unless set):
on this shared 2-core machine spinning made 2 threads ~4× slower.
"""

import argparse
import json
import math
import os
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("what", choices=["serve", "run"])
parser.add_argument("--n", type=int, default=1024)
parser.add_argument("--batch", type=int, default=512)
parser.add_argument("--m", type=int, default=64)
parser.add_argument("--alpha", type=float, default=1.2)
parser.add_argument("--density", type=float, default=1.0)
parser.add_argument("--gamma", type=float, default=-1.0)
parser.add_argument("--steps", type=int, default=6000, help="schedule length (and the length of a 'run')")
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--loss-scale", type=float, default=100.0)
parser.add_argument("--final-window", type=int, default=100)
parser.add_argument("--device", default="cpu", help="cpu, or cuda for the GPU comparison (bench/gpu/run.sh)")
args = parser.parse_args()

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)
if args.threads > 1:
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import torch  # noqa: E402  (after the thread settings)

torch.set_num_threads(args.threads)
# Every tensor below is created on this device; fp32 throughout (no TF32), as the paper's loop.
torch.set_default_device(args.device)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


class AdamW(torch.optim.Optimizer):
    """exp/adamw.py as paper-spec §1.4 describes it."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, gamma, eps = group["lr"], group["weight_decay"], group["eps"]
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                # Decay first: γ ≥ 0 shrinks; γ < 0 pulls each row towards unit norm.
                if gamma >= 0:
                    p.mul_(1 - lr * gamma)
                else:
                    norms = p.norm(dim=1, keepdim=True) + eps
                    p.add_(p * (1 - 1 / norms), alpha=lr * gamma)
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.mul_(beta1).add_(p.grad, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                denom = (v.sqrt() / math.sqrt(1 - beta2**t)).add_(eps)
                p.addcdiv_(m, denom, value=-lr / (1 - beta1**t))


def lr_multiplier(step, steps, warmup_ratio=0.05, min_ratio=0.05):
    """exp-17's schedule at 0-based step: s = step + 1, w = int(0.05·N)."""
    s, w = step + 1, int(warmup_ratio * steps)
    if s < w:
        return s / w
    return (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * (s - w) / (steps - w))) + min_ratio


n, B, m = args.n, args.batch, args.m
torch.manual_seed(args.seed)
p = torch.arange(1, n + 1, dtype=torch.float32) ** -args.alpha
p = (args.density * p / p.sum()).clamp(max=1.0)
W = torch.nn.Parameter(torch.randn(n, m) / math.sqrt(m))
b = torch.nn.Parameter(torch.randn(n))
peak_W, peak_b = 0.02 * (8 / m) ** 0.25, 2 / m
opt = AdamW([{"params": [W], "weight_decay": args.gamma}, {"params": [b], "weight_decay": 0.0}])


def train_step(step):
    mult = lr_multiplier(step, args.steps)
    opt.param_groups[0]["lr"] = peak_W * mult
    opt.param_groups[1]["lr"] = peak_b * mult
    x = (torch.rand(B, n) < p) * torch.rand(B, n) * 2
    y = torch.relu(x @ W @ W.T + b)
    loss = torch.nn.functional.mse_loss(y, x)
    opt.zero_grad()
    (loss * args.loss_scale).backward()
    opt.step()
    return loss.item()


def blas_library():
    """The BLAS shared library this process loaded (the Debian alternative or LD_LIBRARY_PATH)."""
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.lower()}
    return sorted(os.path.realpath(lib) for lib in libs)


out = {"torch": torch.__version__, "device": args.device, "threads": torch.get_num_threads(), "blas": blas_library(), "n": n, "batch": B, "m": m}
if args.what == "serve":
    print(json.dumps(out), flush=True)
    step = 0
    for line in sys.stdin:
        untimed, timed = map(int, line.split())
        for _ in range(untimed):
            train_step(step % args.steps)
            step += 1
        t0 = time.perf_counter()
        for _ in range(timed):
            train_step(step % args.steps)
            step += 1
        print(json.dumps({"ms": (time.perf_counter() - t0) * 1000 / timed}), flush=True)
else:
    t0 = time.perf_counter()
    losses = [train_step(step) for step in range(args.steps)]
    tail = torch.tensor(losses[-args.final_window :], dtype=torch.float64)
    out.update(
        steps=args.steps,
        seed=args.seed,
        seconds=time.perf_counter() - t0,
        finalLoss=n * tail.mean().item(),
        finalLossStd=n * tail.std(unbiased=False).item(),
    )
    print(json.dumps(out))
