// Every dtype of the safetensors format (huggingface/safetensors `Dtype`, 22 in the 0.8 reference;
// the order is the reference's enum order), with its width in
// bits and whether we can turn it into numbers. Sub-byte dtypes (F4, F6_*) and complex C64 are
// listed, sized and validated like the rest, but not decoded: see `why` below.

export const DTYPES = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

export type Dtype = (typeof DTYPES)[number];

export interface DtypeInfo {
  /** Width of one element in bits (4 and 6 for the packed micro-float formats). */
  readonly bits: number;
  /** Null when decodable to real numbers; otherwise the reason it is not. */
  readonly notDecodableBecause: string | null;
}

const PACKED = 'packed sub-byte floats; the format does not fix the order of elements within a byte';

export const DTYPE_INFO: Readonly<Record<Dtype, DtypeInfo>> = {
  BOOL: { bits: 8, notDecodableBecause: null },
  F4: { bits: 4, notDecodableBecause: PACKED },
  F6_E2M3: { bits: 6, notDecodableBecause: PACKED },
  F6_E3M2: { bits: 6, notDecodableBecause: PACKED },
  U8: { bits: 8, notDecodableBecause: null },
  I8: { bits: 8, notDecodableBecause: null },
  F8_E5M2: { bits: 8, notDecodableBecause: null },
  F8_E4M3: { bits: 8, notDecodableBecause: null },
  F8_E8M0: { bits: 8, notDecodableBecause: null },
  F8_E4M3FNUZ: { bits: 8, notDecodableBecause: null },
  F8_E5M2FNUZ: { bits: 8, notDecodableBecause: null },
  I16: { bits: 16, notDecodableBecause: null },
  U16: { bits: 16, notDecodableBecause: null },
  F16: { bits: 16, notDecodableBecause: null },
  BF16: { bits: 16, notDecodableBecause: null },
  I32: { bits: 32, notDecodableBecause: null },
  U32: { bits: 32, notDecodableBecause: null },
  F32: { bits: 32, notDecodableBecause: null },
  C64: { bits: 64, notDecodableBecause: 'complex numbers have no single real value' },
  F64: { bits: 64, notDecodableBecause: null },
  I64: { bits: 64, notDecodableBecause: null },
  U64: { bits: 64, notDecodableBecause: null },
};

const DTYPE_SET: ReadonlySet<string> = new Set(DTYPES);

export function isDtype(value: unknown): value is Dtype {
  return typeof value === 'string' && DTYPE_SET.has(value);
}

/** Bytes per element for byte-aligned dtypes; undefined for the packed sub-byte ones. */
export function bytesPerElement(dtype: Dtype): number | undefined {
  const bits = DTYPE_INFO[dtype].bits;
  return bits % 8 === 0 ? bits / 8 : undefined;
}

export function isDecodable(dtype: Dtype): boolean {
  return DTYPE_INFO[dtype].notDecodableBecause === null;
}
