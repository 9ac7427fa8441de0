/**
 * @module sources/files
 * Offline input (`-f`): files, directories and stdin to an ObjectSet. A path may be a file (YAML
 * or JSON, several `---` documents, `kind: List` or any `*List` with `items`, nested), a directory
 * (read recursively, `*.yaml`, `*.yml`, `*.json`, in sorted order, each directory once even through
 * symlink loops), or `-` for stdin, which may be given once: a second `-` is an error because the
 * stream is already consumed. A file reached twice (named twice, or also inside a named directory)
 * is read once. A namespaced object that names no namespace is put in the one given (`-n`), as
 * `kubectl apply -n NS -f` does, else in `default`. Every object is validated; two objects with
 * one identity are an error, and so are two that would be one pod (see countedPods in snapshot.ts).
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { decodeEntry, isListKind, listItemKind } from './decode.js';
import { describeOrigin, describeType } from './decode-fields.js';
import { looksLikeJson, parseJsonDocument } from './files-json.js';
import { decodeText, ioReason, readBounded, readFileBounded } from './files-read.js';
import type { YamlDocument } from './documents.js';
import type { ObjectSet, Origin } from './objects.js';
import { ObjectCollector } from './snapshot.js';
import { checkDns1123Label } from './validate-names.js';

export const STDIN_SOURCE = '<stdin>';
const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Lists inside lists are legal but rare; a bound keeps aliased lists from multiplying work. */
const MAX_LIST_NESTING = 8;

export interface ReadIo {
  readonly stdin?: NodeJS.ReadableStream;
  /** For namespaced objects that name none (as `kubectl apply -n NS -f`); `default` when absent. */
  readonly defaultNamespace?: string;
  /**
   * Where errors of single objects (and of whole files that cannot be parsed) go instead of being
   * thrown, so that every one is reported (lint); the valid objects are still read.
   */
  readonly onInvalid?: (e: CliError) => void;
}

/** How one manifest text is read. */
interface ReadContext {
  readonly collector: ObjectCollector;
  readonly doc: YamlDocument;
  readonly defaultNamespace: string;
  readonly onInvalid: ((e: CliError) => void) | undefined;
}

function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A CliError goes to `onInvalid` when there is one (lint reads on past bad objects); else it is thrown. */
function passOn(onInvalid: ((e: CliError) => void) | undefined, e: unknown): void {
  if (onInvalid === undefined || !(e instanceof CliError)) throw e;
  onInvalid(e);
}

/** How a skipped object is counted: its kind, with its API group's version (policy.networking.k8s.io/v1alpha1). */
function skippedKind(value: Readonly<Record<string, unknown>>, impliedKind: string | undefined): string {
  const kind = typeof value['kind'] === 'string' ? value['kind'] : (impliedKind ?? 'object without a kind');
  const apiVersion = value['apiVersion'];
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? `${kind} (${apiVersion})` : kind;
}

/** Adds one value (a document, or a List item) and, for lists, its items. */
function addValue(
  ctx: ReadContext,
  value: unknown,
  origin: Origin,
  path: readonly (string | number)[],
  impliedKind: string | undefined,
  nesting: number,
): void {
  if (value === null || value === undefined) {
    if (path.length === 0) return; // an empty document
    throw new CliError(`${describeOrigin(origin)}: ${path.join('.')}: must be an object, got null`);
  }
  if (!isPlainObject(value)) {
    const where = path.length === 0 ? '' : `${path.join('.')}: `;
    throw new CliError(
      `${describeOrigin(origin)}: ${where}must be a Kubernetes object (a mapping with apiVersion and kind), got ${describeType(value)}`,
    );
  }
  const kind = value['kind'];
  if (typeof kind === 'string' && isListKind(kind) && value['items'] !== undefined) {
    if (nesting >= MAX_LIST_NESTING) {
      throw new CliError(`${describeOrigin(origin)}: ${kind}: lists nested more than ${MAX_LIST_NESTING} deep`);
    }
    const items = value['items'];
    if (items === null) return;
    if (!Array.isArray(items)) {
      throw new CliError(`${describeOrigin(origin)}: ${kind}: items: must be a list (got ${describeType(items)})`);
    }
    const itemKind = listItemKind(kind);
    for (let i = 0; i < items.length; i++) {
      const itemPath = [...path, 'items', i];
      const line = ctx.doc.lineAt(itemPath);
      const itemOrigin: Origin = line === undefined ? origin : { ...origin, line };
      try {
        addValue(ctx, items[i], itemOrigin, itemPath, itemKind, nesting + 1);
      } catch (e) {
        passOn(ctx.onInvalid, e);
      }
    }
    return;
  }
  const itemKind = typeof kind === 'string' ? undefined : impliedKind;
  const decoded = decodeEntry(value, origin, {
    defaultNamespace: ctx.defaultNamespace,
    lineOf: (steps) => ctx.doc.lineAt([...path, ...steps]),
    ...(itemKind === undefined ? {} : { kind: itemKind }),
  });
  if (decoded !== undefined) ctx.collector.add(decoded.object, origin, decoded.owner);
  else ctx.collector.skip(skippedKind(value, itemKind));
}

