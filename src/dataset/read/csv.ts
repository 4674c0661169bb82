/**
 * Reads a CSV file as spreadsheets write it into a table (`table.ts`): the encoding is detected
 * (UTF-8 with or without BOM, UTF-16 with BOM as Excel's "Texte Unicode", else Windows-1252 as
 * Excel's plain "CSV"), the separator too (";", "," or tabulation: the one that splits a header
 * row into the expected columns), CRLF or LF, trailing empty lines. Each cell keeps its place
 * (file:line:column).
 *
 * Parsing is done by csv-parse and Windows-1252 decoding by iconv-lite; this module only detects,
 * locates and reports (`csv/*` rules). A file that is not text (binary, a workbook saved as
 * ".csv") or whose bytes are neither UTF-8 nor Windows-1252 is an error, never read as garbage.
 */
import { parse } from 'csv-parse/sync';
import type { CsvError } from 'csv-parse/sync';
import { createRequire } from 'node:module';
import type Iconv from 'iconv-lite';
import { formatNumber } from '../../format.ts';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import { positionAt } from '../../diagnostics.ts';
import type { Cell, ColumnSpec, SourceRow, Table } from './table.ts';
import { buildTable, headerScore } from './table.ts';
import { quote } from '../text.ts';

/** iconv-lite, loaded for a file that is not in UTF-8 (most are). */
const iconvLite = (): typeof Iconv => createRequire(import.meta.url)('iconv-lite') as typeof Iconv;

export type { Cell, ColumnSpec, Table, TableRow } from './table.ts';

/** The CSV separator of the canonical files (what French spreadsheets write). */
export const CSV_DELIMITER = ';';

/** Separators recognised, in order of preference when several fit. */
export const CSV_DELIMITERS = [';', ',', '\t'] as const;
/** A recognised separator. */
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** Encodings recognised. */
export type CsvEncoding = 'utf-8' | 'utf-16' | 'windows-1252';

/**
 * Reads CSV bytes into a table. Never throws for bad content: every problem becomes an `error`
 * diagnostic. `table` is absent when the rows cannot be read column by column (not text, bad
 * encoding, empty file, unknown separator, missing required column).
 *
 * @param bytes the file content
 * @param file  path shown in places (relative to the working folder)
 * @param specs the columns this kind of file may have
 * @param totalKey the column a TOTAL row declares a total for (e.g. `etp`)
 */
export function readCsvTable<K extends string>(
  bytes: Uint8Array,
  file: string,
  specs: readonly ColumnSpec<K>[],
  totalKey?: K,
): { table?: Table<K>; diagnostics: Diagnostic[]; encoding?: CsvEncoding; delimiter?: CsvDelimiter } {
  const diagnostics: Diagnostic[] = [];
  const decoded = decodeText(bytes, file, diagnostics);
  if (!decoded) return { diagnostics };
  const { text, encoding } = decoded;
  // Bounded before any row is parsed: a 35 MB file of 1,000,000 lines made validate die of V8
  // memory exhaustion, in English (hostile trial).
  const maxLines = maxCsvLines();
  const tooFar = lineStart(text, maxLines + 1);
  if (tooFar !== undefined) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'file/too-large',
      message: `fichier ${quote(file)} trop long : plus de ${formatNumber(maxLines)} lignes (attendu : au plus ${formatNumber(maxLines)} lignes, une par collège ; ALSES_CSV_LIGNES_MAX pour changer la limite)`,
      place: { file, line: maxLines + 1, column: 1 },
    });
    return { diagnostics, encoding };
  }

  const delimiter = detectDelimiter(text, specs, file, diagnostics);
  if (!delimiter) return { diagnostics, encoding };

  const before = diagnostics.length;
  const rows = parseRows(text, delimiter, file, diagnostics);
  const joiner = delimiter === '\t' ? CSV_DELIMITER : delimiter;
  const built = buildTable(rows, {
    file,
    specs,
    prefix: 'csv',
    joiner,
    ...(totalKey !== undefined ? { totalKey } : {}),
    start: { file, line: 1, column: 1 },
    columnName: (index) => `colonne ${index + 1}`,
    rowsLost: diagnostics.length > before,
    ...(delimiter === ',' ? { widthHint: ` ; avec le séparateur ",", un nombre à virgule s'écrit entre guillemets, ex. "0,5"` } : {}),
  });
  diagnostics.push(...built.diagnostics);
  return { ...(built.table ? { table: built.table } : {}), diagnostics, encoding, delimiter };
}

