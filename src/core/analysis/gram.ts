// W Wᵀ of a small matrix, for heatmaps (the toy model: n ≤ a few thousand). Large matrices never
// build it: the analysis works on m×m Grams (superposition.ts).

/** W Wᵀ (n×n, float32) of a row-major n×m W: the symmetric half computed, then mirrored. */
export function gramMatrix(W: Float32Array, n: number, m: number): Float32Array {
  const G = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = i * m;
    for (let j = 0; j <= i; j++) {
      const b = j * m;
      let s = 0;
      for (let k = 0; k < m; k++) s += W[a + k]! * W[b + k]!;
      G[i * n + j] = s;
      G[j * n + i] = s;
    }
  }
  return G;
}
