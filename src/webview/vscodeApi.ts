// The webview side of the VS Code bridge. `acquireVsCodeApi` may be called only once per page.

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

let api: VsCodeApi<unknown> | undefined;

export function vscodeApi<State>(): VsCodeApi<State> {
  api ??= acquireVsCodeApi<unknown>();
  return api as VsCodeApi<State>;
}

/** The page's init data, written by the host into `<body data-init="...">`. */
export function readInit<T>(): T {
  return JSON.parse(document.body.dataset['init'] ?? '{}') as T;
}
