// A float64 reference of one training step of the toy model, written out loop by loop from
// paper-spec §1.2–1.4. Slow, and only for tests: gradients are checked against finite
// differences, and the TF.js step (trainer.ts) against this on every backend.
//
//   forward   h = x W (B×m),  pre = h Wᵀ + b (B×n),  y = ReLU(pre)
//   loss      MSE = mean over B·n of (y − x)²; the gradient is taken of lossScale · MSE
//   gradient  G = lossScale · 2/(B n) · (y − x) ⊙ [pre > 0]
//             ∂/∂W = Gᵀ h + xᵀ (G W)   (W appears twice: decoder and encoder)
//             ∂/∂b = Σ_batch G
//   optimizer (exp/adamw.py) per group, in this order:
//     decay   γ ≥ 0: p ← p (1 − η γ);  γ < 0 (W, row-wise): p_i ← p_i + η γ (1 − 1/(‖p_i‖ + ε)) p_i
//     Adam    m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²
//             p ← p − η/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)

export interface ModelShape {
  readonly batch: number;
  readonly n: number;
  readonly m: number;
}

export interface StepHyper {
  readonly lrW: number;
  readonly lrB: number;
  readonly gamma: number;
  readonly lossScale: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

export interface ReferenceState {
  readonly W: Float64Array;
  readonly b: Float64Array;
  readonly mW: Float64Array;
  readonly vW: Float64Array;
  readonly mb: Float64Array;
  readonly vb: Float64Array;
  /** Steps taken so far (the next step is t + 1). */
  t: number;
}

export function mseLoss(W: Float64Array, b: Float64Array, x: ArrayLike<number>, s: ModelShape): number {
  const { batch, n, m } = s;
  let sum = 0;
  const h = new Float64Array(m);
  for (let r = 0; r < batch; r++) {
    h.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = x[r * n + i]!;
      if (xi !== 0) for (let k = 0; k < m; k++) h[k]! += xi * W[i * m + k]!;
    }
    for (let i = 0; i < n; i++) {
      let pre = b[i]!;
      for (let k = 0; k < m; k++) pre += h[k]! * W[i * m + k]!;
      const d = Math.max(0, pre) - x[r * n + i]!;
      sum += d * d;
    }
  }
  return sum / (batch * n);
}

export function gradients(W: Float64Array, b: Float64Array, x: ArrayLike<number>, s: ModelShape, lossScale: number) {
  const { batch, n, m } = s;
  const gW = new Float64Array(n * m);
  const gb = new Float64Array(n);
  const h = new Float64Array(m);
  const g = new Float64Array(n);
  const gw = new Float64Array(m); // (G W) for one sample
  const scale = (lossScale * 2) / (batch * n);
  let sum = 0;
  for (let r = 0; r < batch; r++) {
    h.fill(0);
    for (let i = 0; i < n; i++) {
      const xi = x[r * n + i]!;
      if (xi !== 0) for (let k = 0; k < m; k++) h[k]! += xi * W[i * m + k]!;
    }
    gw.fill(0);
    for (let i = 0; i < n; i++) {
      let pre = b[i]!;
      for (let k = 0; k < m; k++) pre += h[k]! * W[i * m + k]!;
      const d = Math.max(0, pre) - x[r * n + i]!;
      sum += d * d;
      g[i] = pre > 0 ? scale * d : 0;
      gb[i]! += g[i]!;
      // Decoder term Gᵀ h, and accumulate G W for the encoder term.
      for (let k = 0; k < m; k++) {
        gW[i * m + k]! += g[i]! * h[k]!;
        gw[k]! += g[i]! * W[i * m + k]!;
      }
    }
    // Encoder term xᵀ (G W).
    for (let i = 0; i < n; i++) {
      const xi = x[r * n + i]!;
      if (xi !== 0) for (let k = 0; k < m; k++) gW[i * m + k]! += xi * gw[k]!;
    }
  }
  return { gW, gb, mse: sum / (batch * n) };
}

/** The custom AdamW update of one parameter group (in place). */
function adamw(
  p: Float64Array,
  grad: Float64Array,
  m1: Float64Array,
  v2: Float64Array,
  t: number,
  lr: number,
  gamma: number,
  rowLength: number | null,
  h: StepHyper,
): void {
  if (gamma >= 0) {
    for (let i = 0; i < p.length; i++) p[i]! *= 1 - lr * gamma;
  } else if (rowLength !== null) {
    for (let r = 0; r < p.length / rowLength; r++) {
      let ss = 0;
      for (let k = 0; k < rowLength; k++) ss += p[r * rowLength + k]! ** 2;
      const factor = lr * gamma * (1 - 1 / (Math.sqrt(ss) + h.eps));
      for (let k = 0; k < rowLength; k++) p[r * rowLength + k]! += factor * p[r * rowLength + k]!;
    }
  }
  const bc1 = 1 - h.beta1 ** t;
  const bc2 = Math.sqrt(1 - h.beta2 ** t);
  for (let i = 0; i < p.length; i++) {
    m1[i] = h.beta1 * m1[i]! + (1 - h.beta1) * grad[i]!;
    v2[i] = h.beta2 * v2[i]! + (1 - h.beta2) * grad[i]! * grad[i]!;
    p[i]! -= (lr / bc1) * (m1[i]! / (Math.sqrt(v2[i]!) / bc2 + h.eps));
  }
}

/** One training step on batch `x`; returns the (unscaled) MSE before the update. */
export function referenceStep(state: ReferenceState, x: ArrayLike<number>, s: ModelShape, h: StepHyper): number {
  const { gW, gb, mse } = gradients(state.W, state.b, x, s, h.lossScale);
  state.t++;
  adamw(state.W, gW, state.mW, state.vW, state.t, h.lrW, h.gamma, s.m, h);
  // The bias group never decays (γ = 0 in the paper's code).
  adamw(state.b, gb, state.mb, state.vb, state.t, h.lrB, 0, null, h);
  return mse;
}
