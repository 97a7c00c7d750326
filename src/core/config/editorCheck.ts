// The config check the editor runs on its own thread (diagnostics, CodeLens, preview): the parse,
// the large-sweep warning, a size gate and a stopwatch. Every step is bounded (the sweep is
// counted, not expanded; the density check has a work budget; duplicate keys use a Set), so a
// config of up to MAX_CHECKED_BYTES is checked in well under 250 ms; a larger one is not parsed
// at all but gets a diagnostic, and a check that still took over SLOW_CHECK_MS says so.

import { parseExperimentConfig, type ConfigProblem, type ConfigProblemCode, type ParsedConfig } from './parse';
import { largeSweepProblem } from './sweepSize';

/**
 * Configs are a few hundred bytes (the examples are under 1 KB). The yaml package alone takes
 * about 100 ms per 1,000 lines on a busy shared 2-core machine (load 11), so larger files are not checked live.
 */
export const MAX_CHECKED_BYTES = 16 * 1024;
export const SLOW_CHECK_MS = 50;

export interface EditorCheck {
  /** Null when the file was too large to parse. */
  readonly parsed: ParsedConfig | null;
  /** The parse's problems, the large-sweep warning and the size or time diagnostic. */
  readonly problems: ConfigProblem[];
  readonly ms: number;
}

const firstLine = (text: string): [number, number] => {
  const end = text.indexOf('\n');
  return [0, end < 0 ? text.length : end];
};

const atTop = (text: string, code: ConfigProblemCode, message: string): ConfigProblem => ({
  severity: 'warning',
  code,
  message,
  start: 0,
  end: firstLine(text)[1],
  line: 1,
  col: 1,
});

export function checkConfigForEditor(
  text: string,
  fileName: string,
  calibration: number,
  now: () => number = Date.now,
): EditorCheck {
  const started = now();
  if (text.length > MAX_CHECKED_BYTES) {
    const problem = atTop(
      text,
      'config/too-large-to-check',
      `this file is ${text.length.toLocaleString('en-US')} characters, too large to check as you type (the limit is ${MAX_CHECKED_BYTES.toLocaleString('en-US')}); run it from the command line to see its problems`,
    );
    return { parsed: null, problems: [problem], ms: now() - started };
  }
  const parsed = parseExperimentConfig(text, { fileName });
  const problems = [...parsed.problems];
  if (parsed.config !== null) {
    const large = largeSweepProblem(parsed.config, firstLine(text)[1], calibration);
    if (large) problems.push(large);
  }
  const ms = now() - started;
  if (ms > SLOW_CHECK_MS) {
    problems.push(
      atTop(
        text,
        'config/slow-check',
        `checking this file took ${Math.round(ms)} ms (over ${SLOW_CHECK_MS} ms): shorter lists or fewer keys keep the editor responsive`,
      ),
    );
  }
  return { parsed, problems, ms };
}
