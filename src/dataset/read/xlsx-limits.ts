/**
 * Bounds on a workbook, checked on its zip archive before exceljs expands it (issue 12:
 * unbounded input). A 7 KB workbook with one space in cell XFD1048576 made exceljs build a
 * 1 048 576 × 16 384 grid and the process die (V8 out of memory); a 3 MB "zip bomb" took 3 GB.
 *
 * Two passes with fflate, never holding more than one small chunk of expanded data:
 * 1. the central directory (what each part declares): total expanded size and compression ratio;
 * 2. the parts themselves, inflated 16 KiB of compressed bytes at a time (what they really
 *    expand to, whatever they declare): the same size bound, and in each sheet the cells
 *    (`<c r="…">`), rows, merged ranges and `<dimension ref>` measured against the row, column
 *    and cell limits (a sheet is read as a grid of its used range: rows × columns cells). The first size excess stops the pass.
 *
 * Limits (README « Limites ») — each overridable by an environment variable:
 * | limit | default | variable |
 * |---|---|---|
 * | expanded size of all parts | 100 Mio | `ALSES_CLASSEUR_TAILLE_MAX_MO` (Mio) |
 * | compression ratio of a part over 4 Mio | 100 pour 1 | `ALSES_CLASSEUR_TAUX_MAX` |
 * | rows of a sheet | 100 000 | `ALSES_CLASSEUR_LIGNES_MAX` |
 * | columns of a sheet | 200 (GR) | `ALSES_CLASSEUR_COLONNES_MAX` |
 * | cells of a sheet's used range (rows × columns) | 1 000 000 | `ALSES_CLASSEUR_CELLULES_MAX` |
 */
import { decodeXML } from 'entities';
import { strFromU8, Unzip, UnzipInflate, unzipSync } from 'fflate';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import { formatNumber } from '../../format.ts';
import { sizeText } from '../rules/files.ts';
import { quote } from '../text.ts';

/** Limits on a workbook (see the module comment). */
export interface WorkbookLimits {
  /** Expanded size of all parts of the archive, in bytes. */
  readonly bytes: number;
  /** Highest compression ratio of a part larger than `ratioFloor` bytes expanded. */
  readonly ratio: number;
  /** Parts smaller than this (bytes, expanded) may compress at any ratio. */
  readonly ratioFloor: number;
  readonly rows: number;
  readonly columns: number;
  readonly cells: number;
}

const envNumber = (name: string, fallback: number): number => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

/** The limits in force (environment variables over the defaults). */
export function workbookLimits(): WorkbookLimits {
  return {
    bytes: envNumber('ALSES_CLASSEUR_TAILLE_MAX_MO', 100) * 1024 * 1024,
    ratio: envNumber('ALSES_CLASSEUR_TAUX_MAX', 100),
    ratioFloor: 4 * 1024 * 1024,
    rows: Math.floor(envNumber('ALSES_CLASSEUR_LIGNES_MAX', 100_000)),
    columns: Math.floor(envNumber('ALSES_CLASSEUR_COLONNES_MAX', 200)),
    cells: Math.floor(envNumber('ALSES_CLASSEUR_CELLULES_MAX', 1_000_000)),
  };
}

/** Compressed bytes given to the inflater at a time: at most ~17 MB expanded per step. */
const CHUNK = 16 * 1024;

const mib = sizeText;

