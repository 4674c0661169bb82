/**
 * The bare libraries, for `npm run bench` (test/bench.ts) to compare the product with: pdfmake
 * and docx rendering the same tables as the annexes (title, a paragraph, a table with a header
 * row, body rows and a TOTAL row, Source Sans 3 in the PDF), with no product code — no tagging,
 * no PDF/A, no font subsetting in the DOCX, no reproducibility. Plain JavaScript, run by node.
 *
 * Usage:
 *   node test/bench-bare.mjs annexes <outDir>        three small annexes (42 rows), PDF and DOCX
 *   node test/bench-bare.mjs table <rows> <outDir> [pdf|docx]   one annex of <rows> rows, PDF and DOCX
 *                                                   (or only the format given)
 *   node test/bench-bare.mjs warm <seconds>          prints documents (PDF+DOCX) per second
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import pdfmake from 'pdfmake';

const require = createRequire(import.meta.url);
const font = (face) => require.resolve(`@expo-google-fonts/source-sans-3/${face}`);
pdfmake.setFonts({
  SourceSans3: {
    normal: font('400Regular/SourceSans3_400Regular.ttf'),
    bold: font('700Bold/SourceSans3_700Bold.ttf'),
    italics: font('400Regular_Italic/SourceSans3_400Regular_Italic.ttf'),
    bolditalics: font('700Bold_Italic/SourceSans3_700Bold_Italic.ttf'),
  },
});
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy(() => true);

/** Rows like the état CSV of the bench: commune, collège, structure porteuse, ETP. */
const rows = (n) => Array.from({ length: n }, (_, i) => [`COMMUNE ${i + 1}`, `Collège ${i + 1}`, i % 2 ? 'CAPEP' : 'AEP', '1']);
const HEADER = ['VILLE', 'Nom du collège', 'STRUCTURES PORTEUSES', 'Nombre ALSÉS'];
const TITLE = 'Liste des ALSES au sein des collèges – juillet 2019';
const TEXT = 'État au 15 juillet 2019 : postes (ETP) répartis dans les collèges, portés par les structures porteuses.';

async function pdf(body) {
  const definition = {
    pageSize: 'A4',
    pageMargins: [56, 56, 56, 56],
    defaultStyle: { font: 'SourceSans3', fontSize: 10 },
    header: { text: `Département du Nord — ${TITLE}`, fontSize: 8, margin: [56, 28, 56, 0] },
    footer: (page, pages) => ({ text: `Page ${page} / ${pages}`, alignment: 'right', fontSize: 8, margin: [56, 20, 56, 0] }),
    content: [
      { text: TITLE, fontSize: 16, bold: true, alignment: 'center', margin: [0, 0, 0, 14] },
      { text: TEXT, alignment: 'justify', margin: [0, 0, 0, 6] },
      {
        table: {
          headerRows: 1,
          widths: ['26%', '28%', '28%', '*'],
          body: [
            HEADER.map((text) => ({ text, bold: true, fillColor: '#E6E6E6', fontSize: 9 })),
            ...body.map((r) => r.map((text, i) => ({ text, fontSize: 9, alignment: i === 3 ? 'right' : 'left' }))),
            [{ text: 'TOTAL', colSpan: 3, bold: true, fontSize: 9 }, {}, {}, { text: String(body.length), bold: true, fontSize: 9, alignment: 'right' }],
          ],
        },
      },
    ],
  };
  return pdfmake.createPdf(definition).getBuffer();
}

async function docx(body) {
  const cell = (text, bold, right) =>
    new TableCell({ children: [new Paragraph({ alignment: right ? AlignmentType.RIGHT : AlignmentType.LEFT, children: [new TextRun({ text, bold, size: 18 })] })] });
  const document = new Document({
    title: TITLE,
    sections: [
      {
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: TITLE, bold: true, size: 32, font: 'Source Sans 3' })] }),
          new Paragraph({ alignment: AlignmentType.BOTH, children: [new TextRun({ text: TEXT, font: 'Source Sans 3' })] }),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              new TableRow({ tableHeader: true, children: HEADER.map((t, i) => cell(t, true, i === 3)) }),
              ...body.map((r) => new TableRow({ children: r.map((t, i) => cell(t, false, i === 3)) })),
              new TableRow({ children: [new TableCell({ columnSpan: 3, children: [new Paragraph({ children: [new TextRun({ text: 'TOTAL', bold: true })] })] }), cell(String(body.length), true, true)] }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

const [mode, a, b, only] = process.argv.slice(2);
if (mode === 'annexes') {
  for (const name of ['annexe-1', 'annexe-2', 'annexe-3']) {
    writeFileSync(path.join(a, `${name}.pdf`), await pdf(rows(42)));
    writeFileSync(path.join(a, `${name}.docx`), await docx(rows(42)));
  }
} else if (mode === 'table') {
  const body = rows(Number(a));
  if (only !== 'docx') writeFileSync(path.join(b, 'table.pdf'), await pdf(body));
  if (only !== 'pdf') writeFileSync(path.join(b, 'table.docx'), await docx(body));
} else if (mode === 'warm') {
  const body = rows(42);
  await pdf(body);
  await docx(body);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < Number(a) * 1000) {
    await pdf(body);
    await docx(body);
    n++;
  }
  console.log(`docs/s=${((n * 1000) / (performance.now() - t0)).toFixed(2)}`);
} else {
  console.error('usage: node test/bench-bare.mjs annexes <outDir> | table <rows> <outDir> | warm <seconds>');
  process.exitCode = 2;
}
