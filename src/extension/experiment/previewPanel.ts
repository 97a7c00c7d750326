// The live preview beside a config: one per config file. On every edit (debounced) the host
// parses the document's text and sends the config, or its problems, tagged with the document
// version; the page draws the theory at once. When typing pauses the host runs the quick check
// on its preview compute worker (previewQuickCheck.ts) and streams its state and points to the
// page with the same version; the next edit cancels it on the worker. The page never sees a file
// (the host reads an empirical counts file for it) and computes nothing but the theory.
//
// No retainContextWhenHidden: the page holds nothing the host cannot send again. A page shown
// again says `ready`, and gets the config and the quick check's latest status, without a rerun.

import * as vscode from 'vscode';
import { statRegularFile } from '../../node/safeRead';
import * as path from 'node:path';
import { checkConfigForEditor } from '../../core/config/editorCheck';
import { countsPath, readCountsFile } from '../../node/experimentStore';
import { CoreError, messages, toWireError } from '../../core/errors';
import type { Handlers } from '../../shared/channel';
import {
  FROM_PREVIEW_TYPES,
  PREVIEW_PROTOCOL_VERSION,
  type FromPreview,
  type PreviewInit,
  type PreviewState,
  type QuickCheckState,
  type ToPreview,
} from '../../shared/previewProtocol';
import type { HostCompute } from '../compute/hostCompute';
import { PreviewQuickCheck, type QuickCheckEnd } from './previewQuickCheck';
import { log } from '../log';
import { PanelHost } from '../panelHost';
import type { Calibration } from './calibration';

export const PREVIEW_VIEW_TYPE = 'superpositionLab.preview';

/** Edits closer together than this are sent once. */
const DEBOUNCE_MS = 120;
/** The quick check starts after this long without edits (counted from the config being sent). */
const QUICK_DELAY_MS = 600;
/** Measured-points reports from the page kept for the diagnostics. */
const DRAWN_KEPT = 40;

export interface PreviewDiagnostics {
  readonly configFile: string;
  /** The last document version sent, and the last one whose theory was drawn. */
  readonly sentVersion: number;
  readonly renderedVersion: number;
  readonly charts: readonly string[];
  readonly renderMs: number;
  /** Where the quick check computes: always the extension host now (issue 11). */
  readonly where: 'extension host';
  readonly quickCheck: {
    readonly version: number;
    readonly state: QuickCheckState;
    readonly message: string;
    readonly points: number;
    readonly fraction: number;
    /** describeBackend's sentence of the worker that ran it ("wasm; skipped webgpu: …"), once known. */
    readonly backend: string | null;
  } | null;
  /** How the last checks ended, oldest first. */
  readonly quickCheckEnds: readonly QuickCheckEnd[];
  /** What the page put on the loss plot, in order: the version of the points and how many. */
  readonly measuredDrawn: readonly { readonly version: number; readonly points: number }[];
  readonly cspViolations: readonly string[];
}

export class PreviewPanel implements vscode.Disposable {
  private static readonly open = new Map<string, PreviewPanel>();
  private readonly host: PanelHost<ToPreview>;
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sentVersion = -1;
  private renderedVersion = -1;
  private renderMs = 0;
  private readonly quick: PreviewQuickCheck;
  private readonly measuredDrawn: { version: number; points: number }[] = [];
  private countsCache: { file: string; mtime: number; counts: number[] } | undefined;

