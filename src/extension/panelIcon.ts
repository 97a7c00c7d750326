// The icon on the tabs of the extension's panels, in the theme's light or dark variant.

import * as vscode from 'vscode';

export function panelIcon(extensionUri: vscode.Uri): { light: vscode.Uri; dark: vscode.Uri } {
  return {
    light: vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'panel-light.svg'),
    dark: vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'panel-dark.svg'),
  };
}