/** Most lines of a CSV file (`ALSES_CSV_LIGNES_MAX`, default 150 000: an état has one line per collège, a few hundred). */
export function maxCsvLines(): number {
  const n = Number(process.env['ALSES_CSV_LIGNES_MAX']);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 150_000;
}

/** Where line `line` (from 1) of `text` starts, or undefined when the text has fewer lines (a last empty line does not count). */
function lineStart(text: string, line: number): number | undefined {
  let at = 0;
  for (let n = 1; n < line; n++) {
    const end = text.indexOf('\n', at);
    if (end < 0) return undefined;
    at = end + 1;
  }
  return at < text.length ? at : undefined;
}

const EXCEL_HINT = `dans Excel, « Enregistrer sous » puis « CSV UTF-8 » ou « CSV (séparateur : point-virgule) »`;

/** Signatures of files that are not text, with what to call them. */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'un classeur Excel (.xlsx) ou une archive ZIP' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'un ancien classeur Excel (.xls)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'un document PDF' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'une image PNG' },
  { bytes: [0xff, 0xd8, 0xff], what: 'une image JPEG' },
];

/**
 * The text of the file, with line ends unified to "\n" so that places are exact, or undefined
 * after a `csv/binary` or `csv/encoding` error.
 */
function decodeText(bytes: Uint8Array, file: string, diagnostics: Diagnostic[]): { text: string; encoding: CsvEncoding } | undefined {
  const fail = (ruleId: 'csv/binary' | 'csv/encoding', message: string, place: Place): undefined => {
    diagnostics.push({ severity: 'error', ruleId, message, place });
    return undefined;
  };
  const signature = SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b));
  if (signature) {
    return fail(
      'csv/binary',
      `fichier binaire : ${signature.what}, pas un fichier CSV (attendu : un fichier texte CSV ; ${EXCEL_HINT} ; un classeur .xlsx se lit avec « --data classeur.xlsx »)`,
      { file, line: 1, column: 1 },
    );
  }

  let text: string;
  let encoding: CsvEncoding;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    text = iconvLite().decode(Buffer.from(bytes), bytes[0] === 0xff ? 'utf-16le' : 'utf-16be');
    encoding = 'utf-16';
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
      encoding = 'utf-8';
    } catch {
      // Some lines in UTF-8 and a later one in Windows-1252 (two files pasted together): neither
      // encoding reads it all; placed on the first byte UTF-8 cannot read (issue 12: it was placed
      // on the header, garbled when read as Windows-1252).
      const lenient = new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
      const bad = lenient.indexOf('\uFFFD');
      if (bad > 0 && /[^\u0000-\u007F]/.test(lenient.slice(0, bad))) {
        const shown = iconvLite().decode(Buffer.from(bytes), 'win1252').replace(/^\uFEFF/, '');
        const at = positionOf(lenient, bad, file);
        const lineText = shown.split(/\r\n?|\n/)[(at.line ?? 1) - 1] ?? '';
        return fail(
          'csv/encoding',
          `encodages mélangés : le début du fichier est en UTF-8, mais la ligne ${at.line} ne l'est pas (${quote(contextAt(lineText, (at.column ?? 1) - 1))}, sans doute en Windows-1252) (attendu : tout le fichier dans un seul encodage, UTF-8 ou Windows-1252 ; ${EXCEL_HINT})`,
          at,
        );
      }
      // Excel's plain "CSV" is Windows-1252. (Node's TextDecoder decodes "windows-1252" as
      // Latin-1, so iconv-lite is used: it marks the five bytes Windows-1252 leaves undefined.)
      text = iconvLite().decode(Buffer.from(bytes), 'win1252');
      encoding = 'windows-1252';
    }
  }
  text = text.replace(/^\uFEFF/, '');

  const control = /[\u0000-\u0008\u000E-\u001F]/.exec(text);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, '0').toUpperCase();
    const what = code === '00' ? 'octet nul 0x00 (fichier binaire, ou texte UTF-16 sans BOM)' : `caractère de contrôle 0x${code}`;
    return fail(
      'csv/binary',
      `fichier binaire : ${what} (attendu : un fichier texte CSV ; ${EXCEL_HINT})`,
      positionOf(text, control.index, file),
    );
  }
  const undefinedByte = text.indexOf('\uFFFD');
  if (encoding === 'windows-1252' && undefinedByte >= 0) {
    return fail(
      'csv/encoding',
      `encodage inconnu : octet illisible ni en UTF-8 ni en Windows-1252 dans ${quote(contextAt(text, undefinedByte).replace(/\uFFFD/g, '?'))} (attendu : un fichier UTF-8 ou Windows-1252 ; ${EXCEL_HINT})`,
      positionOf(text, undefinedByte, file),
    );
  }
  // UTF-8 text saved again as if it were Windows-1252 ("é" → "Ã©"): valid, but garbled.
  const garbled = /Ã[\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013-\u203A\u20AC\u2122]/.exec(text);
  if (garbled) {
    return fail(
      'csv/encoding',
      `texte mal converti : ${quote(contextAt(text, garbled.index))} contient ${quote(garbled[0])}, un accent enregistré deux fois (attendu : le texte d'origine, ex. « é » ; ${EXCEL_HINT})`,
      positionOf(text, garbled.index, file),
    );
  }
  return { text: text.replace(/\r\n?/g, '\n'), encoding };
}

