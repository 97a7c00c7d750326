#!/usr/bin/env bash
# End-to-end tests in a real VS Code: code-server (VS Code 1.139) on 127.0.0.1 with the packaged
# extension installed, driven by Playwright in Debian's Chromium. Runs
#   test/e2e/1-ui.test.mjs          UI: explorer, palette, context menu, the viewer webview, screenshots
#   test/e2e/2-exthost.test.mjs     the extension's mocha suite inside the real extension host
#   test/e2e/3-firstrun.test.mjs    the walkthrough from an empty workspace, the Runs view, the status bar
#   test/e2e/4-yaml-coexist.test.mjs completion next to a stub "Red Hat YAML" (test/e2e/stub-yaml)
# Each group runs in its own code-server session (own user data and extensions): 1 and 2 in the
# generated workspace; 3 as a first run (fresh user data, empty folder); 4 with the stub installed,
# which changes the `auto` settings for everything in its session.
# E2E_TESTS selects files by name, e.g. E2E_TESTS="3-firstrun 4-yaml-coexist" (default: all four);
# only the sessions those files need are started.
# Prerequisites (scripts/test-all.mjs does them): scripts/setup-test-host.sh, npm ci,
# `node esbuild.mjs` and `npm run package` (dist/superposition-lab.vsix).
# Output: node:test's TAP summary; screenshots in test-output/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
NODE24_BIN="$ROOT/test-host/node24/node_modules/node/bin"
CS="$ROOT/test-host/code-server/node_modules/.bin/code-server"
VSIX="$ROOT/dist/superposition-lab.vsix"
[ -x "$CS" ] || { echo "code-server is not installed: run scripts/setup-test-host.sh" >&2; exit 1; }
[ -f "$VSIX" ] || { echo "$VSIX is missing: run npm run package" >&2; exit 1; }
TESTS=" ${E2E_TESTS:-1-ui 2-exthost 3-firstrun 4-yaml-coexist} "
wants() { [[ "$TESTS" == *" $1 "* ]]; }

STATE="$(mktemp -d "${TMPDIR:-/tmp}/spl-e2e-XXXXXX")"
mkdir -p "$ROOT/test-output/e2e"
PIDS=()
LOGS=()
cleanup() {
  rc=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for log in "${LOGS[@]}"; do cp "$STATE/$log/server.log" "$ROOT/test-output/e2e/$log.log" 2>/dev/null || true; done
  rm -rf "$STATE"
  exit "$rc"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# start_session NAME WORKSPACE [PORT] [EXTRA.vsix …]: fresh user data and extensions in
# $STATE/NAME, the packaged extension (and the extras) installed, code-server serving WORKSPACE.
# Sets ORIGIN to its address; server.log ends up as test-output/e2e/NAME.log.
start_session() {
  local name="$1" workspace="$2" port="${3:-}"
  shift 3
  [ -n "$port" ] || port="$(free_port)"
  local dir="$STATE/$name"
  mkdir -p "$dir/udd/User" "$dir/exts"
  cat > "$dir/udd/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden", "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true, "update.mode": "none", "workbench.enableExperiments": false,
  "git.enabled": false, "git.openRepositoryInParentFolders": "never", "security.workspace.trust.enabled": false, "window.commandCenter": false,
  "workbench.editor.enablePreview": false }
JSON
  local cs_env=(env "XDG_CONFIG_HOME=$dir/xdg" "XDG_DATA_HOME=$dir/xdg-data" "PATH=$NODE24_BIN:$PATH")
  for vsix in "$VSIX" "$@"; do
    "${cs_env[@]}" "$CS" --user-data-dir "$dir/udd" --extensions-dir "$dir/exts" \
      --install-extension "$vsix" >>"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
  done
  "${cs_env[@]}" "$CS" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
    --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
    --reconnection-grace-time 5 --vscode-option enable-smoke-test-driver \
    --user-data-dir "$dir/udd" --extensions-dir "$dir/exts" "$workspace" >"$dir/server.log" 2>&1 &
  PIDS+=($!)
  LOGS+=("$name")
  ORIGIN="http://127.0.0.1:$port"
}

wait_session() {
  local origin="$1" name="$2"
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$origin/healthz" && return 0; sleep 0.1; done
  echo "code-server ($name) did not start" >&2
  cat "$STATE/$name/server.log" >&2
  exit 1
}

FILES=()
if wants 1-ui || wants 2-exthost; then
  WORKSPACE="$STATE/workspace"
  node --import tsx test/e2e/makeWorkspace.ts "$WORKSPACE"
  start_session code-server "$WORKSPACE" "${PORT:-}"
  export CS_ORIGIN="$ORIGIN" E2E_WORKSPACE="$WORKSPACE" E2E_EXTENSION_PATH="$ROOT"
  wait_session "$CS_ORIGIN" code-server
  if wants 1-ui; then FILES+=(test/e2e/1-ui.test.mjs); fi
  if wants 2-exthost; then FILES+=(test/e2e/2-exthost.test.mjs); fi
fi
if wants 3-firstrun; then
  mkdir -p "$STATE/firstrun-workspace"
  start_session code-server-firstrun "$STATE/firstrun-workspace" ""
  export E2E_FIRSTRUN_ORIGIN="$ORIGIN" E2E_FIRSTRUN_WORKSPACE="$STATE/firstrun-workspace"
  wait_session "$E2E_FIRSTRUN_ORIGIN" code-server-firstrun
  FILES+=(test/e2e/3-firstrun.test.mjs)
fi
if wants 4-yaml-coexist; then
  mkdir -p "$STATE/yaml-workspace"
  node test/e2e/stub-yaml/pack.mjs "$STATE/stub-yaml.vsix"
  start_session code-server-yaml "$STATE/yaml-workspace" "" "$STATE/stub-yaml.vsix"
  export E2E_YAML_ORIGIN="$ORIGIN" E2E_YAML_WORKSPACE="$STATE/yaml-workspace"
  wait_session "$E2E_YAML_ORIGIN" code-server-yaml
  FILES+=(test/e2e/4-yaml-coexist.test.mjs)
fi
[ "${#FILES[@]}" -gt 0 ] || { echo "E2E_TESTS selects no test file: $TESTS" >&2; exit 1; }

export XDG_CONFIG_HOME="$STATE/xdg" XDG_DATA_HOME="$STATE/xdg-data"
node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$ROOT/test-output/e2e/results.tap" \
  "${FILES[@]}"
