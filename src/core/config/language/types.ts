// The editor features' results, as plain data: the extension turns them into vscode objects.
// Offsets are 0-based UTF-16 offsets into the text, like ConfigProblem.start/end in parse.ts.

export interface CompletionEntry {
  readonly label: string;
  readonly kind: 'section' | 'key' | 'value';
  /** What to insert in place of replaceStart..replaceEnd (plain text, not a snippet). */
  readonly insertText: string;
  /** One line: type, bounds and default, e.g. "integer in [2, 100000] · default 1024". */
  readonly detail: string;
  /** Markdown: description, default, "A list sweeps it" when sweepable, "Paper: <source>". */
  readonly documentation: string;
  /** The word at the cursor, which the completion replaces (empty when there is none). */
  readonly replaceStart: number;
  readonly replaceEnd: number;
  /** Orders the list (the editor would otherwise sort by label, putting `empirical` first). */
  readonly sortText: string;
  /** The entry the editor selects first: a value's default, so Enter never picks a surprising one. */
  readonly preselect: boolean;
}

export interface HoverInfo {
  /** Dotted path of the key described, e.g. "data.features" (or a section, "data"). */
  readonly path: string;
  readonly markdown: string;
  /** The word hovered (a key or a value). */
  readonly start: number;
  readonly end: number;
}

export interface OutlineSymbol {
  /** The key as written (unquoted). */
  readonly name: string;
  /** The value as written, shortened (e.g. "[8, 16, 32]" or "power"); '' for sections. */
  readonly detail: string;
  readonly kind: 'section' | 'key';
  /** The whole key and value. */
  readonly start: number;
  readonly end: number;
  /** The key itself. */
  readonly selectionStart: number;
  readonly selectionEnd: number;
  readonly children: readonly OutlineSymbol[];
}
