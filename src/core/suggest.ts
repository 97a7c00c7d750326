// "Did you mean …?": the closest known name to one the user typed (config keys and values, tensor
// names). One place, so every surface suggests the same way.

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  return boundedEditDistance(a, b, Math.max(a.length, b.length));
}

/**
 * Levenshtein distance if it is at most `limit`, else limit + 1. Two rows and an early exit once a
 * whole row exceeds the limit: checking 10⁵ tensor names stays well under a second.
 */
function boundedEditDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length]!, limit + 1);
}

/** The closest known name within a small edit distance (case-insensitive), if any. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3));
  for (const k of known) {
    const dist = boundedEditDistance(lower, k.toLowerCase(), bestDistance);
    if (dist < bestDistance || (dist === bestDistance && best === undefined)) {
      best = k;
      bestDistance = dist;
    }
  }
  return best;
}

/** Names are compared this far at most: a checkpoint may hold 10⁵ tensors with long names. */
const MAX_COMPARED = 200;

/**
 * The tensor a user probably meant: a module path given without its parameter suffix
 * (`lm_head` → `lm_head.weight`, preferring `.weight`), else the closest name by edit distance.
 */
export function suggestTensorName(name: string, known: readonly string[]): string | undefined {
  const withSuffix = known.filter((k) => k.startsWith(`${name}.`));
  if (withSuffix.length > 0) return withSuffix.find((k) => k === `${name}.weight`) ?? withSuffix[0];
  if (name.length > MAX_COMPARED) return undefined;
  return suggest(name, known);
}
