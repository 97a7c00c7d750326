// The CodeLens row on top of every `*.experiment.yaml`: "▶ Run experiment (N runs, est. T)",
// "Preview" and, once results exist, "Show results (k of N)". Counting runs is a parse and a
// sweep expansion; T is the cost model times this machine's calibration; the results count reads
// results.json beside the config. Refreshed when a panel saves a run.

import * as vscode from 'vscode';
import { RESTRICTED_EXPLANATION } from '../trust';
import { parseExperimentConfig } from '../../core/config/parse';
import { MAX_CHECKED_BYTES } from '../../core/config/editorCheck';
import { sweepSize } from '../../core/config/sweepSize';
import { formatDuration } from '../../core/config/costModel';
import { countFinishedRuns } from '../../node/experimentStore';
import type { Calibration } from './calibration';
import { currentConfigFeatures } from './configFeatures';

export const EXPERIMENT_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.experiment.yaml' },
  { scheme: 'file', pattern: '**/*.experiment.yml' },
];

export class ExperimentCodeLens implements vscode.CodeLensProvider {
  constructor(private readonly calibration: Calibration) {}

  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!currentConfigFeatures().codeLens) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const text = document.getText();
    if (text.length > MAX_CHECKED_BYTES) {
      return [new vscode.CodeLens(top, { title: '$(warning) Too large to check here', command: '' })];
    }
    const parsed = parseExperimentConfig(text, { fileName: document.uri.fsPath });
    if (parsed.config === null) {
      const errors = parsed.problems.filter((p) => p.severity === 'error').length;
      return [
        new vscode.CodeLens(top, {
          title: `$(error) ${errors} config error${errors === 1 ? '' : 's'}: fix to run`,
          command: 'workbench.actions.view.problems',
        }),
      ];
    }
    const size = sweepSize(parsed.config, this.calibration.factor());
    const runs = size.runs;
    const lenses = [
      new vscode.CodeLens(top, {
        title: `${vscode.workspace.isTrusted ? '$(play)' : '$(shield)'} Run experiment (${runs} run${runs === 1 ? '' : 's'}, est. ${formatDuration(size.seconds)})${vscode.workspace.isTrusted ? '' : ': needs a trusted workspace'}`,
        tooltip: !vscode.workspace.isTrusted
          ? RESTRICTED_EXPLANATION
          : this.calibration.runs() > 0
            ? `An estimate of the training time, from ${this.calibration.runs()} runs finished on this machine; starting up and saving add a few seconds`
            : 'An estimate for WebAssembly on one CPU core, until runs have finished on this machine; starting up and saving add a few seconds',
        command: 'superpositionLab.runExperiment',
        arguments: [document.uri],
      }),
      new vscode.CodeLens(top, {
        title: '$(eye) Preview',
        tooltip: 'What this experiment should show, from theory, updated as you type',
        command: 'superpositionLab.previewExperiment',
        arguments: [document.uri],
      }),
    ];
    const finished = await countFinishedRuns(document.uri.fsPath, parsed.config);
    if (finished > 0) {
      lenses.push(
        new vscode.CodeLens(top, {
          title: `$(graph) Show results (${finished} of ${runs})`,
          command: 'superpositionLab.showExperiment',
          arguments: [document.uri],
        }),
      );
    }
    return lenses;
  }
}
