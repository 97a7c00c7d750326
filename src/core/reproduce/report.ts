// report.html: one self-contained page with no scripts. Every chart is drawn twice as inline SVG
// (light and dark palettes; the page shows the one matching the reader's colour scheme, or VS
// Code's theme class in a webview), and its Vega-Lite spec with the data is inlined beside it as a
// JSON data block, so the page works offline, under a script-free CSP, and the numbers can be
// re-plotted. The renderer is passed in: the core stays free of any particular Vega runtime.

import type { ChartData } from '../charts/analysisSpecs';
import { idealWeakSpec, lossVsWidthSpec, phiVsGammaSpec, weakLossSpec } from '../charts/experimentSpecs';
import type { ExperimentResults } from '../toy/results';
import type { ClaimCheck } from './claims';
import { claimCounts } from './claims';
import type { Preset, PresetId, ReproduceMode } from './presets';
import {
  alphaMVsAlphaSpec,
  llmLossSpec,
  lossVsDensitySpec,
  overlapVsWidthSpec,
  paramsVsWidthSpec,
  phiOneVsWidthSpec,
} from './reportSpecs';

export type ChartTheme = 'light' | 'dark';
export type SvgRenderer = (spec: Record<string, unknown>, theme: ChartTheme) => Promise<string>;

export interface ReportInput {
  readonly mode: ReproduceMode;
  readonly command: string;
  readonly createdAt: string;
  readonly presets: readonly Preset[];
  readonly results: Partial<Record<PresetId, ExperimentResults>>;
  /** Runs planned and finished per preset (a stopped reproduction is reported as partial). */
  readonly progress: Partial<Record<PresetId, { done: number; total: number }>>;
  readonly claims: readonly ClaimCheck[];
  readonly backend: string;
}

