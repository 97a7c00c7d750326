// Live diagnostics and quick fixes for `*.experiment.yaml`, without any other extension: every
// open config is parsed on each edit (debounced) and its problems set at their exact places,
// plus a warning when the sweep is large. Problems that have an obvious fix (rename an unknown
// key to the suggestion, add `version: 1`) offer it as a quick fix.

import * as vscode from 'vscode';
import type { ConfigProblem } from '../../core/config/parse';
import { checkConfigForEditor } from '../../core/config/editorCheck';
import type { Calibration } from './calibration';
import type { ConfigDiagnostics } from './configDiagnostics';

const DEBOUNCE_MS = 250;

export const isExperimentDocument = (d: vscode.TextDocument): boolean => /\.experiment\.ya?ml$/.test(d.uri.path);

/** Problems of a config text, the large-sweep warning and the size and time limits included. */
export function configProblems(text: string, fileName: string, calibration: number): ConfigProblem[] {
  return checkConfigForEditor(text, fileName, calibration, () => performance.now()).problems;
}

export class ConfigLanguage implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The problems (with their fixes) of the last check of each document. */
  private readonly problems = new Map<string, { version: number; problems: ConfigProblem[] }>();

  constructor(
    private readonly diagnostics: ConfigDiagnostics,
    private readonly calibration: Calibration,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      // superpositionLab.config.diagnostics decides which problems show: apply a change at once.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('superpositionLab.config')) {
          for (const d of vscode.workspace.textDocuments) this.check(d);
        }
      }),
      vscode.languages.registerCodeActionsProvider({ pattern: '**/*.experiment.{yaml,yml}' }, this, {
        providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
      }),
    );
    // Compile the parser once on a tiny config: the slow-check diagnostic (over 50 ms) is about
    // the user's file, not about the first parse of a session loading and compiling the parser.
    checkConfigForEditor('version: 1\nmodel:\n  width: [8, 16]\n', 'warm-up.experiment.yaml', 1);
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  private schedule(d: vscode.TextDocument): void {
    if (!isExperimentDocument(d)) return;
    const key = d.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.check(d);
      }, DEBOUNCE_MS),
    );
  }

  /** Parses the document now. Never throws: a parser bug must not cost the user their editor. */
  check(d: vscode.TextDocument): void {
    if (!isExperimentDocument(d) || d.isClosed) return;
    const text = d.getText();
    let problems: ConfigProblem[];
    try {
      problems = configProblems(text, d.uri.fsPath, this.calibration.factor());
    } catch (e) {
      problems = [
        {
          severity: 'error',
          code: 'internal',
          message: `Could not check this file: ${e instanceof Error ? e.message : String(e)}`,
          start: 0,
          end: 0,
          line: 1,
          col: 1,
        },
      ];
    }
    this.problems.set(d.uri.toString(), { version: d.version, problems });
    this.diagnostics.set(d.uri, text, problems);
  }

  private forget(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.problems.delete(key);
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const known = this.problems.get(document.uri.toString());
    if (!known || known.version !== document.version) return [];
    const actions: vscode.CodeAction[] = [];
    for (const p of known.problems) {
      if (!p.fix) continue;
      const at = new vscode.Range(document.positionAt(p.start), document.positionAt(Math.max(p.end, p.start)));
      if (!at.intersection(range) && !range.contains(at.start) && !(p.start === 0 && range.start.line === 0)) continue;
      const action = new vscode.CodeAction(p.fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(
        document.uri,
        new vscode.Range(document.positionAt(p.fix.edit.start), document.positionAt(p.fix.edit.end)),
        p.fix.edit.text,
      );
      action.diagnostics = this.diagnostics
        .get(document.uri)
        .filter((d) => d.code === p.code && d.range.start.isEqual(at.start));
      action.isPreferred = true;
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.disposables.forEach((d) => d.dispose());
  }
}
