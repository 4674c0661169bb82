/**
 * Tables → DOCX tables: fixed layout with widths in twips on the grid and on every cell
 * (LibreOffice ignores percentage widths), header rows marked as such and repeated on each page
 * (`w:tblHeader`), footer rows that cannot split and follow the last body row (`w:keepNext` on
 * it), the first and last `ROWS_TOGETHER` body rows kept together (orphan and widow control, with
 * `w:keepNext`, as Word keeps rows), right-aligned number columns and colspans (`w:gridSpan`);
 * body rows may break across pages, so a cell taller than a page is printed in full. The body rows of a table of more than
 * `ctx.streamFrom` rows are written as XML text (`rows-xml.ts`), not as `docx` objects.
 */
import { BorderStyle, LineRuleType, Paragraph, ShadingType, Table, TableCell, TableLayoutType, TableRow, TextRun, WidthType, type IRunOptions } from 'docx';
import { inlineText } from '../../document/builders.ts';
import type { TableNode, TableRow as AstRow } from '../../document/nodes.ts';
import { BORDER_WIDTH, CELL_PADDING, cellAlign, cellStarts, checkTable, FONT_SIZE, HEADER_FILL, twips, type CheckedTable } from '../shared.ts';
import type { Ctx } from './context.ts';
import { inlinesToRuns } from './inline.ts';
import { bodyRowXml, rowsPlaceholder } from './rows-xml.ts';

/** Fewest body rows of a table on the page where it starts or ends (orphan/widow control). */
export const ROWS_TOGETHER = 3;
import { ALIGN, halfPoints } from './styles.ts';

const BORDER = { style: BorderStyle.SINGLE, size: Math.round(BORDER_WIDTH * 8), color: '000000' }; // size in eighths of a point

/**
 * A table → [caption paragraph, table, empty paragraph]. Widths: each column gets its share of
 * the text width in twips (the last one takes the rounding rest, so they add up exactly).
 * `keepNext`: the table's last rows stay with what follows it, the signature block's table
 * (`closingTable`), which comes straight after it: no empty paragraph then.
 */
export function tableToDocx(node: TableNode, ctx: Ctx, keepNext = false): (Paragraph | Table)[] {
  const label = node.caption ? inlineText(node.caption) : 'sans titre';
  const { table, warnings } = checkTable(node, label);
  ctx.warnings.push(...warnings);
  const out: (Paragraph | Table)[] = [];
  if (node.caption) out.push(new Paragraph({ style: 'Caption', children: inlinesToRuns(node.caption) }));
  if (!table) return out;
  ctx.tableTitles.push(node.caption ? inlineText(node.caption) : undefined);

  const total = twips(ctx.width);
  const widths = table.columns.map((c) => Math.round((c.width / 100) * total));
  widths[widths.length - 1] = total - widths.slice(0, -1).reduce((s, w) => s + w, 0);
  const lastBody = table.body.length - 1;
  // Orphans and widows of rows: the first body rows stay with the header (and so the caption)
  // and the last ones with each other and the TOTAL, so that a page never holds fewer than
  // `ROWS_TOGETHER` body rows of a table it starts or ends (Word's keep-with-next on a row).
  const keepLast = (i: number) => (i < lastBody ? i < ROWS_TOGETHER - 1 || i >= lastBody - (ROWS_TOGETHER - 1) : table.footer.length > 0 || keepNext);
  let body: TableRow[];
  if (table.body.length > ctx.streamFrom) {
    // One placeholder row, replaced by the rows' XML when the package is written.
    body = [new TableRow({ children: [new TableCell({ children: [new Paragraph({ children: [new TextRun(rowsPlaceholder(ctx.bodyRows.length))] })] })] })];
    ctx.bodyRows.push(table.body.map((row, i) => bodyRowXml(row, table, widths, keepLast(i))));
  } else {
    body = table.body.map((row, i) => rowToDocx(row, table, widths, 'body', keepLast(i) ? { keepNext: true } : {}));
  }
  const rows = [
    ...table.header.map((row) => rowToDocx(row, table, widths, 'header', { tableHeader: true, cantSplit: true, keepNext: true })),
    ...body,
    ...table.footer.map((row, i) => rowToDocx(row, table, widths, 'footer', { cantSplit: true, keepNext: i < table.footer.length - 1 || keepNext })),
  ];
  out.push(new Table({ rows, columnWidths: widths, ...tableProperties(total) }));
  // An empty paragraph after the table keeps the next one (or a following table) apart from it.
  if (!keepNext) out.push(new Paragraph({ spacing: { after: 0 }, children: [] }));
  return out;
}

