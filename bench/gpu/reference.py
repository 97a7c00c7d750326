#!/usr/bin/python3
"""Float64 mean squared overlap of a safetensors matrix's normalised rows, for bench/gpu/run.sh.

Over all pairs i < j of non-zero rows u_i = W_i / |W_i|: mean (u_i . u_j)^2 = (|U^T U|_F^2 - n) / (n (n - 1)),
an m x m Gram instead of n x n. numpy only (float64); BF16, F16 and F32 tensors.
Usage: reference.py FILE TENSOR   → prints {"n", "m", "meanSqOverlap"} as JSON.
"""
import json
import struct
import sys

import numpy as np

path, name = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    (length,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(length))
    entry = header[name]
    start, end = entry["data_offsets"]
    f.seek(8 + length + start)
    raw = f.read(end - start)
n, m = entry["shape"]
dtype = entry["dtype"]
if dtype == "BF16":
    bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
    w = bits.view(np.float32)
elif dtype == "F16":
    w = np.frombuffer(raw, dtype="<f2")
elif dtype == "F32":
    w = np.frombuffer(raw, dtype="<f4")
else:
    raise SystemExit(f"unsupported dtype {dtype}")
gram = np.zeros((m, m), dtype=np.float64)
valid = 0
for s in range(0, n, 16384):  # blocks keep the float64 copy small
    block = w[s * m : min(n, s + 16384) * m].astype(np.float64).reshape(-1, m)
    norms = np.linalg.norm(block, axis=1)
    block = block[norms > 0] / norms[norms > 0, None]
    valid += block.shape[0]
    gram += block.T @ block
total = float(np.sum(gram * gram))
print(json.dumps({"n": valid, "m": m, "meanSqOverlap": (total - valid) / (valid * (valid - 1))}))
