/**
 * Body rows of large tables written as XML text (src/writers/docx/rows-xml.ts) are byte for byte
 * the rows `docx` writes: the same document gives the same DOCX whether every table is streamed
 * or none is.
 */
import { describe, expect, it } from 'vitest';
import { cell, column, document, emphasis, heading, lineBreak, paragraph, row, strong, superscript, table } from '../src/document/builders.ts';
import type { DocumentNode } from '../src/document/nodes.ts';
import { fontBytes } from '../src/fonts.ts';
import { docxWriter, STREAMED_ROWS, toDocx } from '../src/writers/docx/index.ts';
import { documentDate } from '../src/writers/shared.ts';
import { docxTables } from './helpers/readback.ts';

/** Every kind of cell content a body row may hold, in two tables (with and without footer). */
const doc: DocumentNode = document({ title: 'Rangées', date: '2019-07-01' }, [
  heading(1, 'Rangées'),
  table({
    caption: ['Tableau 1'],
    columns: [column(30), column(40, 'center'), column(30, 'right')],
    header: [row('Commune', 'Collège', 'ETP')],
    body: [
      row('Lille', 'Collège Jean Macé', '0,5'),
      row('A & B <i> "q" \'a\'', cell([strong('gras'), ' et ', emphasis('italique ', strong('les deux'))]), '1\u202f234,5'),
      row(cell(['deux', lineBreak(), 'lignes']), cell('', {}), cell('gauche', { align: 'left' })),
      row(cell('Deux colonnes', { colspan: 2 }), 'x\u0001y'),
      row(cell(['le 1', superscript('er'), ' juillet']), cell([strong('2', superscript('e'))]), cell([emphasis('3', superscript('e'))])),
      row('Dernière', 'rangée', '3'),
    ],
    footer: [row(cell('TOTAL', { colspan: 2 }), '1\u202f239')],
  }),
  paragraph(['Entre les tableaux.']),
  table({
    columns: [column(50), column(50, 'justify')],
    header: [],
    body: [row('seule', 'rangée')],
    footer: [],
  }),
]);

async function docxBytes(streamFrom: number): Promise<Uint8Array> {
  const fonts = fontBytes();
  const { document: built, tableTitles, bodyRows } = toDocx(doc, fonts, streamFrom);
  expect(bodyRows.length).toBe(streamFrom === 0 ? 2 : 0);
  return docxWriter.serialise({ document: built, fonts, tableTitles, bodyRows, date: documentDate(doc.meta) });
}

describe('DOCX body rows written as XML text', () => {
  it('give the same bytes as docx’s rows', async () => {
    const streamed = await docxBytes(0);
    const objects = await docxBytes(Number.POSITIVE_INFINITY);
    expect(Buffer.from(streamed).equals(Buffer.from(objects))).toBe(true);
    expect((await docxTables(streamed))[0]?.[2]).toEqual(['A & B <i> "q" \'a\'', 'gras et italique les deux', '1\u202f234,5']);
  });

  it('are used for tables of more than STREAMED_ROWS body rows only', () => {
    const big = (n: number) =>
      document({ title: 'Liste', date: '2019-07-01' }, [table({ columns: [column(100)], header: [row('Collège')], body: Array.from({ length: n }, (_, i) => row(`Collège ${i}`)), footer: [] })]);
    expect(toDocx(big(STREAMED_ROWS)).bodyRows).toEqual([]);
    expect(toDocx(big(STREAMED_ROWS + 1)).bodyRows[0]).toHaveLength(STREAMED_ROWS + 1);
  });
});
