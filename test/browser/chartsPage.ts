// Test page script: every chart the panels draw, rendered by the panels' own code (renderChart +
// themeConfig from src/webview/charts) with VS Code's Dark Modern and Light Modern theme colours,
// in figures as wide as a narrow panel and as a wide one. window.checkCharts(theme, width)
// returns each text of each chart that a reader could not read: outside the chart's drawing,
// overflowing the figure, cut short by Vega ("…"), or with a contrast below 4.5:1 (WCAG AA).
import { linearFit } from '../../src/core/stats/regression';
import { SuperpositionAccumulator } from '../../src/core/analysis/superposition';
import { float64Kernel } from '../../src/core/analysis/kernel';
import { analysisReport } from '../../src/core/analysis/report';
import { compareSpec, rowNormSpec, sqOverlapSpec, type ChartData } from '../../src/core/charts/analysisSpecs';
import {
  lossCurvesSpec,
  lossVsWidthSpec,
  normHistogramSpec,
  phiVsGammaSpec,
  weakLossSpec,
} from '../../src/core/charts/experimentSpecs';
import { histogramSpec } from '../../src/core/charts/histogramSpec';
import { frequencySpec, predictionSpec, welchSpec } from '../../src/core/charts/previewSpecs';
import { parseExperimentConfig } from '../../src/core/config/parse';
import { previewTheory } from '../../src/core/toy/theory';
import { renderChart } from '../../src/webview/charts/vegaChart';
import { fakeExperimentResults } from '../fixtures/chartData';
import { prng } from '../fixtures/safetensors';

/** The theme colours the charts read, as VS Code 1.139 sets them in webviews. */
const THEMES = {
  dark: {
    class: 'vscode-dark',
    vars: {
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editorWidget-border': '#313131',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
    },
  },
  light: {
    class: 'vscode-light',
    vars: {
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-editorWidget-border': '#e5e5e5',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
    },
  },
} as const;

const QUICK_DEMO = `version: 1
data: {features: 256, distribution: power, exponent: 1.2}
model: {width: [4, 8, 16, 32]}
optimizer: {weightDecay: [-1, 0.3]}
train: {steps: 1000, batch: 128}
`;

async function analysisCharts(): Promise<[string, ChartData | null][]> {
  const n = 512;
  const m = 64;
  const r = prng(3);
  const values = Float32Array.from({ length: n * m }, () => r() - 0.5);
  const acc = new SuperpositionAccumulator(n, m, { kernel: float64Kernel });
  await acc.addRows(values, n);
  const report = analysisReport(
    {
      file: 'stories260K.lm_head.safetensors',
      tensor: 'tok_embeddings.weight',
      dtype: 'F32',
      transposed: false,
      tensorChoice: 'known LM-head name',
      pairBudget: 2e9,
      seed: 0,
      backend: 'none',
      ms: 1,
    },
    await acc.finish(),
  );
  const points = [16, 32, 64].map((w) => ({
    file: `head-m${w}.safetensors`,
    m: w,
    invM: 1 / w,
    meanSqOverlap: 1.02 / w,
  }));
  const fit = linearFit(
    points.map((p) => Math.log(p.invM)),
    points.map((p) => Math.log(p.meanSqOverlap)),
  );
  return [
    ['analysis row norms', rowNormSpec(report)],
    ['analysis squared overlaps', sqOverlapSpec(report)],
    ['analysis compare', compareSpec(points, fit)],
  ];
}

async function allCharts(): Promise<[string, Record<string, unknown>][]> {
  const results = fakeExperimentResults();
  const theory = previewTheory(parseExperimentConfig(QUICK_DEMO, { fileName: 'demo.experiment.yaml' }).config!);
  const measured = theory.series.flatMap((s) => theory.widths.map((m) => ({ series: s.label, m, loss: 1 / m })));
  const charts: [string, ChartData | null][] = [
    ['experiment loss curves', lossCurvesSpec(results, 100)],
    ['experiment loss curves, while the first run trains', lossCurvesSpec(null, 1000)],
    ['experiment loss vs width', lossVsWidthSpec(results)],
    ['experiment φ½ vs γ', phiVsGammaSpec(results)],
    ['experiment weak loss', weakLossSpec(results)],
    ['experiment norm histogram', normHistogramSpec(results.runs[0]!)],
    ['preview frequencies', frequencySpec(theory)],
    ['preview predictions', predictionSpec(theory, measured)],
    ['preview Welch bound', welchSpec(theory)],
    ...(await analysisCharts()),
  ];
  const histogram = {
    min: -1.2,
    max: 1.3,
    counts: Array.from({ length: 64 }, (_, i) => Math.round(7000 * Math.exp(-(((i - 30) / 9) ** 2)))),
  };
  return [
    ...charts
      .filter((c): c is [string, ChartData] => c[1] !== null)
      .map(([name, c]): [string, Record<string, unknown>] => [name, c.spec]),
    [
      'viewer histogram (log counts)',
      histogramSpec(histogram, { title: 'Value histogram of tok_embeddings.weight', logCounts: true }),
    ],
  ];
}

