// A stand-in for Red Hat YAML: its id is what Superposition Lab's `auto` settings look for, and
// like the real one it completes the keys of *.experiment.yaml (the real one reads them from the
// contributed schema). Every item says where it came from, so the test can tell the two apart.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the extension host loads main as CommonJS
const vscode = require('vscode');

const KEYS = ['version', 'name', 'description', 'data', 'model', 'optimizer', 'train', 'fit'];

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(
      { pattern: '**/*.experiment.{yaml,yml}' },
      {
        provideCompletionItems: () =>
          KEYS.map((key) => {
            const item = new vscode.CompletionItem(key, vscode.CompletionItemKind.Property);
            item.insertText = `${key}: `;
            item.detail = 'stub-yaml';
            return item;
          }),
      },
    ),
  );
};
