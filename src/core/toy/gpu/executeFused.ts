/// <reference types="@webgpu/types" />
// One run from start to finish on the fused WebGPU trainer: executeRun.ts's executeRun with
// trainFused (a batch of one) in place of trainRun. The record is the same; its backend is the
// caller's (the worker says 'webgpu').

import type { RunSpec } from '../../config/sweep';
import type { FeatureFrequencies } from '../distributions';
import { measureRun, trainSettings } from '../executeRun';
import type { TrainedRun } from '../results';
import type { TrainHooks } from '../trainer';
import { trainFused, type FusedOptions } from './fusedTrainer';

export async function executeFusedRun(
  device: GPUDevice,
  spec: RunSpec,
  freq: FeatureFrequencies,
  backend: string,
  hooks: TrainHooks = {},
  options: FusedOptions = {},
): Promise<TrainedRun> {
  const { onProgress, ...rest } = hooks;
  const [out] = await trainFused(
    device,
    [{ settings: trainSettings(spec), p: freq.p }],
    { ...rest, ...(onProgress ? { onProgress: (step, mse) => onProgress(step, mse[0]!) } : {}) },
    options,
  );
  return measureRun(spec, freq, backend, out!);
}
