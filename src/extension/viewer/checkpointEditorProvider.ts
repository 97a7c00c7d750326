// The checkpoint viewer: a read-only custom editor for *.safetensors (the default on
// double-click) and for *.safetensors.index.json (on request, "Open in Checkpoint Viewer").
// The host owns the files: it reads headers, computes per-tensor statistics in chunks and sends
// plain data to the page; the page never sees tensor bytes.

import * as vscode from 'vscode';
import { CoreError, messages, toWireError } from '../../core/errors';
import { computeTensorStats } from '../../core/safetensors/stats';
import { listen, type Handlers } from '../../shared/channel';
import {
  FROM_VIEWER_TYPES,
  VIEWER_PROTOCOL_VERSION,
  type DocRef,
  type FromViewer,
  type ToViewer,
} from '../../shared/viewerProtocol';
import { hostFilesFor } from '../files';
import { handlerFailed, log } from '../log';
import { settings } from '../settings';
import { makeNonce, webviewHtml } from '../webviewHtml';
import { CheckpointDocument } from './checkpointDocument';
import { findTensor } from '../../core/safetensors/findTensor';

export const VIEW_TYPE = 'superpositionLab.checkpointViewer';
export const INDEX_VIEW_TYPE = 'superpositionLab.checkpointIndexViewer';

/** Progress messages are throttled to this interval; the page animates between them. */
const PROGRESS_INTERVAL_MS = 100;

/** What the end-to-end tests read back through `superpositionLab.diagnostics.viewers`. */
export interface ViewerDiagnostics {
  readonly uri: string;
  readonly version: number;
  readonly state: 'loaded' | 'failed';
  readonly tensors: number;
  readonly errorCode: string | null;
  readonly bytesRead: number;
  readonly loadMs: number;
  readonly renderMs: number | null;
  readonly cspViolations: readonly string[];
}

class ViewerPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly jobs = new Map<string, vscode.CancellationTokenSource>();
  renderMs: number | null = null;
  readonly cspViolations: string[] = [];

  constructor(
    readonly document: CheckpointDocument,
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
  ) {
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    webview.html = webviewHtml({
      title: document.displayName,
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'viewer.js')).toString(),
      styleUris: ['base.css', 'viewer.css'].map((f) =>
        webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)).toString(),
      ),
      init: { protocolVersion: VIEWER_PROTOCOL_VERSION, source: document.displayName },
    });
    this.disposables.push(
      webview.onDidReceiveMessage(
        listen(FROM_VIEWER_TYPES, this.handlers, handlerFailed('Checkpoint viewer'), (msg) =>
          log().warn(`Viewer sent an unknown message: ${JSON.stringify(msg)?.slice(0, 200)}`),
        ),
      ),
      document.onDidReload(() => this.sendState()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private get doc(): DocRef {
    return { source: this.document.uri.toString(), version: this.document.version };
  }

  private post(msg: ToViewer): void {
    void this.panel.webview.postMessage(msg);
  }

  /** Sends the current model (or error), then any statistics already computed for it. */
  private sendState(): void {
    const s = this.document.state;
    if (s.kind === 'loaded') {
      this.post({ type: 'model', doc: this.doc, model: s.opened.model, notes: s.opened.notes });
      for (const stats of this.document.statsCache.values()) {
        this.post({ type: 'statsDone', requestId: 'cached', doc: this.doc, stats });
      }
    } else {
      this.post({ type: 'loadFailed', doc: this.doc, error: s.error });
    }
  }

  private readonly handlers: Handlers<FromViewer> = {
    ready: (m) => {
      if (m.protocolVersion !== VIEWER_PROTOCOL_VERSION) {
        log().warn(`Viewer protocol ${m.protocolVersion} ≠ ${VIEWER_PROTOCOL_VERSION}; ignoring the page.`);
        return;
      }
      this.sendState();
    },
    computeStats: (m) => this.computeStats(m.requestId, m.doc, m.tensor),
    cancelStats: (m) => this.jobs.get(m.requestId)?.cancel(),
    analyzeTensor: (m) =>
      void vscode.commands.executeCommand('superpositionLab.analyze', this.document.uri, { tensor: m.tensor }),
    rendered: (m) => {
      if (m.doc.version !== this.document.version) return;
      this.renderMs = m.ms;
      log().info(
        `Viewer for ${this.document.displayName} rendered ${m.rows} rows in ${m.ms.toFixed(1)} ms (page time)`,
      );
    },
    cspViolation: (m) => {
      this.cspViolations.push(`${m.directive} ${m.blockedURI}`);
      log().error(`Content-Security-Policy violation in the viewer: ${m.directive} blocked ${m.blockedURI}`);
    },
  };

  private async computeStats(requestId: string, doc: DocRef, tensorName: string): Promise<void> {
    const cts = new vscode.CancellationTokenSource();
    this.jobs.set(requestId, cts);
    const t0 = performance.now();
    try {
      const state = this.document.state;
      if (doc.version !== this.document.version || state.kind !== 'loaded') {
        throw new CoreError('safetensors/changed', messages.changed(this.document.displayName));
      }
      const { opened } = state;
      const tensor = findTensor(opened.model, tensorName);
      const { files } = hostFilesFor(this.document.uri);
      const shardPath = opened.shardPaths[tensor.shard]!;
      const reader = await files.openReader(shardPath);
      if (reader === null) throw new CoreError('file/not-found', messages.notFound(files.displayName(shardPath)));
      let lastPost = 0;
      const stats = await computeTensorStats(reader, opened.headers[tensor.shard]!, tensor, {
        bins: settings().histogramBins,
        isCancelled: () => cts.token.isCancellationRequested,
        onProgress: (fraction) => {
          const now = performance.now();
          if (now - lastPost < PROGRESS_INTERVAL_MS && fraction < 1) return;
          lastPost = now;
          this.post({ type: 'statsProgress', requestId, fraction });
        },
      });
      if (doc.version === this.document.version) this.document.statsCache.set(tensorName, stats);
      this.post({ type: 'statsDone', requestId, doc, stats });
      log().info(`Statistics of ${tensorName} (${tensor.numel} elements) in ${(performance.now() - t0).toFixed(0)} ms`);
    } catch (e) {
      const error = toWireError(e);
      if (error.code !== 'job/cancelled') {
        log().warn(`Statistics of ${tensorName} failed: [${error.code}] ${error.message}`);
      }
      this.post({ type: 'statsFailed', requestId, error });
    } finally {
      this.jobs.delete(requestId);
      cts.dispose();
    }
  }

  diagnostics(): ViewerDiagnostics {
    const s = this.document.state;
    return {
      uri: this.document.uri.toString(),
      version: this.document.version,
      state: s.kind,
      tensors: s.kind === 'loaded' ? s.opened.model.tensors.length : 0,
      errorCode: s.kind === 'failed' ? s.error.code : null,
      bytesRead: this.document.cost.bytesRead,
      loadMs: this.document.cost.ms,
      renderMs: this.renderMs,
      cspViolations: this.cspViolations,
    };
  }

  dispose(): void {
    for (const cts of this.jobs.values()) cts.cancel();
    this.disposables.forEach((d) => d.dispose());
    this.disposables.length = 0;
  }
}

export class CheckpointEditorProvider implements vscode.CustomReadonlyEditorProvider<CheckpointDocument> {
  private readonly panels = new Set<ViewerPanel>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  static register(context: vscode.ExtensionContext): CheckpointEditorProvider {
    const provider = new CheckpointEditorProvider(context.extensionUri);
    const options = { supportsMultipleEditorsPerDocument: true } as const;
    context.subscriptions.push(
      vscode.window.registerCustomEditorProvider(VIEW_TYPE, provider, options),
      vscode.window.registerCustomEditorProvider(INDEX_VIEW_TYPE, provider, options),
    );
    return provider;
  }

  async openCustomDocument(uri: vscode.Uri): Promise<CheckpointDocument> {
    return CheckpointDocument.open(uri);
  }

  resolveCustomEditor(document: CheckpointDocument, webviewPanel: vscode.WebviewPanel): void {
    const panel = new ViewerPanel(document, webviewPanel, this.extensionUri);
    this.panels.add(panel);
    webviewPanel.onDidDispose(() => this.panels.delete(panel));
  }

  diagnostics(): ViewerDiagnostics[] {
    return [...this.panels].map((p) => p.diagnostics());
  }
}
