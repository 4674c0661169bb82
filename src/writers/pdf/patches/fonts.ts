/**
 * Patch of fontkit's `TTFFont` (internal `_getTable`, `_tables`, `_glyphs`): the font files are
 * parsed once per process, not once per PDF. pdfkit 0.19 opens every font of every document
 * afresh (`PDFFontFactory.open` reads the file and calls `fontkit.create`), and fontkit decodes
 * each table (`cmap`, `hmtx`, `GSUB`, `GPOS`…) lazily but per font object, so each PDF decoded the
 * faces again: half of the CPU time of a warm PDF (upstream: no foliojs/pdfkit issue found for
 * sharing parsed fonts between documents; nearest are foliojs/pdfkit#1094, fonts given as buffers
 * are slow, and #1527, the per-font layout cache).
 *
 * How: every `TTFFont` whose bytes are those of one of the four faces (`fontBytes`) adopts the
 * decoded tables and glyphs of the first one made over them, as fontkit itself does for the
 * variations of a font (`getVariation` shares `_tables`); when the font metrics (src/fonts.ts, the charts'
 * and the glyph check's) parsed a face first, that font is the first one, so what they decoded is
 * not decoded again. pdfmake and pdfkit are left as they are
 * (fonts named by their paths, as the SVG text of charts names them too); the decoded tables are
 * read-only to fontkit and pdfkit, and what pdfkit keeps per document (subset, widths, layout
 * cache of its `EmbeddedFont`) stays per document, so the bytes of a PDF are unchanged. Pinned by
 * test/pdf-fonts.test.ts and by the golden hashes (test/golden.test.ts).
 *
 * And the laid-out words (internal `EmbeddedFont.layoutCached` of pdfkit, `provideFont` of
 * pdfmake's `PDFDocument`): pdfkit shapes each word once per document and face (fontkit's
 * GSUB/GPOS lookups, most of the CPU time of laying out text) and keeps the glyph run in a cache
 * of the document's font (upstream: foliojs/pdfkit#1527 made that cache; nothing shares it between
 * documents). The fonts pdfmake provides for the four faces look their words up in one cache per
 * face for the process instead, so the same words in the next document (every document of a run
 * has the same headings, running header and footer, table headers, communes and collèges) are not
 * shaped again. A run depends only on the face and the word (the size scales it later); pdfkit
 * reads runs and copies them, never modifies them. The subset, widths and character map each
 * document embeds are still built from its own words (`encode`), so its bytes are unchanged. The
 * cache is emptied when it holds `LAYOUTS_KEPT` words, so that a long-lived process (the web
 * server) does not grow without bound; each document also keeps its own words in pdfkit's cache,
 * as upstream, so that a document of more words than that (the list annex at 100,000 rows) does
 * not shape them again to draw them after measuring them all (which made its time grow faster
 * than its rows: t(40,000)/t(10,000) = 4.4).
 */
import { createRequire } from 'node:module';
import { FONT_FACES, fontBytes, parsedFace, type FontFace } from '../../../fonts.ts';
import { selectScriptOnce, type FontWithLayoutEngine } from './script-selection.ts';
import { remembered } from '../../process-cache.ts';

/** A fontkit `TTFFont` (internal), as far as adopted. */
interface FontkitTtf {
  readonly stream: { readonly buffer: Uint8Array };
  _tables: Record<string, unknown>;
  _glyphs: Record<number, unknown>;
  _getTable(table: unknown): unknown;
}

/** A glyph run as pdfkit keeps it (internal: fontkit's run, positions scaled to 1000 units per em). */
type LayoutRun = object;

/** pdfkit's `EmbeddedFont` (internal), as far as patched. */
interface PdfkitEmbeddedFont {
  readonly font?: FontkitTtf;
  /** pdfkit's own per-document cache; absent when the document says `fontLayoutCache: false`. */
  readonly layoutCache?: Record<string, LayoutRun | undefined>;
  layoutCached(text: string): LayoutRun;
  layoutRun(text: string): LayoutRun;
  [LAYOUTS]?: Map<string, LayoutRun> | null;
}

/** pdfmake's `PDFDocument` (internal), as far as wrapped. */
interface PdfmakeDocument {
  provideFont(familyName: string, bold: boolean, italics: boolean): PdfkitEmbeddedFont;
}

