// Commented starting points for "New Experiment…": each a complete, valid config that runs as it
// is, with comments that say what it shows and how long it takes. The quick demo is also
// examples/quick-demo.experiment.yaml (a test keeps the two equal); the paper presets are the
// reproduction's own configs at CPU scale (spec §5), so they cannot drift from `reproduce`.

import { reproducePresets, type PresetId } from '../reproduce/presets';

export interface ExperimentTemplate {
  readonly id: string;
  readonly label: string;
  /** One line for the picker: what it shows (the picker adds the run count and a time estimate). */
  readonly detail: string;
  /** The config's `name:` and file stem (`<name>.experiment.yaml`). */
  readonly name: string;
  readonly yaml: string;
}

const QUICK_DEMO = `# A short tour of the paper's toy model (Liu, Liu & Gore, arXiv 2505.10465).
# Two series of widths m = 4 … 32 on n = 256 features with Zipf-like frequencies p_i ∝ i^−1.2:
#   γ = −1   pulls every row of W to unit norm: all features are represented, overlapping
#            (strong superposition), and the loss falls about like 1/m;
#   γ = 0.3  shrinks rows that do not pay for themselves: only ~m features are represented
#            (weak superposition), and the loss falls more slowly.
# Run it: \`npx superposition-lab run examples/quick-demo.experiment.yaml\`, or open this file in
# VS Code and click "Run experiment" above the first line. The paper's CPU-scale settings are
# in examples/paper/.
version: 1
name: quick-demo
description: Strong vs weak superposition, in under a minute on two cores.
data:
  features: 256
  distribution: power
  exponent: 1.2
  density: 1
model:
  width: [4, 8, 16, 32]
optimizer:
  weightDecay: [-1, 0.3]
  lr: paper-large
  warmup: 0.05
  lossScale: 100
train:
  steps: 1000
  batch: 128
  seeds: 0
`;

const STRONG_VS_WEAK = `# Strong against weak superposition across the three frequency families of the paper's Fig. 1.
# γ = −1 keeps every row of W near unit norm (strong: L ∝ 1/m for every family); γ = 0.25 lets
# unimportant rows shrink (weak: only the power law keeps a power law). n = 512, widths 8 … 64,
# 2 seeds per width.
version: 1
name: strong-vs-weak
description: Loss against width for power, exponential and linear frequencies, strong and weak.
data:
  features: 512
  distribution: [power, exponential, linear]
  exponent: 1.2
  scale: 200
model:
  width: [8, 16, 32, 64]
optimizer:
  weightDecay: [-1, 0.25]
  lr: paper-large
  warmup: 0.05
  lossScale: 100
train:
  steps: 2000
  batch: 256
  seeds: [0, 1]
`;

const ALPHA_SWEEP = `# The width exponent α_m against the data exponent α (paper Figs. 4b and 5e). Weak superposition
# (γ = 0.25) should give α_m ≈ α − 1; strong (γ = −0.78) α_m ≈ 1, rising towards 2(α − 1) for
# steep α. n = 500, four α, five widths.
version: 1
name: alpha-sweep
description: The width exponent α_m against the data exponent α, strong and weak.
data:
  features: 500
  distribution: power
  exponent: [0.75, 1.25, 1.5, 2]
model:
  width: [10, 15, 25, 39, 63]
optimizer:
  weightDecay: [-0.7778, 0.25]
  lr: paper-small
  warmup: 0.1
  minLrRatio: 0.05
  lossScale: 1
train:
  steps: 2000
  batch: 256
`;

const DENSITY_SWEEP = `# Activation density E, the expected number of active features per sample (paper Fig. 14):
# the loss should grow about linearly with E while the strong-regime exponent stays near 1.
# n = 500, α = 1, three densities, strongest and weakest γ.
version: 1
name: density-sweep
description: Loss grows with the activation density E; the strong-regime exponent does not change.
data:
  features: 500
  distribution: power
  exponent: 1
  density: [1, 3, 6]
model:
  width: [10, 15, 25, 39, 63]
optimizer:
  weightDecay: [-1, 1]
  lr: paper-small
  warmup: 0.1
  minLrRatio: 0.05
  lossScale: 1
train:
  steps: 2000
  batch: 256
`;

const PRESET_NOTE: Record<PresetId, string> = {
  A: 'Fig. 1d and claims H1–H2',
  B: 'Fig. 1b and claims H3–H6',
  C: 'Fig. 3 and claims H7–H9',
  D: 'Figs. 4b, 5e, 9b and claims H10–H14',
  E: 'Fig. 14 and claim H16',
};

function paperPresets(): ExperimentTemplate[] {
  return reproducePresets('default').map((p) => ({
    id: `paper-${p.id}`,
    label: `Paper preset ${p.id} (${p.name})`,
    detail: `${PRESET_NOTE[p.id]}, at the reproduction's CPU scale (spec §5)`,
    name: p.name,
    yaml:
      `# Paper preset ${p.id} (${PRESET_NOTE[p.id]}) at the CPU scale of \`superposition-lab reproduce\`\n` +
      `# (docs: paper-spec §5). The report checks it against the paper: run \`reproduce\` to get it.\n` +
      p.yaml,
  }));
}

export function experimentTemplates(): ExperimentTemplate[] {
  return [
    {
      id: 'quick-demo',
      label: 'Quick demo',
      detail: 'Strong vs weak superposition on 256 features',
      name: 'quick-demo',
      yaml: QUICK_DEMO,
    },
    {
      id: 'strong-vs-weak',
      label: 'Strong vs weak, three frequency families',
      detail: 'Paper Fig. 1 in small: power, exponential and linear frequencies',
      name: 'strong-vs-weak',
      yaml: STRONG_VS_WEAK,
    },
    {
      id: 'alpha-sweep',
      label: 'α sweep',
      detail: 'α_m against the data exponent α (Figs. 4b, 5e)',
      name: 'alpha-sweep',
      yaml: ALPHA_SWEEP,
    },
    {
      id: 'density-sweep',
      label: 'Density sweep',
      detail: 'Loss against the activation density E (Fig. 14)',
      name: 'density-sweep',
      yaml: DENSITY_SWEEP,
    },
    ...paperPresets(),
  ];
}

/** A template's text for another experiment name (the `name:` line follows the file name). */
export function templateWithName(template: ExperimentTemplate, name: string): string {
  return template.yaml.replace(/^name: .*$/m, `name: ${name}`);
}
