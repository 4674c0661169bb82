/**
 * Reads a CSV file as French spreadsheets write it (`;` separator, UTF-8 with or without BOM,
 * CRLF or LF, trailing empty lines) into a table of trimmed cells, each with its place
 * (file:line:column), matching the header tolerantly against a list of column specs.
 *
 * Parsing is done by csv-parse; this module only locates cells and checks the table's shape
 * (`csv/*` rules). Values are checked by `affectations.ts`.
 */
import { parse } from 'csv-parse/sync';
import type { CsvError } from 'csv-parse/sync';
import type { Diagnostic, Place } from '../diagnostics.ts';
import { foldForComparison, quote } from './text.ts';

/** A column a CSV file may have. */
export interface ColumnSpec<K extends string> {
  /** Field name in the model, e.g. `etp`. */
  readonly key: K;
  /** Canonical header, e.g. "ETP"; also accepted as a header. */
  readonly label: string;
  /** Other accepted headers, e.g. the published "Nombre d'ETP". */
  readonly aliases: readonly string[];
  /** A required column missing from the header is a `csv/missing-column` error. */
  readonly required: boolean;
}

/** A trimmed cell value and where it was read. */
export interface Cell {
  readonly value: string;
  readonly place: Place;
}

/** A data row: its first line and its cells by column key (absent if the column is absent). */
export interface TableRow<K extends string> {
  /** Place of the row's first cell. */
  readonly place: Place;
  readonly cells: Partial<Record<K, Cell>>;
}

/** A CSV file whose header has every required column. */
export interface Table<K extends string> {
  readonly file: string;
  /** Columns found, in file order. */
  readonly columns: readonly K[];
  /** Data rows in file order (blank rows and TOTAL rows left out). */
  readonly rows: readonly TableRow<K>[];
}

/** The CSV separator used by French spreadsheets. */
export const CSV_DELIMITER = ';';

const FOREIGN_SEPARATORS = [',', '\t', '|'] as const;

/** One parsed record, with the place of each field. */
interface LocatedRecord {
  readonly fields: readonly string[];
  readonly places: readonly Place[];
}

/**
 * Reads CSV bytes into a table. Never throws for bad content: every problem becomes an `error`
 * diagnostic (or a `warning` for a TOTAL row, which is ignored since totals are computed).
 * `table` is absent when the rows cannot be read column by column (encoding, empty file,
 * wrong separator, missing required column, unreadable quotes on every line).
 *
 * @param bytes the file content
 * @param file  path shown in places (relative to the working folder)
 * @param specs the columns this kind of file may have
 */
export function readCsvTable<K extends string>(
  bytes: Uint8Array,
  file: string,
  specs: readonly ColumnSpec<K>[],
): { table?: Table<K>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const error = (ruleId: string, message: string, place: Place, field?: string): void => {
    diagnostics.push({ severity: 'error', ruleId, message, place, ...(field ? { field } : {}) });
  };
  const expectedHeader = specs.filter((s) => s.required).map((s) => s.label).join(CSV_DELIMITER);

  const text = decodeUtf8(bytes, file, diagnostics);
  if (text === undefined) return { diagnostics };

  const before = diagnostics.length;
  const records = parseRecords(text, file, diagnostics).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const header = records[0];
  if (!header) {
    error('csv/empty', `fichier vide (attendu : une ligne d'en-tête ${quote(expectedHeader)} puis une ligne par collège)`, {
      file,
      line: 1,
      column: 1,
    });
    return { diagnostics };
  }

  // The header: trailing empty cells (left by spreadsheets) are ignored.
  let width = header.fields.length;
  while (width > 0 && header.fields[width - 1]!.trim() === '') width--;
  const headerPlace = header.places[0]!;

  if (width === 1) {
    const only = header.fields[0]!;
    const sep = FOREIGN_SEPARATORS.find((s) => only.includes(s));
    if (sep) {
      const shown = sep === '\t' ? 'tabulation' : quote(sep);
      error(
        'csv/separator',
        `séparateur ${shown} dans l'en-tête ${quote(only.trim())} (attendu : le point-virgule ";", ex. ${quote(expectedHeader)})`,
        headerPlace,
      );
      return { diagnostics };
    }
  }

  const columnAt: (K | undefined)[] = [];
  const seen = new Map<K, Place>();
  for (let i = 0; i < width; i++) {
    const raw = header.fields[i]!.trim();
    const place = header.places[i]!;
    const spec = matchColumn(raw, specs);
    if (raw === '') {
      error('csv/unknown-column', `colonne sans en-tête (attendu : ${describeColumns(specs)})`, place);
    } else if (!spec) {
      error('csv/unknown-column', `colonne ${quote(raw)} inconnue (attendu : ${describeColumns(specs)})`, place);
    } else if (seen.has(spec.key)) {
      const first = seen.get(spec.key)!;
      error(
        'csv/duplicate-column',
        `colonne ${quote(raw)} en double : ${quote(spec.label)} déjà en colonne ${first.column} (attendu : une seule colonne ${quote(spec.label)})`,
        place,
      );
    } else {
      seen.set(spec.key, place);
      columnAt[i] = spec.key;
    }
  }
  const missing = specs.filter((s) => s.required && !seen.has(s.key));
  for (const spec of missing) {
    error(
      'csv/missing-column',
      `colonne ${quote(spec.label)} absente de l'en-tête (attendu : ${quote(expectedHeader)})`,
      headerPlace,
    );
  }

  const rows: TableRow<K>[] = [];
  const body = records.slice(1);
  const unreadableLines = diagnostics.length > before;
  if (body.length === 0 && !unreadableLines) {
    error('csv/empty', `aucune ligne après l'en-tête (attendu : une ligne par collège)`, headerPlace);
  }
  for (const record of body) {
    const first = record.places[0]!;
    if (foldForComparison(record.fields.find((f) => f.trim() !== '') ?? '') === 'total') {
      diagnostics.push({
        severity: 'warning',
        ruleId: 'csv/total-row',
        message: `ligne "TOTAL" ignorée (attendu : seulement des collèges ; les totaux sont calculés)`,
        place: first,
      });
      continue;
    }
    const extra = record.fields.slice(width);
    if (record.fields.length < width || extra.some((f) => f.trim() !== '')) {
      const actual = record.fields.length < width ? record.fields.length : width + lastNonBlank(extra) + 1;
      error(
        'csv/field-count',
        `ligne de ${actual} champs au lieu de ${width} (attendu : ${quote(header.fields.slice(0, width).map((f) => f.trim()).join(CSV_DELIMITER))})`,
        first,
      );
      continue;
    }
    const cells: Partial<Record<K, Cell>> = {};
    columnAt.forEach((key, i) => {
      if (key) cells[key] = { value: record.fields[i]!.trim(), place: record.places[i]! };
    });
    rows.push({ place: first, cells });
  }

  if (missing.length > 0) return { diagnostics };
  return { table: { file, columns: columnAt.filter((k): k is K => k !== undefined), rows }, diagnostics };
}

