// The config features in force: the settings `superpositionLab.config.*` and whether Red Hat YAML
// (which completes, hovers and validates from the schema this extension contributes) is installed.
// Read on each use, so a changed setting or an installed extension applies at once.

import * as vscode from 'vscode';
import {
  configFeatures,
  type ConfigFeatures,
  type DiagnosticsSetting,
  type FeatureSetting,
} from '../../core/config/language/ownership';

const RED_HAT_YAML = 'redhat.vscode-yaml';

const feature = (v: string | undefined): FeatureSetting => (v === 'on' || v === 'off' ? v : 'auto');
const diagnostics = (v: string | undefined): DiagnosticsSetting => (v === 'all' || v === 'off' ? v : 'auto');

export function currentConfigFeatures(): ConfigFeatures {
  const c = vscode.workspace.getConfiguration('superpositionLab.config');
  return configFeatures(
    {
      completion: feature(c.get<string>('completion')),
      hover: feature(c.get<string>('hover')),
      diagnostics: diagnostics(c.get<string>('diagnostics')),
      codeLens: c.get<boolean>('codeLens', true),
    },
    vscode.extensions.getExtension(RED_HAT_YAML) !== undefined,
  );
}
