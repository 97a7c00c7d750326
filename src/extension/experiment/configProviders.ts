// Completion, hover and the document outline of `*.experiment.yaml`: thin adapters from the pure
// language functions (src/core/config/language.ts, offsets in, offsets out) to VS Code's API.
// They work without the Red Hat YAML extension; with it, completion and hover are left to it by
// default (it serves them from this extension's schema), so nothing is offered twice.

import * as vscode from 'vscode';
import { completionsAt, hoverAt, outline, type OutlineSymbol } from '../../core/config/language';
import { currentConfigFeatures } from './configFeatures';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.experiment.{yaml,yml}' },
  { scheme: 'untitled', pattern: '**/*.experiment.{yaml,yml}' },
];

function range(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}

const COMPLETION_KIND = {
  section: vscode.CompletionItemKind.Module,
  key: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
} as const;

const completion: vscode.CompletionItemProvider = {
  provideCompletionItems(document, position) {
    if (!currentConfigFeatures().completion) return [];
    const entries = completionsAt(document.getText(), document.offsetAt(position));
    return entries.map((e) => {
      const item = new vscode.CompletionItem(e.label, COMPLETION_KIND[e.kind]);
      item.insertText = e.insertText;
      item.detail = e.detail;
      item.documentation = new vscode.MarkdownString(e.documentation);
      item.range = range(document, e.replaceStart, e.replaceEnd);
      item.sortText = e.sortText;
      item.preselect = e.preselect;
      return item;
    });
  },
};

const hover: vscode.HoverProvider = {
  provideHover(document, position) {
    if (!currentConfigFeatures().hover) return null;
    const info = hoverAt(document.getText(), document.offsetAt(position));
    return info
      ? new vscode.Hover(new vscode.MarkdownString(info.markdown), range(document, info.start, info.end))
      : null;
  },
};

function toSymbol(document: vscode.TextDocument, s: OutlineSymbol): vscode.DocumentSymbol {
  const symbol = new vscode.DocumentSymbol(
    s.name,
    s.detail,
    s.kind === 'section' ? vscode.SymbolKind.Module : vscode.SymbolKind.Property,
    range(document, s.start, s.end),
    range(document, s.selectionStart, s.selectionEnd),
  );
  symbol.children = s.children.map((c) => toSymbol(document, c));
  return symbol;
}

const symbols: vscode.DocumentSymbolProvider = {
  provideDocumentSymbols(document) {
    return outline(document.getText()).map((s) => toSymbol(document, s));
  },
};

export function registerConfigProviders(): vscode.Disposable[] {
  return [
    // Trigger on ':' (values after a key) and ' ' (after "key: "), besides word characters.
    vscode.languages.registerCompletionItemProvider(SELECTOR, completion, ':', ' '),
    vscode.languages.registerHoverProvider(SELECTOR, hover),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, symbols, { label: 'Experiment' }),
  ];
}
