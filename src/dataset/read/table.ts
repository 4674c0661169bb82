/**
 * Turns located rows of cells — read from a CSV file (`csv.ts`) or a workbook sheet (`xlsx.ts`) —
 * into a table of named columns: finds the header row by matching the expected columns (a title
 * row above it, merged or not, is skipped), checks the table's shape, sets TOTAL rows aside to be
 * checked against the computed sum, and leaves blank rows out.
 *
 * Shape rules are reported with the reader's prefix: `csv/…` for a CSV file, `xlsx/…` for a
 * sheet (see `DATASET_RULES`). Values are checked by `affectations.ts`.
 */
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { RuleId } from '../../rules.ts';
import { foldForComparison, quote } from '../text.ts';

/** A column a table may have. */
export interface ColumnSpec<K extends string> {
  /** Field name in the model, e.g. `etp`. */
  readonly key: K;
  /** Canonical header, e.g. "ETP"; also accepted as a header. */
  readonly libelle: string;
  /** Other accepted headers, e.g. the published "Nombre d'ETP". */
  readonly aliases: readonly string[];
  /** A required column missing from the header is a `…/missing-column` error. */
  readonly required: boolean;
}

/**
 * What a cell held, when it was not plain text: a number or a date typed in a workbook, or a
 * cell that could not be read (a formula without a computed value, an Excel error such as
 * `#DIV/0!`), already reported.
 */
export type CellKind = 'text' | 'number' | 'date' | 'invalid';

/** A trimmed cell value and where it was read. */
export interface Cell {
  readonly value: string;
  readonly place: Place;
  /** Absent for text read from a CSV file. */
  readonly kind?: CellKind;
}

/** A row as a reader gives it: its cells in column order. */
export interface SourceRow {
  readonly cells: readonly Cell[];
  /** Place of the row's first cell (also when the row has no cell). */
  readonly place: Place;
}

/** A data row: its place and its cells by column key (absent if the column is absent). */
export interface TableRow<K extends string> {
  /** Place of the row's first cell. */
  readonly place: Place;
  readonly cells: Partial<Record<K, Cell>>;
}

/** A TOTAL row: where it is and the value it declares in the checked column, if any. */
export interface TotalRow {
  readonly place: Place;
  /** The cell of the checked column (e.g. ETP); absent or blank: nothing to check. */
  readonly declared?: Cell;
}

/** A table whose header has every required column. */
export interface Table<K extends string> {
  readonly file: string;
  /** Columns found, in order. */
  readonly columns: readonly K[];
  /** Data rows in order (blank rows, title rows, TOTAL rows and notes left out). */
  readonly rows: readonly TableRow<K>[];
  /** TOTAL rows, to check against the computed sums. */
  readonly totals: readonly TotalRow[];
}

/** How a reader names and shows things in the diagnostics of its tables. */
export interface TableOptions<K extends string> {
  /** File shown in places. */
  readonly file: string;
  /** The columns this kind of table may have. */
  readonly specs: readonly ColumnSpec<K>[];
  /** Rule id prefix: `csv` or `xlsx`. */
  readonly prefix: 'csv' | 'xlsx';
  /** Joins the expected header in messages: ";" for CSV, " | " for a sheet. */
  readonly joiner: string;
  /** Column whose value a TOTAL row declares (e.g. `etp`). */
  readonly totalKey?: K;
  /** Place of the table as a whole (line 1 of a file, A1 of a sheet), for an empty table. */
  readonly start: Place;
  /** Words for a column in a message, from its index (0-based) and the place of its header: "colonne 4" (CSV) or "colonne D" (sheet). */
  readonly columnName: (index: number, place: Place) => string;
  /** Rows were lost to syntax errors already reported: an empty body is not reported again. */
  readonly rowsLost?: boolean;
  /** Hint added to a row-width error (e.g. an unquoted decimal comma in a "," file). */
  readonly widthHint?: string;
}

/** Shape rules both readers check, reported as `csv/…` or `xlsx/…` (`TableOptions.prefix`). */
type ShapeRule = 'empty' | 'unknown-column' | 'duplicate-column' | 'missing-column';

/** Header rows are looked for among the first rows that are not blank. */
const HEADER_SEARCH_ROWS = 10;

/**
 * Longest cell accepted, in characters. A collège or commune name of the published lists is
 * under 40 characters; a cell beyond this is a paste gone wrong and would break the annex tables.
 */
export const MAX_CELL_LENGTH = 200;

