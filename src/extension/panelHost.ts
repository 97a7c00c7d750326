// What every panel (analysis, experiment, preview) has in common, owned in one place: its page
// (loaded through panelPage.ts), the messages it posts (dropped once the panel is closed), one
// listener for the page's messages whose failures reach the user, what the page reports about
// itself (charts on screen, exported files, CSP violations), and disposal. Each panel keeps only
// what is its own: its handlers, its state, its diagnostics.

import type * as vscode from 'vscode';
import { listen, type Handlers } from '../shared/channel';
import type { PageReport } from '../shared/pageReports';
import { saveExport } from './exports';
import { handlerFailed, log } from './log';
import { loadPanelPage } from './panelPage';
import { panelIcon } from './panelIcon';

export interface PanelPageOptions {
  readonly extensionUri: vscode.Uri;
  readonly page: 'analysis' | 'experiment' | 'preview';
  /** For messages and the log: "analysis panel". */
  readonly name: string;
  readonly init: unknown;
  readonly styles?: readonly string[];
}

export class PanelHost<To extends { readonly type: string }> implements vscode.Disposable {
  readonly disposables: vscode.Disposable[] = [];
  charts: readonly string[] = [];
  readonly exports: string[] = [];
  readonly cspViolations: string[] = [];
  private closed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: PanelPageOptions,
    /** Called once when the panel goes (closed by the user or disposed here). */
    private readonly onDispose: () => void,
  ) {
    panel.iconPath = panelIcon(options.extensionUri);
    loadPanelPage(panel, options.extensionUri, options.page, options.init, options.styles);
    this.disposables.push(panel.onDidDispose(() => this.dispose()));
  }

  get disposed(): boolean {
    return this.closed;
  }

  post(message: To): void {
    if (!this.closed) void this.panel.webview.postMessage(message);
  }

  /** Routes the page's messages of `types` to `handlers`; a handler that fails is shown and logged. */
  receive<From extends { readonly type: string }>(types: ReadonlySet<From['type']>, handlers: Handlers<From>): void {
    const name = this.options.name;
    this.disposables.push(
      this.panel.webview.onDidReceiveMessage(
        listen(types, handlers, handlerFailed(`${name[0]!.toUpperCase()}${name.slice(1)}`)),
      ),
    );
  }

  /** The handlers of the page reports every panel shares. */
  readonly pageReports: Handlers<PageReport> = {
    export: async (m) => {
      const saved = await saveExport(m.fileName, m.format, m.content);
      if (saved) this.exports.push(saved.fsPath);
    },
    cspViolation: (m) => {
      this.cspViolations.push(`${m.directive} ${m.blockedURI}`);
      log().error(
        `Content-Security-Policy violation in the ${this.options.name}: ${m.directive} blocked ${m.blockedURI}`,
      );
    },
  };

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.onDispose();
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}
