// Contract tests: a sample of every message survives structured clone unchanged, and the runtime
// guards accept the samples and reject junk. (Exhaustive handling is checked by the compiler.)
import { describe, expect, it } from 'vitest';
import { isMessageOf } from '../../src/shared/channel';
import { FROM_VIEWER_TYPES, TO_VIEWER_TYPES, type FromViewer, type ToViewer } from '../../src/shared/viewerProtocol';
import {
  FROM_NODE_WORKER_TYPES,
  TO_NODE_WORKER_TYPES,
  type FromNodeWorker,
  type ToNodeWorker,
} from '../../src/shared/nodeWorkerProtocol';
import {
  FROM_ANALYSIS_TYPES,
  TO_ANALYSIS_TYPES,
  type FromAnalysis,
  type ToAnalysis,
} from '../../src/shared/analysisProtocol';
import {
  FROM_EXPERIMENT_TYPES,
  TO_EXPERIMENT_TYPES,
  type FromExperiment,
  type ToExperiment,
} from '../../src/shared/experimentProtocol';
import { expandSweep } from '../../src/core/config/sweep';
import { parseExperimentConfig } from '../../src/core/config/parse';
import { emptyResults, withRun, type RunResult } from '../../src/core/toy/results';
import { readSafetensorsHeader, memoryReader } from '../../src/core/safetensors/reader';
import { SuperpositionAccumulator } from '../../src/core/analysis/superposition';
import { float64Kernel } from '../../src/core/analysis/kernel';
import { analysisReport } from '../../src/core/analysis/report';
import { singleFileModel } from '../../src/core/safetensors/model';
import { computeTensorStats } from '../../src/core/safetensors/stats';
import { smallModelFile } from '../fixtures/safetensors';

