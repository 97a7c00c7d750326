// The pre-check that keeps an oversized run from failing deep inside TF.js on a GPU.
import { describe, expect, it } from 'vitest';
import { bufferLimitProblem, trainingBuffers } from '../../../src/core/compute/gpuLimits';

const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };

describe('GPU buffer limits', () => {
  it('lets a run through when its largest buffer fits the smaller cap', () => {
    // W 8192 × 4096 × 4 B = 128 MiB exactly; the batch 512 × 8192 × 4 B = 16 MiB.
    expect(bufferLimitProblem(trainingBuffers(8192, 4096, 512), limits, 'the GPU')).toBeNull();
  });

  it('names the tensor, its size and the cap when the largest buffer is over it', () => {
    const problem = bufferLimitProblem(trainingBuffers(10240, 4096, 2048), limits, 'nvidia hopper (NVIDIA H200)');
    expect(problem).toBe(
      'This run needs 160 MiB in one GPU buffer for W (10,240 × 4,096 float32), more than the 128 MiB ' +
        'nvidia hopper (NVIDIA H200) allows in one buffer. Train it on WebAssembly (--backend wasm, or the ' +
        'setting superpositionLab.compute.backend) or with a smaller width or batch.',
    );
    // A huge batch is the largest buffer of a narrow run.
    expect(bufferLimitProblem(trainingBuffers(100_000, 8, 1024), limits, 'the GPU')).toContain(
      'for a dense batch (1,024 × 100,000 float32)',
    );
  });
});