/** The place of the character at `index` (line ends "\n", "\r\n" or "\r"). */
const positionOf = (text: string, index: number, file: string): Place => ({ file, ...positionAt(text, index) });

/** The line around `index`, cut to a readable length. */
function contextAt(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf('\n', index) + 1, index - 12);
  const rest = text.slice(index).search(/[\r\n]/);
  const end = Math.min(rest < 0 ? text.length : index + rest, index + 12);
  return text.slice(start, end);
}

/**
 * The separator: the one that splits one of the first rows into the most expected columns
 * (";" first on a tie, then ",", then tabulation). When no row names two expected columns,
 * the separator the first line holds most; a line with none of them but "|" is `csv/separator`.
 */
function detectDelimiter<K extends string>(text: string, specs: readonly ColumnSpec<K>[], file: string, diagnostics: Diagnostic[]): CsvDelimiter | undefined {
  let best: CsvDelimiter | undefined;
  let bestScore = 1;
  for (const delimiter of CSV_DELIMITERS) {
    const records = parseHead(text, delimiter);
    const score = Math.max(0, ...records.map((r) => headerScore(r, specs)));
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  if (best) return best;

  const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const counts = CSV_DELIMITERS.map((d) => ({ d, n: firstLine.split(d).length - 1 })).filter((c) => c.n > 0);
  if (counts.length > 0) return counts.sort((a, b) => b.n - a.n)[0]!.d;
  const other = ['|', '/', '#', ':'].find((s) => firstLine.includes(s));
  if (other) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'csv/separator',
      message: `séparateur ${quote(other)} dans ${quote(firstLine.trim().slice(0, 60))} (attendu : le point-virgule ";", la virgule "," ou la tabulation, ex. "Commune;Collège;Structure porteuse;ETP")`,
      place: { file, line: positionAt(text, text.indexOf(firstLine)).line, column: 1 },
    });
    return undefined;
  }
  return CSV_DELIMITER;
}