async function samples() {
  const reader = memoryReader('m.safetensors', smallModelFile());
  const header = await readSafetensorsHeader(reader);
  const { model } = singleFileModel(header);
  const stats = await computeTensorStats(reader, header, header.tensors[0]!);
  const doc = { source: 'file:///m.safetensors', version: 3 };
  const error = { code: 'safetensors/gap', message: 'm.safetensors: gap.' } as const;
  const toViewer: Record<ToViewer['type'], ToViewer> = {
    model: { type: 'model', doc, model, notes: ['a note'] },
    loadFailed: { type: 'loadFailed', doc, error },
    statsProgress: { type: 'statsProgress', requestId: 'r1', fraction: 0.5 },
    statsDone: { type: 'statsDone', requestId: 'r1', doc, stats },
    statsFailed: { type: 'statsFailed', requestId: 'r1', error: { code: 'job/cancelled', message: 'Cancelled.' } },
  };
  const fromViewer: Record<FromViewer['type'], FromViewer> = {
    ready: { type: 'ready', protocolVersion: 1 },
    computeStats: { type: 'computeStats', requestId: 'r1', doc, tensor: 'embed.weight' },
    cancelStats: { type: 'cancelStats', requestId: 'r1' },
    analyzeTensor: { type: 'analyzeTensor', tensor: 'lm_head.weight' },
    rendered: { type: 'rendered', doc, rows: 7, ms: 12.5 },
    cspViolation: { type: 'cspViolation', directive: 'script-src', blockedURI: 'eval' },
  };
  const acc = new SuperpositionAccumulator(4, 2, { kernel: float64Kernel });
  await acc.addRows(Float32Array.from([1, 0, 0, 1, 1, 1, 0, 2]), 4);
  const analysis = await acc.finish();
  const report = analysisReport(
    {
      file: 'm.safetensors',
      tensor: 'w',
      dtype: 'F32',
      transposed: false,
      tensorChoice: 'named',
      pairBudget: 2e9,
      seed: 0,
      backend: 'wasm',
      ms: 3,
    },
    analysis,
  );
  const layout = { n: 4, m: 2, transpose: false, dtype: 'F32' } as const;
  const settings = { pairBudget: 2e9, sampleRows: 2048, seed: 0, heatmapMaxRows: 2000 };
  const subject = {
    id: 'file:///m.safetensors#w',
    file: 'm.safetensors',
    tensor: 'w',
    tensorChoice: 'named',
    layout,
    transposeHint: null,
  };
  const place = { where: 'extension-host', backend: { name: 'wasm', skipped: [] }, kernel: 'float64' } as const;
  const toAnalysis: Record<ToAnalysis['type'], ToAnalysis> = {
    subjects: {
      type: 'subjects',
      subjects: [subject],
      settings,
      state: { mode: 'single', requests: [{ uri: 'file:///m.safetensors', tensor: null, transpose: false }] },
    },
    result: { type: 'result', subjectId: subject.id, report, cached: true, place },
    heatmap: { type: 'heatmap', subjectId: subject.id, n: 4, gram: new ArrayBuffer(64) },
    jobQueued: { type: 'jobQueued', jobId: 'a1', subjectId: subject.id },
    jobStarted: { type: 'jobStarted', jobId: 'a1', subjectId: subject.id, place },
    progress: { type: 'progress', jobId: 'a1', fraction: 0.5, label: 'rows 2 of 4' },
    partial: {
      type: 'partial',
      jobId: 'a1',
      total: 4,
      norms: { rows: 2, histogram: { max: 1.25, counts: [0, 2] }, half: 1, one: 0 },
    },
    subjectFailed: { type: 'subjectFailed', subjectId: subject.id, error },
  };
  const fromAnalysis: Record<FromAnalysis['type'], FromAnalysis> = {
    ready: { type: 'ready', protocolVersion: 2 },
    cancel: { type: 'cancel', jobId: 'a1' },
    rerun: { type: 'rerun', settings },
    analyzeTransposed: { type: 'analyzeTransposed', subjectId: subject.id },
    export: { type: 'export', fileName: 'x.svg', format: 'svg', content: '<svg/>' },
    rendered: { type: 'rendered', charts: ['rowNorms'] },
    cspViolation: { type: 'cspViolation', directive: 'script-src', blockedURI: 'inline' },
  };
  const config = parseExperimentConfig('version: 1\nmodel: {width: [4, 8]}\n', {
    fileName: 'x.experiment.yaml',
  }).config!;
  const [spec] = expandSweep(config);
  const run: RunResult = {
    id: spec!.id,
    series: spec!.series,
    values: spec!.values,
    n: spec!.n,
    steps: spec!.steps,
    finalLoss: 0.5,
    finalLossStd: 0.01,
    finalMse: 0.5 / spec!.n,
    fracRepresented: 1,
    fracStrong: 0.25,
    meanSqOverlap: 0.2,
    meanSqOverlapStrong: 0.21,
    strongRows: 256,
    welchBoundSq: 0.19,
    predictedWeakLoss: 0,
    predictedWeakLossEq14: 0,
    rowNorm: { mean: 1, std: 0.1, min: 0.6, max: 1.2 },
    rowNormHistogram: { max: 1.25, counts: [0, 3, 1] },
    lossCurve: [{ step: 30, mse: 0.01, loss: 10.24 }],
    cappedFeatures: 0,
    effectiveDensity: 1,
    ms: 1234,
    backend: 'wasm',
    weights: `runs/${spec!.id}.safetensors`,
  };
  const results = withRun(emptyResults(config, 2, '2026-01-01T00:00:00Z'), run, '2026-01-01T00:00:01Z');
  const overview = {
    name: 'x',
    description: '',
    configFile: 'x.experiment.yaml',
    outDir: 'results/x',
    runs: [spec!],
    stepsPerRun: 6000,
    results,
    elsewhere: [{ id: spec!.id, host: 'node7', pid: 4242 }],
    failed: [{ id: spec!.id, message: 'the GPU device was lost' }],
    slurm: 'Slurm (squeue, job spl-sweep): 2 running, 1 pending.',
  };
  const live = {
    runId: spec!.id,
    steps: 6000,
    step: 50,
    loss: 10.24,
    where: 'in the extension host on wasm',
    points: [{ step: 50, loss: 10.24 }],
    startedAt: 1_767_225_600_000,
  };
  const toExperiment: Record<ToExperiment['type'], ToExperiment> = {
    overview: { type: 'overview', overview },
    state: { type: 'state', state: { kind: 'running', stopping: false } },
    live: { type: 'live', live },
    results: { type: 'results', results },
    weights: { type: 'weights', runId: spec!.id, n: 2, m: 1, W: new ArrayBuffer(8) },
  };
  const fromExperiment: Record<FromExperiment['type'], FromExperiment> = {
    ready: { type: 'ready', protocolVersion: 2 },
    start: { type: 'start' },
    stop: { type: 'stop' },
    requestWeights: { type: 'requestWeights', runId: spec!.id },
    openRun: { type: 'openRun', runId: spec!.id, action: 'analyze' },
    export: { type: 'export', fileName: 'x.csv', format: 'csv', content: 'a\n1\n' },
    rendered: { type: 'rendered', charts: ['chart-loss-curves'], doneRows: 1 },
    cspViolation: { type: 'cspViolation', directive: 'script-src', blockedURI: 'inline' },
  };
  const gpu = {
    name: 'webgpu',
    skipped: [],
    adapter: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: '', software: false },
  } as const;
  const toNodeWorker: Record<ToNodeWorker['type'], ToNodeWorker> = {
    run: { type: 'run', jobId: 'n1', job: { kind: 'analyzeFile', file: '/data/m.safetensors', transpose: false } },
    cancel: { type: 'cancel', jobId: 'n1' },
  };
  const fromNodeWorker: Record<FromNodeWorker['type'], FromNodeWorker> = {
    started: { type: 'started', jobId: 'n1', backend: gpu, kernel: 'tfjs-webgpu' },
    progress: { type: 'progress', jobId: 'n1', fraction: 0.5 },
    partial: {
      type: 'partial',
      jobId: 'n1',
      total: 16,
      norms: { rows: 4, histogram: { max: 1.25, counts: [0, 4] }, half: 1, one: 0 },
    },
    trainProgress: { type: 'trainProgress', jobId: 'n2', step: 50, mse: 0.01 },
    done: {
      type: 'done',
      jobId: 'n1',
      result: { kind: 'analyzeFile', backend: gpu, report: { ...report, compute: gpu }, transposeHint: null },
    },
    failed: {
      type: 'failed',
      jobId: 'n2',
      error: {
        code: 'compute/device-lost',
        message: 'The GPU device (nvidia hopper) was lost during the job (destroyed).',
      },
    },
  };
  return {
    toViewer,
    fromViewer,
    toAnalysis,
    fromAnalysis,
    toExperiment,
    fromExperiment,
    toNodeWorker,
    fromNodeWorker,
  };
}