  private constructor(
    private readonly document: vscode.TextDocument,
    panel: vscode.WebviewPanel,
    private readonly calibration: Calibration,
    compute: HostCompute,
    extensionUri: vscode.Uri,
  ) {
    this.quick = new PreviewQuickCheck(compute, (status) => this.post({ type: 'quickCheck', status }));
    this.host = new PanelHost<ToPreview>(
      panel,
      {
        extensionUri,
        page: 'preview',
        name: 'preview',
        init: {
          protocolVersion: PREVIEW_PROTOCOL_VERSION,
          title: panel.title,
          configUri: document.uri.toString(),
        } satisfies PreviewInit,
        styles: ['experiment', 'preview'],
      },
      () => {
        clearTimeout(this.timer);
        this.quick.dispose();
        PreviewPanel.open.delete(this.document.uri.toString());
      },
    );
    this.host.receive(FROM_PREVIEW_TYPES, this.handlers);
    this.host.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== this.document || e.contentChanges.length === 0) return;
        // At once, not after the debounce: the worker stops training a config that is gone.
        this.quick.cancel('Quick check discarded: the config changed.');
        this.schedule();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === this.document) this.dispose();
      }),
    );
  }

  /** Opens (or reveals) the preview of a config document beside it. */
  static show(
    context: vscode.ExtensionContext,
    calibration: Calibration,
    compute: HostCompute,
    document: vscode.TextDocument,
  ): PreviewPanel {
    const existing = PreviewPanel.open.get(document.uri.toString());
    if (existing) {
      existing.host.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      titleOf(document.uri),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true },
    );
    return PreviewPanel.adopt(context, calibration, compute, document, panel);
  }

  /**
   * Brings back, after a window reload, the previews that were open: VS Code restores each panel
   * (in its place beside the config) with the state its page saved, which names the config.
   */
  static registerSerializer(
    context: vscode.ExtensionContext,
    calibration: Calibration,
    compute: HostCompute,
  ): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const configUri = (state as Partial<PreviewState> | undefined)?.configUri;
        try {
          if (typeof configUri !== 'string') throw new Error('the panel saved no config');
          const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(configUri, true));
          if (PreviewPanel.open.has(document.uri.toString())) throw new Error('already open');
          panel.title = titleOf(document.uri);
          PreviewPanel.adopt(context, calibration, compute, document, panel);
        } catch (e) {
          // A config deleted or renamed since, or state from an older page: close the empty panel.
          log().info(
            `Not restoring a preview (${configUri ?? 'no config'}): ${e instanceof Error ? e.message : String(e)}`,
          );
          panel.dispose();
        }
      },
    });
  }

  private static adopt(
    context: vscode.ExtensionContext,
    calibration: Calibration,
    compute: HostCompute,
    document: vscode.TextDocument,
    panel: vscode.WebviewPanel,
  ): PreviewPanel {
    const created = new PreviewPanel(document, panel, calibration, compute, context.extensionUri);
    PreviewPanel.open.set(document.uri.toString(), created);
    return created;
  }

  static all(): PreviewPanel[] {
    return [...PreviewPanel.open.values()];
  }

  private post(message: ToPreview): void {
    this.host.post(message);
  }

  private readonly handlers: Handlers<FromPreview> = {
    ready: (m) => {
      if (m.protocolVersion !== PREVIEW_PROTOCOL_VERSION) return;
      this.ready = true;
      void this.send();
    },
    rendered: (m) => {
      this.renderedVersion = m.version;
      this.host.charts = m.charts;
      this.renderMs = m.ms;
    },
    measuredDrawn: (m) => {
      this.measuredDrawn.push({ version: m.version, points: m.points });
      if (this.measuredDrawn.length > DRAWN_KEPT) this.measuredDrawn.shift();
    },
    cancelQuickCheck: (m) => {
      if (this.quick.status()?.version === m.version) this.quick.cancel('Quick check cancelled.');
    },
    run: async () => {
      await vscode.commands.executeCommand('superpositionLab.runExperiment', this.document.uri);
    },
    export: (m) => this.host.pageReports.export(m),
    cspViolation: (m) => this.host.pageReports.cspViolation(m),
  };

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.send(), DEBOUNCE_MS);
  }

  /** Parses the document as it is now and sends the result with its version. */
  private async send(): Promise<void> {
    if (!this.ready || this.host.disposed) return;
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
        counts = await this.readCounts(countsPath(this.document.uri.fsPath, config.data.counts));
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
    const resent = version === this.sentVersion;
    this.sentVersion = version;
    const usable = problems.some((p) => p.code === 'config/counts') ? null : config;
    const calibration = this.calibration.factor();
    this.post({
      type: 'config',
      version,
      fileName: path.basename(this.document.uri.path),
      config: usable,
      problems,
      counts,
      calibration,
    });
    const status = this.quick.status();
    if (resent && status?.version === version) {
      // The same text to a page shown again: its check goes on (or stays as it ended), not rerun.
      this.post({ type: 'quickCheck', status });
    } else if (usable !== null) {
      this.quick.schedule({ version, config: usable, counts, calibration }, QUICK_DELAY_MS);
    }
  }

  /** The counts file, parsed once per modification time. */
  private async readCounts(file: string): Promise<number[]> {
    const info = await statRegularFile(file, file);
    if (info === null) throw new CoreError('file/not-found', messages.notFound(file));
    if (this.countsCache?.file === file && this.countsCache.mtime === info.mtimeMs) return this.countsCache.counts;
    const counts = await readCountsFile(file);
    this.countsCache = { file, mtime: info.mtimeMs, counts };
    return counts;
  }

  diagnostics(): PreviewDiagnostics {
    return {
      configFile: this.document.uri.fsPath,
      sentVersion: this.sentVersion,
      renderedVersion: this.renderedVersion,
      charts: this.host.charts,
      renderMs: this.renderMs,
      where: 'extension host',
      quickCheck: quickCheckDiagnostics(this.quick),
      quickCheckEnds: [...this.quick.ends()],
      measuredDrawn: [...this.measuredDrawn],
      cspViolations: this.host.cspViolations,
    };
  }

  dispose(): void {
    this.host.dispose();
  }
}

function titleOf(uri: vscode.Uri): string {
  return `Preview: ${path.basename(uri.path).replace(/\.experiment\.ya?ml$/, '')}`;
}

function quickCheckDiagnostics(quick: PreviewQuickCheck): PreviewDiagnostics['quickCheck'] {
  const s = quick.status();
  if (s === null) return null;
  return {
    version: s.version,
    state: s.state,
    message: s.message,
    points: s.points.length,
    fraction: s.fraction,
    backend: s.backend,
  };
}