/** The first rows of the text split by `delimiter` (unreadable rows skipped). */
function parseHead(text: string, delimiter: CsvDelimiter): string[][] {
  try {
    return parse(text, {
      delimiter,
      to_line: 20,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
    }) as string[][];
  } catch {
    return [];
  }
}

/** Parses every record with csv-parse, locating each field; unreadable records become `csv/syntax`. */
function parseRows(text: string, delimiter: CsvDelimiter, file: string, diagnostics: Diagnostic[]): SourceRow[] {
  // Line where the last good record ended: a quote never closed runs to the end of the file,
  // so its record starts on the next line that is not empty.
  let lastEnd = 0;
  const syntaxError = (err: CsvError | undefined): void => {
    const shown = delimiter === '\t' ? 'une tabulation' : quote(delimiter);
    let line = typeof err?.lines === 'number' ? err.lines : 1;
    if (err?.code === 'CSV_QUOTE_NOT_CLOSED') {
      const lines = text.split('\n');
      line = lastEnd + 1;
      while (line < lines.length && lines[line - 1]!.trim() === '') line++;
    }
    diagnostics.push({
      severity: 'error',
      ruleId: 'csv/syntax',
      message: `${csvErrorFr(err)} (attendu : un champ entre guillemets se ferme par un guillemet suivi de ${shown} ou de la fin de ligne)`,
      place: { file, line },
    });
  };
  // Each record becomes its located row as soon as it is parsed, so that csv-parse's raw text
  // and info objects do not pile up on a large file.
  const toRow = ({ record, raw, info }: { record: string[]; raw: string; info: { lines: number } }): SourceRow => {
    const places = locateFields(raw, info.lines, file, delimiter);
    const cells: Cell[] = record.map((value, i) => ({ value: value.trim(), place: places[i] ?? places[0]! }));
    return { cells, place: places[0]! };
  };
  try {
    return parse(text, {
      delimiter,
      info: true,
      raw: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_record: (record, context) => {
        lastEnd = context.lines;
        return toRow(record as unknown as Parameters<typeof toRow>[0]) as unknown as typeof record;
      },
      on_skip: (err) => {
        syntaxError(err);
        return undefined;
      },
    }) as unknown as SourceRow[];
  } catch (err) {
    syntaxError(err as CsvError);
    return [];
  }
}

/**
 * Places of the fields of a raw record. csv-parse gives the line where the record ends and its
 * raw text (preceded by any skipped empty lines, followed by the line end); fields start after
 * each separator outside quotes.
 */
function locateFields(raw: string, endLine: number, file: string, delimiter: CsvDelimiter): Place[] {
  const body = raw.replace(/\n$/, '').replace(/^\n+/, '');
  let line = endLine - (body.match(/\n/g)?.length ?? 0);
  let column = 1;
  const places: Place[] = [{ file, line, column }];
  let inQuotes = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '"') {
      if (inQuotes && body[i + 1] === '"') {
        i++;
        column += 2;
        continue;
      }
      inQuotes = !inQuotes;
    } else if (ch === '\n') {
      line++;
      column = 1;
      continue;
    } else if (ch === delimiter && !inQuotes) {
      places.push({ file, line, column: column + 1 });
    }
    column++;
  }
  return places;
}

const CSV_ERRORS_FR: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'guillemet ouvert et jamais fermé',
  CSV_INVALID_CLOSING_QUOTE: "guillemet fermant suivi d'autres caractères",
  INVALID_OPENING_QUOTE: "guillemet ouvrant au milieu d'un champ",
};

function csvErrorFr(err: CsvError | undefined): string {
  const code = err?.code ?? 'inconnu';
  return `ligne illisible : ${CSV_ERRORS_FR[code] ?? `erreur de lecture CSV (${code})`}`;
}
