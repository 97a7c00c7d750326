// The Welch bound (paper Eq. 5): for ν unit vectors in R^m with ν > m, the largest |overlap|
// between two of them is at least κ = √((ν − m) / (m (ν − 1))). κ² → 1/m as ν grows, which is why
// 1/m is the reference line for squared overlaps. With ν ≤ m the vectors can be orthogonal (κ = 0).
// Equiangular tight frames reach the bound; real ones exist only for ν ≤ m(m + 1)/2.

export function welchBound(nu: number, m: number): number {
  if (nu <= m || nu < 2) return 0;
  return Math.sqrt((nu - m) / (m * (nu - 1)));
}

/** The most vectors a real equiangular tight frame in R^m can have. */
export function maxRealEtfSize(m: number): number {
  return (m * (m + 1)) / 2;
}
