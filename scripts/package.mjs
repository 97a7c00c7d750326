#!/usr/bin/env node
// `npm run package`: the production build once, then the VSIXes:
//   dist/superposition-lab.vsix             universal: no Dawn, computes on WebAssembly everywhere
//   dist/superposition-lab-<target>.vsix    one per platform, carrying only its own dawn.node (and,
//                                           on Windows, the DirectX compiler DLLs beside it) so the
//                                           extension host computes on the machine's GPU
// `--universal` builds only the first; `--target T` (repeatable) the first and those targets. Dawn
// comes from the `webgpu` npm package; its dist/ folder has one prebuilt dawn.node per platform.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
process.chdir(ROOT);

/** VS Code's target names, and the webgpu package's folder that holds each one's dawn.node. */
export const TARGETS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'darwin-arm64': 'darwin-universal',
  'darwin-x64': 'darwin-universal',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
};

function run(command, args) {
  const r = spawnSync(command, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

const vsce = (extra) =>
  run('npx', [
    'vsce',
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--skip-license',
    '--no-rewrite-relative-links',
    ...extra,
  ]);

run('node', ['esbuild.mjs', '--production']);
run('node', ['--import', 'tsx', 'scripts/make-examples.ts']);

const dawnDir = path.join('dist', 'dawn');
rmSync(dawnDir, { recursive: true, force: true });
vsce(['-o', 'dist/superposition-lab.vsix']);
if (process.argv.includes('--universal')) process.exit(0);

const asked = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--target' ? [a] : []));
for (const t of asked) {
  if (!(t in TARGETS)) {
    console.error(`--target ${t}: not one of ${Object.keys(TARGETS).join(', ')}`);
    process.exit(1);
  }
}
const webgpu = path.join('node_modules', 'webgpu', 'dist');
for (const target of asked.length > 0 ? asked : Object.keys(TARGETS)) {
  const from = path.join(webgpu, TARGETS[target]);
  if (!existsSync(path.join(from, 'dawn.node'))) {
    console.error(`${from}/dawn.node is missing: is the webgpu package installed?`);
    process.exit(1);
  }
  // Only this target's Dawn is in dist/dawn/ while its package is made.
  try {
    cpSync(from, path.join(dawnDir, target), { recursive: true });
    vsce(['--target', target, '-o', `dist/superposition-lab-${target}.vsix`]);
  } finally {
    rmSync(dawnDir, { recursive: true, force: true });
  }
}