/** On each pdfkit font: the face's shared cache of laid-out words, or null for a font of other bytes. */
const LAYOUTS = Symbol('alsesSharedLayouts');

/** Words kept laid out per face before the cache is emptied (a word's run is some hundreds of bytes). */
export const LAYOUTS_KEPT = 20_000;

/** The laid-out words of each face, shared by the documents of the process. */
const layouts = new Map<FontFace, Map<string, LayoutRun>>();

const require = createRequire(import.meta.url);

/** The first `TTFFont` made over each face's bytes (keyed by `fontBytes()[face]`). */
const firsts = new Map<FontFace, FontkitTtf>();
/** Fonts already checked for adoption. */
const seen = new WeakSet<FontkitTtf>();

let installed = false;

/**
 * Once per process: makes the fontkit that pdfkit requires (its CommonJS build) share what it
 * decodes of the four faces between documents, by wrapping `TTFFont.prototype._getTable` (the
 * getters fontkit defines per table call it, so a font adopts before it decodes any table); and
 * makes the fonts pdfmake provides for them share their laid-out words (wrapping pdfmake's
 * `PDFDocument.provideFont`, then pdfkit's `EmbeddedFont.layoutCached` on the first font).
 * @throws Error when fontkit's, pdfmake's or pdfkit's internals are no longer as patched (an
 *   upgrade), or when the font files cannot be read.
 */
export function shareParsedFonts(): void {
  if (installed) return;
  const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(buffer: Uint8Array): unknown };
  const proto = Object.getPrototypeOf(fontkit.create(fontBytes().normal)) as FontkitTtf;
  const original = proto._getTable;
  if (typeof original !== 'function' || !('_tables' in (fontkit.create(fontBytes().normal) as object))) {
    throw new Error('fontkit TTFFont: _getTable or _tables missing (fontkit upgrade?)');
  }
  proto._getTable = function (this: FontkitTtf, table: unknown) {
    adopt(this);
    return original.call(this, table);
  };

  const pdfmakeDocument = (require('pdfmake/js/PDFDocument.js') as { default?: { prototype: PdfmakeDocument } }).default?.prototype;
  if (typeof pdfmakeDocument?.provideFont !== 'function') throw new Error('pdfmake PDFDocument.provideFont missing (pdfmake upgrade?)');
  const { provideFont } = pdfmakeDocument;
  pdfmakeDocument.provideFont = function (this: PdfmakeDocument, familyName: string, bold: boolean, italics: boolean) {
    const font = provideFont.call(this, familyName, bold, italics);
    if (font[LAYOUTS] === undefined) shareLayouts(font);
    return font;
  };
  installed = true;
}

let layoutPatched = false;

/**
 * Gives a pdfkit font the shared cache of its face (null for a font of other bytes), and on the
 * first one, patches `layoutCached` of pdfkit's `EmbeddedFont` to use it.
 * @throws Error when pdfkit's `EmbeddedFont` is no longer as patched (a pdfkit upgrade).
 */
function shareLayouts(font: PdfkitEmbeddedFont): void {
  const face = font.font === undefined ? undefined : faceOf(font.font.stream?.buffer);
  if (face === undefined) {
    font[LAYOUTS] = null;
    return;
  }
  selectScriptOnce(font.font as FontWithLayoutEngine);
  if (!layoutPatched) {
    const proto = Object.getPrototypeOf(font) as PdfkitEmbeddedFont;
    const original = proto.layoutCached;
    if (typeof original !== 'function' || typeof proto.layoutRun !== 'function') throw new Error('pdfkit EmbeddedFont: layoutCached or layoutRun missing (pdfkit upgrade?)');
    proto.layoutCached = function (this: PdfkitEmbeddedFont, text: string) {
      const cache = this[LAYOUTS];
      // A font of other bytes, or a document that turned pdfkit's layout cache off.
      if (!cache || this.layoutCache === undefined) return original.call(this, text);
      // A word laid out already (nearly every call: each word is measured, then drawn) is looked
      // up without making the closure that lays out a new one: in the face's shared cache, else
      // in the document's own (pdfkit's, which keeps every word of the document, as upstream): a
      // document of more words than the shared cache keeps measures them all before drawing any,
      // and would otherwise shape each one again to draw it.
      const own = this.layoutCache;
      const known = cache.get(text) ?? own[text];
      if (known !== undefined) return known;
      return (own[text] = remembered(cache, LAYOUTS_KEPT, text, () => compactRun(this.layoutRun(text))));
    };
    layoutPatched = true;
  }
  let cache = layouts.get(face);
  if (cache === undefined) layouts.set(face, (cache = new Map()));
  font[LAYOUTS] = cache;
}