function lastNonBlank(fields: readonly string[]): number {
  for (let i = fields.length - 1; i >= 0; i--) if (fields[i]!.trim() !== '') return i;
  return -1;
}

/** Finds the spec whose label or alias matches a header cell, ignoring case, accents, spaces. */
function matchColumn<K extends string>(header: string, specs: readonly ColumnSpec<K>[]): ColumnSpec<K> | undefined {
  const folded = foldForComparison(header);
  if (folded === '') return undefined;
  return specs.find((s) => [s.label, ...s.aliases].some((name) => foldForComparison(name) === folded));
}

/** "Commune, Collège, ETP ; facultatives : UAI" */
function describeColumns(specs: readonly ColumnSpec<string>[]): string {
  const required = specs.filter((s) => s.required).map((s) => s.label).join(', ');
  const optional = specs.filter((s) => !s.required).map((s) => s.label);
  return optional.length ? `${required} ; facultatives : ${optional.join(', ')}` : required;
}

/**
 * Decodes UTF-8 (the BOM is dropped); on invalid bytes (a file saved as "CSV" in Latin-1 or
 * Windows-1252 rather than "CSV UTF-8") reports `csv/encoding` at the first bad character.
 */
function decodeUtf8(bytes: Uint8Array, file: string, diagnostics: Diagnostic[]): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const lossy = new TextDecoder('utf-8').decode(bytes);
    const at = lossy.indexOf('\uFFFD');
    const before = lossy.slice(0, Math.max(at, 0)).replace(/^\uFEFF/, '');
    const lines = before.split(/\r\n|\r|\n/);
    const context = lossy.slice(at - (lines[lines.length - 1]!.length), at + 12).split(/[\r\n]/)[0]!.replace(/\uFFFD/g, '?');
    diagnostics.push({
      severity: 'error',
      ruleId: 'csv/encoding',
      message:
        `fichier non encodé en UTF-8 : caractère illisible dans ${quote(context)} (attendu : UTF-8 ; dans Excel, « Enregistrer sous » puis « CSV UTF-8 (délimité par des virgules) »)`,
      place: { file, line: lines.length, column: lines[lines.length - 1]!.length + 1 },
    });
    return undefined;
  }
  // TextDecoder drops the BOM already; line ends are unified so that places are exact.
  return text.replace(/\r\n?/g, '\n');
}

/** Parses every record with csv-parse, locating each field; unreadable records become `csv/syntax`. */
function parseRecords(text: string, file: string, diagnostics: Diagnostic[]): LocatedRecord[] {
  const syntaxError = (err: CsvError | undefined): void => {
    diagnostics.push({
      severity: 'error',
      ruleId: 'csv/syntax',
      message: `${csvErrorFr(err)} (attendu : un champ entre guillemets se ferme par un guillemet suivi de ";" ou de la fin de ligne)`,
      place: { file, line: typeof err?.lines === 'number' ? err.lines : 1 },
    });
  };
  let parsed: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      delimiter: CSV_DELIMITER,
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        syntaxError(err);
        return undefined;
      },
    }) as unknown as typeof parsed;
  } catch (err) {
    syntaxError(err as CsvError);
    return [];
  }
  return parsed.map(({ record, raw, info }) => ({ fields: record, places: locateFields(raw, info.lines, file) }));
}

/**
 * Places of the fields of a raw record. csv-parse gives the line where the record ends and its
 * raw text (preceded by any skipped empty lines, followed by the line end); fields start after
 * each separator outside quotes.
 */
function locateFields(raw: string, endLine: number, file: string): Place[] {
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
    } else if (ch === CSV_DELIMITER && !inQuotes) {
      places.push({ file, line, column: column + 1 });
    }
    column++;
  }
  return places;
}

const CSV_ERRORS_FR: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "guillemet ouvert et jamais fermé",
  CSV_INVALID_CLOSING_QUOTE: 'guillemet fermant suivi d\'autres caractères',
  INVALID_OPENING_QUOTE: 'guillemet ouvrant au milieu d\'un champ',
};

function csvErrorFr(err: CsvError | undefined): string {
  const code = err?.code ?? 'inconnu';
  return `ligne illisible : ${CSV_ERRORS_FR[code] ?? `erreur de lecture CSV (${code})`}`;
}
