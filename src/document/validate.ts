/**
 * The rules a table of the Document AST must follow, checked in one place: it has columns, their
 * widths add up to 100 % (± `WIDTH_TOLERANCE`), and the cells of every row span exactly its
 * columns. The HTML-subset parser reports a broken rule as a template error (document/parse.ts);
 * the writers, given a table built by other means, repair it with a warning (`checkTable`).
 */
import type { Diagnostic } from '../diagnostics.ts';
import { countOf, decimalComma } from '../format.ts';
import type { RuleId } from '../rules.ts';
import type { SourcePosition, TableCell, TableColumn, TableNode, TableRow } from './nodes.ts';

/** How far from 100 the column widths of a table may add up, in percentage points. */
export const WIDTH_TOLERANCE = 0.5;

/** The three row groups of a table, in reading order. */
export const TABLE_PARTS = ['header', 'body', 'footer'] as const;
/** A row group of a table. */
export type TablePart = (typeof TABLE_PARTS)[number];

/** A broken table rule. */
export type TableProblem =
  /** The table declares no column. */
  | { readonly kind: 'no-columns' }
  /** Usable widths (`usableWidth`) add up to `total` %, not 100 %. */
  | { readonly kind: 'widths'; readonly total: number }
  /** Row `index` (0-based within `part`) spans `span` columns, or has a colspan that is not a whole number ≥ 1. */
  | { readonly kind: 'row-span'; readonly part: TablePart; readonly index: number; readonly span: number };

/** A column width as laid out: the width in percent when finite and > 0, else 0. */
export const usableWidth = (width: number): number => (Number.isFinite(width) && width > 0 ? width : 0);

/** A cell's colspan as a usable whole number ≥ 1. */
export const cellSpan = (cell: TableCell): number => (Number.isFinite(cell.colspan) ? Math.max(1, Math.floor(cell.colspan)) : 1);

/** Number of columns the cells of a row cover (`cellSpan` of each). */
export const rowSpan = (row: TableRow): number => row.cells.reduce((s, c) => s + cellSpan(c), 0);

/**
 * Checks a table's rules.
 * @returns the broken ones in order: `no-columns` alone, else `widths` then each faulty row,
 *   header rows first, then body, then footer; empty for a valid table.
 */
export function tableProblems(table: Pick<TableNode, 'columns' | TablePart>): TableProblem[] {
  const n = table.columns.length;
  if (n === 0) return [{ kind: 'no-columns' }];
  const problems: TableProblem[] = [];
  const total = table.columns.reduce((s, c) => s + usableWidth(c.width), 0);
  if (Math.abs(total - 100) > WIDTH_TOLERANCE) problems.push({ kind: 'widths', total });
  for (const part of TABLE_PARTS)
    table[part].forEach((row, index) => {
      const span = rowSpan(row);
      if (span !== n || !row.cells.every((c) => Number.isInteger(c.colspan) && c.colspan >= 1)) problems.push({ kind: 'row-span', part, index, span });
    });
  return problems;
}

// ---------------------------------------------------------------- repair, for the writers

/** A table whose rows all have cells spanning exactly its columns, and whose widths add up to 100. */
export interface CheckedTable {
  readonly columns: readonly TableColumn[];
  readonly header: readonly TableRow[];
  readonly body: readonly TableRow[];
  readonly footer: readonly TableRow[];
}

/**
 * A writer's warning about `node`, placed where the node comes from in the template's output
 * (its `position`), when it was parsed from one; the caller places the others.
 */
export const nodeWarning = (node: { readonly position?: SourcePosition }, ruleId: RuleId, message: string): Diagnostic => ({
  severity: 'warning',
  ruleId,
  message,
  ...(node.position ? { place: node.position } : {}),
});

const PART_LABEL: Record<TablePart, string> = { header: 'en-tête', body: 'corps', footer: 'pied' };

/**
 * Makes a table safe to lay out, reporting what was repaired: widths not adding up to 100 are
 * scaled to 100 (`writer/table-width`); a row whose colspans do not add up to the column count
 * gets blank cells or loses its last cells (`writer/table-colspan`). Returns `undefined` for a
 * table without columns (`writer/table-empty`), which writers leave out.
 */
export function checkTable(table: TableNode, label: string): { table?: CheckedTable; warnings: Diagnostic[] } {
  const warnings: Diagnostic[] = [];
  const problems = tableProblems(table);
  if (problems.some((p) => p.kind === 'no-columns')) {
    warnings.push(nodeWarning(table, 'writer/table-empty', `Tableau « ${label} » sans colonne : il n'est pas affiché`));
    return { warnings };
  }
  const n = table.columns.length;
  let columns = table.columns.map((c) => ({ ...c, width: usableWidth(c.width) }));
  for (const p of problems) {
    if (p.kind !== 'widths') continue;
    if (p.total <= 0) {
      columns = columns.map((c) => ({ ...c, width: 100 / n }));
      warnings.push(nodeWarning(table, 'writer/table-width', `Tableau « ${label} » : largeurs de colonnes absentes (attendu : des pourcentages dont la somme fait 100) ; colonnes égales`));
    } else {
      columns = columns.map((c) => ({ ...c, width: (c.width * 100) / p.total }));
      warnings.push(nodeWarning(table, 'writer/table-width', `Tableau « ${label} » : la somme des largeurs de colonnes fait ${round(p.total)} % (attendu : 100 %) ; largeurs ramenées à 100 %`));
    }
  }
  const fit = (part: TablePart): TableRow[] =>
    table[part].map((row, i) => {
      const problem = problems.find((p) => p.kind === 'row-span' && p.part === part && p.index === i);
      if (!problem || problem.kind !== 'row-span') return row;
      warnings.push(
        nodeWarning(
          table,
          'writer/table-colspan',
          `Tableau « ${label} », ${PART_LABEL[part]} ligne ${i + 1} : les cellules couvrent ${countOf(problem.span, 'colonne', 'colonnes')} (attendu : ${n}) ; ligne complétée ou tronquée`,
        ),
      );
      const cells: TableCell[] = [];
      let used = 0;
      for (const c of row.cells) {
        if (used >= n) break;
        const s = Math.min(cellSpan(c), n - used);
        cells.push({ ...c, colspan: s });
        used += s;
      }
      while (used < n) {
        cells.push({ children: [], colspan: 1 });
        used += 1;
      }
      return { cells };
    });
  return { table: { columns, header: fit('header'), body: fit('body'), footer: fit('footer') }, warnings };
}

const round = (x: number): string => decimalComma(Math.round(x * 10) / 10);
