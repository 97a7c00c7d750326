// `superpositionLab.diagnostics.experimentPanels`: one entry per experiment the extension host
// knows (a sweep runner), with the panel's page facts when its panel is open. Training facts come
// from the runner, so they hold with the panel closed (tests, bug reports).

import type { ExperimentState } from '../../shared/experimentProtocol';
import { ExperimentPanel } from './experimentPanel';
import type { TrainedHere } from './sweepRunner';
import type { Sweeps } from './sweeps';

export interface ExperimentDiagnostics {
  readonly configFile: string;
  readonly outDir: string | null;
  readonly state: ExperimentState['kind'];
  readonly stateMessage: string | null;
  readonly totalRuns: number;
  readonly finishedRuns: number;
  /** The run training in the extension host now. */
  readonly live: { readonly id: string; readonly step: number; readonly where: string } | null;
  /** Runs this extension host trained, in order, and where ("in the extension host on wasm"). */
  readonly trainedHere: readonly TrainedHere[];
  readonly failed: readonly string[];
  /** Runs other processes hold a fresh lock on: "id@host:pid". */
  readonly elsewhere: readonly string[];
  readonly series: readonly { readonly id: string; readonly alphaM: number | null }[];
  readonly panelOpen: boolean;
  /** The panel's (empty with no panel). */
  readonly title: string | null;
  readonly charts: readonly string[];
  /** Rows of the panel's runs table that show a finished run, at its last render. */
  readonly doneRows: number;
  readonly exports: readonly string[];
  readonly cspViolations: readonly string[];
}

export function experimentDiagnostics(sweeps: Sweeps): ExperimentDiagnostics[] {
  return sweeps.all().map((runner) => {
    const panel = ExperimentPanel.of(runner.configUri)?.diagnostics();
    return {
      ...runner.diagnostics(),
      panelOpen: panel !== undefined,
      title: panel?.title ?? null,
      charts: panel?.charts ?? [],
      doneRows: panel?.doneRows ?? 0,
      exports: panel?.exports ?? [],
      cspViolations: panel?.cspViolations ?? [],
    };
  });
}
