// Benchmark: hostile safetensors headers just under the 100,000,000-byte limit, read from memory.
//   - deep: `{"w":` then `[` to the end (refused when the 128th bracket opens)
//   - wide: one valid tensor whose ignored field is a 100 MB array of zeros (read to the end, kept
//     as a count only)
//   - names: ~2 million tiny tensors (a header that is big because it lists many tensors)
// Prints wall time, the outcome, and the growth of the JS heap and the process's resident memory
// (the 100 MB file and its decoded text are counted in both). Not a test: numbers vary by machine.
// Usage: node --expose-gc --import tsx bench/hostile-header.ts
import { readSafetensorsHeader, memoryReader, MAX_HEADER_BYTES } from '../src/core/safetensors/reader';
import { CoreError } from '../src/core/errors';

function file(prefix: string, fill: string, suffix: string, dataLength = 0): Uint8Array {
  const n = MAX_HEADER_BYTES;
  const out = new Uint8Array(8 + n + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  const enc = new TextEncoder();
  out.fill(fill.charCodeAt(0), 8, 8 + n);
  out.set(enc.encode(prefix), 8);
  out.set(enc.encode(suffix), 8 + n - suffix.length);
  return out;
}

function wide(): Uint8Array {
  // `[0,0,…,0]` padded with spaces so the header is exactly the limit.
  const prefix = '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":[0';
  const suffix = ']}}';
  const bytes = file(prefix, ' ', suffix, 1);
  const body = MAX_HEADER_BYTES - prefix.length - suffix.length;
  for (let i = 0; i + 1 < body; i += 2) {
    bytes[8 + prefix.length + i] = 0x2c; // ,
    bytes[8 + prefix.length + i + 1] = 0x30; // 0
  }
  return bytes;
}

function names(): Uint8Array {
  const entry = (i: number) => `"t${i.toString(36).padStart(6, '0')}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`;
  const parts: string[] = [];
  let length = 2;
  for (let i = 0; length + entry(i).length + 1 < MAX_HEADER_BYTES; i++) {
    parts.push(entry(i));
    length += entry(i).length + 1;
  }
  const text = `{${parts.join(',')}}`;
  return file(text, ' ', '');
}

async function run(label: string, make: () => Uint8Array): Promise<void> {
  const bytes = make();
  (globalThis as { gc?: () => void }).gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  let outcome: string;
  try {
    const h = await readSafetensorsHeader(memoryReader(`${label}.safetensors`, bytes));
    outcome = `accepted, ${h.tensors.length.toLocaleString('en-US')} tensors`;
  } catch (e) {
    outcome = e instanceof CoreError ? e.code : `UNEXPECTED ${String(e)}`;
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const heap = process.memoryUsage().heapUsed - heap0;
  const mb = (x: number) => `${(x / 1e6).toFixed(0)} MB`;
  console.log(
    `${label.padEnd(6)} ${(bytes.length / 1e6).toFixed(0)} MB file: ${ms.toFixed(0)} ms, ${outcome}; heap +${mb(heap)} after, resident +${mb(peakRss - rss0)} at most`,
  );
}

async function main(): Promise<void> {
  await run('deep', () => file('{"w":', '[', ''));
  await run('wide', wide);
  await run('names', names);
}

void main();
