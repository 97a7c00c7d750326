// The WGSL programs of one fused training step (fusedTrainer.ts runs them in this order, in one
// compute pass; WebGPU orders the dispatches of a pass by their storage-buffer hazards):
//   hidden    h = x W per compact row, from the row's sparse entries
//   forward   pre = h Wᵀ + b (tiled), y = ReLU(pre), Ĝ = (y − x) ⊙ [pre > 0], per-tile Σ w_s (y − x)²
//   gw        u = Ĝ W (tiled), for the encoder term
//   decoder   dW = Ĝᵀ h (tiled; empty rows have h = 0, so row weights are not needed here)
//   encoder   dW[i] += Σ over the entries of feature i of x_si u_s (each feature once: no races)
//   adamB     db = Σ_s w_s Ĝ_s, then Adam on b
//   mse       Σ of the forward tiles · 1/(B n) into this step's MSE slot
//   adamW     row-wise decay or growth (paper-spec §1.4), then Adam on W, one row per thread group
// Everything works on all R runs at once (the run index is the z workgroup). The gradient is Ĝ,
// without its factor c = lossScale·2/(B n): Adam's moments absorb it as trainer.ts explains.
// Sums are plain float32 loops and tree reductions: deterministic, no atomics.

import { GROUP, TILE } from './layout';

type Access = 'uniform' | 'read' | 'read_write';

/** Binding numbers, one table for every kernel (each declares only what it uses). */
export const BINDINGS = {
  d: 0,
  runs: 1,
  batch: 2,
  W: 3,
  b: 4,
  h: 5,
  G: 6,
  u: 7,
  dW: 8,
  partials: 9,
  mse: 10,
  mW: 11,
  vW: 12,
  mb: 13,
  vb: 14,
} as const;
export type BufferName = keyof typeof BINDINGS;

export interface Kernel {
  readonly name: string;
  /** The buffers it binds and how; the bind group is built from this list. */
  readonly uses: Readonly<Partial<Record<BufferName, Access>>>;
  readonly code: string;
}

const STRUCTS = /* wgsl */ `
struct Dims {
  n: u32, m: u32, cap: u32, rows: u32, runs: u32, slot: u32, syncCap: u32, tilesI: u32,
  tilesS: u32, _p0: u32, _p1: u32, _p2: u32,
  invBn: f32, eps: f32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, _p3: f32, _p4: f32,
}
// Word offsets of this run's batch in 'batch' (layout.ts packBatches) and its optimizer numbers.
struct Run {
  samples: u32, cols: u32, values: u32, featPtr: u32, featCount: u32, rowPtr: u32, perm: u32, weights: u32,
  decayA: f32, decayB: f32, stepW: f32, stepB: f32, epsHat: f32, _p0: f32, _p1: f32, _p2: f32,
}
`;

