// Generated LM heads for the analysis benchmarks, with the shapes and dtypes of real ones:
//   gpt2-head.safetensors   50257 × 768,  F16  (GPT-2's wte, ~77 MB)
//   qwen-head.safetensors  152064 × 1024, BF16 (Qwen2.5-0.5B-size vocabulary, ~311 MB)
// Rows are Gaussian with a spread of norms (log-normal), like trained embeddings; the values are
// seeded, so every run analyses the same bytes. Written once into bench/.cache/.
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { numberToBF16, numberToF16 } from '../src/core/safetensors/encode';
import { mulberry32 } from '../src/core/random';

export const CACHE = path.resolve(__dirname, '.cache');

export interface HeadSpec {
  readonly file: string;
  readonly name: string;
  readonly n: number;
  readonly m: number;
  readonly dtype: 'F16' | 'BF16';
}

export const GPT2: HeadSpec = { file: 'gpt2-head.safetensors', name: 'wte.weight', n: 50257, m: 768, dtype: 'F16' };
export const QWEN: HeadSpec = {
  file: 'qwen-head.safetensors',
  name: 'lm_head.weight',
  n: 152064,
  m: 1024,
  dtype: 'BF16',
};

/** Writes the head into bench/.cache if it is not there yet. */
export function ensureHead(spec: HeadSpec): string {
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, spec.file);
  if (!existsSync(file)) writeHead(spec, file);
  return file;
}

/** Writes the head to `file` (through a temporary file), streaming rows so memory stays small. */
export function writeHead(spec: HeadSpec, file: string): void {
  const bytes = spec.n * spec.m * 2;
  const header = JSON.stringify({
    [spec.name]: { dtype: spec.dtype, shape: [spec.n, spec.m], data_offsets: [0, bytes] },
  });
  const padded = header.padEnd(Math.ceil(header.length / 8) * 8, ' ');
  const fd = openSync(`${file}.tmp`, 'w');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));
  writeSync(fd, length);
  writeSync(fd, padded);
  const random = mulberry32(2026);
  const encode = spec.dtype === 'F16' ? numberToF16 : numberToBF16;
  const rowsPerChunk = 1024;
  for (let start = 0; start < spec.n; start += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, spec.n - start);
    const out = new Uint16Array(rows * spec.m);
    for (let r = 0; r < rows; r++) {
      const norm = Math.exp(0.3 * gaussian(random)); // typical row norm ≈ 1, spread ±30%
      for (let k = 0; k < spec.m; k++) out[r * spec.m + k] = encode((norm * gaussian(random)) / Math.sqrt(spec.m));
    }
    writeSync(fd, new Uint8Array(out.buffer));
  }
  closeSync(fd);
  renameSync(`${file}.tmp`, file);
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