/** Table-level properties of every table (width of the text, in twips): fixed layout, borders, cell margins. */
const tableProperties = (total: number) =>
  ({
    width: { size: total, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    borders: { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER, insideHorizontal: BORDER, insideVertical: BORDER },
    margins: { left: twips(CELL_PADDING.x), right: twips(CELL_PADDING.x), top: twips(CELL_PADDING.y), bottom: twips(CELL_PADDING.y) },
  }) as const;

/**
 * The signature block and publication mention after a table, as a table of one row that cannot
 * split: `paragraphs` in its one cell, without borders nor side margins (the cell's own
 * properties), then a hidden empty paragraph (a document cannot end with a table; hidden, it
 * never makes a page of its own). Written straight after the table (`tableToDocx` with
 * `keepNext`), it joins it as its last row in Word and LibreOffice, both of which lay adjacent
 * tables out as one: the keep-with-next of the table's last rows then holds within one table,
 * which LibreOffice 7.4 honours on every page, while it loses a keep-with-next from a table's
 * last row to a paragraph after it once the table has started on an earlier page. Its
 * table-level properties are those of the table it joins: LibreOffice gives the joined table
 * those of one of them. `width`: the text width, in points.
 */
export function closingTable(paragraphs: readonly Paragraph[], width: number, ctx: Ctx): (Paragraph | Table)[] {
  ctx.tableTitles.push(undefined); // a layout table: no accessible name
  const none = { style: BorderStyle.NIL, size: 0, color: 'auto' };
  const total = twips(width);
  const cell = new TableCell({
    width: { size: total, type: WidthType.DXA },
    borders: { top: none, bottom: none, left: none, right: none },
    margins: { left: 0, right: 0, top: 0, bottom: 0 },
    children: [...paragraphs],
  });
  return [
    new Table({ rows: [new TableRow({ cantSplit: true, children: [cell] })], columnWidths: [total], ...tableProperties(total) }),
    new Paragraph({ spacing: { before: 0, after: 0, line: 20, lineRule: LineRuleType.EXACT }, run: { vanish: true, size: 2 }, children: [] }),
  ];
}

type RowKind = 'header' | 'body' | 'footer';

function rowToDocx(
  row: AstRow,
  table: CheckedTable,
  widths: readonly number[],
  kind: RowKind,
  options: { tableHeader?: boolean; cantSplit?: boolean; keepNext?: boolean },
): TableRow {
  const starts = cellStarts(row);
  const style: IRunOptions = { size: halfPoints(FONT_SIZE.table), ...(kind === 'body' ? {} : { bold: true }) };
  const cells = row.cells.map((cell, i) => {
    const start = starts[i] ?? 0;
    const width = widths.slice(start, start + cell.colspan).reduce((s, w) => s + w, 0);
    return new TableCell({
      width: { size: width, type: WidthType.DXA },
      ...(cell.colspan > 1 ? { columnSpan: cell.colspan } : {}),
      ...(kind === 'header' ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: HEADER_FILL } } : {}),
      children: [new Paragraph({ alignment: ALIGN[cellAlign(cell, table.columns, start)], spacing: { after: 0 }, children: inlinesToRuns(cell.children, style) })],
    });
  });
  return new TableRow({ children: cells, ...options });
}
