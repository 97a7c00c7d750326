// Which kernel to use for a matrix: exact float64 while the Gram work (n·m² multiply-adds) takes
// at most about a second in plain TypeScript, a float32 GEMM kernel beyond that. CPU TF.js is no
// faster than plain TypeScript (measured 0.4 GFLOP/s), so it never replaces the exact kernel.

import { float64Kernel, type MatrixKernel } from './kernel';

/** n·m² up to this runs in float64 (≈ 0.4·10⁹ multiply-adds per second in V8 here). */
export const EXACT_KERNEL_LIMIT = 4e8;

export function chooseKernel(
  n: number,
  m: number,
  fast: (() => MatrixKernel) | null,
  force?: 'exact' | 'fast',
): MatrixKernel {
  if (force === 'exact' || fast === null) return float64Kernel;
  if (force === 'fast') return fast();
  return n * m * m <= EXACT_KERNEL_LIMIT ? float64Kernel : fast();
}
