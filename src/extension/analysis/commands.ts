// "Analyze Superposition" and "Compare Superposition Across Checkpoints".
//
// Analyze is reachable from the explorer (a checkpoint or an index file), the checkpoint viewer's
// title bar, the viewer's selected tensor, and the command palette while a viewer is active.
// Compare takes the explorer's multi-selection. Both run in the extension host's compute worker
// (`compute`, the 'analysis' lane); panels come back after a window reload (serializer.ts).

import * as vscode from 'vscode';
import type { HostCompute } from '../compute/hostCompute';
import { isIndexPath } from '../../core/safetensors/open';
import { toWireError } from '../../core/errors';
import { log, showError } from '../log';
import { ANALYSIS_VIEW_TYPE, AnalysisPanel, type AnalysisPanelDeps } from './analysisPanel';
import { AnalysisPanelSerializer } from './serializer';
import { parsePanelState } from './panelState';
import { analysisJobLedger } from './analysisJob';
import { ResultCache } from './resultCache';
import { resolveSubject, type ResolvedSubject } from './subjects';

export interface AnalyzeArgs {
  readonly tensor?: string;
  readonly transpose?: boolean;
}

const isCheckpoint = (uri: vscode.Uri) => uri.path.endsWith('.safetensors') || isIndexPath(uri.path);

/** The checkpoint behind the active editor: a viewer tab or a text editor on an index file. */
function activeCheckpoint(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom) return input.uri;
  const doc = vscode.window.activeTextEditor?.document.uri;
  return doc && isCheckpoint(doc) ? doc : undefined;
}

export function registerAnalysisCommands(context: vscode.ExtensionContext, compute: HostCompute): vscode.Disposable[] {
  const deps: AnalysisPanelDeps = { context, cache: ResultCache.forContext(context), compute };

  async function analyze(uri?: vscode.Uri, second?: vscode.Uri[] | AnalyzeArgs): Promise<AnalysisPanel | undefined> {
    // From the explorer with several files selected, VS Code passes (clicked, selection).
    if (Array.isArray(second) && second.length > 1) return compare(uri, second);
    const args = Array.isArray(second) ? {} : (second ?? {});
    const target = uri ?? activeCheckpoint();
    if (!target) {
      void vscode.window.showInformationMessage(
        'Open a .safetensors checkpoint (or select one in the Explorer) to analyse it.',
      );
      return undefined;
    }
    try {
      const resolved = await resolveSubject({ uri: target, tensor: args.tensor, transpose: args.transpose });
      if (resolved.subject.transposeHint) log().info(resolved.subject.transposeHint);
      return AnalysisPanel.show(deps, [resolved], 'single');
    } catch (e) {
      showError(`Analysing ${target.toString()}`, e);
      return undefined;
    }
  }

  async function compare(uri?: vscode.Uri, selection?: vscode.Uri[]): Promise<AnalysisPanel | undefined> {
    const uris = (selection && selection.length > 0 ? selection : uri ? [uri] : []).filter(isCheckpoint);
    if (uris.length < 2) {
      void vscode.window.showInformationMessage(
        'Select two or more .safetensors checkpoints (or index files) in the Explorer to compare them.',
      );
      return undefined;
    }
    const resolved: ResolvedSubject[] = [];
    const skipped: string[] = [];
    for (const u of uris) {
      try {
        resolved.push(await resolveSubject({ uri: u }));
      } catch (e) {
        skipped.push(`${vscode.workspace.asRelativePath(u)}: ${toWireError(e).message}`);
      }
    }
    if (skipped.length > 0) void vscode.window.showWarningMessage(`Left out of the comparison: ${skipped.join(' ')}`);
    if (resolved.length < 2) return undefined;
    return AnalysisPanel.show(deps, resolved, 'compare');
  }

  return [
    vscode.commands.registerCommand('superpositionLab.analyze', analyze),
    vscode.commands.registerCommand('superpositionLab.compare', compare),
    vscode.window.registerWebviewPanelSerializer(ANALYSIS_VIEW_TYPE, new AnalysisPanelSerializer(deps)),
    vscode.commands.registerCommand('superpositionLab.diagnostics.analysisPanels', () =>
      AnalysisPanel.all().map((p) => p.diagnostics()),
    ),
    // For the integration tests: analysis jobs running in this host, and how the last ones ended.
    vscode.commands.registerCommand('superpositionLab.diagnostics.analysisJobs', () => analysisJobLedger()),
    // For the integration tests: a message as the page would send it (e.g. its Cancel button),
    // to the panel whose subjects include `subjectPart`.
    vscode.commands.registerCommand(
      'superpositionLab.diagnostics.analysisPanelMessage',
      (subjectPart: string, msg: unknown) => {
        const panel = AnalysisPanel.all().find((p) => p.diagnostics().subjects.some((s) => s.includes(subjectPart)));
        panel?.receive(msg);
        return panel !== undefined;
      },
    ),
    // For the integration tests: restore a panel from saved page state, as after a window reload.
    vscode.commands.registerCommand('superpositionLab.diagnostics.restoreAnalysisPanel', async (saved: unknown) => {
      // Bad state is refused before a tab exists (a tab opened and closed at once upsets the workbench).
      if (parsePanelState(saved) === null) return false;
      const panel = vscode.window.createWebviewPanel(ANALYSIS_VIEW_TYPE, 'Superposition', vscode.ViewColumn.Beside, {
        enableScripts: true,
        retainContextWhenHidden: true,
      });
      return (await AnalysisPanelSerializer.restore(deps, panel, saved)) !== undefined;
    }),
  ];
}
