/**
 * Tables → pdfmake tables: explicit column widths, header rows repeated on every page
 * (`headerRows`), rows that may break across pages (a row taller than a page is never dropped),
 * grey bold header rows, bold footer rows, each cell tagged (TH/TD) in the structure tree; split
 * before one of its last body rows when the layout probe found too few rows on its last page
 * (widow control, see `keep-together.ts`).
 */
import type { Content, TableCell as PdfTableCell } from 'pdfmake/interfaces.js';
import { inlineText } from '../../document/builders.ts';
import type { TableNode, TableRow } from '../../document/nodes.ts';
import { BORDER_WIDTH, CELL_PADDING, cellAlign, cellStarts, checkTable, FONT_SIZE, HEADER_FILL, type CheckedTable } from '../shared.ts';
import { ID, type Ctx } from './context.ts';
import { ROWS_TOGETHER, watchedRows } from './keep-together.ts';
import { inlinesToPdf } from './inline.ts';
import { keepWordsWhole } from './justify.ts';
import { TABLE_LAYOUT } from './styles.ts';
import { PAGINATION, structNode, type StructNode } from './tags.ts';

/**
 * A table → [caption, table] or, when `ctx.breaks.split` says so, [caption, table of the first
 * body rows, table of header rows + the other body rows + footer rows starting a new page].
 * Registers with the probe the first body rows (kept with the caption and header rows), the last
 * ones and the footer (whose pages tell whether the table ends well).
 */
export function tableToPdf(node: TableNode, ctx: Ctx, group: string | undefined): Content[] {
  const n = ctx.tables++;
  const label = node.caption ? inlineText(node.caption) : `n° ${n + 1}`;
  const { table, warnings } = checkTable(node, label);
  ctx.warnings.push(...warnings);
  const out: Content[] = [];
  const structure = table ? structNode('Table', ctx.structure) : undefined;
  if (node.caption) {
    const caption = structure ? structNode('Caption', structure) : structNode('P', ctx.structure);
    out.push({ text: inlinesToPdf(node.caption, {}, caption), bold: true, fontSize: FONT_SIZE.table + 1, margin: [0, 6, 0, 4] });
  }
  if (!table || !structure) return out;

  // Column widths: pdfmake's are content widths, without paddings and borders. Each column's outer
  // width (content + paddings + one border) is its share of the text width less the last border.
  const widths = table.columns.map((c) => Math.max(1, (c.width / 100) * (ctx.width - BORDER_WIDTH) - 2 * CELL_PADDING.x - BORDER_WIDTH));
  // Rows are numbered across header, body and footer; the rows the probe watches get ids.
  const h = table.header.length;
  const b = table.body.length;
  const rowId = (index: number) => `${ID}t${n}-r${index}-`;
  const marked = new Set(watchedRows(b).map((i) => rowId(h + i)));
  if (table.footer.length > 0) marked.add(rowId(h + b));
  // Structure elements of the cells, made once: a split table draws its header rows twice.
  const cells = {
    header: structRows(table.header, 'THead', 'header', structure),
    body: structRows(table.body, 'TBody', 'body', structure),
    footer: structRows(table.footer, 'TFoot', 'footer', structure),
  };
  const rows = (list: readonly TableRow[], kind: RowKind, first: number) =>
    list.map((row, i) => rowToPdf(row, table, widths, kind, marked.has(rowId(first + i)) ? rowId(first + i) : undefined, cells[kind][i] ?? []));
  const table_ = (body: PdfTableCell[][], extra: object = {}): Content => ({
    table: { widths: [...widths], headerRows: h, dontBreakRows: false, body },
    layout: TABLE_LAYOUT,
    fontSize: FONT_SIZE.table,
    margin: [0, 0, 0, 8],
    ...extra,
  });

  if (group !== undefined) {
    // The caption and header rows stay with the first body rows (orphan control).
    ctx.probe.groups.set(group, rowId(h + Math.max(0, Math.min(ROWS_TOGETHER, b) - 1)));
    if (b > 0) ctx.probe.tables.push({ table: n, group, body: b, row: (i) => rowId(h + i), ...(table.footer.length > 0 ? { foot: rowId(h + b) } : {}) });
    if (ctx.breaks.moved.has(n)) ctx.probe.breakBefore.add(group);
  }
  const body = rows(table.body, 'body', h);
  const head = ctx.breaks.split.get(n);
  if (head !== undefined && head > 0 && head < b) {
    // The last body rows and the footer rows start a new page, under the header rows.
    out.push(table_([...rows(table.header, 'header', 0), ...body.slice(0, head)], { margin: [0, 0, 0, 0] }));
    out.push(table_([...rows(table.header, 'header', 0), ...body.slice(head), ...rows(table.footer, 'footer', h + b)], { pageBreak: 'before' }));
  } else {
    out.push(table_([...rows(table.header, 'header', 0), ...body, ...rows(table.footer, 'footer', h + b)]));
  }
  return out;
}

type RowKind = 'header' | 'body' | 'footer';

/**
 * Structure elements of a part of a table (THead, TBody, TFoot; none for no rows): a TR per row,
 * a TH (heading its column; repeated on each page) or TD per cell, with its column span.
 */
function structRows(rows: readonly TableRow[], role: 'THead' | 'TBody' | 'TFoot', kind: RowKind, table: StructNode): StructNode[][] {
  if (rows.length === 0) return [];
  const part = structNode(role, table);
  return rows.map((row) => {
    const tr = structNode('TR', part);
    const cells = row.cells.map((cell) =>
      structNode(kind === 'header' ? 'TH' : 'TD', undefined, {
        ...(kind === 'header' ? { scope: 'Column', repeated: true } : {}),
        ...(cell.colspan > 1 ? { colSpan: cell.colspan } : {}),
      }),
    );
    // Set whole: a list grown by appending keeps room for 17 (held per row until the PDF is made).
    tr.children = cells;
    return cells;
  });
}

/**
 * A row → pdfmake cells: colspans followed by the empty placeholders pdfmake expects, alignment
 * from the cell or its column, bold header and footer rows, grey header rows, each cell's text
 * tagged with its structure element. `marker`, when given, prefixes the ids of the cells so the
 * layout probe can find the row.
 */
function rowToPdf(
  row: TableRow,
  table: CheckedTable,
  widths: readonly number[],
  kind: RowKind,
  marker: string | undefined,
  structure: readonly StructNode[],
): PdfTableCell[] {
  const starts = cellStarts(row);
  const cells: PdfTableCell[] = [];
  row.cells.forEach((cell, i) => {
    const start = starts[i] ?? 0;
    const alignment = cellAlign(cell, table.columns, start);
    const text = inlinesToPdf(cell.children, {}, structure[i] ?? PAGINATION);
    cells.push({
      // The first column's width is a lower bound of the width of a cell spanning several.
      text: alignment === 'justify' ? keepWordsWhole(text, widths[start] ?? 0, FONT_SIZE.table, kind !== 'body') : text,
      alignment,
      ...(kind === 'body' ? {} : { bold: true }),
      ...(kind === 'header' ? { fillColor: `#${HEADER_FILL}` } : {}),
      ...(cell.colspan > 1 ? { colSpan: cell.colspan } : {}),
      ...(marker === undefined ? {} : { id: `${marker}c${start}` }),
    });
    for (let k = 1; k < cell.colspan; k++) cells.push({});
  });
  return cells;
}
