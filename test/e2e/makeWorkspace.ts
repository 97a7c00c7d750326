// Writes the workspace the end-to-end tests open in code-server:
//   model.safetensors          a small model (embedding, layers, head) in F32/F16/BF16
//   corrupt.safetensors        a header that claims more bytes than the file has
//   many-tensors.safetensors   20,000 tensors, for the "fast with 10,000+ tensors" checks
//   sharded/                   a 3-shard model with model.safetensors.index.json
//   giant.safetensors          5 GiB sparse file (zeros take no disk), tensor data past 4 GiB
//   notes.txt                  a non-checkpoint file (the context-menu entry must not show)
// Usage: tsx test/e2e/makeWorkspace.ts <folder>
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeSafetensors, float32Bytes, type TensorToWrite } from '../../src/core/safetensors/write';
import { smallModelFile } from '../fixtures/safetensors';
import { writeShardedModel, writeSparseGiant } from '../fixtures/files';

export const MANY_TENSORS = 20_000;

export function makeWorkspace(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.safetensors'), smallModelFile(3));
  const good = encodeSafetensors([
    { name: 'w', dtype: 'F32', shape: [64, 64], data: float32Bytes(new Float32Array(4096).fill(0.5)) },
  ]);
  writeFileSync(path.join(dir, 'corrupt.safetensors'), good.subarray(0, good.length - 100));
  const many: TensorToWrite[] = [];
  for (let i = 0; i < MANY_TENSORS; i++) {
    const dtype = i % 3 === 0 ? 'BF16' : i % 3 === 1 ? 'F16' : 'F32';
    const width = dtype === 'F32' ? 4 : 2;
    many.push({
      name: `model.layers.${Math.floor(i / 4)}.block.${['q', 'k', 'v', 'o'][i % 4]}.weight`,
      dtype,
      shape: [2, 2],
      data: new Uint8Array(4 * width).fill(i % 251),
    });
  }
  writeFileSync(
    path.join(dir, 'many-tensors.safetensors'),
    encodeSafetensors(many, { format: 'pt', note: `${MANY_TENSORS} tensors` }),
  );
  const sharded = path.join(dir, 'sharded');
  mkdirSync(sharded, { recursive: true });
  writeShardedModel(sharded);
  writeSparseGiant(path.join(dir, 'giant.safetensors'), 5 * 1024 ** 3);
  writeFileSync(path.join(dir, 'notes.txt'), 'Not a checkpoint.\n');
}

if (process.argv[2]) makeWorkspace(path.resolve(process.argv[2]));
