// Builds the shipped (production) bundles once before the unit tests: the CLI tests run the real dist/cli.js,
// and the bundle tests inspect what would ship.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['esbuild.mjs', '--production', '--only=extension,webview,cli,nodeWorker'], {
    stdio: 'inherit',
  });
}