function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** A computed CSS colour (rgb/rgba) with its opacity blended over the background. */
function blended(color: string, opacity: number, background: readonly number[]): number[] {
  const parts = /rgba?\(([^)]+)\)/
    .exec(color)?.[1]
    ?.split(',')
    .map((p) => Number(p.trim())) ?? [0, 0, 0];
  const alpha = (parts[3] ?? 1) * opacity;
  return [0, 1, 2].map((i) => parts[i]! * alpha + background[i]! * (1 - alpha));
}

function contrast(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

function hexToRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

interface Problem {
  readonly chart: string;
  readonly text: string;
  readonly problem: string;
}

Object.assign(window, {
  async checkCharts(
    theme: keyof typeof THEMES,
    width: number,
  ): Promise<{ charts: number; texts: number; problems: Problem[] }> {
    const t = THEMES[theme];
    document.body.className = t.class;
    for (const [k, v] of Object.entries(t.vars)) document.body.style.setProperty(k, v);
    document.body.style.background = t.vars['--vscode-editor-background'];
    document.body.replaceChildren();
    const background = hexToRgb(t.vars['--vscode-editor-background']);
    const problems: Problem[] = [];
    let texts = 0;
    const charts = await allCharts();
    for (const [name, spec] of charts) {
      const figure = document.createElement('figure');
      figure.style.cssText = `width: ${width}px; margin: 0 0 16px 0; padding: 0;`;
      const holder = document.createElement('div');
      holder.style.cssText = 'width: 100%; min-height: 200px;';
      figure.append(holder);
      document.body.append(figure);
      const chart = await renderChart(holder, spec);
      // The live curve streams in after the chart is drawn, as in the panel while a run trains.
      if (name.includes('while the first run trains')) {
        const live = Array.from({ length: 200 }, (_, i) => ({ run: 'live', step: (i + 1) * 5, loss: 30 / (i + 1) }));
        chart.result.view.insert('live', live);
      }
      await chart.result.view.runAsync();
      const svg = holder.querySelector('svg');
      if (svg === null) {
        problems.push({ chart: name, text: '', problem: 'no SVG was drawn' });
        continue;
      }
      const area = svg.getBoundingClientRect();
      const frame = figure.getBoundingClientRect();
      if (area.right > frame.right + 1) {
        problems.push({
          chart: name,
          text: '',
          problem: `the chart is ${Math.round(area.width)} px wide in a ${width} px figure`,
        });
      }
      for (const el of svg.querySelectorAll('text')) {
        const text = el.textContent?.trim() ?? '';
        const style = getComputedStyle(el);
        const opacity = Number(style.fillOpacity || 1) * Number(style.opacity || 1);
        // Vega hides overlapping axis labels by making them transparent: those are not drawn.
        if (text === '' || opacity === 0) continue;
        texts++;
        const box = el.getBoundingClientRect();
        const outside =
          box.left < area.left - 1 ||
          box.right > area.right + 1 ||
          box.top < area.top - 1 ||
          box.bottom > area.bottom + 1;
        if (outside) problems.push({ chart: name, text, problem: 'drawn outside the chart (clipped)' });
        if (text.endsWith('…')) problems.push({ chart: name, text, problem: 'cut short by Vega' });
        const ratio = contrast(blended(style.fill, opacity, background), background);
        if (ratio < 4.5) {
          problems.push({ chart: name, text, problem: `contrast ${ratio.toFixed(2)}:1 (${style.fill})` });
        }
      }
      chart.dispose();
    }
    return { charts: charts.length, texts, problems };
  },
});
document.body.dataset['ready'] = 'true';
