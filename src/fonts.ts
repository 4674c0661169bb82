/**
 * The one typeface of every document and chart: Source Sans 3 (SIL Open Font License,
 * installable embedding), from the npm package `@expo-google-fonts/source-sans-3`, never from the
 * system. It covers French fully, including U+00A0 and U+202F (thin no-break space: thousands
 * separator of `Intl` fr-FR).
 *
 * This module is the only place that finds the font files (`FONT_PATHS`), reads them
 * (`fontBytes`, once per process) and measures text with them (`fontMetrics`, on fontkit, the
 * font engine pdfkit itself lays text out with: once per face and process). Its users: the PDF
 * writer (embedding, justification), the DOCX writer (embedding), the glyph check
 * (`writers/glyphs.ts`), and the charts (text widths for Vega, fonts for resvg).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Font } from 'fontkit';
import { inflateNatively } from './patches/native-inflate.ts';
import { deferUnusedModules } from './writers/pdf/patches/deferred-loads.ts';

/** The typeface's own family name, as DOCX runs, `fontTable.xml`, SVG and CSS name it. */
export const FONT_FAMILY = 'Source Sans 3';

/** The four faces a document uses. */
export const FONT_FACES = ['normal', 'bold', 'italics', 'bolditalics'] as const;
/** A face of the typeface (pdfmake's names). */
export type FontFace = (typeof FONT_FACES)[number];

const FACE_FILES: Record<FontFace, string> = {
  normal: '400Regular/SourceSans3_400Regular.ttf',
  bold: '700Bold/SourceSans3_700Bold.ttf',
  italics: '400Regular_Italic/SourceSans3_400Regular_Italic.ttf',
  bolditalics: '700Bold_Italic/SourceSans3_700Bold_Italic.ttf',
};

const require = createRequire(import.meta.url);

/**
 * fontkit's CommonJS build, the one pdfkit requires: importing `fontkit` would load its ES module
 * build beside it (a second copy of fontkit, restructure, unicode-properties and their Unicode
 * data, decoded again at each cold start), and parse the faces in a second engine.
 */
const fontkit = (): { create(buffer: Uint8Array): unknown } => {
  // Its WOFF2 decoder is loaded only if a WOFF2 font is ever read (`deferUnusedModules`), its
  // Unicode tables inflated by zlib (src/patches/native-inflate.ts).
  deferUnusedModules();
  inflateNatively();
  return require('fontkit') as { create(buffer: Uint8Array): unknown };
};

/**
 * Absolute paths of the TTF files of each face, resolved once from the installed package (so they
 * work wherever `node_modules` is).
 * @throws Error (when this module loads) if the font package is not installed.
 */
export const FONT_PATHS: Readonly<Record<FontFace, string>> = Object.freeze(
  Object.fromEntries(FONT_FACES.map((face) => [face, require.resolve(`@expo-google-fonts/source-sans-3/${FACE_FILES[face]}`)])) as Record<FontFace, string>,
);

/** `true` for exactly the four font files above: the only local files PDF rendering may read. */
export const isFontFile = (path: string): boolean => Object.values(FONT_PATHS).includes(path);

const bytes = new Map<FontFace, Buffer>();

/** Bytes of one face's TTF file, read once per process. */
function faceBytes(face: FontFace): Buffer {
  let data = bytes.get(face);
  if (!data) {
    data = readFileSync(FONT_PATHS[face]);
    bytes.set(face, data);
  }
  return data;
}

/**
 * Bytes of the four TTF files (about 1.2 MB in all), read once per process: what the DOCX
 * writer embeds (as subsets) and what the PDF writer's fonts are recognised by.
 * @throws Error if a file cannot be read (a later call tries again).
 */
export function fontBytes(): Readonly<Record<FontFace, Buffer>> {
  return Object.freeze(Object.fromEntries(FONT_FACES.map((face) => [face, faceBytes(face)])) as Record<FontFace, Buffer>);
}

/** Horizontal metrics of one face: advance width of each code point, in em, and its coverage. */
export interface FontMetrics {
  /** Advance width, in em, of a code point (the `.notdef` glyph's when the face lacks it). */
  advance(codePoint: number): number;
  /** Whether the face has a glyph for the code point. */
  has(codePoint: number): boolean;
}

const metrics = new Map<FontFace, FontMetrics>();

/** The fontkit font of each face `fontMetrics` parsed. */
const parsed = new Map<FontFace, Font>();

/**
 * The metrics of a face, read with fontkit once per process (advance widths from `hmtx` through
 * the Unicode `cmap`, as pdfkit measures; no kerning).
 * @throws Error if the font file cannot be read or parsed.
 */
export function fontMetrics(face: FontFace): FontMetrics {
  let found = metrics.get(face);
  if (!found) {
    const font = fontkit().create(faceBytes(face)) as Font;
    parsed.set(face, font);
    found = metricsOf(font);
    metrics.set(face, found);
  }
  return found;
}

/**
 * The fontkit font (the CommonJS build's `TTFFont`, pdfkit's) over `fontBytes()[face]` that
 * `fontMetrics` parsed, if it did: the PDF writer's fonts of that face share the tables it has
 * decoded (`cmap`, `hmtx`…: writers/pdf/patches/fonts.ts) rather than decoding them again.
 */
export const parsedFace = (face: FontFace): object | undefined => parsed.get(face);

function metricsOf(font: Font): FontMetrics {
  const advances = new Map<number, number>();
  return {
    advance(codePoint) {
      let width = advances.get(codePoint);
      if (width === undefined) {
        width = font.glyphForCodePoint(codePoint).advanceWidth / font.unitsPerEm;
        advances.set(codePoint, width);
      }
      return width;
    },
    has: (codePoint) => font.hasGlyphForCodePoint(codePoint),
  };
}

/**
 * Width of one line of `text` set in `face` at `fontSize`, in the unit of `fontSize` (points
 * for the PDF and the charts): the sum of the advance widths, no kerning, so at worst a few
 * percent too wide, never too narrow.
 */
export function measureText(text: string, fontSize: number, face: FontFace = 'normal'): number {
  const font = fontMetrics(face);
  let em = 0;
  for (const c of text) em += font.advance(c.codePointAt(0) ?? 0);
  return em * fontSize;
}
