// The manifest's promises checked against the code: every command a walkthrough, menu or link
// names is registered by the extension; walkthrough media and snippets exist and parse; the task
// problem matcher reads the CLI's real config-error lines.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/files';
import { parseExperimentConfig } from '../../src/core/config/parse';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const source = (dir: string): string =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
const extensionSource = source(path.join(ROOT, 'src/extension'));
const tmp = tempDir('spl-manifest-');
afterAll(tmp.cleanup);

describe('package.json', () => {
  const declared = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));

  it('registers every command it declares', () => {
    for (const command of declared) expect(extensionSource, command).toContain(`'${command}'`);
  });

  it('walkthrough steps link and listen only to declared commands, with media that exists', () => {
    const steps = pkg.contributes.walkthroughs[0].steps as {
      description: string;
      media: { markdown: string };
      completionEvents: string[];
    }[];
    expect(steps.length).toBeGreaterThanOrEqual(6);
    for (const step of steps) {
      const links = [...step.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!);
      expect(links.length).toBeGreaterThan(0);
      for (const command of links) expect(declared, command).toContain(command);
      for (const event of step.completionEvents) expect(declared).toContain(event.replace(/^onCommand:/, ''));
      expect(existsSync(path.join(ROOT, step.media.markdown)), step.media.markdown).toBe(true);
    }
  });

  it('ships snippets that parse and insert valid keys', () => {
    // The file is JSONC (VS Code's format; Prettier keeps trailing commas in it).
    const text = readFileSync(path.join(ROOT, pkg.contributes.snippets[0].path), 'utf8').replace(/,(\s*[}\]])/g, '$1');
    const snippets = JSON.parse(text) as Record<string, { prefix: string; body: string[] }>;
    expect(Object.keys(snippets).length).toBeGreaterThanOrEqual(5);
    for (const [name, s] of Object.entries(snippets)) {
      expect(s.prefix).toMatch(/^spl-/);
      // Each placeholder at its default (or first choice): what Tab-Tab-Tab inserts.
      const inserted = s.body
        .join('\n')
        .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
        .replace(/\$\{\d+:([^}]*)\}/g, '$1')
        .replace(/\$\d+/g, '');
      const problems = parseExperimentConfig(inserted.startsWith('version') ? inserted : `version: 1\n${inserted}`, {
        fileName: 'snippet.experiment.yaml',
      }).problems;
      expect(
        problems.filter((p) => p.severity === 'error' || p.code === 'config/unknown-key'),
        name,
      ).toEqual([]);
    }
  });

  it('the problem matcher reads the config errors the CLI prints', () => {
    const config = path.join(tmp.dir, 'bad.experiment.yaml');
    writeFileSync(config, 'version: 1\ndata:\n  features: -3\n');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'run', config], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    const { regexp, file, line, column, severity, message } = pkg.contributes.problemMatchers[0].pattern;
    const match = new RegExp(regexp).exec(r.stderr.split('\n').find((l) => new RegExp(regexp).test(l)) ?? '');
    expect(match, r.stderr).not.toBeNull();
    expect(match![file]).toBe(config);
    expect(Number(match![line])).toBe(3);
    expect(Number(match![column])).toBeGreaterThan(0);
    expect(match![severity]).toBe('error');
    expect(match![message]).toContain('features');
  });

  it('activates on experiment workspaces and its commands, not on every YAML file', () => {
    expect(pkg.activationEvents).not.toContain('onLanguage:yaml');
  });
});
