// Will a training run fit this GPU's buffers? WebGPU caps each storage buffer
// (maxStorageBufferBindingSize, maxBufferSize); a tensor past the cap fails deep inside TF.js with
// a validation error or a lost device. So the worker checks the run's largest buffers first and
// refuses with one sentence that names the tensor, its size and the cap.

import { formatBytes, formatInteger } from '../format';

export interface GpuBufferLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
}

export interface GpuBuffer {
  readonly what: string;
  readonly bytes: number;
}

/** The largest float32 buffers one training step allocates: W (and Adam's moments) and a dense batch. */
export function trainingBuffers(n: number, m: number, batch: number): GpuBuffer[] {
  return [
    { what: `W (${formatInteger(n)} × ${formatInteger(m)} float32)`, bytes: n * m * 4 },
    { what: `a dense batch (${formatInteger(batch)} × ${formatInteger(n)} float32)`, bytes: batch * n * 4 },
  ];
}

/** Why the buffers do not fit on `adapter`, or null when they do. */
export function bufferLimitProblem(
  buffers: readonly GpuBuffer[],
  limits: GpuBufferLimits,
  adapter: string,
): string | null {
  const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const largest = [...buffers].sort((a, b) => b.bytes - a.bytes)[0];
  if (largest === undefined || largest.bytes <= cap) return null;
  return (
    `This run needs ${formatBytes(largest.bytes)} in one GPU buffer for ${largest.what}, more than the ` +
    `${formatBytes(cap)} ${adapter} allows in one buffer. Train it on WebAssembly ` +
    '(--backend wasm, or the setting superpositionLab.compute.backend) or with a smaller width or batch.'
  );
}
