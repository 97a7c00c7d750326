// Counts the binary data (ArrayBuffers and typed arrays) in a message before it is posted to a
// webview: the analysis panel reports it, so tests can check that no tensor bytes reach the page.
// Plain data only (what postMessage carries): objects and arrays are walked, nothing else.

export function binaryBytes(value: unknown, depth = 0): number {
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  // Reports are a few levels deep; a histogram's counts are the deepest arrays of numbers.
  if (value === null || typeof value !== 'object' || depth > 8) return 0;
  let sum = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    if (typeof v === 'object' && v !== null) sum += binaryBytes(v, depth + 1);
  }
  return sum;
}
