// A finished run's W read back from its safetensors file, for the panel's W Wᵀ heatmap of a run
// trained earlier (or by another process): the answer is the `weights` message, with the reason
// when the file is missing or holds no W of the run's shape.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { CoreError, messages, toWireError } from '../../core/errors';
import { readSafetensorsHeader, readTensorFloat32 } from '../../core/safetensors/reader';
import type { RunResult } from '../../core/toy/results';
import type { ToExperiment } from '../../shared/experimentProtocol';
import { openNodeReader } from '../../node/files';

export async function runWeights(outDir: string, run: RunResult): Promise<Extract<ToExperiment, { type: 'weights' }>> {
  const file = path.join(outDir, run.weights);
  const n = run.n;
  const m = run.values.width;
  try {
    const reader = await openNodeReader(file, vscode.workspace.asRelativePath(file));
    if (reader === null) throw new CoreError('file/not-found', messages.notFound(file));
    const header = await readSafetensorsHeader(reader);
    const tensor = header.tensors.find((t) => t.name === 'W');
    if (!tensor || tensor.shape.length !== 2 || tensor.shape[0] !== n || tensor.shape[1] !== m) {
      throw new CoreError('analysis/not-a-matrix', `${file} has no W of shape [${n}, ${m}].`);
    }
    const W = await readTensorFloat32(reader, header, tensor);
    return { type: 'weights', runId: run.id, n, m, W: W.buffer as ArrayBuffer };
  } catch (e) {
    return { type: 'weights', runId: run.id, n, m, W: null, error: toWireError(e).message };
  }
}
