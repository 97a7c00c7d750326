// "Reproduce Paper Figures": runs the CLI's `reproduce` in a child process (training needs
// TF.js, which the extension bundle never loads) with a cancellable progress notification, then
// shows DIR/report.html beside the editor. The CLI writes one line per finished run when its
// stderr is not a terminal; those lines drive the progress. Cancel sends SIGINT, which the CLI
// answers by saving the finished runs and writing a partial report, so nothing is lost.

import * as vscode from 'vscode';
import { requireTrust } from '../trust';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { ReproduceMode } from '../../core/reproduce/presets';
import { log, showError } from '../log';
import { showReport } from './reportPanel';

interface ModePick extends vscode.QuickPickItem {
  readonly mode: ReproduceMode;
}

// Smallest first: the first item is what Enter picks, and a first try should take seconds.
const MODES: readonly ModePick[] = [
  {
    mode: 'tiny',
    label: 'Tiny',
    description: 'seconds',
    detail: 'A first look at the report; the numbers mean little at this size.',
  },
  {
    mode: 'quick',
    label: 'Quick',
    description: 'under 10 minutes on 2 CPU cores',
    detail: 'Every claim gets a number, from fewer and shorter runs (n ≤ 1000).',
  },
  {
    mode: 'default',
    label: 'CPU scale',
    description: 'about 15 minutes on 2 CPU cores',
    detail: 'The reduced settings of the spec (§5), as in examples/paper/.',
  },
  {
    mode: 'full',
    label: 'Full',
    description: 'the paper’s exact settings: days on a CPU',
    detail: 'Meant for a machine with a GPU, or to run in pieces: it resumes.',
  },
];

/** Lines like "[12/62] A-strong power-…: final loss 0.31". */
const RUN_LINE = /^\[(\d+)\/(\d+)\]/;

let running = false;

export interface ReproduceArgs {
  readonly mode?: ReproduceMode;
  readonly outDir?: string;
}

export async function reproducePaper(context: vscode.ExtensionContext, args: ReproduceArgs = {}): Promise<void> {
  if (!requireTrust('Reproducing the paper')) return;
  if (running) {
    void vscode.window.showInformationMessage('A reproduction is already running; see its notification.');
    return;
  }
  const mode =
    args.mode ?? (await vscode.window.showQuickPick(MODES, { title: 'Reproduce paper figures: how big?' }))?.mode;
  if (mode === undefined) return;
  const outDir = args.outDir ?? (await chooseOutDir(mode));
  if (outDir === undefined) return;
  running = true;
  try {
    const code = await runCli(context, mode, outDir);
    if (code === 0 || code === 130) {
      await showReport(vscode.Uri.file(path.join(outDir, 'report.html')), mode, code === 130, context.extensionUri);
    }
  } catch (e) {
    showError('Reproducing the paper', e);
  } finally {
    running = false;
  }
}

async function chooseOutDir(mode: ReproduceMode): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) return path.join(folder.uri.fsPath, 'reproduction', mode);
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Write the reproduction here',
  });
  return picked?.[0] ? path.join(picked[0].fsPath, 'reproduction', mode) : undefined;
}

function runCli(context: vscode.ExtensionContext, mode: ReproduceMode, outDir: string): Thenable<number> {
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  const args = [cli, 'reproduce', ...(mode === 'default' ? [] : [`--${mode}`]), '--out', outDir];
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reproducing the paper (${mode})`, cancellable: true },
    (progress, token) =>
      new Promise<number>((resolve, reject) => {
        log().info(`reproduce: ${process.execPath} ${args.join(' ')}`);
        // The extension host's own runtime runs the CLI (Electron's binary acts as Node with this variable).
        const child = spawn(process.execPath, args, {
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let reported = 0;
        const tail: string[] = [];
        let buffered = '';
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            log().info(`reproduce: ${line}`);
            tail.push(line);
            if (tail.length > 20) tail.shift();
            const m = RUN_LINE.exec(line);
            if (m) {
              const [done, total] = [Number(m[1]), Number(m[2])];
              progress.report({ increment: ((done - reported) / total) * 100, message: `${done} of ${total} runs` });
              reported = done;
            }
          }
        });
        child.stdout.on('data', () => {}); // the claims summary; report.html has it all
        token.onCancellationRequested(() => {
          progress.report({ message: 'stopping after the current step; saving finished runs…' });
          child.kill('SIGINT');
        });
        child.on('error', reject);
        child.on('close', (code) => {
          if (code === 0 || code === 130) resolve(code);
          else reject(new Error(`reproduce exited with status ${code}: ${tail.slice(-3).join(' ')}`));
        });
      }),
  );
}
