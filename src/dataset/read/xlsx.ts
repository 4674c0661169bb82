/**
 * Reads an Excel workbook (.xlsx, with exceljs) into tables (`table.ts`), one per sheet, each
 * cell placed as `classeur.xlsx Feuil1!C14`.
 *
 * What Excel gives is read as Excel shows it: a merged cell's value in every cell of the merged
 * range (a merged title row, a commune merged over several rows), a formula's last computed
 * value, a number or a date as typed. A formula with no computed value and an error value
 * (`#DIV/0!`, `#REF!`…) are errors naming the cell (`xlsx/formula`, `xlsx/cell-error`).
 */
import type ExcelJS from 'exceljs';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { RuleId } from '../../rules.ts';
import type { Cell, CellKind, ColumnSpec, SourceRow, Table } from './table.ts';
import { buildTable } from './table.ts';
import { quote } from '../text.ts';
import { checkWorkbookArchive } from './xlsx-limits.ts';

export { WORKBOOK_EXTENSIONS } from '../workbook-path.ts';

/** Visibility of a sheet, as Excel stores it (`veryHidden`: hidden by a macro). */
export type SheetVisibility = 'visible' | 'hidden' | 'veryHidden';

/** A sheet of a read workbook. */
export interface Sheet {
  /** Name as shown on its tab, e.g. "État 2019-07-15". */
  readonly name: string;
  readonly visibility: SheetVisibility;
  /** Number of cells holding a value. */
  readonly filledCells: number;
  /** The sheet's rows (computed once, on first use). */
  rows(): { rows: SourceRow[]; diagnostics: Diagnostic[] };
}

/** A read workbook: its sheets in tab order. */
export interface Workbook {
  /** File shown in places. */
  readonly file: string;
  readonly sheets: readonly Sheet[];
}

/**
 * Reads workbook bytes. A file that is not a readable .xlsx (an old .xls, an .ods, a damaged or
 * truncated file) is an `xlsx/format` or `xlsx/unreadable` error and gives no workbook; one over
 * the limits of `xlsx-limits.ts` (size, compression ratio, rows, columns, cells) is `xlsx/too-large`
 * or `xlsx/zip-bomb` and is never expanded.
 */
export async function readWorkbook(bytes: Uint8Array, file: string): Promise<{ workbook?: Workbook; diagnostics: Diagnostic[] }> {
  const start: Place = { file };
  const fail = (ruleId: RuleId, message: string) => ({ diagnostics: [{ severity: 'error' as const, ruleId, message, place: start }] });
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    // Excel saves a workbook protected by a password as an OLE container, like an old .xls,
    // holding "EncryptionInfo" and "EncryptedPackage" streams (MS-OFFCRYPTO).
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from('EncryptionInfo', 'utf16le'))) {
      return fail(
        'xlsx/format',
        `classeur protégé par un mot de passe : il ne peut pas être lu (attendu : un classeur .xlsx sans mot de passe ; dans Excel, « Fichier », « Informations », « Protéger le classeur », « Chiffrer avec mot de passe » : effacer le mot de passe, puis enregistrer)`,
      );
    }
    return fail(
      'xlsx/format',
      `ancien classeur Excel 97-2003 (.xls) non pris en charge (attendu : un classeur .xlsx ; dans Excel, « Enregistrer sous » puis « Classeur Excel (*.xlsx) »)`,
    );
  }
  if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    return fail('xlsx/format', `ce fichier n'est pas un classeur Excel .xlsx (attendu : un classeur enregistré par Excel ou LibreOffice au format .xlsx)`);
  }
  // Bounds checked on the archive before exceljs expands it (issue 12: unbounded workbooks).
  const limits = checkWorkbookArchive(bytes, file);
  if (limits.length > 0) return { diagnostics: limits };
  // exceljs takes seconds to load: only a run that reads a workbook loads it.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return fail('xlsx/unreadable', `classeur illisible : fichier endommagé ou incomplet (${reason}) (attendu : un classeur .xlsx complet ; l'ouvrir et l'enregistrer à nouveau dans Excel)`);
  }
  const isOds = workbook.worksheets.length === 0;
  if (isOds) return fail('xlsx/format', `classeur sans feuille lisible (attendu : un classeur .xlsx ; un fichier .ods s'enregistre au format .xlsx depuis LibreOffice)`);
  return { workbook: { file, sheets: workbook.worksheets.map((ws) => toSheet(ws, file)) }, diagnostics: [] };
}

