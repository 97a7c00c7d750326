// Long sweeps as VS Code Tasks: `superposition-lab run <config>` in a terminal, with the problem
// matcher `$superposition-lab` turning its `file:line:col: severity: message` config errors into
// Problems. Tasks are offered for every experiment file in the workspace and can be written in
// tasks.json as { "type": "superposition-lab", "config": "…", "args": ["--set", "train.steps=200"] }.

import * as vscode from 'vscode';

export const TASK_TYPE = 'superposition-lab';

interface ExperimentTaskDefinition extends vscode.TaskDefinition {
  readonly config: string;
  readonly args?: readonly string[];
}

/** Enough for a workspace of experiments; more would slow the task list for nothing. */
const MAX_OFFERED = 50;

export function registerExperimentTasks(context: vscode.ExtensionContext): vscode.Disposable {
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  const toTask = (definition: ExperimentTaskDefinition, scope: vscode.WorkspaceFolder | vscode.TaskScope) =>
    new vscode.Task(
      definition,
      scope,
      `run ${definition.config}`,
      TASK_TYPE,
      // The extension host's own runtime runs the CLI: no Node needs to be on the PATH (Remote included).
      new vscode.ProcessExecution(process.execPath, [cli, 'run', definition.config, ...(definition.args ?? [])], {
        env: { ELECTRON_RUN_AS_NODE: '1' },
      }),
      ['$superposition-lab'],
    );
  return vscode.tasks.registerTaskProvider(TASK_TYPE, {
    async provideTasks() {
      const files = await vscode.workspace.findFiles('**/*.experiment.{yaml,yml}', '**/node_modules/**', MAX_OFFERED);
      return files.flatMap((file) => {
        const folder = vscode.workspace.getWorkspaceFolder(file);
        if (folder === undefined) return [];
        return [toTask({ type: TASK_TYPE, config: vscode.workspace.asRelativePath(file, false) }, folder)];
      });
    },
    resolveTask(task) {
      const definition = task.definition as ExperimentTaskDefinition;
      if (typeof definition.config !== 'string') return undefined;
      return toTask(definition, task.scope ?? vscode.TaskScope.Workspace);
    },
  });
}
