// Human-readable numbers, shared by the CLI and the webviews so both say the same thing.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 → "1.5 KiB"; binary units, three significant digits. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${BYTE_UNITS[unit]}`;
}

const COUNT_UNITS = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
] as const;

/** 7_241_732_096 → "7.24B" (parameter counts, as model cards write them). */
export function formatCount(n: number): string {
  for (const [size, suffix] of COUNT_UNITS) {
    if (Math.abs(n) >= size) {
      const v = n / size;
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)}${suffix}`;
    }
  }
  return String(n);
}

/** Exact integer with thousands separators: 32768 → "32,768". */
export function formatInteger(n: number): string {
  return n.toLocaleString('en-US');
}

/** [512, 64]; a scalar (no dimensions) says so. */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? '[] (scalar)' : `[${shape.join(', ')}]`;
}

/** A statistic for display: 4 significant digits, exponent form for very large or small values. */
export function formatValue(x: number | null): string {
  if (x === null) return '—';
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e5 || a < 1e-3 ? x.toExponential(3) : Number(x.toPrecision(4)).toString();
}

/** x.toFixed(digits), or "—" for a missing or non-finite value (claims and reports). */
export function formatFixed(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** x.toPrecision(digits), or "—" for a missing or non-finite value. */
export function formatPrecision(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toPrecision(digits);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Orders "layers.2" before "layers.10". */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A name made safe for a file name: runs of anything but letters and digits become one "-". */
export function fileSlug(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