function toSheet(ws: ExcelJS.Worksheet, file: string): Sheet {
  let cache: { rows: SourceRow[]; diagnostics: Diagnostic[] } | undefined;
  let filledCells = 0;
  ws.eachRow({ includeEmpty: false }, (row) => {
    row.eachCell({ includeEmpty: false }, () => void filledCells++);
  });
  return {
    name: ws.name,
    visibility: (ws.state as SheetVisibility | undefined) ?? 'visible',
    filledCells,
    rows: () => (cache ??= sheetRows(ws, file)),
  };
}

/** Every row of a sheet, up to its last used row and column, merged cells repeated. */
function sheetRows(ws: ExcelJS.Worksheet, file: string): { rows: SourceRow[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rows: SourceRow[] = [];
  const width = ws.columnCount;
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: Cell[] = [];
    for (let c = 1; c <= width; c++) {
      const cell = row.getCell(c);
      const place: Place = { file, sheet: ws.name, cell: cell.address };
      cells.push({ ...readValue(cell.value, place, diagnostics), place });
    }
    rows.push({ cells, place: cells[0]?.place ?? { file, sheet: ws.name, cell: `A${r}` } });
  }
  return { rows, diagnostics };
}

/** The text of a cell value, and its kind; formulas give their cached result. */
function readValue(value: ExcelJS.CellValue, place: Place, diagnostics: Diagnostic[]): { value: string; kind: CellKind } {
  if (value === null || value === undefined) return { value: '', kind: 'text' };
  if (typeof value === 'string') return { value: value.trim(), kind: 'text' };
  if (typeof value === 'number') return { value: numberText(value), kind: 'number' };
  if (typeof value === 'boolean') return { value: value ? 'VRAI' : 'FAUX', kind: 'text' };
  if (value instanceof Date) return { value: dateText(value), kind: 'date' };
  if ('richText' in value) return { value: value.richText.map((t) => t.text).join('').trim(), kind: 'text' };
  if ('formula' in value || 'sharedFormula' in value) {
    const formula = 'formula' in value ? value.formula : value.sharedFormula;
    const result = value.result;
    if (result === undefined || result === null) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'xlsx/formula',
        message: `cellule calculée par la formule ${quote(`=${formula}`)} sans valeur enregistrée (attendu : une valeur ; ouvrir le classeur dans Excel et l'enregistrer pour calculer la formule, ou saisir la valeur)`,
        place,
      });
      return { value: '', kind: 'invalid' };
    }
    return readValue(result as ExcelJS.CellValue, place, diagnostics);
  }
  if ('error' in value) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'xlsx/cell-error',
      message: `cellule en erreur ${quote(value.error)} (attendu : une valeur ; corriger la formule ou la saisie de cette cellule)`,
      place,
    });
    return { value: '', kind: 'invalid' };
  }
  if ('text' in value) {
    const text = value.text as unknown;
    if (typeof text === 'string') return { value: text.trim(), kind: 'text' };
    if (text && typeof text === 'object' && 'richText' in text) return readValue(text as ExcelJS.CellRichTextValue, place, diagnostics);
  }
  return { value: String(value), kind: 'text' };
}

/** A number as typed: float noise of formulas removed (=0,1+0,2 gives 0.3), point decimal. */
function numberText(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/** A date cell as Excel shows it in France: 15/07/2019 (Excel dates carry no time zone: UTC parts). */
function dateText(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

/** Column letters of a cell address: "C14" → "C". */
export const columnLetters = (cell: string | undefined): string => /^[A-Z]+/.exec(cell ?? '')?.[0] ?? '';

/** Row number of a cell address: "C14" → 14. */
export const rowNumber = (cell: string | undefined): number => Number(/\d+$/.exec(cell ?? '')?.[0] ?? 0);

/**
 * Reads a sheet as a table: same header search, shape rules and TOTAL rows as a CSV file, with
 * `xlsx/…` rule ids and sheet!cell places.
 */
export function readSheetTable<K extends string>(
  sheet: Sheet,
  file: string,
  specs: readonly ColumnSpec<K>[],
  totalKey?: K,
): { table?: Table<K>; diagnostics: Diagnostic[] } {
  const { rows, diagnostics: cellDiagnostics } = sheet.rows();
  const built = buildTable(rows, {
    file,
    specs,
    prefix: 'xlsx',
    joiner: ' | ',
    ...(totalKey !== undefined ? { totalKey } : {}),
    start: { file, sheet: sheet.name, cell: 'A1' },
    columnName: (_index, place) => `colonne ${columnLetters(place.cell)}`,
  });
  return { ...(built.table ? { table: built.table } : {}), diagnostics: [...cellDiagnostics, ...built.diagnostics] };
}