/** `true` if the first non-blank cell of a row says "TOTAL" ("Total", "TOTAL GÉNÉRAL", "Total :"). */
export function isTotalRow(cells: readonly Cell[]): boolean {
  const first = cells.find((c) => c.value !== '');
  return first !== undefined && /^total(?![\p{L}\p{N}])/iu.test(first.value.trim());
}

/**
 * Builds a table from located rows. Never throws for bad content: every problem is an `error`
 * diagnostic. `table` is absent when the rows cannot be read column by column (no row, no
 * header with the required columns).
 *
 * The header is the row, among the first ten that are not blank, matching the most expected
 * columns (at least two); else the first row that is not blank. Rows above it (titles) are
 * left out. Rows after a TOTAL row with a single filled cell are notes and left out too.
 */
export function buildTable<K extends string>(rows: readonly SourceRow[], options: TableOptions<K>): { table?: Table<K>; diagnostics: Diagnostic[] } {
  const { file, specs, prefix, joiner } = options;
  const diagnostics: Diagnostic[] = [];
  const push = (ruleId: RuleId, message: string, place: Place): void => void diagnostics.push({ severity: 'error', ruleId, message, place });
  const error = (rule: ShapeRule, message: string, place: Place): void => push(`${prefix}/${rule}`, message, place);
  const expectedHeader = specs.filter((s) => s.required).map((s) => s.libelle).join(joiner);

  const filled = rows.filter((r) => r.cells.some((c) => c.value !== ''));
  if (filled.length === 0) {
    error('empty', `${prefix === 'csv' ? 'fichier vide' : 'feuille vide'} (attendu : une ligne d'en-tête ${quote(expectedHeader)} puis une ligne par collège)`, options.start);
    return { diagnostics };
  }
  const { index: headerIndex, score } = findHeader(filled, specs);
  const header = filled[headerIndex]!;
  // No row names two expected columns, or the one a table requires (a header row deleted, the
  // title row left above the collèges, whose « REP » may match one): one error, not one per
  // cell and row of a table read with the wrong header.
  if (score < Math.min(2, specs.filter((s) => s.required).length)) {
    error(
      'missing-column',
      `ligne d'en-tête introuvable : aucune des ${HEADER_SEARCH_ROWS} premières lignes ne nomme les colonnes attendues (attendu : une ligne ${quote(expectedHeader)} au-dessus des collèges ; a-t-elle été supprimée ?)`,
      filled[0]!.place,
    );
    return { diagnostics };
  }

  // Trailing empty header cells (left by spreadsheets) are ignored.
  let width = header.cells.length;
  while (width > 0 && header.cells[width - 1]!.value === '') width--;

  const columnAt: (K | undefined)[] = [];
  const seen = new Map<K, { index: number; place: Place }>();
  for (let i = 0; i < width; i++) {
    const { value, place } = header.cells[i]!;
    const spec = matchColumn(value, specs);
    if (value === '') {
      error('unknown-column', `colonne sans en-tête (attendu : ${describeColumns(specs)})`, place);
    } else if (!spec) {
      error('unknown-column', `colonne ${quote(value)} inconnue (attendu : ${describeColumns(specs)})`, place);
    } else if (seen.has(spec.key)) {
      error(
        'duplicate-column',
        `colonne ${quote(value)} en double : ${quote(spec.libelle)} déjà en ${options.columnName(seen.get(spec.key)!.index, seen.get(spec.key)!.place)} (attendu : une seule colonne ${quote(spec.libelle)})`,
        place,
      );
    } else {
      seen.set(spec.key, { index: i, place });
      columnAt[i] = spec.key;
    }
  }
  const missing = specs.filter((s) => s.required && !seen.has(s.key));
  for (const spec of missing) {
    error('missing-column', `colonne ${quote(spec.libelle)} absente de l'en-tête (attendu : ${quote(expectedHeader)})`, header.place);
  }

  const body = filled.slice(headerIndex + 1);
  if (body.length === 0 && !options.rowsLost) error('empty', `aucune ligne après l'en-tête (attendu : une ligne par collège)`, header.place);

  const shownHeader = quote(header.cells.slice(0, width).map((c) => c.value).join(joiner));
  const totalAt = options.totalKey === undefined ? -1 : columnAt.indexOf(options.totalKey);
  const tableRows: TableRow<K>[] = [];
  const totals: TotalRow[] = [];
  for (const row of body) {
    if (isTotalRow(row.cells)) {
      const declared = totalAt >= 0 ? row.cells[totalAt] : undefined;
      totals.push({ place: row.place, ...(declared && declared.value !== '' ? { declared } : {}) });
      continue;
    }
    if (totals.length > 0 && row.cells.filter((c) => c.value !== '').length === 1) continue; // a note under the table

    const extra = row.cells.slice(width).filter((c) => c.value !== '');
    if (prefix === 'csv' && (row.cells.length < width || extra.length > 0)) {
      const actual = row.cells.length < width ? row.cells.length : width + lastNonBlank(row.cells.slice(width)) + 1;
      push('csv/field-count', `ligne de ${actual} ${actual === 1 ? 'champ' : 'champs'} au lieu de ${width} (attendu : ${shownHeader}${options.widthHint ?? ''})`, row.place);
      continue;
    }
    if (extra.length > 0) {
      for (const c of extra) {
        push('xlsx/extra-cell', `valeur ${quote(shorten(c.value))} hors du tableau, dans une colonne sans en-tête (attendu : une cellule vide, ou un en-tête de colonne parmi ${describeColumns(specs)})`, c.place);
      }
      continue;
    }
    let tooLong = false;
    for (const c of row.cells) {
      if (c.value.length > MAX_CELL_LENGTH) {
        tooLong = true;
        diagnostics.push({
          severity: 'error',
          ruleId: 'cell/too-long',
          message: `cellule de ${c.value.length.toLocaleString('fr-FR')} caractères ${quote(shorten(c.value))} (attendu : au plus ${MAX_CELL_LENGTH} caractères)`,
          place: c.place,
        });
      }
    }
    if (tooLong) continue;
    const cells: Partial<Record<K, Cell>> = {};
    columnAt.forEach((key, i) => {
      if (key) cells[key] = row.cells[i] ?? { value: '', place: row.place };
    });
    tableRows.push({ place: row.place, cells });
  }

  if (missing.length > 0) return { diagnostics };
  return { table: { file, columns: columnAt.filter((k): k is K => k !== undefined), rows: tableRows, totals }, diagnostics };
}

