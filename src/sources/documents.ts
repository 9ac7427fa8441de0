/**
 * @module sources/documents
 * What both readers of manifest text (files-json, files-yaml) produce, and the limits they share.
 * Kept apart from files-yaml so that reading JSON, the common case, never loads the `yaml` package.
 */

/** Far deeper than any manifest (~20 levels) and far shallower than the stack. */
export const MAX_NESTING = 100;

export interface YamlDocument {
  /** 1-based index in the file. */
  readonly index: number;
  /** 1-based line where the document's content starts. */
  readonly line: number | undefined;
  /** The plain value; null for an empty document. */
  readonly value: unknown;
  /**
   * 1-based line of the field at `path` (['items', 3], ['spec', 'podSelector']), when it can be
   * found: a key's own line (its value may start below), an item's first line. For errors only.
   */
  lineAt(path: readonly (string | number)[]): number | undefined;
}

/** 1-based line of `offset`; for errors only (one pass over the text). */
export function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
