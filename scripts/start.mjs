#!/usr/bin/env node
// `npm start`: from a fresh clone, build the extension, start a real VS Code (code-server, VS Code
// 1.139) on 127.0.0.1 with the extension installed and the examples/ folder open, and print the
// URL. Ctrl-C stops it. Only Node builtins here: this runs before anything is installed.
//
// State (VS Code settings, installed extension) lives in .superposition-lab/ so it survives
// restarts. PORT=8080 by default; set PORT to choose another.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
process.chdir(ROOT);
const STATE = path.join(ROOT, '.superposition-lab', 'vscode');
const EXAMPLES = path.join(ROOT, 'examples');
const NODE24_BIN = path.join(ROOT, 'test-host/node24/node_modules/node/bin');
const CODE_SERVER = path.join(ROOT, 'test-host/code-server/node_modules/.bin/code-server');

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  if (r.status !== 0) {
    console.error(`\nnpm start: "${title}" failed (exit ${r.status}). See the output above.`);
    process.exit(1);
  }
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function choosePort() {
  if (process.env.PORT) return Number(process.env.PORT);
  for (const p of [8080, 8081, 8082, 8931]) if (await portIsFree(p)) return p;
  return 0;
}

if (!existsSync(path.join(ROOT, 'node_modules/.bin/esbuild'))) {
  step('Installing npm dependencies', 'npm', ['ci', '--no-audit', '--no-fund']);
}
step('Setting up VS Code (code-server) and Chromium, first run only', 'bash', ['scripts/setup-test-host.sh']);
step('Building and packaging the extension', 'npm', ['run', 'package', '--', '--universal']);
step('Writing the example checkpoints', process.execPath, ['--import', 'tsx', 'scripts/make-examples.ts']);

mkdirSync(path.join(STATE, 'udd', 'User'), { recursive: true });
const settingsFile = path.join(STATE, 'udd', 'User', 'settings.json');
if (!existsSync(settingsFile)) {
  writeFileSync(
    settingsFile,
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'security.workspace.trust.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    ),
  );
}
const env = {
  ...process.env,
  PATH: `${NODE24_BIN}${path.delimiter}${process.env.PATH}`,
  XDG_CONFIG_HOME: path.join(STATE, 'xdg'),
  XDG_DATA_HOME: path.join(STATE, 'xdg-data'),
};
const common = ['--user-data-dir', path.join(STATE, 'udd'), '--extensions-dir', path.join(STATE, 'extensions')];
console.log('\n▶ Installing the extension into VS Code');
const install = spawnSync(
  CODE_SERVER,
  [...common, '--force', '--install-extension', path.join(ROOT, 'dist/superposition-lab.vsix')],
  { env, encoding: 'utf8' },
);
if (install.status !== 0) {
  console.error(install.stdout, install.stderr);
  process.exit(1);
}

const port = await choosePort();
const server = spawn(
  CODE_SERVER,
  [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...common,
    EXAMPLES,
  ],
  { env, stdio: ['ignore', 'pipe', 'pipe'] },
);
let announced = false;
const onOutput = (chunk) => {
  const text = chunk.toString();
  const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
  if (m && !announced) {
    announced = true;
    const url = `http://127.0.0.1:${m[1]}/?folder=${encodeURIComponent(EXAMPLES)}`;
    console.log(
      `\n✔ Superposition Lab is running in VS Code ${'(code-server)'}:\n\n    ${url}\n\nOpen it in a browser. Double-click a file in checkpoints/ to open the checkpoint viewer. Ctrl-C stops the server.`,
    );
  }
  if (process.env.VERBOSE) process.stdout.write(text);
};
server.stdout.on('data', onOutput);
server.stderr.on('data', onOutput);
server.on('exit', (code) => {
  if (!announced) console.error(`code-server exited early (code ${code}). Run with VERBOSE=1 to see its output.`);
  process.exit(code ?? 0);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill('SIGTERM'));
