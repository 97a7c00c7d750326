// The real pretrained checkpoint shipped in examples/checkpoints: karpathy's stories260K token
// embedding (= tied LM head), stored unchanged as F32 [512, 64], with reference statistics computed
// in float64 by a separate program (test/fixtures/stories260K.reference.json; provenance in
// examples/README.md).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensorsHeader, readTensorFloat32 } from '../../../src/core/safetensors/reader';
import { computeTensorStats } from '../../../src/core/safetensors/stats';
import { openNodeReader } from '../../../src/node/files';

const FILE = path.resolve(__dirname, '../../../examples/checkpoints/stories260K.lm_head.safetensors');
const REFERENCE = path.resolve(__dirname, '../../fixtures/stories260K.reference.json');
const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')).models.stories260K;

describe('stories260K.lm_head.safetensors (real checkpoint)', () => {
  it('ships in the repository', () => expect(existsSync(FILE)).toBe(true));

  it('has one F32 tensor tok_embeddings.weight of shape [512, 64] and provenance metadata', async () => {
    const reader = (await openNodeReader(FILE, 'stories260K.lm_head.safetensors'))!;
    const header = await readSafetensorsHeader(reader);
    expect(header.tensors).toHaveLength(1);
    expect(header.tensors[0]).toMatchObject({ name: reference.tensor, dtype: 'F32', shape: [512, 64], numel: 32768 });
    expect(Object.keys(header.metadata ?? {}).length).toBeGreaterThan(0);
    // Only the header was read: 8 bytes of length plus the JSON.
    expect(reader.bytesRead).toBe(Math.min(reader.size, 64 * 1024));
  });

  it('decodes to the exact published bytes and row norms', async () => {
    const reader = (await openNodeReader(FILE, 'stories260K'))!;
    const header = await readSafetensorsHeader(reader);
    const t = header.tensors[0]!;
    const values = await readTensorFloat32(reader, header, t, { chunkBytes: 10_000 });
    const sha = createHash('sha256').update(new Uint8Array(values.buffer)).digest('hex');
    expect(sha).toBe(reference.tensor_data_sha256);
    const norms = Array.from({ length: 512 }, (_, i) => Math.hypot(...values.subarray(i * 64, (i + 1) * 64)));
    const mean = norms.reduce((a, b) => a + b, 0) / 512;
    const std = Math.sqrt(norms.reduce((a, b) => a + (b - mean) ** 2, 0) / 512);
    expect(Math.abs(mean / reference.stats.mean_row_norm - 1)).toBeLessThan(1e-6);
    expect(Math.abs(std / reference.stats.std_row_norm - 1)).toBeLessThan(1e-6);
    expect(Math.min(...norms)).toBeCloseTo(reference.stats.min_row_norm, 6);
    expect(Math.max(...norms)).toBeCloseTo(reference.stats.max_row_norm, 6);
  });

  it('has sane value statistics: all finite, no zeros', async () => {
    const reader = (await openNodeReader(FILE, 'stories260K'))!;
    const header = await readSafetensorsHeader(reader);
    const s = await computeTensorStats(reader, header, header.tensors[0]!);
    expect(s).toMatchObject({ numel: 32768, finite: 32768, nan: 0, posInf: 0, negInf: 0 });
    expect(s.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(32768);
    // Mean squared entry = mean squared row norm / m.
    expect(s.std! ** 2 + s.mean! ** 2).toBeCloseTo(
      (reference.stats.mean_row_norm ** 2 + reference.stats.std_row_norm ** 2) / 64,
      6,
    );
  });
});
