/**
 * The PDF's fonts share what the font metrics decoded (src/fonts.ts `parsedFace`,
 * src/writers/pdf/patches/fonts.ts): in a monthly report the charts measure their labels first,
 * and the PDF made after them does not decode the faces' tables again (issue 11). This file runs
 * in a process of its own (vitest's forks pool), where no PDF is made before the metrics.
 */
import { describe, expect, it } from 'vitest';
import { document, heading, paragraph, strong } from '../src/document/builders.ts';
import { fontMetrics, measureText, parsedFace } from '../src/fonts.ts';
import { sharedTables } from '../src/writers/pdf/patches/fonts.ts';
import { pdfText } from './helpers/readback.ts';
import { renderPdf } from './helpers/writers.ts';

describe('PDF fonts after the font metrics', () => {
  it("adopt the tables the metrics' fonts decoded", async () => {
    // As the charts do: text measured in the regular and bold faces before any PDF.
    expect(measureText('Bouée des jeunes', 11)).toBeGreaterThan(0);
    expect(fontMetrics('bold').has(0x00e9)).toBe(true);
    const tables = { normal: (parsedFace('normal') as { _tables: Record<string, unknown> })._tables, bold: (parsedFace('bold') as { _tables: Record<string, unknown> })._tables };
    const cmap = tables.normal.cmap;
    expect(cmap).toBeDefined();
    expect(sharedTables('normal')).toBeUndefined();

    const pdf = await renderPdf(document({ title: 'Essai', date: '2019-09-30' }, [heading(1, 'Rapport mensuel'), paragraph(['Bouée des jeunes, ', strong('ETP en place'), ' : 52.'])]));
    expect((await pdfText(pdf)).join(' ')).toContain('Bouée des jeunes');
    // The PDF's fonts took the metrics' tables: the cmap decoded for the metrics, and what the
    // PDF decoded more (GPOS, for kerning) went into the same tables.
    expect(sharedTables('normal')).toBe(tables.normal);
    expect(sharedTables('bold')).toBe(tables.bold);
    expect(sharedTables('normal')?.cmap).toBe(cmap);
    expect(tables.normal.GPOS).toBeDefined();
  });
});