/** Column letters → number: "A" → 1, "XFD" → 16384. */
const columnNumber = (letters: string): number => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/** Column number → letters: 201 → "GS". */
function columnName(n: number): string {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** What the scan of one sheet part found. */
interface SheetScan {
  /** Last row and column of the used range. */
  rows: number;
  columns: number;
  /** First cell (or range corner) beyond the row or column limit. */
  beyond?: { cell: string; what: 'row' | 'column'; source: 'cellule' | 'fusion' | 'dimension' };
}

/**
 * Scans a sheet part's XML as it is inflated: `<row r>`, `<c r>` (or their implied positions),
 * `<mergeCell ref>` and `<dimension ref>`, a tag cut between two chunks kept for the next.
 */
function sheetScanner(limits: WorkbookLimits): { push: (text: string) => void; end: () => void; scan: SheetScan } {
  const scan: SheetScan = { rows: 0, columns: 0 };
  let carry = '';
  let row = 0;
  let column = 0;
  const check = (col: number, r: number, source: NonNullable<SheetScan['beyond']>['source']): void => {
    scan.rows = Math.max(scan.rows, r);
    scan.columns = Math.max(scan.columns, col);
    if (scan.beyond) return;
    if (col > limits.columns) scan.beyond = { cell: `${columnName(col)}${r}`, what: 'column', source };
    else if (r > limits.rows) scan.beyond = { cell: `${columnName(col)}${r}`, what: 'row', source };
  };
  /** A `<dimension ref>` beyond the limits: reported only when no cell or merge is. */
  let dimension: SheetScan['beyond'];
  const tag = /<(row|c|mergeCell|dimension)\b([^>]*)>/g;
  const end = (): void => {
    if (!scan.beyond && dimension) scan.beyond = dimension;
  };
  const push = (text: string): void => {
    const all = carry + text;
    const cut = all.lastIndexOf('<');
    const complete = cut >= 0 && all.indexOf('>', cut) < 0 ? all.slice(0, cut) : all;
    // A tag is short; a longer "carry" is not one (and is not kept, so that nothing piles up).
    carry = all.length - complete.length > 65536 ? '' : all.slice(complete.length);
    for (const m of complete.matchAll(tag)) {
      const attrs = m[2] ?? '';
      if (m[1] === 'row') {
        const r = /\br="(\d+)"/.exec(attrs);
        row = r ? Number(r[1]) : row + 1;
        column = 0;
      } else if (m[1] === 'c') {
        const r = /\br="([A-Z]+)(\d+)"/.exec(attrs);
        column = r ? columnNumber(r[1]!) : column + 1;
        check(column, r ? Number(r[2]) : row, 'cellule');
      } else {
        const ref = /\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/.exec(attrs);
        // exceljs ignores <dimension>: a range beyond the limits is refused, its area not counted.
        if (ref && m[1] === 'mergeCell') check(columnNumber(ref[3] ?? ref[1]!), Number(ref[4] ?? ref[2]), 'fusion');
        else if (ref) {
          const col = columnNumber(ref[3] ?? ref[1]!);
          const r = Number(ref[4] ?? ref[2]);
          if (col > limits.columns || r > limits.rows) dimension = { cell: `${columnName(col)}${r}`, what: col > limits.columns ? 'column' : 'row', source: 'dimension' };
        }
      }
    }
  };
  return { push, end, scan };
}

const isSheetPart = (name: string): boolean => /^xl\/worksheets\/[^/]+\.xml$/i.test(name);
const WORKBOOK_PART = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';

/** Sheet names by part path, from xl/workbook.xml and its relationships. */
function sheetNames(workbookXml: string, relsXml: string): Map<string, string> {
  const targets = new Map<string, string>();
  for (const m of relsXml.matchAll(/<Relationship\b([^>]*)>/g)) {
    const id = /\bId="([^"]*)"/.exec(m[1] ?? '')?.[1];
    const target = /\bTarget="([^"]*)"/.exec(m[1] ?? '')?.[1];
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  const names = new Map<string, string>();
  for (const m of workbookXml.matchAll(/<sheet\b([^>]*)>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1] ?? '')?.[1];
    const id = /\br:id="([^"]*)"/.exec(m[1] ?? '')?.[1];
    const part = id ? targets.get(id) : undefined;
    if (name !== undefined && part) names.set(part, decodeXML(name));
  }
  return names;
}

/**
 * Checks a workbook's archive against `limits` before it is expanded. Returns `xlsx/too-large`
 * (size, rows, columns, cells) and `xlsx/zip-bomb` (compression ratio) errors, placed on the
 * workbook or on the sheet and cell; none for an archive fflate cannot read (exceljs then says
 * why). Never throws.
 * @param bytes the workbook file
 * @param file the workbook as shown in places
 */
