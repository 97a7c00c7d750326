// Builds the CLI bundle once before the unit tests, so the CLI tests run the real dist/cli.js.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['esbuild.mjs', '--only=cli'], { stdio: 'inherit' });
}
