// Editor language features for `*.experiment.yaml` as pure functions: completion, hover and the
// outline. The extension only converts their plain results into vscode objects, so everything the
// user sees here is tested without an editor. Implementation in ./language/.

export { completionsAt } from './language/completion';
export { hoverAt } from './language/hover';
export { outline } from './language/outline';
export type { CompletionEntry, HoverInfo, OutlineSymbol } from './language/types';