describe('message contracts', () => {
  it('has a sample of every message, and the type sets list exactly those', async () => {
    const s = await samples();
    expect(new Set(Object.keys(s.toViewer))).toEqual(TO_VIEWER_TYPES);
    expect(new Set(Object.keys(s.fromViewer))).toEqual(FROM_VIEWER_TYPES);
    expect(new Set(Object.keys(s.toAnalysis))).toEqual(TO_ANALYSIS_TYPES);
    expect(new Set(Object.keys(s.fromAnalysis))).toEqual(FROM_ANALYSIS_TYPES);
    expect(new Set(Object.keys(s.toExperiment))).toEqual(TO_EXPERIMENT_TYPES);
    expect(new Set(Object.keys(s.fromExperiment))).toEqual(FROM_EXPERIMENT_TYPES);
    expect(new Set(Object.keys(s.toNodeWorker))).toEqual(TO_NODE_WORKER_TYPES);
    expect(new Set(Object.keys(s.fromNodeWorker))).toEqual(FROM_NODE_WORKER_TYPES);
  });

  it('every sample survives structuredClone unchanged (plain data only)', async () => {
    const s = await samples();
    for (const group of Object.values(s)) {
      for (const msg of Object.values(group)) expect(structuredClone(msg)).toEqual(msg);
    }
  });

  it('guards accept the samples and reject junk', async () => {
    const s = await samples();
    for (const m of Object.values(s.toViewer)) expect(isMessageOf(m, TO_VIEWER_TYPES)).toBe(true);
    for (const junk of [null, 3, 'model', {}, { type: 'nope' }, { type: 'ready' }]) {
      expect(isMessageOf(junk, TO_VIEWER_TYPES)).toBe(false);
    }
    expect(isMessageOf({ type: 'ready' }, FROM_VIEWER_TYPES)).toBe(true);
  });
});
