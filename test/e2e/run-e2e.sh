#!/usr/bin/env bash
# End-to-end tests in a real VS Code: code-server (VS Code 1.139) on 127.0.0.1 with the packaged
# extension installed, driven by Playwright in Debian's Chromium. Runs
#   test/e2e/1-ui.test.mjs     UI: explorer, palette, context menu, the viewer webview, screenshots
#   test/e2e/2-exthost.test.mjs the extension's mocha suite inside the real extension host
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

PORT="${PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
STATE="$(mktemp -d "${TMPDIR:-/tmp}/spl-e2e-XXXXXX")"
WORKSPACE="$STATE/workspace"
mkdir -p "$STATE/udd/User" "$STATE/exts" "$ROOT/test-output/e2e"
cat > "$STATE/udd/User/settings.json" <<'JSON'
{ "workbench.startupEditor": "none", "workbench.tips.enabled": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden", "chat.disableAIFeatures": true,
  "telemetry.telemetryLevel": "off", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true, "update.mode": "none", "workbench.enableExperiments": false,
  "git.enabled": false, "git.openRepositoryInParentFolders": "never", "security.workspace.trust.enabled": false, "window.commandCenter": false,
  "workbench.editor.enablePreview": false }
JSON
node --import tsx test/e2e/makeWorkspace.ts "$WORKSPACE"

export XDG_CONFIG_HOME="$STATE/xdg" XDG_DATA_HOME="$STATE/xdg-data"
PATH="$NODE24_BIN:$PATH" "$CS" --user-data-dir "$STATE/udd" --extensions-dir "$STATE/exts" \
  --install-extension "$VSIX" >"$STATE/install.log" 2>&1 || { cat "$STATE/install.log" >&2; exit 1; }
PATH="$NODE24_BIN:$PATH" "$CS" --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
  --reconnection-grace-time 5 --vscode-option enable-smoke-test-driver \
  --user-data-dir "$STATE/udd" --extensions-dir "$STATE/exts" "$WORKSPACE" >"$STATE/server.log" 2>&1 &
CS_PID=$!
cleanup() {
  rc=$?
  kill "$CS_PID" 2>/dev/null || true
  wait "$CS_PID" 2>/dev/null || true
  cp "$STATE/server.log" "$ROOT/test-output/e2e/code-server.log" 2>/dev/null || true
  rm -rf "$STATE"
  exit "$rc"
}
trap cleanup EXIT
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "code-server did not start" >&2; cat "$STATE/server.log" >&2; exit 1; }

CS_ORIGIN="http://127.0.0.1:$PORT" E2E_WORKSPACE="$WORKSPACE" E2E_EXTENSION_PATH="$ROOT" \
  node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$ROOT/test-output/e2e/results.tap" \
  test/e2e/1-ui.test.mjs test/e2e/2-exthost.test.mjs
