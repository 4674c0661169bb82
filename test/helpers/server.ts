/**
 * For the web server's tests and bench: workbooks built from data/ (the seed one, and one with a
 * broken ETP), checks that a rendered list annex holds the reference table cell for cell, and the
 * multipart body of an upload, and a server listening on a free local port.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { loadDataset } from '../../src/dataset/load.ts';
import { exportTables, writeWorkbook } from '../fixtures/dataset/excel.ts';
import { docxTables, pdfText } from './readback.ts';
import { LISTE_JUILLET_2019, rowPattern, squash } from './reference.ts';

/**
 * The seed workbook: data/ as staff would hand it over (see fixtures/dataset/excel.ts), without
 * the hidden helper sheet (which is rightly a warning): it has no problem at all.
 */
export async function seedWorkbook(dir: string, name = 'alses.xlsx'): Promise<string> {
  const { dataset } = await loadDataset('data');
  await mkdir(dir, { recursive: true });
  const file = await writeWorkbook(exportTables(dataset!, 'data'), 'data', dir, name);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  wb.removeWorksheet(wb.getWorksheet('Listes')!.id);
  await wb.xlsx.writeFile(file);
  return file;
}

/** Row of the état sheet where `brokenEtpWorkbook` puts its bad ETP. */
export const BROKEN_ROW = 10;

/** The seed workbook with ETP 1,5 (out of ]0 ; 1]) in cell D10 of the état sheet. */
export async function brokenEtpWorkbook(dir: string): Promise<string> {
  const file = await seedWorkbook(dir, 'alses-etp-faux.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  wb.getWorksheet('État 2019-07-15')!.getCell(`D${BROKEN_ROW}`).value = 1.5;
  await wb.xlsx.writeFile(file);
  return file;
}

/** Checks a PDF of the July 2019 list: each reference row, then TOTAL 41, as lines in order. */
export async function expectListePdf(bytes: Uint8Array): Promise<void> {
  const text = (await pdfText(bytes)).join('\n');
  let from = 0;
  for (const row of [LISTE_JUILLET_2019.header, ...LISTE_JUILLET_2019.body, ['TOTAL', LISTE_JUILLET_2019.total]]) {
    const match = rowPattern(row).exec(text.slice(from));
    expect(match, `${row.join(' | ')} after offset ${from}`).not.toBeNull();
    from += match!.index + match![0].length;
  }
}

/** Checks a DOCX of the July 2019 list: its one table equals the reference, cell for cell. */
export async function expectListeDocx(bytes: Uint8Array): Promise<void> {
  const [table] = await docxTables(bytes);
  const expected = [LISTE_JUILLET_2019.header, ...LISTE_JUILLET_2019.body, ['TOTAL', LISTE_JUILLET_2019.total]].map((r) => r.map(squash));
  expect(table!.map((r) => r.map(squash))).toEqual(expected);
}

/** A multipart body with the given files under the field `fichiers`. */
export function multipart(files: readonly { name: string; bytes: Uint8Array }[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----alses-test-boundary';
  const parts = files.map((f) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fichiers"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from(f.bytes),
      Buffer.from('\r\n'),
    ]),
  );
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Starts `app` on a free port of 127.0.0.1; its base URL (`http://127.0.0.1:<port>`). */
export async function listenLocally(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}
