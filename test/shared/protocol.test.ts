// Contract tests: a sample of every message survives structured clone unchanged, and the runtime
// guards accept the samples and reject junk. (Exhaustive handling is checked by the compiler.)
import { describe, expect, it } from 'vitest';
import { isMessageOf } from '../../src/shared/channel';
import { FROM_VIEWER_TYPES, TO_VIEWER_TYPES, type FromViewer, type ToViewer } from '../../src/shared/viewerProtocol';
import { FROM_WORKER_TYPES, TO_WORKER_TYPES, type FromWorker, type ToWorker } from '../../src/shared/workerProtocol';
import { readSafetensorsHeader, memoryReader } from '../../src/core/safetensors/reader';
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
    rendered: { type: 'rendered', doc, rows: 7, ms: 12.5 },
    cspViolation: { type: 'cspViolation', directive: 'script-src', blockedURI: 'eval' },
  };
  const toWorker: Record<ToWorker['type'], ToWorker> = {
    run: { type: 'run', jobId: 'j1', backend: 'auto', job: { kind: 'probe' } },
    cancel: { type: 'cancel', jobId: 'j1' },
  };
  const fromWorker: Record<FromWorker['type'], FromWorker> = {
    started: { type: 'started', jobId: 'j1', backend: 'webgl' },
    done: {
      type: 'done',
      jobId: 'j1',
      result: {
        kind: 'probe',
        backend: { name: 'cpu', skipped: [{ name: 'webgpu', reason: 'no adapter' }] },
        maxAbsError: 0,
        ms: 1,
      },
    },
    failed: { type: 'failed', jobId: 'j1', error },
  };
  return { toViewer, fromViewer, toWorker, fromWorker };
}

describe('message contracts', () => {
  it('has a sample of every message, and the type sets list exactly those', async () => {
    const s = await samples();
    expect(new Set(Object.keys(s.toViewer))).toEqual(TO_VIEWER_TYPES);
    expect(new Set(Object.keys(s.fromViewer))).toEqual(FROM_VIEWER_TYPES);
    expect(new Set(Object.keys(s.toWorker))).toEqual(TO_WORKER_TYPES);
    expect(new Set(Object.keys(s.fromWorker))).toEqual(FROM_WORKER_TYPES);
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
