// `npm start` as the README tells a newcomer to run it: from this checkout, with nothing set up
// beforehand by the test, it must print a URL whose workbench opens the examples folder with the
// extension active (the quick demo's CodeLens appears), and Ctrl-C must stop it.
// Run by scripts/test-all.mjs as the `start` layer, after the e2e layer.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { explorerRow, launch, openFromExplorer, screenshot } from '../e2e/workbench.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
// The first `npm start` on a fresh machine installs code-server (native builds): minutes on 2 cores.
const STARTUP_LIMIT_MS = 20 * 60_000;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function portAnswers(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

let server;
let browser;
after(async () => {
  await browser?.close();
  // The whole process group, whether or not npm itself is still there: nothing may outlive the test.
  try {
    if (server) process.kill(-server.pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
});

test('npm start prints a URL whose VS Code has the extension active, and Ctrl-C stops it', async () => {
  const port = await freePort();
  // Its own process group, so the whole tree (npm → node → code-server) gets the signal, as a terminal's Ctrl-C does.
  server = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL after ${STARTUP_LIMIT_MS / 60_000} min:\n${output}`)),
      STARTUP_LIMIT_MS,
    );
    const onData = (chunk) => {
      output += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before printing a URL:\n${output.slice(-4000)}`));
    });
  });
  assert.ok(url.startsWith(`http://127.0.0.1:${port}/`), url);

  browser = await launch();
  const { page } = browser;
  await page.goto(url);
  await explorerRow(page, 'quick-demo.experiment.yaml').waitFor({ timeout: 120_000 });
  await openFromExplorer(page, 'quick-demo.experiment.yaml');
  // The CodeLens comes from the installed extension: it proves the extension activated.
  await page.locator('.codelens-decoration a', { hasText: 'Run experiment' }).waitFor({ timeout: 60_000 });
  await screenshot(page, 'npm-start');

  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  process.kill(-server.pid, 'SIGINT');
  const stop = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
  assert.notEqual(stop, 'timeout', 'npm start did not stop within 15 s of Ctrl-C');
  // npm returns as soon as it has passed the signal on; code-server closes its port a moment later.
  let open = true;
  for (let i = 0; i < 100 && open; i++) {
    open = await portAnswers(port);
    if (open) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(open, false, 'the port still answers 10 s after Ctrl-C');
});
