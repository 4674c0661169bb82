/**
 * Body rows of large tables written as WordprocessingML text, byte for byte as `docx` writes the
 * rows `table.ts` builds: a `docx` row costs about 15 KB of objects for four cells, which at
 * 100,000 rows exhausts Node's default heap before the package is written. `tableToDocx` puts a
 * placeholder row in the `docx` table instead (`rowsPlaceholder`), and `package.ts` replaces it
 * with these rows (`spliceRows`). Pinned by test/docx-rows.test.ts (the same bytes as `docx`'s
 * rows, for every kind of cell content).
 */
import { assertNever, type Inline, type TableRow as AstRow } from '../../document/nodes.ts';
import { cellAlign, cellStarts, FONT_SIZE, type CheckedTable } from '../shared.ts';
import { halfPoints } from './styles.ts';

/** `w:jc` value of each alignment (as `docx`'s `AlignmentType`). */
const JC = { left: 'left', center: 'center', right: 'right', justify: 'both' } as const;

/** Text escaped as `docx` escapes it: the five XML entities, C0 controls other than tab/LF/CR dropped. */
function escape(value: string): string {
  return value.replace(/[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F]/g, (c) => (c === '&' ? '&amp;' : c === '"' ? '&quot;' : c === "'" ? '&apos;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : ''));
}

/** Run properties of a body cell's runs: bold, italics and superscript as nested, the table's type size. */
function runProperties(bold: boolean, italics: boolean, sup: boolean): string {
  const size = halfPoints(FONT_SIZE.table);
  return `<w:rPr>${bold ? '<w:b/><w:bCs/>' : ''}${italics ? '<w:i/><w:iCs/>' : ''}<w:sz w:val="${size}"/><w:szCs w:val="${size}"/>${sup ? '<w:vertAlign w:val="superscript"/>' : ''}</w:rPr>`;
}

/** Inline content → runs, as `inlinesToRuns` then `docx` write them. */
function runs(inlines: readonly Inline[], bold: boolean, italics: boolean, sup = false): string {
  let out = '';
  for (const node of inlines) {
    switch (node.type) {
      case 'text':
        out += `<w:r>${runProperties(bold, italics, sup)}<w:t xml:space="preserve">${escape(node.value)}</w:t></w:r>`;
        break;
      case 'strong':
        out += runs(node.children, true, italics, sup);
        break;
      case 'emphasis':
        out += runs(node.children, bold, true, sup);
        break;
      case 'superscript':
        out += runs(node.children, bold, italics, true);
        break;
      case 'lineBreak':
        out += `<w:r>${runProperties(bold, italics, sup)}<w:br/></w:r>`;
        break;
      default:
        return assertNever(node);
    }
  }
  return out;
}

/**
 * A body row as `docx` writes the row `table.ts` builds: cells with their width in twips and
 * colspan, one paragraph each (aligned, no spacing after); `keepNext` on the rows `tableToDocx`
 * keeps with the next one (the first and last rows of the table, the last before its TOTAL or the
 * signature block).
 */
export function bodyRowXml(row: AstRow, table: CheckedTable, widths: readonly number[], keepNext: boolean): string {
  const starts = cellStarts(row);
  let out = '<w:tr>';
  row.cells.forEach((cell, i) => {
    const start = starts[i] ?? 0;
    const width = widths.slice(start, start + cell.colspan).reduce((s, w) => s + w, 0);
    const span = cell.colspan > 1 ? `<w:gridSpan w:val="${cell.colspan}"/>` : '';
    const keep = keepNext ? '<w:keepNext/>' : '';
    out += `<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="${width}"/>${span}</w:tcPr><w:p><w:pPr>${keep}<w:spacing w:after="0"/><w:jc w:val="${JC[cellAlign(cell, table.columns, start)]}"/></w:pPr>${runs(cell.children, false, false)}</w:p></w:tc>`;
  });
  return out + '</w:tr>';
}

/** Text of the placeholder row of the `n`th streamed table: private-use characters no template writes. */
export const rowsPlaceholder = (n: number): string => `\uE000alses-rows-${n}\uE000`;

/**
 * `document.xml` with the placeholder row of each streamed table replaced by its body rows
 * (`rows[n]` for the `n`th), as UTF-8 bytes; encoded piece by piece, so no string holds the
 * whole part.
 * @throws Error when a placeholder row is missing (a bug: `tableToDocx` writes one per entry).
 */
export function spliceRows(xml: string, rows: readonly (readonly string[])[]): Uint8Array {
  const encoder = new TextEncoder();
  const pieces: Uint8Array[] = [];
  let at = 0;
  rows.forEach((tableRows, n) => {
    const marker = xml.indexOf(rowsPlaceholder(n), at);
    const start = xml.lastIndexOf('<w:tr>', marker);
    const end = xml.indexOf('</w:tr>', marker);
    if (marker < 0 || start < at || end < 0) throw new Error(`DOCX : rangée provisoire ${n} introuvable`);
    pieces.push(encoder.encode(xml.slice(at, start)));
    // Rows are encoded in batches: one piece per row would cost more in headers than in text.
    for (let i = 0; i < tableRows.length; i += 256) pieces.push(encoder.encode(tableRows.slice(i, i + 256).join('')));
    at = end + '</w:tr>'.length;
  });
  pieces.push(encoder.encode(xml.slice(at)));
  const out = new Uint8Array(pieces.reduce((s, p) => s + p.byteLength, 0));
  let offset = 0;
  for (const p of pieces) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
