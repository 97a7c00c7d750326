// Writing safetensors: the header JSON padded with spaces to a multiple of 8 bytes (as the
// reference implementation does, so the data section starts aligned), then each tensor's bytes
// in the order given. Used for trained weights and by the test-fixture generator.

import { CoreError } from '../errors';
import { DTYPE_INFO, type Dtype } from './dtype';

export interface TensorToWrite {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  /** Little-endian element bytes; length must match dtype and shape. */
  readonly data: Uint8Array;
}

export function float32Bytes(values: Float32Array | readonly number[]): Uint8Array {
  const f = values instanceof Float32Array ? values : Float32Array.from(values);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

export function encodeSafetensors(
  tensors: readonly TensorToWrite[],
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header['__metadata__'] = metadata;
  let offset = 0;
  const names = new Set<string>();
  for (const t of tensors) {
    if (t.name === '__metadata__' || names.has(t.name)) {
      throw new CoreError('usage', `Cannot write a tensor named "${t.name}" twice or named __metadata__.`);
    }
    names.add(t.name);
    const numel = t.shape.reduce((a, b) => a * b, 1);
    const expected = (numel * DTYPE_INFO[t.dtype].bits) / 8;
    if (expected !== t.data.length) {
      throw new CoreError(
        'usage',
        `Tensor "${t.name}" has ${t.data.length} bytes; ${t.dtype} ${JSON.stringify(t.shape)} needs ${expected}.`,
      );
    }
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.length] };
    offset += t.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return out;
}
