// The live preview beside a config: one per config file. On every edit (debounced) the host
// parses the document's text and sends the config, or its problems, tagged with the document
// version; the page draws the theory and runs a quick check in its worker. The page never sees a
// file: the host reads an empirical counts file for it.
//
// retainContextWhenHidden: the quick check runs in this panel's worker.

import * as vscode from 'vscode';
import { READ_LIMITS, readRegularText, statRegularFile } from '../../node/safeRead';
import * as path from 'node:path';
import { checkConfigForEditor } from '../../core/config/editorCheck';
import { parseCounts } from '../../core/toy/distributions';
import { CoreError, messages, toWireError } from '../../core/errors';
import { dispatch, isMessageOf, type Handlers } from '../../shared/channel';
import {
  FROM_PREVIEW_TYPES,
  PREVIEW_PROTOCOL_VERSION,
  type FromPreview,
  type PreviewInit,
  type QuickCheckState,
  type ToPreview,
} from '../../shared/previewProtocol';
import { loadComputePage } from '../computePage';
import { log } from '../log';
import { settings } from '../settings';
import { saveExport } from '../analysis/exports';
import type { Calibration } from './calibration';
import { panelIcon } from '../panelIcon';

export const PREVIEW_VIEW_TYPE = 'superpositionLab.preview';

/** Edits closer together than this are sent once. */
const DEBOUNCE_MS = 120;

export interface PreviewDiagnostics {
  readonly configFile: string;
  /** The last document version sent, and the last one whose theory was drawn. */
  readonly sentVersion: number;
  readonly renderedVersion: number;
  readonly charts: readonly string[];
  readonly renderMs: number;
  readonly quickCheck: {
    readonly version: number;
    readonly state: QuickCheckState;
    readonly message: string;
    readonly points: number;
  } | null;
  readonly cspViolations: readonly string[];
}

export class PreviewPanel implements vscode.Disposable {
  private static readonly open = new Map<string, PreviewPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sentVersion = -1;
  private renderedVersion = -1;
  private renderMs = 0;
  private charts: readonly string[] = [];
  private quickCheck: PreviewDiagnostics['quickCheck'] = null;
  private readonly cspViolations: string[] = [];
  private countsCache: { file: string; mtime: number; counts: number[] } | undefined;
  private disposed = false;

  private constructor(
    private readonly document: vscode.TextDocument,
    private readonly panel: vscode.WebviewPanel,
    private readonly calibration: Calibration,
    extensionUri: vscode.Uri,
  ) {
    loadComputePage(
      panel,
      extensionUri,
      'preview',
      (urls): PreviewInit => ({
        protocolVersion: PREVIEW_PROTOCOL_VERSION,
        title: panel.title,
        backend: settings().backend,
        ...urls,
      }),
      ['experiment', 'preview'],
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        if (isMessageOf<FromPreview>(msg, FROM_PREVIEW_TYPES)) void dispatch(this.handlers, msg);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === this.document) this.schedule();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === this.document) this.dispose();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Opens (or reveals) the preview of a config document beside it. */
  static show(context: vscode.ExtensionContext, calibration: Calibration, document: vscode.TextDocument): PreviewPanel {
    const key = document.uri.toString();
    const existing = PreviewPanel.open.get(key);
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      `Preview: ${path.basename(document.uri.path).replace(/\.experiment\.ya?ml$/, '')}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true },
    );
    panel.iconPath = panelIcon(context.extensionUri);
    const created = new PreviewPanel(document, panel, calibration, context.extensionUri);
    PreviewPanel.open.set(key, created);
    return created;
  }

  static all(): PreviewPanel[] {
    return [...PreviewPanel.open.values()];
  }

  private post(message: ToPreview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private readonly handlers: Handlers<FromPreview> = {
    ready: (m) => {
      if (m.protocolVersion !== PREVIEW_PROTOCOL_VERSION) return;
      this.ready = true;
      void this.send();
    },
    rendered: (m) => {
      this.renderedVersion = m.version;
      this.charts = m.charts;
      this.renderMs = m.ms;
    },
    quickCheck: (m) => {
      this.quickCheck = { version: m.version, state: m.state, message: m.message, points: m.points };
    },
    run: async () => {
      await vscode.commands.executeCommand('superpositionLab.runExperiment', this.document.uri);
    },
    export: async (m) => {
      await saveExport(m.fileName, m.format, m.content);
    },
    cspViolation: (m) => {
      this.cspViolations.push(`${m.directive} ${m.blockedURI}`);
      log().error(`Content-Security-Policy violation in the preview: ${m.directive} blocked ${m.blockedURI}`);
    },
  };

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.send(), DEBOUNCE_MS);
  }

  /** Parses the document as it is now and sends the result with its version. */
  private async send(): Promise<void> {
    if (!this.ready || this.disposed) return;
    const version = this.document.version;
    const text = this.document.getText();
    // Too large to parse here: the preview shows the same "too large to check" problem.
    const checked = checkConfigForEditor(text, this.document.uri.fsPath, this.calibration.factor());
    const parsed = checked.parsed ?? { config: null, problems: checked.problems };
    let counts: number[] | undefined;
    const problems = [...parsed.problems];
    const config = parsed.config;
    if (config && config.data.counts !== null && this.document.uri.scheme === 'file') {
      try {
        counts = await this.readCounts(path.resolve(path.dirname(this.document.uri.fsPath), config.data.counts));
      } catch (e) {
        problems.push({
          severity: 'error',
          code: 'config/counts',
          message: toWireError(e).message,
          start: 0,
          end: 0,
          line: 1,
          col: 1,
        });
      }
    }
    if (version !== this.document.version) return; // edited meanwhile: that edit sends its own
    this.sentVersion = version;
    const usable = problems.some((p) => p.code === 'config/counts') ? null : config;
    this.post({
      type: 'config',
      version,
      fileName: path.basename(this.document.uri.path),
      config: usable,
      problems,
      counts,
      calibration: this.calibration.factor(),
    });
  }

  /** The counts file, parsed once per modification time. */
  private async readCounts(file: string): Promise<number[]> {
    const info = await statRegularFile(file, file);
    if (info === null) throw new CoreError('file/not-found', messages.notFound(file));
    if (this.countsCache?.file === file && this.countsCache.mtime === info.mtimeMs) return this.countsCache.counts;
    const text = await readRegularText(file, file, READ_LIMITS.counts);
    if (text === null) throw new CoreError('file/not-found', messages.notFound(file));
    const counts = parseCounts(text, file);
    this.countsCache = { file, mtime: info.mtimeMs, counts };
    return counts;
  }

  diagnostics(): PreviewDiagnostics {
    return {
      configFile: this.document.uri.fsPath,
      sentVersion: this.sentVersion,
      renderedVersion: this.renderedVersion,
      charts: this.charts,
      renderMs: this.renderMs,
      quickCheck: this.quickCheck,
      cspViolations: this.cspViolations,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    PreviewPanel.open.delete(this.document.uri.toString());
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}
