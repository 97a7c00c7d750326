// Writes the generated example checkpoints used by `npm start` (examples/checkpoints/):
//   toy-llama.safetensors      a small Llama-shaped model in BF16/F16/F32 with random weights
//   sharded-toy/               the same model split into 3 shards with an index
//   broken.safetensors         a truncated copy, to show what the viewer does with a bad file
// The real checkpoint stories260K.lm_head.safetensors is committed next to them (see README there).
// Deterministic: the same bytes on every run. Usage: node --import tsx scripts/make-examples.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeSafetensors, float32Bytes, type TensorToWrite } from '../src/core/safetensors/write';
import { float32ToBF16Bytes, float32ToF16Bytes } from '../src/core/safetensors/encode';
import type { Dtype } from '../src/core/safetensors/dtype';

const DIR = path.resolve(import.meta.dirname, '..', 'examples', 'checkpoints');
const VOCAB = 512;
const DIM = 64;
const HIDDEN = 172;
const LAYERS = 4;

/** Deterministic N(0, std²) values (Box–Muller over a 32-bit LCG). */
function gaussian(n: number, std: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 1) / 2 ** 32;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = std * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

function tensor(name: string, dtype: Dtype, shape: number[], values: Float32Array): TensorToWrite {
  const data =
    dtype === 'BF16' ? float32ToBF16Bytes(values) : dtype === 'F16' ? float32ToF16Bytes(values) : float32Bytes(values);
  return { name, dtype, shape, data };
}

function toyLlama(): TensorToWrite[] {
  let seed = 1;
  const w = (name: string, shape: number[], dtype: Dtype = 'BF16') =>
    tensor(
      name,
      dtype,
      shape,
      gaussian(
        shape.reduce((a, b) => a * b, 1),
        1 / Math.sqrt(shape.at(-1)!),
        seed++,
      ),
    );
  const ones = (name: string) => tensor(name, 'F32', [DIM], new Float32Array(DIM).fill(1));
  const out = [w('model.embed_tokens.weight', [VOCAB, DIM])];
  for (let l = 0; l < LAYERS; l++) {
    const p = `model.layers.${l}`;
    out.push(
      w(`${p}.self_attn.q_proj.weight`, [DIM, DIM]),
      w(`${p}.self_attn.k_proj.weight`, [DIM / 2, DIM]),
      w(`${p}.self_attn.v_proj.weight`, [DIM / 2, DIM]),
      w(`${p}.self_attn.o_proj.weight`, [DIM, DIM]),
      w(`${p}.mlp.gate_proj.weight`, [HIDDEN, DIM]),
      w(`${p}.mlp.up_proj.weight`, [HIDDEN, DIM]),
      w(`${p}.mlp.down_proj.weight`, [DIM, HIDDEN]),
      ones(`${p}.input_layernorm.weight`),
      ones(`${p}.post_attention_layernorm.weight`),
    );
  }
  out.push(ones('model.norm.weight'), w('lm_head.weight', [VOCAB, DIM], 'F16'));
  return out;
}

const META = { format: 'pt', note: 'Synthetic example with random weights, written by scripts/make-examples.ts' };

export function makeExamples(): void {
  mkdirSync(DIR, { recursive: true });
  const tensors = toyLlama();
  const whole = encodeSafetensors(tensors, META);
  writeFileSync(path.join(DIR, 'toy-llama.safetensors'), whole);
  writeFileSync(path.join(DIR, 'broken.safetensors'), whole.subarray(0, Math.floor(whole.length * 0.6)));

  const sharded = path.join(DIR, 'sharded-toy');
  mkdirSync(sharded, { recursive: true });
  const parts = [tensors.slice(0, 12), tensors.slice(12, 28), tensors.slice(28)];
  const weightMap: Record<string, string> = {};
  parts.forEach((part, i) => {
    const file = `model-0000${i + 1}-of-00003.safetensors`;
    writeFileSync(path.join(sharded, file), encodeSafetensors(part, META));
    for (const t of part) weightMap[t.name] = file;
  });
  const totalSize = tensors.reduce((s, t) => s + t.data.length, 0);
  writeFileSync(
    path.join(sharded, 'model.safetensors.index.json'),
    `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`,
  );
}

makeExamples();
console.log(`example checkpoints written to ${path.relative(process.cwd(), DIR)}/`);
