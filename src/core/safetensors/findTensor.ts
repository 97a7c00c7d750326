// Looking a tensor up by the name a user typed (CLI --tensor, stats, the viewer's requests).

import { CoreError, messages } from '../errors';
import { suggestTensorName } from '../suggest';
import type { CheckpointModel, ModelTensor } from './model';

/** The tensor named `name`; otherwise a CoreError that suggests the name the user probably meant. */
export function findTensor(model: CheckpointModel, name: string): ModelTensor {
  const tensor = model.tensors.find((t) => t.name === name);
  if (tensor !== undefined) return tensor;
  const hint = suggestTensorName(
    name,
    model.tensors.map((t) => t.name),
  );
  throw new CoreError('safetensors/tensor-not-found', messages.tensorNotFound(model.source, name, hint));
}
