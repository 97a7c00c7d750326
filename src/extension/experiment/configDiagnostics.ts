// Config problems (src/core/config/parse.ts) as VS Code diagnostics on the config file, with the
// exact ranges the parser found: the same problems the CLI prints as file:line:col.

import * as vscode from 'vscode';
import type { ConfigProblem } from '../../core/config/parse';
import { schemaReportsToo } from '../../core/config/language/ownership';
import { currentConfigFeatures } from './configFeatures';

/** Offsets → positions, by a binary search over line starts (lines split at \n; \r stays in the line). */
export function positionAt(lineStarts: readonly number[], offset: number): vscode.Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return new vscode.Position(lo, offset - lineStarts[lo]!);
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function toDiagnostic(lineStarts: readonly number[], p: ConfigProblem): vscode.Diagnostic {
  const start = positionAt(lineStarts, p.start);
  // An empty range (a missing key) still gets one character so that it is visible.
  const end = p.end > p.start ? positionAt(lineStarts, p.end) : start.translate(0, 1);
  const d = new vscode.Diagnostic(
    new vscode.Range(start, end),
    p.message,
    p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  d.source = 'superposition-lab';
  d.code = p.code;
  return d;
}

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('superposition-lab-experiment');

  set(uri: vscode.Uri, text: string, problems: readonly ConfigProblem[]): void {
    const starts = lineStartsOf(text);
    const shown = currentConfigFeatures().diagnostics;
    this.collection.set(
      uri,
      problems
        .filter((p) => p.override === undefined)
        .filter((p) => shown === 'all' || (shown === 'beyond-schema' && !schemaReportsToo(p.code)))
        .map((p) => toDiagnostic(starts, p)),
    );
  }

  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  dispose(): void {
    this.collection.dispose();
  }
}
