// Writes the workspace the end-to-end tests open in code-server:
//   model.safetensors          a small model (embedding, layers, head) in F32/F16/BF16
//   corrupt.safetensors        a header that claims more bytes than the file has
//   many-tensors.safetensors   20,000 tensors, for the "fast with 10,000+ tensors" checks
//   sharded/                   a 3-shard model with model.safetensors.index.json
//   giant.safetensors          5 GiB sparse file (zeros take no disk), tensor data past 4 GiB
//   notes.txt                  a non-checkpoint file (the context-menu entry must not show)
//   stories260K.lm_head.safetensors  the real checkpoint from examples/checkpoints
//   heads/head-m{16,32,64}.safetensors  random Gaussian LM heads (1,500 rows, F16) for compare
//   quick-demo.experiment.yaml the README's quick demo (examples/), trained from its CodeLens
//   experiments/stop.experiment.yaml    three short runs, for stop and resume
//   experiments/broken.experiment.yaml  a config with a typo and a wrong type
//   experiments/cluster.experiment.yaml four short runs trained by `run --shard` processes
//   preview.experiment.yaml    edited by the UI test while its preview is open
//   gpt2-size-head.safetensors the GPT-2-size head of bench/heads.ts, for the panel's latency
// Usage: tsx test/e2e/makeWorkspace.ts <folder>
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeSafetensors, float32Bytes, type TensorToWrite } from '../../src/core/safetensors/write';
import { float32ToF16Bytes } from '../../src/core/safetensors/encode';
import { mulberry32 } from '../../src/core/random';
import { smallModelFile } from '../fixtures/safetensors';
import { writeShardedModel, writeSparseGiant } from '../fixtures/files';
import { GPT2, writeHead } from '../../bench/heads';

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
  copyFileSync(
    path.resolve(__dirname, '../../examples/checkpoints/stories260K.lm_head.safetensors'),
    path.join(dir, 'stories260K.lm_head.safetensors'),
  );
  mkdirSync(path.join(dir, 'heads'), { recursive: true });
  for (const m of HEAD_WIDTHS) writeFileSync(path.join(dir, 'heads', `head-m${m}.safetensors`), randomHead(1500, m, m));
  copyFileSync(
    path.resolve(__dirname, '../../examples/quick-demo.experiment.yaml'),
    path.join(dir, 'quick-demo.experiment.yaml'),
  );
  mkdirSync(path.join(dir, 'experiments'), { recursive: true });
  writeFileSync(path.join(dir, 'experiments', 'stop.experiment.yaml'), STOP_CONFIG);
  writeFileSync(path.join(dir, 'experiments', 'broken.experiment.yaml'), BROKEN_CONFIG);
  writeFileSync(path.join(dir, 'experiments', 'cluster.experiment.yaml'), CLUSTER_CONFIG);
  writeFileSync(path.join(dir, 'preview.experiment.yaml'), PREVIEW_CONFIG);
  // The analysis benchmark's GPT-2-size head (50257 × 768 F16, 77 MB): the panel's latency at that size.
  writeHead(GPT2, path.join(dir, 'gpt2-size-head.safetensors'));
}

/** Edited by the UI test: line 5 is the exponent. */
export const PREVIEW_CONFIG = `version: 1
name: preview
data:
  features: 512
  exponent: 1.2
model:
  width: [8, 16, 32, 64]
optimizer:
  weightDecay: [-1, 0.5]
train:
  steps: 300
  batch: 128
`;

/** Three runs of a few seconds each: long enough to stop between them. */
export const STOP_CONFIG = `version: 1
name: stop-test
data: {features: 64, distribution: linear}
model: {width: [2, 4, 8]}
train: {steps: 3000, batch: 32}
`;

/** Trained by CLI processes (`run --shard`) while the panel only watches: a cluster in small. */
export const CLUSTER_CONFIG = `version: 1
name: cluster-follow
data: {features: 64, distribution: linear}
model: {width: [2, 4, 8, 16]}
train: {steps: 1500, batch: 32}
`;

/** Line 4: an unknown key (warning) and a wrong type (error, at line 5, column 11). */
export const BROKEN_CONFIG = `version: 1
name: broken
data:
  featurs: 64
  density: lots
`;

export const HEAD_WIDTHS = [16, 32, 64];

/** A random Gaussian LM head: its mean squared overlap is about 1/m. */
function randomHead(n: number, m: number, seed: number): Uint8Array {
  const random = mulberry32(seed);
  const w = Float32Array.from(
    { length: n * m },
    () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  );
  return encodeSafetensors([{ name: 'lm_head.weight', dtype: 'F16', shape: [n, m], data: float32ToF16Bytes(w) }]);
}

if (process.argv[2]) makeWorkspace(path.resolve(process.argv[2]));
