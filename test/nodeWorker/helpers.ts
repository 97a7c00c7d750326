// Shared by the Node compute worker's tests: the built worker (dist/nodeWorker.js, built by
// test/globalSetup.ts), a matrix file, and an experiment's specs and frequencies.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { BackendPreference } from '../../src/core/compute/backend';
import { ComputeWorker } from '../../src/node/computeWorker';
import { prepareExperiment, frequencyKey } from '../../src/node/experimentStore';
import { encodeSafetensors, float32Bytes } from '../../src/core/safetensors/write';
import type { NodeWorkerJob } from '../../src/shared/nodeWorkerProtocol';
import { prng } from '../fixtures/safetensors';

export const DIST = path.resolve(__dirname, '../../dist');
/** SwiftShader's Vulkan driver, from Debian's chromium package (scripts/setup-test-host.sh). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function startWorker(
  backend: BackendPreference,
  dawnPath: string | null = null,
  loseDeviceAtStep?: number,
): ComputeWorker {
  return new ComputeWorker({
    script: path.join(DIST, 'nodeWorker.js'),
    backend,
    wasmDir: DIST,
    dawnPath,
    ...(loseDeviceAtStep === undefined ? {} : { loseDeviceAtStep }),
  });
}

/**
 * Dawn on SwiftShader only (no other driver), as in CI. The Vulkan loader reads the real
 * environment of the process when a worker creates its Dawn instance, so this sets it for the
 * whole test process (vitest runs each test file in its own process).
 */
export function useSwiftShader(): void {
  process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  process.env['VK_DRIVER_FILES'] = SWIFTSHADER_ICD;
  process.env['XDG_RUNTIME_DIR'] ??= '/tmp';
}

/** An n×m float32 matrix (entries in [-0.5, 0.5)) as a one-tensor safetensors file. */
export function matrixFile(dir: string, n: number, m: number, seed: number): { file: string; w: Float32Array } {
  const r = prng(seed);
  const w = Float32Array.from({ length: n * m }, () => r() - 0.5);
  const file = path.join(dir, `w-${n}x${m}.safetensors`);
  writeFileSync(
    file,
    encodeSafetensors([{ name: 'lm_head.weight', dtype: 'F32', shape: [n, m], data: float32Bytes(w) }]),
  );
  return { file, w };
}

/** The `train` jobs of a config (one per run), with the frequencies the CLI would send. */
export async function trainJobs(dir: string, yaml: string): Promise<Extract<NodeWorkerJob, { kind: 'train' }>[]> {
  const configFile = path.join(dir, 'w.experiment.yaml');
  writeFileSync(configFile, yaml);
  const prepared = await prepareExperiment(configFile, yaml, { outDir: path.join(dir, 'out') });
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
  return prepared.experiment.todo.map((spec) => {
    const f = prepared.experiment.frequencies.get(frequencyKey(spec.values))!;
    return {
      kind: 'train',
      spec,
      frequencies: { p: Array.from(f.p), capped: f.capped, effectiveDensity: f.effectiveDensity },
    };
  });
}
