/**
 * What an import changes in a canonical CSV file (README, "Classeur Excel"): the collèges added,
 * removed and changed, compared by commune and collège (ignoring case and accents, as the
 * dataset rules compare them). Used by `alses import` to show the staff what it would write
 * before it overwrites anything.
 */
import { parse } from 'csv-parse/sync';
import { readCsvTable } from './read/csv.ts';
import { COLUMNS, type AffectationFileKind } from './rules/affectations.ts';
import { foldForComparison } from './text.ts';

/** A changed row: its collège and the columns whose value differs. */
export interface RowChange {
  /** "COMMUNE — Collège", as in the new file. */
  readonly college: string;
  /** Each changed column: header, old value, new value. */
  readonly columns: readonly { readonly header: string; readonly before: string; readonly after: string }[];
}

/** The difference between two versions of a canonical état or déploiement CSV. */
export interface CsvDiff {
  /** "COMMUNE — Collège" of each row only in the new file, in its order. */
  readonly added: readonly string[];
  /** "COMMUNE — Collège" of each row only in the old file, in its order. */
  readonly removed: readonly string[];
  /** Rows in both whose other columns differ. */
  readonly changed: readonly RowChange[];
}

/** Rows of a canonical CSV (`;`, UTF-8, header first, as `canonicalCsv` writes it) as header → value records. */
function records(text: string): Record<string, string>[] {
  return parse(text.replace(/^\uFEFF/, ''), { delimiter: ';', columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
}

/** Number of data rows (collèges) of a canonical CSV text. */
export const countRows = (text: string): number => records(text).length;

const label = (r: Record<string, string>): string => `${r['Commune'] ?? ''} — ${r['Collège'] ?? ''}`;

/** A new canonical CSV text as a diff against nothing: each of its collèges added, in its order. */
export const allAdded = (text: string): CsvDiff => ({ added: records(text).map(label), removed: [], changed: [] });

const rowKey = (r: Record<string, string>): string => `${foldForComparison(r['Commune'] ?? '')}\u0000${foldForComparison(r['Collège'] ?? '')}`;

/**
 * Rows of the file an import would replace, read as the product reads an état or a déploiement
 * (any encoding, separator and header spelling Excel writes, TOTAL row left out), as canonical
 * header → value records; `undefined` when the product cannot read it as a table (not CSV, a
 * quote never closed, no header…): it is then replaced without a comparison.
 */
function currentRecords(bytes: Uint8Array, kind: AffectationFileKind): Record<string, string>[] | undefined {
  const specs = COLUMNS[kind];
  // A table with faulty values (the reason to import a corrected one), or with no row yet (a
  // déploiement just added), is still compared, cell by cell; one the reader could not cut into
  // rows and columns (encoding, separator, quotes…) is not.
  const { table, diagnostics } = readCsvTable(bytes, 'fichier actuel', specs, 'etp');
  if (!table || diagnostics.some((d) => d.severity === 'error' && d.ruleId.startsWith('csv/') && d.ruleId !== 'csv/empty')) return undefined;
  return table.rows.map((row) => Object.fromEntries(specs.flatMap((spec) => (row.cells[spec.key] ? [[spec.libelle, row.cells[spec.key]!.value]] : []))));
}

/**
 * Compares the file an import would replace (`before`, its bytes: a canonical file, or any CSV
 * the product reads) with the canonical text that replaces it (as `canonicalCsv` writes it). A
 * column present in only one version counts as empty in the other.
 * @returns `undefined` when `before` cannot be read as an état or déploiement (`currentRecords`).
 */
export function diffCsv(before: Uint8Array, after: string, kind: AffectationFileKind): CsvDiff | undefined {
  const previousRows = currentRecords(before, kind);
  if (previousRows === undefined) return undefined;
  const old = new Map(previousRows.map((r) => [rowKey(r), r]));
  const now = records(after);
  const nowKeys = new Set(now.map(rowKey));
  const added: string[] = [];
  const changed: RowChange[] = [];
  for (const row of now) {
    const previous = old.get(rowKey(row));
    if (!previous) {
      added.push(label(row));
      continue;
    }
    const headers = [...new Set([...Object.keys(previous), ...Object.keys(row)])].filter((h) => h !== 'Commune' && h !== 'Collège');
    const columns = headers.flatMap((header) => {
      const was = previous[header] ?? '';
      const is = row[header] ?? '';
      return was === is ? [] : [{ header, before: was, after: is }];
    });
    if (columns.length > 0) changed.push({ college: label(row), columns });
  }
  const removed = [...old.entries()].filter(([k]) => !nowKeys.has(k)).map(([, r]) => label(r));
  return { added, removed, changed };
}

/** A value of a diff in guillemets, or « (vide) » for an empty cell. */
const quoted = (value: string): string => (value === '' ? '(vide)' : `« ${value} »`);

/**
 * The French lines that describe a diff, e.g. "  + LILLE — Carnot", "  − DOUAI — Gayant",
 * "  ~ ANZIN — Jules Ferry : Structure porteuse « CAPEP » → « AEP »", "UAI (vide) → « 0590001F »".
 * Empty when nothing changed.
 */
export function describeDiff(diff: CsvDiff): string[] {
  return [
    ...diff.added.map((c) => `  + ${c}`),
    ...diff.removed.map((c) => `  − ${c}`),
    ...diff.changed.map((c) => `  ~ ${c.college} : ${c.columns.map((col) => `${col.header} ${quoted(col.before)} → ${quoted(col.after)}`).join(', ')}`),
  ];
}
