/**
 * Reading the JSON files the product writes beside its outputs (`manifest.json`, `.envois.json`,
 * `.alertes.json`): one shape, `{ product: 'alses-reports', <key>: { <name>: entry } }`; each
 * caller decides what an absent, unreadable or invalid file means.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as Jsonc from 'jsonc-parser';
import { z } from 'zod';
import { displayPath, type Diagnostic } from '../diagnostics.ts';
import { diagnosticError } from '../errors.ts';
import { maxDataFileBytes } from '../dataset/rules/files.ts';
import { systemReason } from './atomic.ts';

/** jsonc-parser, loaded when a file is there to parse (a first run, into an empty folder, has none). */
const jsoncParser = (): typeof Jsonc => createRequire(import.meta.url)('jsonc-parser') as typeof Jsonc;

/** What reading a JSON file against a schema gave. */
export type JsonFile<T> =
  | { readonly status: 'ok'; readonly value: T }
  /** The file does not exist (ENOENT). */
  | { readonly status: 'absent' }
  /** The file could not be read; `reason` says why, in French (« permission refusée (EACCES) », « lien symbolique (non suivi) »…). */
  | { readonly status: 'unreadable'; readonly reason: string }
  /** The file is not JSON, or not of the schema's shape. */
  | { readonly status: 'invalid' };

/**
 * Reads `file` as UTF-8 JSON and checks it against `schema`; never throws. Only a regular file of
 * at most `maxDataFileBytes()` is read: a symbolic link, FIFO, device or folder is `unreadable`
 * without being opened for reading (issue 12: a register linked to /dev/zero was read without end).
 */
export async function readJsonFile<T>(file: string, schema: z.ZodType<T>): Promise<JsonFile<T>> {
  const read = await readRegularText(file);
  if (read.problem === 'absent') return { status: 'absent' };
  if (read.problem !== undefined) return { status: 'unreadable', reason: problemText(read) };
  const parsed = schema.safeParse(safeJson(read.text));
  return parsed.success ? { status: 'ok', value: parsed.data } : { status: 'invalid' };
}

/** Why `readRegularText` did not read a file, in French. */
export function problemText(read: { problem: string; size?: number }): string {
  const texts: Record<string, string> = {
    link: 'lien symbolique (non suivi)',
    folder: 'un dossier porte ce nom',
    special: "ce n'est pas un fichier ordinaire",
    'too-large': `${read.size ?? '?'} octets, trop gros (au plus ${Math.floor(maxDataFileBytes())} octets ; ALSES_TAILLE_MAX_FICHIER_MO pour changer la limite, en Mio)`,
  };
  return texts[read.problem] ?? `illisible : ${systemReason(Object.assign(new Error(read.problem), { code: read.problem }))}`;
}

/**
 * The text of `file` when it is a regular file of at most `maxDataFileBytes()`, opened without
 * following a symbolic link (`O_NOFOLLOW`) nor blocking on a FIFO (`O_NONBLOCK`); else the
 * problem: `absent`, `link`, `folder`, `special` (FIFO, device, socket), `too-large`, or the
 * system's code (EACCES…).
 */
export async function readRegularText(file: string): Promise<{ text: string; problem?: undefined } | { text?: undefined; problem: string; size?: number }> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'absent' : code === 'ELOOP' ? 'link' : code === 'EISDIR' ? 'folder' : (code ?? String(err)) };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { problem: 'folder' };
    if (!info.isFile()) return { problem: 'special' };
    if (info.size > maxDataFileBytes()) return { problem: 'too-large', size: info.size };
    return { text: new TextDecoder().decode(await handle.readFile()) };
  } catch (err) {
    return { problem: (err as NodeJS.ErrnoException).code ?? String(err) };
  } finally {
    await handle.close();
  }
}

/** `JSON.parse`, with `undefined` for text that is not JSON (no schema here accepts it). */
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Schema of a file the product keeps beside its outputs: its entries by name under `key`. */
export function productFileSchema<K extends string, V extends z.ZodType>(key: K, entry: V) {
  const shape = { product: z.literal('alses-reports'), [key]: z.record(z.string(), entry) };
  return z.object(shape as { product: z.ZodLiteral<'alses-reports'> } & { [P in K]: z.ZodRecord<z.ZodString, V> });
}

