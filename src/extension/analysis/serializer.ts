// Brings analysis panels back after a window reload: VS Code keeps each panel's tab and the state
// its page saved (what it was opened for), and calls this once the extension activates
// ("onWebviewPanel:superpositionLab.analysis"). The subjects are resolved again from their files,
// so results come from the cache, or run again when the file changed or was never finished.

import * as vscode from 'vscode';
import { toWireError } from '../../core/errors';
import { log } from '../log';
import { AnalysisPanel, type AnalysisPanelDeps } from './analysisPanel';
import { parsePanelState } from './panelState';
import { resolveSubject, type ResolvedSubject } from './subjects';

export class AnalysisPanelSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly deps: AnalysisPanelDeps) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
    await AnalysisPanelSerializer.restore(this.deps, panel, saved);
  }

  /** Also reached through a diagnostics command, so tests can restore a panel without a reload. */
  static async restore(
    deps: AnalysisPanelDeps,
    panel: vscode.WebviewPanel,
    saved: unknown,
  ): Promise<AnalysisPanel | undefined> {
    const state = parsePanelState(saved);
    if (state === null) {
      // Closed before its page saved anything, or from an incompatible version: nothing to show.
      log().info('An analysis panel from before the reload had no state to restore; closed it.');
      panel.dispose();
      return undefined;
    }
    const resolved: ResolvedSubject[] = [];
    const missing: string[] = [];
    for (const r of state.requests) {
      const uri = vscode.Uri.parse(r.uri);
      try {
        resolved.push(
          await resolveSubject({ uri, ...(r.tensor === null ? {} : { tensor: r.tensor }), transpose: r.transpose }),
        );
      } catch (e) {
        missing.push(`${vscode.workspace.asRelativePath(uri)}: ${toWireError(e).message}`);
      }
    }
    if (missing.length > 0) {
      void vscode.window.showWarningMessage(`Could not reopen the analysis of ${missing.join(' ')}`);
    }
    if (resolved.length === 0 || (state.mode === 'compare' && resolved.length < 2)) {
      panel.dispose();
      return undefined;
    }
    return AnalysisPanel.revive(deps, panel, resolved, state.mode);
  }
}