/** A glyph position as pdfkit reads it (fontkit's `GlyphPosition`, scaled by pdfkit's `layoutRun`). */
interface GlyphPosition {
  readonly xAdvance: number;
  readonly yAdvance: number;
  readonly xOffset: number;
  readonly yOffset: number;
  readonly advanceWidth: number;
}

/** Positions kept once per value, shared by the runs that hold them (emptied at `POSITIONS_KEPT`). */
const positions = new Map<string, GlyphPosition>();
/** Distinct positions kept: a face's glyphs and their kerned advances, some thousands in practice. */
const POSITIONS_KEPT = 50_000;

/**
 * A run as the cache keeps it: what pdfkit reads of a run (`layout` and `encode`: the glyphs,
 * their positions and the total advance), the glyphs as shaped, each position shared with the
 * other runs that have the same one. pdfkit never changes a position after `layoutRun` (to
 * stretch a space it copies it first), so a shared one draws the same bytes; fontkit's run also
 * holds its features, script, language, direction and string indices, which pdfkit never reads.
 * Keeps the words of a document of 100,000 rows (all kept until drawn) some 60 MB smaller.
 */
function compactRun(run: LayoutRun): LayoutRun {
  const { glyphs, positions: own, advanceWidth } = run as { glyphs: unknown[]; positions: GlyphPosition[]; advanceWidth: number };
  const shared = own.map((p) => {
    const key = `${p.xAdvance} ${p.yAdvance} ${p.xOffset} ${p.yOffset} ${p.advanceWidth}`;
    return positions.get(key) ?? remembered(positions, POSITIONS_KEPT, key, () => p);
  });
  return { glyphs, positions: shared, advanceWidth };
}

/**
 * Makes `font` use the decoded tables and glyphs of the first font made over the same face's
 * bytes, or makes it that first font. Fonts over other bytes are left alone. The first font of a
 * face is the one the font metrics parsed (`parsedFace`: the charts and the glyph check measure
 * text before a PDF is made) when there is one: what they decoded is not decoded again.
 */
function adopt(font: FontkitTtf): void {
  if (seen.has(font)) return;
  seen.add(font);
  const face = faceOf(font.stream?.buffer);
  if (face === undefined) return;
  let first = firsts.get(face);
  if (first === undefined) {
    const measured = parsedFace(face) as FontkitTtf | undefined;
    // The metrics' font is fontkit's CommonJS build too (src/fonts.ts), made before this patch.
    if (measured !== undefined && measured !== font && Object.getPrototypeOf(measured) === Object.getPrototypeOf(font)) {
      seen.add(measured);
      firsts.set(face, (first = measured));
    }
  }
  if (first === undefined) firsts.set(face, font);
  else if (first !== font) {
    font._tables = first._tables;
    font._glyphs = first._glyphs;
  }
}

/** The face whose file has exactly these bytes (pdfkit reads the file anew for each document). */
function faceOf(buffer: Uint8Array | undefined): FontFace | undefined {
  if (!buffer) return undefined;
  const bytes = fontBytes();
  return FONT_FACES.find((face) => bytes[face].byteLength === buffer.byteLength && Buffer.compare(bytes[face], buffer) === 0);
}

/**
 * For tests: the decoded tables every font of `face` shares (undefined before a PDF has used
 * the face).
 */
export function sharedTables(face: FontFace): Readonly<Record<string, unknown>> | undefined {
  return firsts.get(face)?._tables;
}

/** For tests: the words of `face` laid out for the process, and their runs (undefined before a PDF has used the face). */
export function sharedLayouts(face: FontFace): ReadonlyMap<string, LayoutRun> | undefined {
  return layouts.get(face);
}
