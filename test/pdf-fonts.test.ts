/**
 * PDF fonts parsed once per process (src/writers/pdf/patches/fonts.ts): pins the reach into
 * fontkit's `TTFFont` and pdfmake's virtual file system. The bytes of every PDF are pinned by
 * test/golden.test.ts.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { document, heading, paragraph, strong } from '../src/document/builders.ts';
import { FONT_PATHS, fontBytes } from '../src/fonts.ts';
import { LAYOUTS_KEPT, sharedLayouts, sharedTables } from '../src/writers/pdf/patches/fonts.ts';
import { selectScriptPatched } from '../src/writers/pdf/patches/script-selection.ts';
import { pdfText } from './helpers/readback.ts';
import { renderPdf } from './helpers/writers.ts';

const doc = (n: number) =>
  document({ title: `Essai ${n}`, date: '2019-07-01' }, [heading(1, `Essai ${n}`), paragraph(['Texte ', strong('en gras'), ' — collège, ETP 0,5.'])]);

describe('PDF fonts shared between documents', () => {
  it('decodes the font tables once: a later document reuses the tables of the first', async () => {
    const first = await renderPdf(doc(1));
    const tables = sharedTables('normal');
    expect(tables).toBeDefined();
    expect(Object.keys(tables ?? {})).toEqual(expect.arrayContaining(['cmap', 'hmtx', 'GPOS']));
    const gpos = tables?.GPOS;
    const second = await renderPdf(doc(2));
    expect(sharedTables('normal')).toBe(tables);
    expect(sharedTables('normal')?.GPOS).toBe(gpos);
    expect((await pdfText(first)).join(' ')).toContain('Essai 1');
    expect((await pdfText(second)).join(' ')).toContain('Essai 2');
  });

  it('lays out words without rebuilding the table of OpenType features of the font for each (patches/script-selection.ts), same glyphs', async () => {
    await renderPdf(doc(4));
    expect(selectScriptPatched()).toBe(true);
    type Run = { glyphs: { id: number }[]; positions: { xAdvance: number }[] };
    const fontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit') as {
      create(b: Uint8Array): { layout(text: string): Run; _layoutEngine: { engine: { GSUBProcessor: { features: object }; GPOSProcessor: { features: object } } } };
    };
    const font = fontkit.create(fontBytes().normal);
    const first = font.layout('efficace');
    const { GSUBProcessor, GPOSProcessor } = font._layoutEngine.engine;
    const features = [GSUBProcessor.features, GPOSProcessor.features];
    const second = font.layout('Département');
    // Unpatched, fontkit makes both tables anew for each text it lays out.
    expect(GSUBProcessor.features).toBe(features[0]);
    expect(GPOSProcessor.features).toBe(features[1]);
    // A ligature is still applied (GSUB): 8 letters, fewer glyphs.
    expect(first.glyphs.length).toBeLessThan(8);
    expect(second.glyphs.map((g) => g.id)).toEqual(fontkit.create(Buffer.from(fontBytes().normal)).layout('Département').glyphs.map((g) => g.id));
  });

  it('makes every fontkit font of pdfkit over the bytes of a face adopt the decoded tables', async () => {
    await renderPdf(doc(3));
    const fontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit') as { create(b: Uint8Array): Record<string, unknown> };
    const font = fontkit.create(fontBytes().bold);
    expect(font.GPOS).toBe(sharedTables('bold')?.GPOS);
    // Bytes read anew (pdfkit reads the file for each document) are recognised by their content.
    expect(fontkit.create(Buffer.from(fontBytes().bold)).GPOS).toBe(sharedTables('bold')?.GPOS);
    // A font over other bytes keeps its own tables.
    const other = Buffer.from(fontBytes().bold);
    other.writeUInt8(other.readUInt8(other.length - 1) ^ 1, other.length - 1);
    expect(fontkit.create(other).GPOS).not.toBe(sharedTables('bold')?.GPOS);
  });

  it('lays out each word once per process: a later document reuses the glyph runs of the first', async () => {
    const first = await renderPdf(doc(6));
    const runs = sharedLayouts('normal');
    // pdfkit lays out text word by word, each with the space after it; U+200B marks hyphenation points.
    const word = [...(runs?.keys() ?? [])].find((w) => w.replaceAll('\u200B', '') === 'collège, ');
    expect(word).toBeDefined();
    const run = runs?.get(word!) as { glyphs: { id: number }[]; advanceWidth: number };
    expect(run.glyphs.length).toBe('collège, '.length);
    expect(run.advanceWidth).toBeGreaterThan(0);
    expect([...(sharedLayouts('bold')?.keys() ?? [])].map((w) => w.replaceAll('\u200B', ''))).toContain('gras');
    const second = await renderPdf(doc(7));
    expect(sharedLayouts('normal')?.get(word!)).toBe(run);
    expect((await pdfText(first)).join(' ')).toContain('collège');
    expect((await pdfText(second)).join(' ')).toContain('Essai 7');
  });

  it(`shapes each word of a document once, even a document of more than ${LAYOUTS_KEPT} words (more than the shared cache keeps)`, async () => {
    await renderPdf(doc(8)); // the patches installed
    // A font as pdfmake provides it to a document (with the face's shared cache), and fontkit's
    // layout, as pdfkit requires it, counted per text.
    const require = createRequire(import.meta.url);
    const PdfmakeDocument = (require('pdfmake/js/PDFDocument.js') as { default: new (fonts: object) => { provideFont(family: string, bold: boolean, italics: boolean): { layoutCached(text: string): unknown } } }).default;
    const font = new PdfmakeDocument({ F: { normal: FONT_PATHS.normal } }).provideFont('F', false, false);
    const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(b: Uint8Array): object };
    const proto = Object.getPrototypeOf(fontkit.create(fontBytes().normal)) as { layout(text: string, ...rest: unknown[]): unknown };
    const layout = proto.layout;
    const shaped = new Map<string, number>();
    proto.layout = function (this: unknown, text: string, ...rest: unknown[]) {
      shaped.set(text, (shaped.get(text) ?? 0) + 1);
      return layout.call(this, text, ...rest);
    };
    const words = Array.from({ length: LAYOUTS_KEPT + 1_000 }, (_, i) => `m${i} `);
    const runs = new Map<string, unknown>();
    try {
      // pdfmake measures every word of a document before pdfkit draws any.
      for (const w of words) runs.set(w, font.layoutCached(w));
      for (const w of words) expect(font.layoutCached(w)).toBe(runs.get(w));
    } finally {
      proto.layout = layout;
    }
    // Each shaped once: the shared cache, emptied on the way, no longer holds the first ones,
    // the document's own cache does.
    expect(sharedLayouts('normal')?.has(words[0]!)).toBe(false);
    expect(words.map((w) => shaped.get(w))).toEqual(words.map(() => 1));
  });

  it('keeps of each word what pdfkit reads (glyphs, positions, advance), equal positions shared between words', async () => {
    await renderPdf(doc(9));
    const runs = sharedLayouts('normal');
    const of = (word: string) => runs?.get([...runs.keys()].find((w) => w.replaceAll('\u200B', '') === word) ?? '') as { glyphs: { id: number }[]; positions: object[]; advanceWidth: number } | undefined;
    const texte = of('Texte ');
    const page = of('Page ');
    expect(texte && page).toBeTruthy();
    expect(Object.keys(texte!)).toEqual(['glyphs', 'positions', 'advanceWidth']);
    expect(texte!.positions).toHaveLength(texte!.glyphs.length);
    expect(texte!.advanceWidth).toBeGreaterThan(0);
    // The final « e » and space of both words: the same glyphs, one position object each, shared.
    expect(texte!.glyphs.slice(-2).map((g) => g.id)).toEqual(page!.glyphs.slice(-2).map((g) => g.id));
    expect(texte!.positions.at(-1)).toBe(page!.positions.at(-1));
    expect(texte!.positions.at(-2)).toBe(page!.positions.at(-2));
  });

  it('gives the same bytes for the same document, whatever was printed before', async () => {
    const a = await renderPdf(doc(4));
    await renderPdf(doc(5));
    expect(Buffer.from(await renderPdf(doc(4))).equals(Buffer.from(a))).toBe(true);
  });
});
