#!/usr/bin/env bash
# The one-call GPU measurement (issues 11, 12): our CLI on WebGPU through Dawn (the fused step and
# TF.js's ops) against the authors' PyTorch loop (bench/torch_baseline.py --device cuda) on the
# same GPU, and the LM-head analysis of the generated 152064 × 1024 BF16 head against float64.
# Prepare with bench/gpu/prepare.sh; on the lent machine: `bash bench/gpu/run.sh`. SMALL=1 runs
# tiny sizes on SwiftShader (the CPU check).
# Every result is one JSON line on stdout (the figures for the README table).
set -uo pipefail
cd "$(dirname "$0")/../.."
SRC=bench/gpu/.gpu
[ -f "$SRC/node.xz" ] || { echo "run bench/gpu/prepare.sh first" >&2; exit 1; }
T=/tmp/spl-gpu
rm -rf "$T"; mkdir -p "$T/dist/dawn/linux-x64" "$T/heads"
xz -dc "$SRC/node.xz" > "$T/node"; chmod +x "$T/node"
cp "$SRC"/dist/* "$T/dist/"
xz -dc "$SRC/dawn.node.xz" > "$T/dist/dawn/linux-x64/dawn.node"
NODE="$T/node"; CLI="$T/dist/cli.js"
export XDG_RUNTIME_DIR=/tmp

if command -v nvidia-smi >/dev/null 2>&1; then
  # The GPU machine lacks the Vulkan loader: Debian's debs, unpacked in place (gpu-notes.md).
  for f in bench/gpu/.gl/*.deb; do dpkg -x "$f" /; done; ldconfig
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/{"gpu": "/; s/$/"}/'
else
  export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
  echo '{"gpu": "none: SwiftShader (software Vulkan)"}'
fi
date -u +'{"date": "%Y-%m-%dT%H:%M:%SZ"}'

if [ "${SMALL:-0}" = 1 ]; then N=256; B=64; WIDTHS="8 16"; STEPS=10; CN=256; CM=16; CB=64; CSTEPS=10
else N=10240; B=2048; WIDTHS="8 64 256 1024"; STEPS=300; CN=1024; CM=64; CB=512; CSTEPS=300; fi

config() { # name features batch steps
  printf 'version: 1\nname: %s\ndata:\n  features: %s\nmodel:\n  width: 8\ntrain:\n  steps: %s\n  batch: %s\n' "$1" "$2" "$4" "$3" > "$T/$1.experiment.yaml"
  echo "$T/$1.experiment.yaml"
}
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# WebGPU runs on the fused step (src/core/toy/gpu) unless SUPERPOSITION_LAB_WEBGPU_TRAINER=tfjs
# (TF.js's WebGPU ops, trainer.ts): `webgpu` below is the fused trainer, `webgpu-tfjs` the other.
run_cli() { # cfg out backend width
  local be=$3 trainer=fused
  [ "$be" = webgpu-tfjs ] && { be=webgpu; trainer=tfjs; }
  SUPERPOSITION_LAB_WEBGPU_TRAINER=$trainer "$NODE" "$CLI" run "$1" --out "$2" --backend "$be" --set model.width="$4" --json > "$2.json" 2> "$2.err" || tail -3 "$2.err"
}

# 1. Correctness: the seeded run (n = CN, m = CM, B = CB) on WebGPU (fused and TF.js) against WASM on the CPU.
cfg=$(config check "$CN" "$CB" "$CSTEPS")
for be in webgpu webgpu-tfjs wasm; do run_cli "$cfg" "$T/check-$be" "$be" "$CM"; done
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
loss = lambda b: json.load(open(f"{t}/check-{b}.json"))["runs"][0]["finalLoss"]
w = loss("wasm")
for b in ("webgpu", "webgpu-tfjs"):
    print(json.dumps({"check": f"seeded run {b} vs wasm", b: loss(b), "wasm": w, "relDiff": abs(loss(b) / w - 1),
                      "compute": json.load(open(f"{t}/check-{b}.json"))["compute"]}))
PY

# 2. Speed: ms per step at n = N, B = B for each width: ours on WebGPU, the fused step and TF.js's
# ops, and PyTorch (CUDA) on the same GPU.
cfg=$(config speed "$N" "$B" "$STEPS")
for m in $WIDTHS; do
  run_cli "$cfg" "$T/speed-$m" webgpu "$m"
  run_cli "$cfg" "$T/speed-tfjs-$m" webgpu-tfjs "$m"
  ours=$(field "$T/speed-$m.json" "round(d['runs'][0]['ms'] / $STEPS, 2)")
  ours_tfjs=$(field "$T/speed-tfjs-$m.json" "round(d['runs'][0]['ms'] / $STEPS, 2)")
  backend=$(field "$T/speed-$m.json" "d['compute']['name']")
  torch_ms=null
  if command -v nvidia-smi >/dev/null 2>&1; then
    python3 bench/torch_baseline.py run --n "$N" --batch "$B" --m "$m" --steps "$STEPS" --device cuda > "$T/torch-$m.json" 2> "$T/torch-$m.err" \
      && torch_ms=$(field "$T/torch-$m.json" "round(d['seconds'] * 1000 / $STEPS, 2)") || tail -3 "$T/torch-$m.err"
  fi
  echo "{\"speed\": {\"n\": $N, \"batch\": $B, \"m\": $m, \"steps\": $STEPS, \"oursMsPerStep\": $ours, \"oursTfjsMsPerStep\": $ours_tfjs, \"backend\": \"$backend\", \"torchCudaMsPerStep\": $torch_ms}}"
done

# 3. Analysis: the generated Qwen-size head (152064 × 1024 BF16) on WebGPU, against float64 numpy.
if [ "${SMALL:-0}" = 1 ]; then head=examples/checkpoints/stories260K.lm_head.safetensors; tensor=tok_embeddings.weight
else head=$("$NODE" "$T/dist/makeHead.js" "$T/heads"); tensor=lm_head.weight; fi
t0=$(date +%s.%N)
"$NODE" "$CLI" analyze "$head" --backend webgpu --kernel fast --json > "$T/analyze.json" 2> "$T/analyze.err" || tail -3 "$T/analyze.err"
t1=$(date +%s.%N)
python3 bench/gpu/reference.py "$head" "$tensor" > "$T/reference.json"
python3 - "$T" "$t0" "$t1" <<'PY'
import json, sys
t, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
a, r = json.load(open(f"{t}/analyze.json")), json.load(open(f"{t}/reference.json"))
print(json.dumps({"analyze": {"n": a["n"], "m": a["m"], "wallS": round(t1 - t0, 2), "reportS": round(a["ms"] / 1000, 2),
                  "kernel": a["kernel"], "meanSqOverlap": a["meanSqOverlap"], "float64": r["meanSqOverlap"],
                  "relDiff": abs(a["meanSqOverlap"] / r["meanSqOverlap"] - 1), "compute": a.get("compute")}}))
PY
