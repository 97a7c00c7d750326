#!/usr/bin/env node
// `npm run package`: the production build once, then the VSIXes:
//   dist/superposition-lab.vsix             universal: no Dawn, computes on WebAssembly everywhere
//   dist/superposition-lab-<target>.vsix    one per platform, carrying only its own dawn.node (and,
//                                           on Windows, the DirectX compiler DLLs beside it) so the
//                                           extension host computes on the machine's GPU
// `--universal` builds only the first; `--target T` (repeatable) the first and those targets. Dawn
// comes from the `webgpu` npm package; its dist/ folder has one prebuilt dawn.node per platform.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// The README the Extensions view shows: README.md without its screenshots. That page keeps only
// http(s) images; relative paths and data: URIs are removed (VS Code 1.139, seen in code-server by
// test/e2e/1-ui.test.mjs), and this project has no public https host for docs/images/ yet, so the
// screenshots would show as broken images there. With a public repository, drop this and pass
// --baseImagesUrl instead.
const VSIX_README = path.join('dist', 'README.md');
function writeVsixReadme() {
  const readme = readFileSync('README.md', 'utf8');
  // A line of only images with relative sources (<img src="docs/…"> or ![…](docs/…)), and the blank line after it.
  const imageLine =
    /^(?:[ \t]*(?:<img\s[^>]*src="(?![a-z]+:)[^"]*"[^>]*>|!\[[^\]]*\]\((?![a-z]+:)[^)]*\)))+[ \t]*\n(?:\n)?/gim;
  mkdirSync('dist', { recursive: true });
  writeFileSync(VSIX_README, readme.replace(imageLine, ''));
}

const vsce = (extra) =>
  run('npx', [
    'vsce',
    'package',
    '--no-dependencies',
    // There is no public repository (nor issue tracker) yet, so package.json has no `repository`
    // (rather than a made-up one). Without this flag vsce warns about it and, on a terminal, stops
    // to ask "Do you want to continue? [y/N]" (vsce 3.9: out/package.js, onEnd).
    '--allow-missing-repository',
    '--readme-path',
    VSIX_README,
    // Links to CONTRIBUTING.md and docs/ stay relative: with no repository there is no URL to
    // rewrite them to (vsce refuses relative links it cannot rewrite).
    '--no-rewrite-relative-links',
    ...extra,
  ]);

run('node', ['esbuild.mjs', '--production']);
run('node', ['--import', 'tsx', 'scripts/make-examples.ts']);
writeVsixReadme();

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