/** How to name a product file in the French message of `readProductFile`, and what to do. */
export interface ProductFileWords {
  /** E.g. « Manifeste ». */
  readonly label: string;
  /** What the file should be, e.g. « le fichier JSON écrit par alses render ». */
  readonly expected: string;
  /** What to do, e.g. « restaurez-le depuis une sauvegarde ». */
  readonly remedy: string;
}

const JSON_FAULTS: Partial<Record<string, string>> = {
  InvalidSymbol: 'caractère inattendu',
  InvalidNumberFormat: 'nombre mal écrit',
  PropertyNameExpected: 'nom de propriété attendu (entre guillemets droits)',
  ValueExpected: 'valeur attendue',
  ColonExpected: '« : » attendu',
  CommaExpected: '« , » attendue',
  CloseBraceExpected: '« } » attendue (fichier tronqué ?)',
  CloseBracketExpected: '« ] » attendu (fichier tronqué ?)',
  EndOfFileExpected: 'texte après la fin du JSON',
  InvalidCommentToken: 'commentaire (interdit en JSON)',
  UnexpectedEndOfComment: 'commentaire non fermé',
  UnexpectedEndOfString: 'texte non fermé (guillemet manquant)',
  UnexpectedEndOfNumber: 'nombre incomplet',
  InvalidUnicode: 'séquence \\u invalide',
  InvalidEscapeCharacter: 'échappement \\ invalide',
  InvalidCharacter: 'caractère de contrôle dans un texte',
};

/** zod's expected types, in French. */
const JSON_TYPES: Partial<Record<string, string>> = { object: 'un objet { … }', record: 'un objet { … }', string: 'un texte', number: 'un nombre', array: 'une liste [ … ]', boolean: 'vrai ou faux' };

/** Line and column (1-based) of a character offset of `text`. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/**
 * Reads a JSON file the product keeps beside its outputs (`manifest.json`), strictly: an absent
 * file is `undefined`; anything else that is not exactly the expected content is an error that
 * stops the run — the file is never reset silently (issue 12: a damaged manifest lost the other
 * documents' records). Only a regular file is read (a symbolic link, FIFO or folder is refused
 * without being opened), at most `maxDataFileBytes()`.
 * @throws AlsesError OUTPUT (exit 3), in French with the file, the line and column of the JSON
 *   fault or of the value of the wrong shape, what was expected and `words.remedy`.
 */
export async function readProductFile<T>(file: string, schema: z.ZodType<T>, words: ProductFileWords): Promise<T | undefined> {
  const fail = (cause: string, at?: { line: number; column: number }): never => {
    const shown = displayPath(file);
    const diagnostic: Diagnostic = {
      severity: 'error',
      ruleId: 'manifest/invalid',
      message: `${words.label} « ${shown} » endommagé : ${cause} (attendu : ${words.expected}) ; ${words.remedy}`,
      place: { file: shown, ...(at ?? {}) },
    };
    throw diagnosticError('OUTPUT', diagnostic);
  };
  const read = await readRegularText(file);
  if (read.problem === 'absent') return undefined;
  if (read.problem !== undefined) return fail(problemText(read));
  const text = read.text;
  const jsonc = jsoncParser();
  const errors: Jsonc.ParseError[] = [];
  const value: unknown = jsonc.parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) return fail(`JSON invalide, ${JSON_FAULTS[jsonc.printParseErrorCode(first.error)] ?? jsonc.printParseErrorCode(first.error)}`, lineColumn(text, first.offset));
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const node = jsonc.findNodeAtLocation(jsonc.parseTree(text)!, issue.path as (string | number)[]) ?? jsonc.findNodeAtLocation(jsonc.parseTree(text)!, issue.path.slice(0, -1) as (string | number)[]);
  const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(racine)';
  const detail = issue.code === 'invalid_type' ? `attendu : ${JSON_TYPES[issue.expected] ?? issue.expected}` : 'valeur invalide';
  return fail(`contenu inattendu en « ${where} » (${detail})`, node ? lineColumn(text, node.offset) : undefined);
}