interface Section {
  readonly figure: string;
  readonly title: string;
  /** What the paper's figure shows (spec §4 and the figure captions), to compare with ours. */
  readonly paper: string;
  readonly charts: readonly (ChartData | null)[];
  readonly missing?: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function sections(r: ReportInput['results']): Section[] {
  const all = Object.values(r).flatMap((x) => x?.runs ?? []);
  const merged =
    (r.D ?? r.A ?? r.C) && all.length > 0 ? ({ ...(r.D ?? r.A ?? r.C)!, runs: all } as ExperimentResults) : null;
  return [
    {
      figure: 'Figure 1',
      title: 'Loss against width, strong and weak superposition (experiments A, B)',
      paper:
        'Fig. 1d (n = 10240, γ = −1): straight lines of slope ≈ −1 on log–log axes for exponential, power-law and linear frequencies. ' +
        'Fig. 1b (γ = 0.1): linear and exponential frequencies bend and flatten; only the power law keeps a power law.',
      charts: [r.A ? lossVsWidthSpec(r.A) : null, r.B ? lossVsWidthSpec(r.B) : null],
    },
    {
      figure: 'Figure 3',
      title: 'Fraction of represented features against weight decay (experiment C)',
      paper:
        'φ½ is 1 for γ ≤ −0.56, falls through a sigmoid around γ ≈ 0 and approaches m/n for γ ≥ 0.33; the transition moves to larger γ as m grows.',
      charts: [r.C ? phiVsGammaSpec(r.C) : null],
    },
    {
      figure: 'Figure 4',
      title: 'The weak-regime prediction and the weak-regime exponent (all experiments; D)',
      paper:
        'Fig. 4a: weak runs (γ > 0) sit on or above the line loss = (4/3)·Σ p_i over the unlearned features; strong runs have a prediction near 0. ' +
        'Fig. 4b: in ideal weak runs (the 9 of 170 (γ, α) pairs of least ambiguity ‖W Wᵀ − R‖₂, App. D.5) α_m ≈ α − 1.',
      charts: [
        merged ? weakLossSpec(merged) : null,
        r.D ? alphaMVsAlphaSpec(r.D) : null,
        r.D ? idealWeakSpec(r.D) : null,
      ],
    },
    {
      figure: 'Figure 5',
      title: 'Strong superposition: overlaps ≈ 1/m and many strongly represented features (experiment D)',
      paper:
        'Fig. 5d: the mean squared overlap of the rows with norm > 1 follows 1/m for every α. Fig. 5 (16): φ₁ ≫ m/n, near min(1, m²/2n). ' +
        'Fig. 5e: strong-regime α_m ≈ 1 for α ≲ 1.25, rising towards 2(α − 1).',
      charts: [r.D ? overlapVsWidthSpec(r.D) : null, r.D ? phiOneVsWidthSpec(r.D) : null],
    },
    {
      figure: 'Figure 6',
      title: 'Large language models',
      paper:
        'Fig. 6a: the mean squared overlap of 27 LM heads falls roughly as 1/m. Fig. 6b: L − L∞ = C/m^α with α = 0.91 ± 0.04 over 4 families × 4 datasets. ' +
        'Fig. 23: N ∝ m^2.51. Fig. 6a needs the 27 checkpoints and is not redrawn here; 6b uses a table reconstructed from the reported fit (see H17).',
      charts: [llmLossSpec(), paramsVsWidthSpec()],
    },
    {
      figure: 'Figure 9',
      title: 'How good are the power laws? (experiments A, B, D)',
      paper:
        'Fig. 9a: R² ≥ 0.95 for every strong fit; in the weak regime only the power law reaches 0.99. Fig. 9b: α_m over (γ, α), ≈ 1 under strong decay for α ≲ 1.5.',
      charts: [],
    },
    {
      figure: 'Figure 14',
      title: 'Activation density (experiment E)',
      paper: 'Loss grows about linearly with E at every γ; the strong-regime exponent stays ≈ 1.1 for E = 1 … 7.5.',
      charts: [r.E ? lossVsDensitySpec(r.E) : null],
    },
  ];
}

function seriesTable(r: ReportInput['results']): string {
  const rows = (['A', 'B', 'D', 'E'] as const).flatMap((id) =>
    (r[id]?.series ?? []).map(
      (s) =>
        `<tr><td>${id}</td><td>${esc(s.id)}</td><td class="num">${s.alphaM?.toFixed(3) ?? '—'}</td><td class="num">${s.alphaMStderr?.toFixed(3) ?? '—'}</td><td class="num">${s.r2?.toFixed(3) ?? '—'}</td><td>${s.fitWidths.join(', ')}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '<p class="muted">No series finished yet.</p>';
  return `<table><thead><tr><th>exp.</th><th>series</th><th>α_m</th><th>± SE</th><th>R²</th><th>widths</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STATUS_TEXT = { pass: 'pass', fail: 'FAIL', 'not-checked': 'not checked here' } as const;

const MOVED = {
  towards: 'towards the paper',
  away: 'away from the paper',
  same: 'about as far from the paper',
} as const;

/** The notes under a claim: why not checked, samples against the paper's, a wider tolerance, the smaller run. */
function claimNotes(c: ClaimCheck): string {
  const notes = [
    c.note,
    c.samples ? `Runs vs the paper: ${c.samples}.` : undefined,
    c.wider ? `Tolerance wider than the paper’s error bar: ${c.wider}.` : undefined,
    c.comparison
      ? c.comparison.moreSamples === null
        ? `At the ${c.comparison.mode} size: ${STATUS_TEXT[c.comparison.status]} (no comparable distance).`
        : `At the ${c.comparison.mode} size: ${STATUS_TEXT[c.comparison.status]}, distance from the paper ${c.comparison.distance?.toPrecision(3)} vs ${c.distance?.toPrecision(3)} here: more samples moved it ${MOVED[c.comparison.moreSamples]}.`
      : undefined,
  ];
  return notes
    .filter((n): n is string => n !== undefined)
    .map((n) => `<div class="note">${esc(n)}</div>`)
    .join('');
}

export function claimsTableHtml(claims: readonly ClaimCheck[]): string {
  const rows = claims
    .map(
      (c) =>
        `<tr class="${c.status}"><td>${c.id}</td><td>${esc(c.claim)}${claimNotes(c)}</td><td>${esc(c.paper)}</td><td>${esc(c.ours)}</td><td>${esc(c.tolerance)}${c.check ? `<div class="note">check: <code>${esc(c.check)}</code></div>` : ''}</td><td class="status">${STATUS_TEXT[c.status]}</td></tr>`,
    )
    .join('');
  return `<table id="claims"><thead><tr><th>#</th><th>claim</th><th>paper</th><th>ours</th><th>tolerance</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** Fixed size for the static rendering (the panel's charts fill their container instead). */
const sized = (spec: Record<string, unknown>) => ({ ...spec, width: 520, autosize: { type: 'pad' } });
const jsonBlock = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

async function chartHtml(chart: ChartData, id: string, render: SvgRenderer): Promise<string> {
  const spec = sized(chart.spec);
  const [light, dark] = await Promise.all([render(spec, 'light'), render(spec, 'dark')]);
  return (
    `<figure id="${id}"><div class="chart light">${light}</div><div class="chart dark">${dark}</div>` +
    `<script type="application/json" class="vega-lite-spec">${jsonBlock(spec)}</script></figure>`
  );
}

const STYLE = `
:root { color-scheme: light dark; }
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px 24px; color: #1f1f1f; background: #fff; }
a { color: #0066bf; }
.muted, .note { color: #6b6b6b; }
.note { font-size: 12px; margin-top: 2px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid rgba(128,128,128,.35); padding: 4px 6px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.pass .status { color: #1a7f37; font-weight: 600; }
tr.fail .status { color: #cf222e; font-weight: 700; }
tr.not-checked .status { color: #6b6b6b; }
figure { margin: 8px 0 16px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart.dark { display: none; }
.paper { border-left: 3px solid rgba(128,128,128,.5); padding-left: 8px; }
.summary strong.fail { color: #cf222e; }
.banner { border-left: 4px solid #bf8700; padding: 0.5em 0.8em; background: rgba(191, 135, 0, 0.1); }
@media (prefers-color-scheme: dark) {
  body { color: #e0e0e0; background: #1e1e1e; }
  a { color: #4daafc; } .muted, .note { color: #a0a0a0; }
  .chart.light { display: none; } .chart.dark { display: block; }
  tr.pass .status { color: #3fb950; } tr.fail .status, .summary strong.fail { color: #f85149; }
}
body.vscode-light, body.vscode-high-contrast-light { color: var(--vscode-foreground); background: var(--vscode-editor-background); }
body.vscode-dark, body.vscode-high-contrast { color: var(--vscode-foreground); background: var(--vscode-editor-background); }
body.vscode-light .chart.light, body.vscode-high-contrast-light .chart.light { display: block; }
body.vscode-light .chart.dark, body.vscode-high-contrast-light .chart.dark { display: none; }
body.vscode-dark .chart.light, body.vscode-high-contrast .chart.light { display: none; }
body.vscode-dark .chart.dark, body.vscode-high-contrast .chart.dark { display: block; }
body.vscode-dark tr.pass .status { color: #3fb950; } body.vscode-dark tr.fail .status { color: #f85149; }
`;

export async function reportHtml(input: ReportInput, render: SvgRenderer): Promise<string> {
  const counts = claimCounts(input.claims);
  const done = input.presets.reduce((s, p) => s + (input.progress[p.id]?.done ?? 0), 0);
  const total = input.presets.reduce((s, p) => s + (input.progress[p.id]?.total ?? 0), 0);
  const partial = done < total;
  const body: string[] = [];
  body.push(`<h1>Superposition Yields Robust Neural Scaling — reproduction (${esc(input.mode)})</h1>`);
  body.push(
    `<p class="muted">Generated ${esc(input.createdAt)} by <code>${esc(input.command)}</code> · ${done} of ${total} runs on ${esc(input.backend)}` +
      `${partial ? ' · <strong>partial: the reproduction was stopped; run the same command to resume</strong>' : ''}. ` +
      'Paper: Liu, Liu &amp; Gore, arXiv 2505.10465. Settings: paper-spec §5 (' +
      esc(input.presets.map((p) => `${p.id} = ${p.name}`).join(', ')) +
      '); the configs and results are in <code>experiments/</code> beside this file.</p>',
  );
  if (input.mode === 'tiny') {
    // A tiny run checks that the pipeline works; read first, before the red fail count below.
    body.push(
      '<p class="banner"><strong>Tiny run: these verdicts say nothing about the paper.</strong> ' +
        'Its models train for seconds on a few hundred features, far from the paper’s sample counts, so many claims ' +
        'fail for that reason alone. Run <code>reproduce --quick</code> (minutes) or the default CPU scale for numbers that mean something.</p>',
    );
  }
  body.push(
    `<h2>Claims</h2><p class="summary"><strong>${counts.pass} pass</strong> · <strong class="fail">${counts.fail} fail</strong> · ${counts['not-checked']} not checked here. ` +
      'Tolerances are wider than the paper’s error bars because these runs are smaller than the paper’s; each row says how.</p>',
  );
  body.push(claimsTableHtml(input.claims));
  let index = 0;
  for (const s of sections(input.results)) {
    body.push(`<h2>${esc(s.figure)}: ${esc(s.title)}</h2><p class="paper"><strong>Paper:</strong> ${esc(s.paper)}</p>`);
    const charts = s.charts.filter((c): c is ChartData => c !== null);
    if (s.figure === 'Figure 9') body.push(seriesTable(input.results));
    else if (charts.length === 0) {
      body.push('<p class="muted">Not drawn: the experiments behind it have no results yet.</p>');
    }
    const html = await Promise.all(charts.map((c) => chartHtml(c, `chart-${++index}`, render)));
    if (html.length > 0) body.push(`<div class="charts">${html.join('')}</div>`);
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Paper reproduction (${esc(input.mode)}): ${counts.pass} pass, ${counts.fail} fail</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
