#!/usr/bin/env bash
# Prepares the one-call GPU measurement (run.sh) on this CPU machine, as ../../../shared/docs/gpu-notes.md
# describes: the GPU machine has no Node and reaches nothing, so everything travels in two ignored
# folders (carry them: ["bench/gpu/.gpu", "bench/gpu/.gl"], under 64 MiB together):
#   bench/gpu/.gpu  node.xz (this Node), dawn.node.xz (linux-x64), dist/ (cli.js, nodeWorker.js, the
#                   WASM binaries, makeHead.js)
#   bench/gpu/.gl   Debian's Vulkan loader and GL dispatch debs (amd64), unpacked there by run.sh
# Then, on the lent machine, one call: `bash bench/gpu/run.sh` (prints JSON lines and a table).
set -euo pipefail
cd "$(dirname "$0")/../.."
G=bench/gpu/.gpu
L=bench/gpu/.gl
rm -rf "$G"
mkdir -p "$G/dist" "$L"
node esbuild.mjs --production --only=cli,nodeWorker
cp dist/cli.js dist/nodeWorker.js dist/tfjs-backend-wasm.wasm dist/tfjs-backend-wasm-simd.wasm "$G/dist/"
npx esbuild bench/gpu/makeHead.ts --bundle --platform=node --format=cjs --log-level=warning --outfile="$G/dist/makeHead.js"
xz -6 -c "$(command -v node)" > "$G/node.xz"
xz -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$G/dawn.node.xz"
if ! ls "$L"/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update -qq
  (cd "$L" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
exclude="$(git rev-parse --git-path info/exclude)"
mkdir -p "$(dirname "$exclude")"
for d in /bench/gpu/.gpu/ /bench/gpu/.gl/; do grep -qxF "$d" "$exclude" 2>/dev/null || echo "$d" >> "$exclude"; done
du -sh "$G" "$L"
