import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperimentConfig } from '../../../src/core/config/parse';
import { experimentTemplates, templateWithName } from '../../../src/core/config/templates';

describe('New Experiment templates', () => {
  const templates = experimentTemplates();

  it('offers the quick demo first, the studies, then the five paper presets', () => {
    expect(templates.map((t) => t.id)).toEqual([
      'quick-demo',
      'strong-vs-weak',
      'alpha-sweep',
      'density-sweep',
      'paper-A',
      'paper-B',
      'paper-C',
      'paper-D',
      'paper-E',
    ]);
  });

  it.each(experimentTemplates().map((t) => [t.id, t] as const))(
    '%s is a valid, commented config named as its file',
    (_, t) => {
      const parsed = parseExperimentConfig(t.yaml, { fileName: `${t.name}.experiment.yaml` });
      expect(parsed.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(parsed.config?.name).toBe(t.name);
      expect(t.yaml.startsWith('# ')).toBe(true);
    },
  );

  it('is the very quick demo that ships in examples/', () => {
    const example = readFileSync(path.resolve(__dirname, '../../../examples/quick-demo.experiment.yaml'), 'utf8');
    expect(templates[0]!.yaml).toBe(example);
  });

  it('renames the experiment and nothing else', () => {
    const renamed = templateWithName(templates[0]!, 'my-demo');
    expect(parseExperimentConfig(renamed, { fileName: 'my-demo.experiment.yaml' }).config?.name).toBe('my-demo');
    expect(renamed.replace('name: my-demo', 'name: quick-demo')).toBe(templates[0]!.yaml);
  });
});
