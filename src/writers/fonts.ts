/**
 * The one typeface of every document: Source Sans 3 (SIL Open Font License, installable
 * embedding), from the npm package `@expo-google-fonts/source-sans-3`. It covers French fully,
 * including U+00A0 and U+202F (thin no-break space: thousands separator of `Intl` fr-FR).
 *
 * PDF embeds subsets of the four faces; DOCX embeds the four files whole (obfuscated, as Word
 * does), so that Word and LibreOffice show the same letters without the font being installed.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../diagnostics.ts';
import { createRequire } from 'node:module';
import { parseFontMetrics, type FontMetrics } from '../charts/fonts.ts';

/** Family name as the PDF definition (pdfmake) refers to it. */
export const PDF_FONT_FAMILY = 'SourceSans3';

/** Family name written in DOCX runs and `fontTable.xml` (the font's own family name). */
export const DOCX_FONT_FAMILY = 'Source Sans 3';

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
 * Absolute paths of the TTF files of each face, resolved from the installed package (so they work
 * wherever `node_modules` is).
 * @throws Error if the font package is not installed.
 */
export const FONT_PATHS: Readonly<Record<FontFace, string>> = Object.freeze(
  Object.fromEntries(FONT_FACES.map((face) => [face, require.resolve(`@expo-google-fonts/source-sans-3/${FACE_FILES[face]}`)])) as Record<FontFace, string>,
);

/** `true` for exactly the four font files above: the only local files PDF rendering may read. */
export const isFontFile = (path: string): boolean => Object.values(FONT_PATHS).includes(path);

let fontBytes: Promise<Readonly<Record<FontFace, Buffer>>> | undefined;

/**
 * Bytes of the four TTF files, read once per process (about 1.2 MB in all).
 * @throws Error (rejected promise) if a file cannot be read.
 */
export function loadFontBytes(): Promise<Readonly<Record<FontFace, Buffer>>> {
  fontBytes ??= Promise.all(FONT_FACES.map(async (face) => [face, await readFile(FONT_PATHS[face])] as const)).then(
    (entries) => Object.freeze(Object.fromEntries(entries)) as Record<FontFace, Buffer>,
    (err: unknown) => {
      fontBytes = undefined; // let a later call try again
      throw err;
    },
  );
  return fontBytes;
}

const cmaps = new Map<FontFace, FontMetrics>();

/**
 * The characters of `text` the face has no glyph for, each once, in order of appearance (white
 * space aside: every space character has one). A PDF prints them as an empty box (`.notdef`).
 * Reads the face's character map once per process.
 * @throws Error if the font file cannot be read.
 */
export function missingGlyphs(text: string, face: FontFace): string[] {
  let cmap = cmaps.get(face);
  if (!cmap) {
    cmap = parseFontMetrics(new Uint8Array(readFileSync(FONT_PATHS[face])));
    cmaps.set(face, cmap);
  }
  const missing = new Set<string>();
  for (const c of text) if (!/\s/.test(c) && !cmap.has(c.codePointAt(0) ?? 0)) missing.add(c);
  return [...missing];
}

/**
 * The `writer/glyph-missing` warning for characters no face prints (each once), or none.
 * Shared by the PDF writer and by `alses validate`, which checks without laying out a PDF.
 */
export function glyphMissingWarning(missing: readonly string[]): Diagnostic | undefined {
  if (missing.length === 0) return undefined;
  const list = missing.map((c) => `« ${c} » (U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`).join(', ');
  return { severity: 'warning', ruleId: 'writer/glyph-missing', message: `Caractères absents de la police Source Sans 3, imprimés comme un rectangle vide dans le PDF : ${list}` };
}