/**
 * The documents of one manifest text: JSON read directly when it is JSON, else YAML. The YAML
 * reader, and with it the `yaml` package (a few tens of milliseconds to load), is imported only
 * for text that needs it.
 */
async function manifestDocuments(text: string, source: string): Promise<Iterable<YamlDocument>> {
  const json = looksLikeJson(text, source) ? parseJsonDocument(text, source) : undefined;
  if (json !== undefined) return [json];
  const { parseYamlDocuments } = await import('./files-yaml.js');
  return parseYamlDocuments(text, source);
}

/**
 * Decodes every object in one manifest text into `collector`; `source` names it in errors, and
 * namespaced objects without a namespace get `defaultNamespace`.
 */
export async function addManifestText(
  collector: ObjectCollector,
  text: string,
  source: string,
  defaultNamespace = 'default',
  onInvalid?: (e: CliError) => void,
): Promise<void> {
  for (const doc of await manifestDocuments(text, source)) {
    const origin: Origin = { source, document: doc.index, ...(doc.line === undefined ? {} : { line: doc.line }) };
    try {
      addValue({ collector, doc, defaultNamespace, onInvalid }, doc.value, origin, [], undefined, 0);
    } catch (e) {
      passOn(onInvalid, e);
    }
  }
}

function hasManifestExtension(name: string): boolean {
  return MANIFEST_EXTENSIONS.some((ext) => name.endsWith(ext));
}

function fsError(path: string, e: unknown): CliError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new CliError(`the path "${path}" does not exist`, { cause: e });
  return new CliError(`cannot read "${path}": ${ioReason(e)}`, { cause: e });
}

/** Manifest files under `dir`, sorted, each directory visited once (symlink loops end). */
async function walkDirectory(dir: string, visited: Set<string>, out: string[]): Promise<void> {
  const real = await realpath(dir).catch((e: unknown) => {
    throw fsError(dir, e);
  });
  if (visited.has(real)) return;
  visited.add(real);
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
    throw fsError(dir, e);
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(full).catch(() => undefined); // a dangling link is skipped
      isDir = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDir) await walkDirectory(full, visited, out);
    else if (isFile && hasManifestExtension(entry.name)) out.push(full);
  }
}

/** The files one command-line path stands for. */
async function expandPath(path: string, visited: Set<string>): Promise<string[]> {
  const st = await stat(path).catch((e: unknown) => {
    throw fsError(path, e);
  });
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  await walkDirectory(path, visited, out);
  return out;
}

/** Reads every path (file, directory or `-`) into one validated ObjectSet, in input order. */
export async function readManifests(paths: readonly string[], io: ReadIo = {}): Promise<ObjectSet> {
  const defaultNamespace = io.defaultNamespace ?? 'default';
  const invalid = checkDns1123Label(defaultNamespace);
  if (invalid !== undefined) throw new CliError(`namespace for objects that name none: ${invalid}`);
  const collector = new ObjectCollector();
  const visitedDirs = new Set<string>();
  const readFiles = new Set<string>();
  let stdinRead = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinRead) throw new CliError('"-" (stdin) may be given only once');
      stdinRead = true;
      const bytes = await readBounded(io.stdin ?? process.stdin, STDIN_SOURCE);
      try {
        await addManifestText(collector, decodeText(bytes, STDIN_SOURCE), STDIN_SOURCE, defaultNamespace, io.onInvalid);
      } catch (e) {
        passOn(io.onInvalid, e);
      }
      continue;
    }
    for (const file of await expandPath(path, visitedDirs)) {
      const real = await realpath(file).catch((e: unknown) => {
        throw fsError(file, e);
      });
      if (readFiles.has(real)) continue;
      readFiles.add(real);
      const bytes = await readFileBounded(file, file);
      try {
        await addManifestText(collector, decodeText(bytes, file), file, defaultNamespace, io.onInvalid);
      } catch (e) {
        passOn(io.onInvalid, e);
      }
    }
  }
  return collector.result();
}