function declarations(uses: Kernel['uses']): string {
  return Object.entries(uses)
    .map(([name, access]) => {
      const binding = BINDINGS[name as BufferName];
      if (name === 'd') return `@group(0) @binding(${binding}) var<uniform> d: Dims;`;
      const type = name === 'runs' ? 'array<Run>' : name === 'batch' ? 'array<u32>' : 'array<f32>';
      return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: ${type};`;
    })
    .join('\n');
}

function kernel(name: string, uses: Kernel['uses'], body: string): Kernel {
  return {
    name,
    uses,
    code: `${STRUCTS}\n${declarations(uses)}\nconst TILE = ${TILE}u;\nconst GROUP = ${GROUP}u;\n${body}`,
  };
}

/** Helpers on a run's packed batch. */
const BATCH_FNS = /* wgsl */ `
fn weightOf(run: Run, s: u32) -> f32 { return bitcast<f32>(batch[run.weights + s]); }
fn valueOf(run: Run, e: u32) -> f32 { return bitcast<f32>(batch[run.values + e]); }
`;

const FLAT_ARGS = `@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u`;
/** The flat index of a one-dimensional dispatch folded into x·y workgroups (layout.ts foldedGroups). */
const FLAT_INDEX = `(wid.y * nwg.x + wid.x) * GROUP + lid.x`;

const hidden = kernel(
  'hidden',
  { d: 'uniform', runs: 'read', batch: 'read', W: 'read', h: 'read_write' },
  /* wgsl */ `${BATCH_FNS}
@compute @workgroup_size(${GROUP})
fn main(${FLAT_ARGS}) {
  let r = wid.z;
  let idx = ${FLAT_INDEX};
  if (idx >= d.rows * d.m) { return; }
  let s = idx / d.m;
  let k = idx % d.m;
  let run = runs[r];
  var acc = 0.0;
  for (var e = batch[run.rowPtr + s]; e < batch[run.rowPtr + s + 1u]; e++) {
    let j = batch[run.perm + e];
    acc += valueOf(run, j) * W[(r * d.n + batch[run.cols + j]) * d.m + k];
  }
  h[(r * d.cap + s) * d.m + k] = acc;
}`,
);

/** Tile buffers of the tiled kernels: a[row][col] and b[row][col], 16×16 each. */
const TILES = /* wgsl */ `
var<workgroup> ta: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> tb: array<array<f32, ${TILE}>, ${TILE}>;
`;
const TILE_ARGS = `@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u`;

const forward = kernel(
  'forward',
  {
    d: 'uniform',
    runs: 'read',
    batch: 'read',
    W: 'read',
    b: 'read',
    h: 'read',
    G: 'read_write',
    partials: 'read_write',
  },
  /* wgsl */ `${BATCH_FNS}${TILES}
var<workgroup> red: array<f32, ${TILE * TILE}>;
// One 16×16 tile of (compact row s, feature i); workgroups (i tile, s tile, run).
@compute @workgroup_size(${TILE}, ${TILE})
fn main(${TILE_ARGS}) {
  let r = wid.z;
  let s = wid.y * TILE + lid.y;
  let i = wid.x * TILE + lid.x;
  let wi = wid.x * TILE + lid.y; // the W row this invocation loads into the tile
  var acc = 0.0;
  for (var k0 = 0u; k0 < d.m; k0 += TILE) {
    let k = k0 + lid.x;
    var hv = 0.0;
    if (s < d.rows && k < d.m) { hv = h[(r * d.cap + s) * d.m + k]; }
    ta[lid.y][lid.x] = hv;
    var wv = 0.0;
    if (wi < d.n && k < d.m) { wv = W[(r * d.n + wi) * d.m + k]; }
    tb[lid.y][lid.x] = wv;
    workgroupBarrier();
    for (var kk = 0u; kk < TILE; kk++) { acc += ta[lid.y][kk] * tb[lid.x][kk]; }
    workgroupBarrier();
  }
  var sq = 0.0;
  if (s < d.rows && i < d.n) {
    let run = runs[r];
    let pre = acc + b[r * d.n + i];
    // x_si from the row's few entries (about E of them).
    var x = 0.0;
    for (var e = batch[run.rowPtr + s]; e < batch[run.rowPtr + s + 1u]; e++) {
      let j = batch[run.perm + e];
      if (batch[run.cols + j] == i) { x = valueOf(run, j); }
    }
    let diff = max(pre, 0.0) - x;
    // ReLU'(0) = 0, as in PyTorch.
    G[(r * d.cap + s) * d.n + i] = select(0.0, diff, pre > 0.0);
    sq = weightOf(run, s) * diff * diff;
  }
  let t = lid.y * TILE + lid.x;
  red[t] = sq;
  workgroupBarrier();
  for (var stride = TILE * TILE / 2u; stride > 0u; stride >>= 1u) {
    if (t < stride) { red[t] += red[t + stride]; }
    workgroupBarrier();
  }
  if (t == 0u) { partials[(r * d.tilesS + wid.y) * d.tilesI + wid.x] = red[0]; }
}`,
);

const gw = kernel(
  'gw',
  { d: 'uniform', W: 'read', G: 'read', u: 'read_write' },
  /* wgsl */ `${TILES}
// u = Ĝ W: one 16×16 tile of (compact row s, column k); workgroups (k tile, s tile, run).
@compute @workgroup_size(${TILE}, ${TILE})
fn main(${TILE_ARGS}) {
  let r = wid.z;
  let s = wid.y * TILE + lid.y;
  let k = wid.x * TILE + lid.x;
  var acc = 0.0;
  for (var i0 = 0u; i0 < d.n; i0 += TILE) {
    let gi = i0 + lid.x;
    var gv = 0.0;
    if (s < d.rows && gi < d.n) { gv = G[(r * d.cap + s) * d.n + gi]; }
    ta[lid.y][lid.x] = gv;
    let wi = i0 + lid.y;
    var wv = 0.0;
    if (wi < d.n && k < d.m) { wv = W[(r * d.n + wi) * d.m + k]; }
    tb[lid.y][lid.x] = wv;
    workgroupBarrier();
    for (var ii = 0u; ii < TILE; ii++) { acc += ta[lid.y][ii] * tb[ii][lid.x]; }
    workgroupBarrier();
  }
  if (s < d.rows && k < d.m) { u[(r * d.cap + s) * d.m + k] = acc; }
}`,
);

const decoder = kernel(
  'decoder',
  { d: 'uniform', G: 'read', h: 'read', dW: 'read_write' },
  /* wgsl */ `${TILES}
// dW = Ĝᵀ h: one 16×16 tile of (feature i, column k); workgroups (k tile, i tile, run).
@compute @workgroup_size(${TILE}, ${TILE})
fn main(${TILE_ARGS}) {
  let r = wid.z;
  let i = wid.y * TILE + lid.y;
  let k = wid.x * TILE + lid.x;
  let gi = wid.y * TILE + lid.x; // the feature this invocation loads into the Ĝ tile
  var acc = 0.0;
  for (var s0 = 0u; s0 < d.rows; s0 += TILE) {
    let s = s0 + lid.y;
    var gv = 0.0;
    if (s < d.rows && gi < d.n) { gv = G[(r * d.cap + s) * d.n + gi]; }
    ta[lid.y][lid.x] = gv;
    var hv = 0.0;
    if (s < d.rows && k < d.m) { hv = h[(r * d.cap + s) * d.m + k]; }
    tb[lid.y][lid.x] = hv;
    workgroupBarrier();
    for (var ss = 0u; ss < TILE; ss++) { acc += ta[ss][lid.y] * tb[ss][lid.x]; }
    workgroupBarrier();
  }
  if (i < d.n && k < d.m) { dW[(r * d.n + i) * d.m + k] = acc; }
}`,
);

const encoder = kernel(
  'encoder',
  { d: 'uniform', runs: 'read', batch: 'read', u: 'read', dW: 'read_write' },
  /* wgsl */ `${BATCH_FNS}
// Workgroups (k block, feature slots with a stride, run): feature f of the run's distinct active
// features adds Σ x_si u_s over its entries to its row of dW.
@compute @workgroup_size(${GROUP})
fn main(${FLAT_ARGS}) {
  let r = wid.z;
  let k = wid.x * GROUP + lid.x;
  if (k >= d.m) { return; }
  let run = runs[r];
  for (var f = wid.y; f < run.featCount; f += nwg.y) {
    let e0 = batch[run.featPtr + f];
    let e1 = batch[run.featPtr + f + 1u];
    var acc = 0.0;
    for (var e = e0; e < e1; e++) {
      acc += valueOf(run, e) * u[(r * d.cap + batch[run.samples + e]) * d.m + k];
    }
    let at = (r * d.n + batch[run.cols + e0]) * d.m + k;
    dW[at] = dW[at] + acc;
  }
}`,
);

const adamB = kernel(
  'adamB',
  { d: 'uniform', runs: 'read', batch: 'read', G: 'read', b: 'read_write', mb: 'read_write', vb: 'read_write' },
  /* wgsl */ `${BATCH_FNS}
// One feature per invocation: db = Σ_s w_s Ĝ_si, then Adam (the bias never decays).
@compute @workgroup_size(${GROUP})
fn main(${FLAT_ARGS}) {
  let r = wid.z;
  let i = ${FLAT_INDEX};
  if (i >= d.n) { return; }
  let run = runs[r];
  var g = 0.0;
  for (var s = 0u; s < d.rows; s++) { g += weightOf(run, s) * G[(r * d.cap + s) * d.n + i]; }
  let j = r * d.n + i;
  let m1 = d.beta1 * mb[j] + d.oneMinusBeta1 * g;
  let v2 = d.beta2 * vb[j] + d.oneMinusBeta2 * g * g;
  mb[j] = m1;
  vb[j] = v2;
  b[j] = b[j] - m1 / (sqrt(v2) + run.epsHat) * run.stepB;
}`,
);

const mse = kernel(
  'mse',
  { d: 'uniform', partials: 'read', mse: 'read_write' },
  /* wgsl */ `
var<workgroup> red: array<f32, ${GROUP}>;
// One workgroup per run: the forward tiles' sums (only the tiles this step dispatched).
@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let r = wid.x;
  let total = ((d.rows + TILE - 1u) / TILE) * d.tilesI;
  let base = r * d.tilesS * d.tilesI;
  var acc = 0.0;
  for (var t = lid.x; t < total; t += GROUP) { acc += partials[base + t]; }
  red[lid.x] = acc;
  workgroupBarrier();
  for (var stride = GROUP / 2u; stride > 0u; stride >>= 1u) {
    if (lid.x < stride) { red[lid.x] += red[lid.x + stride]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { mse[r * d.syncCap + d.slot] = red[0] * d.invBn; }
}`,
);

/** Invocations per row of the AdamW kernel: the power of two ≥ m, at most GROUP. */
export function threadsPerRow(m: number): number {
  let t = 1;
  while (t < m && t < GROUP) t *= 2;
  return t;
}

function adamW(m: number): Kernel {
  const tpr = threadsPerRow(m);
  return kernel(
    'adamW',
    { d: 'uniform', runs: 'read', W: 'read_write', dW: 'read', mW: 'read_write', vW: 'read_write' },
    /* wgsl */ `
const TPR = ${tpr}u; // invocations per row
const RPW = GROUP / TPR; // rows per workgroup
var<workgroup> red: array<f32, ${GROUP}>;
@compute @workgroup_size(${GROUP})
fn main(${FLAT_ARGS}) {
  let r = wid.z;
  let lane = lid.x % TPR;
  let seg0 = lid.x - lane; // the row segment's first invocation
  let i = (wid.y * nwg.x + wid.x) * RPW + lid.x / TPR;
  let live = i < d.n;
  let base = (r * d.n + i) * d.m;
  // ‖W_i‖², every invocation of the row's segment adding its share, then a tree in the segment.
  var ss = 0.0;
  if (live) {
    for (var k = lane; k < d.m; k += TPR) { let w = W[base + k]; ss += w * w; }
  }
  red[lid.x] = ss;
  workgroupBarrier();
  for (var stride = TPR / 2u; stride > 0u; stride >>= 1u) {
    if (lane < stride) { red[lid.x] += red[lid.x + stride]; }
    workgroupBarrier();
  }
  if (!live) { return; }
  let run = runs[r];
  // Decay or growth first (decayB = 0 unless γ < 0), then Adam.
  let factor = run.decayA + run.decayB / (sqrt(red[seg0]) + d.eps);
  for (var k = lane; k < d.m; k += TPR) {
    let j = base + k;
    let g = dW[j];
    let m1 = d.beta1 * mW[j] + d.oneMinusBeta1 * g;
    let v2 = d.beta2 * vW[j] + d.oneMinusBeta2 * g * g;
    mW[j] = m1;
    vW[j] = v2;
    W[j] = W[j] * factor - m1 / (sqrt(v2) + run.epsHat) * run.stepW;
  }
}`,
  );
}

/** The step's kernels for width m, in dispatch order. */
export function stepKernels(m: number): Kernel[] {
  return [hidden, forward, gw, decoder, encoder, adamB, mse, adamW(m)];
}
