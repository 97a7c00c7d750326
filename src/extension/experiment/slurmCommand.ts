// "Run Experiment on Slurm…": where `sbatch` is on the extension host's PATH (a Slurm login node,
// e.g. through Remote-SSH), writes the array job with the CLI's `slurm` command, shows the script,
// submits it on confirmation and opens the experiment panel, which draws runs as the tasks save
// them (it follows the results folder). Nothing is scheduled here: Slurm runs the shards.

import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log } from '../log';

/** Is `program` an executable on the PATH? */
async function onPath(program: string): Promise<boolean> {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const ok = await access(path.join(dir, program), constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok) return true;
  }
  return false;
}

/** Runs a program; resolves with stdout, rejects with its stderr (shown to the user as is). */
function execute(program: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(err.trim() || `${program} exited with status ${code}`)),
    );
  });
}

export async function runOnSlurm(
  context: vscode.ExtensionContext,
  config: vscode.Uri,
  showPanel: (config: vscode.Uri) => void,
): Promise<void> {
  if (config.scheme !== 'file') {
    void vscode.window.showErrorMessage('Slurm jobs run configs on disk only.');
    return;
  }
  if (!(await onPath('sbatch'))) {
    void vscode.window.showErrorMessage(
      'sbatch is not on the PATH of this VS Code host. Open the folder on a Slurm login node (e.g. with Remote-SSH) and try again.',
    );
    return;
  }
  const array = await vscode.window.showInputBox({
    title: 'Run Experiment on Slurm',
    prompt: 'Array tasks (each trains one shard of the sweep)',
    value: '4',
    validateInput: (v) => (/^[1-9]\d{0,4}$/.test(v.trim()) ? undefined : 'A whole number from 1 to 99999'),
  });
  if (array === undefined) return;
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  // The extension host's runtime runs the CLI; the script it writes calls `node` on the compute nodes.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  try {
    const script = await execute(process.execPath, [cli, 'slurm', config.fsPath, '--array', array.trim()], env);
    await vscode.window.showTextDocument(vscode.Uri.file(script), { preview: true });
    const submit = 'Submit with sbatch';
    const choice = await vscode.window.showInformationMessage(
      `Submit ${path.basename(script)} (${array.trim()} tasks) to Slurm?`,
      { modal: true, detail: 'The script is open for review. Results land beside the config, as with Run Experiment.' },
      submit,
    );
    if (choice !== submit) return;
    const jobId = (await execute('sbatch', ['--parsable', script], process.env)).split(';')[0]!;
    log().info(`Submitted ${script} as Slurm job ${jobId}`);
    void vscode.window.showInformationMessage(
      `Submitted Slurm job ${jobId}; the experiment panel shows runs as they land.`,
    );
    showPanel(config);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log().warn(`Run on Slurm: ${message}`);
    void vscode.window.showErrorMessage(`Run on Slurm failed: ${message}`);
  }
}