export function checkWorkbookArchive(bytes: Uint8Array, file: string, limits: WorkbookLimits = workbookLimits()): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const error = (ruleId: 'xlsx/too-large' | 'xlsx/zip-bomb', message: string, place: Place = { file }): void => {
    diagnostics.push({ severity: 'error', ruleId, message, place });
  };
  const sizeHint = `ALSES_CLASSEUR_TAILLE_MAX_MO pour changer la limite, en Mio`;
  const tooLarge = (size: number): void =>
    error('xlsx/too-large', `classeur trop volumineux une fois décompressé : plus de ${mib(size)} (attendu : au plus ${mib(limits.bytes)} de contenu décompressé ; ${sizeHint})`);
  const bomb = (part: string, packed: number, size: number): void =>
    error(
      'xlsx/zip-bomb',
      `partie ${quote(part)} du classeur compressée à plus de ${formatNumber(Math.floor(size / Math.max(packed, 1)))} pour 1 (${mib(packed)} qui deviennent ${mib(size)}) : archive piégée ou endommagée (attendu : un classeur enregistré par Excel ou LibreOffice, compressé à moins de ${formatNumber(limits.ratio)} pour 1 ; ALSES_CLASSEUR_TAUX_MAX pour changer la limite)`,
    );

  // 1. What the central directory declares (fflate reads it without inflating anything).
  let declared = 0;
  try {
    unzipSync(bytes, {
      filter: (f) => {
        declared += f.originalSize;
        if (diagnostics.length === 0 && f.originalSize > limits.ratioFloor && f.originalSize / Math.max(f.size, 1) > limits.ratio) bomb(f.name, f.size, f.originalSize);
        return false;
      },
    });
  } catch {
    return [];
  }
  if (diagnostics.length === 0 && declared > limits.bytes) tooLarge(declared);
  if (diagnostics.length > 0) return diagnostics;

  // 2. What the parts really expand to.
  let total = 0;
  let stop = false;
  const texts = new Map<string, string>();
  const scans = new Map<string, SheetScan>();
  /** Compressed bytes given to the inflater so far. */
  let pushed = 0;
  const unzip = new Unzip((entry) => {
    let size = 0;
    // Where the part's compressed bytes start, at worst: its size is unknown when the archive
    // declares it after the data (a data descriptor), or lies about it.
    const startedAt = Math.max(0, pushed - CHUNK);
    const scanner = isSheetPart(entry.name) ? sheetScanner(limits) : undefined;
    if (scanner) scans.set(entry.name, scanner.scan);
    const keep = entry.name === WORKBOOK_PART || entry.name === WORKBOOK_RELS;
    const kept: Uint8Array[] = [];
    entry.ondata = (err, data, final) => {
      if (err || stop) return;
      size += data.length;
      total += data.length;
      if (total > limits.bytes) {
        tooLarge(total);
        stop = true;
      } else if (size > limits.ratioFloor) {
        const packed = Math.min(entry.size ?? Infinity, pushed - startedAt);
        if (size / Math.max(packed, 1) > limits.ratio) {
          bomb(entry.name, packed, size);
          stop = true;
        }
      }
      if (stop) return entry.terminate();
      // Tags and cell references are ASCII: a byte per character is enough to scan them.
      scanner?.push(strFromU8(data, true));
      if (final) scanner?.end();
      if (keep) kept.push(data);
      if (keep && final) texts.set(entry.name, new TextDecoder().decode(Buffer.concat(kept)));
    };
    entry.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let i = 0; i < bytes.length && !stop; i += CHUNK) {
      pushed = Math.min(bytes.length, i + CHUNK);
      unzip.push(bytes.subarray(i, i + CHUNK), i + CHUNK >= bytes.length);
    }
  } catch {
    // A damaged archive: exceljs reports it.
  }
  if (stop) return diagnostics;

  const names = sheetNames(texts.get(WORKBOOK_PART) ?? '', texts.get(WORKBOOK_RELS) ?? '');
  for (const [part, scan] of scans) {
    const sheet = names.get(part) ?? part;
    if (scan.beyond) {
      const { cell, what, source } = scan.beyond;
      const which = source === 'cellule' ? `cellule ${cell}` : source === 'fusion' ? `cellules fusionnées jusqu'à ${cell}` : `plage utilisée jusqu'à ${cell}`;
      const limit =
        what === 'column'
          ? `au plus ${formatNumber(limits.columns)} colonnes, jusqu'à ${columnName(limits.columns)} ; ALSES_CLASSEUR_COLONNES_MAX pour changer la limite`
          : `au plus ${formatNumber(limits.rows)} lignes ; ALSES_CLASSEUR_LIGNES_MAX pour changer la limite`;
      error('xlsx/too-large', `feuille ${quote(sheet)} trop grande : ${which}, au-delà de la limite (attendu : ${limit} ; effacer les cellules inutiles loin du tableau)`, {
        file,
        sheet,
        cell,
      });
    } else if (scan.rows * scan.columns > limits.cells) {
      const corner = `${columnName(scan.columns)}${scan.rows}`;
      error(
        'xlsx/too-large',
        `feuille ${quote(sheet)} trop grande : plage utilisée A1:${corner}, ${formatNumber(scan.rows * scan.columns)} cellules (attendu : au plus ${formatNumber(limits.cells)} cellules, lignes × colonnes ; ALSES_CLASSEUR_CELLULES_MAX pour changer la limite ; effacer les cellules inutiles loin du tableau)`,
        { file, sheet, cell: corner },
      );
    }
  }
  return diagnostics;
}
