// Which editor features this extension provides for experiment configs when a schema-driven YAML
// extension (Red Hat YAML) is installed too. It reads the JSON Schema this extension contributes
// (`yamlValidation`) and then completes, hovers and validates from it: with both on, the user
// sees every completion twice and every type error twice. Pure: the host says what is installed.

export type FeatureSetting = 'auto' | 'on' | 'off';
export type DiagnosticsSetting = 'auto' | 'all' | 'off';

export interface ConfigFeatureSettings {
  readonly completion: FeatureSetting;
  readonly hover: FeatureSetting;
  readonly diagnostics: DiagnosticsSetting;
  readonly codeLens: boolean;
}

export interface ConfigFeatures {
  readonly completion: boolean;
  readonly hover: boolean;
  /** Which problems to show: all, those a schema cannot express, or none. */
  readonly diagnostics: 'all' | 'beyond-schema' | 'none';
  readonly codeLens: boolean;
}

export function configFeatures(s: ConfigFeatureSettings, schemaExtensionInstalled: boolean): ConfigFeatures {
  const on = (f: FeatureSetting) => f === 'on' || (f === 'auto' && !schemaExtensionInstalled);
  return {
    completion: on(s.completion),
    hover: on(s.hover),
    diagnostics:
      s.diagnostics === 'off' ? 'none' : s.diagnostics === 'auto' && schemaExtensionInstalled ? 'beyond-schema' : 'all',
    codeLens: s.codeLens,
  };
}

/**
 * Problems the JSON Schema also expresses, so that a schema-driven YAML extension reports them
 * too: YAML syntax, wrong types, enums and bounds, unknown keys, a missing `version`. What stays
 * ours alone: the consistency checks between keys, sweep sizes, unused settings, files.
 */
const SCHEMA_CODES: ReadonlySet<string> = new Set([
  'config/value',
  'config/unknown-key',
  'config/not-a-list',
  'config/not-a-mapping',
  'config/no-version',
]);

export function schemaReportsToo(code: string): boolean {
  return code.startsWith('yaml/') || SCHEMA_CODES.has(code);
}
