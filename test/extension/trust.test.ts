// Workspace trust (issue 17): the manifest declares limited support in untrusted workspaces and
// says what is disabled; each entry point that trains, reproduces or writes results checks trust.
// (The extension host itself is exercised by the integration layer; this layer has no vscode.)
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  capabilities: {
    untrustedWorkspaces: { supported: unknown; description: string; restrictedConfigurations: string[] };
  };
  contributes: { configuration: { properties: Record<string, unknown> } };
};
const source = (file: string) => readFileSync(path.join(root, 'src/extension', file), 'utf8');

describe('workspace trust', () => {
  it('the manifest supports untrusted workspaces in a limited way and says what is disabled', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    expect(trust.supported).toBe('limited');
    for (const word of ['training', 'reproduction', 'writing results', 'read and analyzed']) {
      expect(trust.description).toContain(word);
    }
    // The settings that size memory and work: a workspace must not raise them against the user.
    const limits = [
      'superpositionLab.maxWholeFileReadMB',
      'superpositionLab.analysis.pairBudget',
      'superpositionLab.analysis.sampleRows',
      'superpositionLab.analysis.heatmapMaxRows',
      'superpositionLab.stats.histogramBins',
    ];
    expect([...trust.restrictedConfigurations].sort()).toEqual([...limits].sort());
    for (const key of limits) expect(manifest.contributes.configuration.properties).toHaveProperty([key]);
  });

  it('training, reproduction and saving refits check trust before they start', () => {
    expect(source('experiment/commands.ts')).toMatch(/requireTrust\('Running an experiment'\)/);
    // Sweeps train in the extension host's runner (whichever panel, if any, shows them).
    expect(source('experiment/sweepRunner.ts')).toMatch(
      /async start\([^)]*\): Promise<void> \{[\s\S]{0,300}requireTrust\('Training'\)/,
    );
    expect(source('experiment/experimentFolder.ts')).toMatch(/vscode\.workspace\.isTrusted\) \{\s*await writeResults/);
    expect(source('reproduce/reproduceCommand.ts')).toMatch(
      /export async function reproducePaper[\s\S]{0,200}requireTrust\('Reproducing the paper'\)/,
    );
    expect(source('trust.ts')).toContain('vscode.workspace.isTrusted');
  });
});
