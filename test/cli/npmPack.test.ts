// The CLI as an npm package (`npm pack`): it holds only the CLI, its compute worker and WASM
// binaries; installed into an empty prefix it runs `superposition-lab` on WASM, and on linux-x64
// on WebGPU through the Dawn its one dependency (`webgpu`) brings (SwiftShader here, as in CI).
// The install may fetch package metadata from the npm registry (the tarballs are in npm's cache).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/files';
import { SWIFTSHADER_ICD } from '../nodeWorker/helpers';

const ROOT = path.resolve(__dirname, '../..');
const tmp = tempDir('spl-pack-');
afterAll(tmp.cleanup);
const CHECKPOINT = path.join(ROOT, 'examples', 'checkpoints', 'stories260K.lm_head.safetensors');

describe('npm pack', () => {
  it('installs on its own and runs the CLI on WASM and, through its webgpu dependency, on Dawn', () => {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', tmp.dir], { cwd: ROOT, encoding: 'utf8' }),
    ) as { filename: string; files: { path: string }[] }[];
    expect(packed[0]!.files.map((f) => f.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist/cli.js',
      'dist/nodeWorker.js',
      'dist/tfjs-backend-wasm-simd.wasm',
      'dist/tfjs-backend-wasm.wasm',
      'package.json',
    ]);
    const prefix = path.join(tmp.dir, 'prefix');
    const install = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        path.join(tmp.dir, packed[0]!.filename),
      ],
      { encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_ignore_scripts: 'true' } },
    );
    expect(install.status, install.stderr).toBe(0);
    const bin = path.join(prefix, 'node_modules', '.bin', 'superposition-lab');
    expect(existsSync(bin)).toBe(true);
    // --kernel fast: float32 blocks on the chosen backend (this small head would get the exact float64 kernel).
    const analyze = (backend: string) => {
      const r = spawnSync(bin, ['analyze', CHECKPOINT, '--json', '--kernel', 'fast', '--backend', backend], {
        encoding: 'utf8',
        timeout: 120_000,
        cwd: tmp.dir,
        env: { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, VK_DRIVER_FILES: SWIFTSHADER_ICD },
      });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as {
        meanSqOverlap: number;
        compute?: { name: string; adapter?: { architecture: string } };
      };
    };
    const wasm = analyze('wasm');
    expect(wasm.compute?.name).toBe('wasm');
    const gpu = analyze('webgpu');
    expect(gpu.compute?.name).toBe('webgpu');
    expect(gpu.compute?.adapter?.architecture).toBe('swiftshader');
    expect(Math.abs(gpu.meanSqOverlap - wasm.meanSqOverlap) / wasm.meanSqOverlap).toBeLessThan(1e-6);
  }, 600_000);
});
