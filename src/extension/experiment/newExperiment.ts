// "New Experiment…": pick a commented template (quick demo, studies, the paper's presets), name
// it, and the config is written into the workspace and opened, ready to Run or Preview.

import * as vscode from 'vscode';
import { parseExperimentConfig } from '../../core/config/parse';
import { sweepSize } from '../../core/config/sweepSize';
import { experimentTemplates, templateWithName, type ExperimentTemplate } from '../../core/config/templates';
import { formatDuration } from '../../core/config/costModel';
import type { Calibration } from './calibration';

interface TemplatePick extends vscode.QuickPickItem {
  readonly template: ExperimentTemplate;
}

/** Experiment names become file and folder names: letters, digits, '.', '_' and '-', at most 64. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface NewExperimentArgs {
  /** A template id (e.g. "quick-demo"), to skip the picker (the walkthrough's link passes one). */
  readonly template?: string;
}

export async function newExperiment(calibration: Calibration, args: NewExperimentArgs = {}): Promise<void> {
  const template = args.template
    ? experimentTemplates().find((t) => t.id === args.template)
    : (await pickTemplate(calibration))?.template;
  if (template === undefined) return;
  const folder = await targetFolder();
  if (folder === undefined) return;
  const name = await vscode.window.showInputBox({
    title: `New experiment from "${template.label}"`,
    prompt: `The experiment's name; the file is <name>.experiment.yaml in ${folder.path.split('/').pop() ?? folder.path}`,
    value: await freeName(folder, template.name),
    // Opened from the walkthrough, the box would close at once when the page takes the focus back.
    ignoreFocusOut: true,
    validateInput: async (value) => {
      if (!SAFE_NAME.test(value)) {
        return 'Use letters, digits, ".", "_" and "-" (at most 64, not starting with "." or "-").';
      }
      return (await exists(fileFor(folder, value))) ? `${value}.experiment.yaml already exists here.` : undefined;
    },
  });
  if (name === undefined) return;
  const file = fileFor(folder, name);
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(templateWithName(template, name)));
  await vscode.window.showTextDocument(file);
}

async function pickTemplate(calibration: Calibration): Promise<TemplatePick | undefined> {
  const items = experimentTemplates().map((template): TemplatePick => {
    const config = parseExperimentConfig(template.yaml, { fileName: `${template.name}.experiment.yaml` }).config;
    const size = config === null ? null : sweepSize(config, calibration.factor());
    return {
      template,
      label: template.label,
      description: size === null ? undefined : `${size.runs} runs, est. ${formatDuration(size.seconds)}`,
      detail: template.detail,
    };
  });
  return vscode.window.showQuickPick(items, { title: 'New experiment: start from…', matchOnDetail: true });
}

async function targetFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0]!.uri;
  if (folders.length > 1) {
    return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where to write the experiment' }))?.uri;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Write the experiment here',
  });
  return picked?.[0];
}

const fileFor = (folder: vscode.Uri, name: string) => vscode.Uri.joinPath(folder, `${name}.experiment.yaml`);

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The template's name, or name-2, name-3, … when a config of that name is already there. */
async function freeName(folder: vscode.Uri, base: string): Promise<string> {
  for (let i = 1; i < 100; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!(await exists(fileFor(folder, name)))) return name;
  }
  return base;
}