/** First 40 characters of a long value, for messages. */
export const shorten = (value: string): string => (value.length > 40 ? `${value.slice(0, 40)}…` : value);

/**
 * Index of the header among the filled rows: the one of the first ten matching the most
 * distinct expected columns, if it matches at least two; else the first. `score`: the most
 * expected columns a row of the first ten names.
 */
function findHeader<K extends string>(rows: readonly SourceRow[], specs: readonly ColumnSpec<K>[]): { index: number; score: number } {
  let best = 0;
  let bestScore = 1;
  let most = 0;
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((row, i) => {
    const score = headerScore(row.cells.map((c) => c.value), specs);
    most = Math.max(most, score);
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return { index: best, score: most };
}

/** Number of distinct expected columns a row of header candidates names. */
export function headerScore<K extends string>(values: readonly string[], specs: readonly ColumnSpec<K>[]): number {
  const keys = new Set<K>();
  for (const v of values) {
    const spec = matchColumn(v, specs);
    if (spec) keys.add(spec.key);
  }
  return keys.size;
}

function lastNonBlank(cells: readonly Cell[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if (cells[i]!.value !== '') return i;
  return -1;
}

/** Finds the spec whose libellé or alias matches a header cell, ignoring case, accents, spaces. */
function matchColumn<K extends string>(header: string, specs: readonly ColumnSpec<K>[]): ColumnSpec<K> | undefined {
  const folded = foldForComparison(header);
  if (folded === '') return undefined;
  return specs.find((s) => foldedNames(s).has(folded));
}

/** The libellé and aliases of each spec, folded once per spec (every cell of every candidate header row is matched against them). */
const foldedSpecNames = new WeakMap<ColumnSpec<string>, ReadonlySet<string>>();

/** The libellé and aliases of `spec`, as `foldForComparison` gives them. */
function foldedNames(spec: ColumnSpec<string>): ReadonlySet<string> {
  let names = foldedSpecNames.get(spec);
  if (!names) foldedSpecNames.set(spec, (names = new Set([spec.libelle, ...spec.aliases].map(foldForComparison))));
  return names;
}

/** "Commune, Collège, ETP ; facultatives : UAI" */
function describeColumns(specs: readonly ColumnSpec<string>[]): string {
  const required = specs.filter((s) => s.required).map((s) => s.libelle).join(', ');
  const optional = specs.filter((s) => !s.required).map((s) => s.libelle);
  return optional.length ? `${required} ; facultatives : ${optional.join(', ')}` : required;
}
