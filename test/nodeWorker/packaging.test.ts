// The VSIXes as users install them (scripts/package.mjs): the linux-x64 one carries its own
// dawn.node and nothing of other platforms, and its compute worker, unpacked where no `webgpu`
// package can be found, computes on WebGPU through that dawn.node (SwiftShader here); the
// universal one has no Dawn and says so, computing on WASM. Built here if `npm test` has not.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComputeWorker } from '../../src/node/computeWorker';
import type { ProbeResult } from '../../src/shared/computeJobs';
import { tempDir } from '../fixtures/files';
import { DIST, useSwiftShader } from './helpers';

useSwiftShader();
const tmp = tempDir('spl-vsix-');
const ROOT = path.resolve(__dirname, '../..');
const vsix = (target?: string) => path.join(DIST, `superposition-lab${target ? `-${target}` : ''}.vsix`);
const entries = (file: string) => execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n');
const workers: ComputeWorker[] = [];

function unpacked(file: string, name: string): string {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir);
  execFileSync('unzip', ['-q', file, '-d', dir]);
  return path.join(dir, 'extension', 'dist');
}

async function probe(dist: string): Promise<ProbeResult> {
  const worker = new ComputeWorker({ script: path.join(dist, 'nodeWorker.js'), backend: 'webgpu', wasmDir: dist });
  workers.push(worker);
  return (await worker.run({ kind: 'probe' }).result) as ProbeResult;
}

beforeAll(() => {
  if (existsSync(vsix()) && existsSync(vsix('linux-x64'))) return;
  const r = spawnSync(process.execPath, ['scripts/package.mjs', '--target', 'linux-x64'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
}, 600_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  tmp.cleanup();
});

describe('platform VSIXes', () => {
  it('the linux-x64 VSIX carries only its own dawn.node; the universal one none', () => {
    const linux = entries(vsix('linux-x64')).filter((e) => e.startsWith('extension/dist/dawn/'));
    expect(linux).toEqual(['extension/dist/dawn/linux-x64/dawn.node']);
    expect(entries(vsix()).filter((e) => e.startsWith('extension/dist/dawn/'))).toEqual([]);
    // Both carry the worker and the WASM binaries it falls back to.
    for (const file of [vsix(), vsix('linux-x64')]) {
      expect(entries(file)).toEqual(
        expect.arrayContaining(['extension/dist/nodeWorker.js', 'extension/dist/tfjs-backend-wasm-simd.wasm']),
      );
    }
  });

  it('unpacked where no webgpu package exists, the linux-x64 worker computes on its own Dawn; the universal one on WASM, saying why', async () => {
    const withDawn = await probe(unpacked(vsix('linux-x64'), 'linux'));
    expect(withDawn.backend.name, JSON.stringify(withDawn.backend.skipped)).toBe('webgpu');
    expect(withDawn.backend.adapter).toMatchObject({ architecture: 'swiftshader', software: true });
    expect(withDawn.maxAbsError).toBeLessThan(1e-4);

    const universal = await probe(unpacked(vsix(), 'universal'));
    expect(universal.backend.name).toBe('wasm');
    expect(universal.backend.skipped.find((s) => s.name === 'webgpu')?.reason).toBe(
      'no Dawn (dawn.node) for linux-x64 in this install',
    );
  }, 120_000);
});
