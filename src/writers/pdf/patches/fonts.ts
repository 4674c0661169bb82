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
 * variations of a font (`getVariation` shares `_tables`). pdfmake and pdfkit are left as they are
 * (fonts named by their paths, as the SVG text of charts names them too); the decoded tables are
 * read-only to fontkit and pdfkit, and what pdfkit keeps per document (subset, widths, layout
 * cache of its `EmbeddedFont`) stays per document, so the bytes of a PDF are unchanged. Pinned by
 * test/pdf-fonts.test.ts and by the golden hashes (test/golden.test.ts).
 */
import { createRequire } from 'node:module';
import { FONT_FACES, fontBytes, type FontFace } from '../../../fonts.ts';

/** A fontkit `TTFFont` (internal), as far as adopted. */
interface FontkitTtf {
  readonly stream: { readonly buffer: Uint8Array };
  _tables: Record<string, unknown>;
  _glyphs: Record<number, unknown>;
  _getTable(table: unknown): unknown;
}

const require = createRequire(import.meta.url);

/** The first `TTFFont` made over each face's bytes (keyed by `fontBytes()[face]`). */
const firsts = new Map<FontFace, FontkitTtf>();
/** Fonts already checked for adoption. */
const seen = new WeakSet<FontkitTtf>();

let installed = false;

/**
 * Once per process: makes the fontkit that pdfkit requires (its CommonJS build) share what it
 * decodes of the four faces between documents, by wrapping `TTFFont.prototype._getTable` (the
 * getters fontkit defines per table call it, so a font adopts before it decodes any table).
 * @throws Error when fontkit's internals are no longer as patched (a fontkit upgrade), or when
 *   the font files cannot be read.
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
  installed = true;
}

/**
 * Makes `font` use the decoded tables and glyphs of the first font made over the same face's
 * bytes, or makes it that first font. Fonts over other bytes are left alone.
 */
function adopt(font: FontkitTtf): void {
  if (seen.has(font)) return;
  seen.add(font);
  const face = faceOf(font.stream?.buffer);
  if (face === undefined) return;
  const first = firsts.get(face);
  if (first === undefined) firsts.set(face, font);
  else {
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
