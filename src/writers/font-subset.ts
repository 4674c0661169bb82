/**
 * Subsets of Source Sans 3 for the documents that embed the font's files themselves: the DOCX
 * writer (TrueType parts, `docx/package.ts`) and the HTML writer (WOFF2 data URLs,
 * `html-fonts.ts`). The PDF writer needs none of this: pdfkit subsets what it prints.
 */
import subsetFont from 'subset-font';

/**
 * The characters every embedded subset keeps, whatever the document shows: the French repertoire
 * (printable ASCII, accented letters, œ and æ, guillemets, typographic quotes and apostrophe,
 * dashes, no-break and thin spaces, ellipsis, bullet, degree, euro…). Every DOCX thus embeds the
 * same faces (plus, rarely, a character of its own), which matters: LibreOffice keeps the
 * embedded fonts of the documents it opened for the rest of its session, by family name, so a
 * later document may be set with an earlier one's subset; and someone editing the DOCX can type
 * any French text in the same font.
 */
export const REPERTOIRE = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCodePoint(0x20 + i)),
  ...'ÀÂÄÆÇÈÉÊËÎÏÔÖŒÙÛÜŸàâäæçèéêëîïôöœùûüÿ',
  ...'\u00a0\u00ad\u2009\u202f«»‘’“”‐‑–—…•·°§€©®™²³½×',
].join('');

/**
 * OpenType features the subsets keep: those word processors and browsers apply by default
 * (HarfBuzz's default shaping set: kerning, standard ligatures, contextual alternates, marks…),
 * as pdfkit does when it lays the PDF out. The others (small capitals, stylistic sets, figures
 * styles…) would each pull their alternate glyphs in.
 */
export const LAYOUT_FEATURES = ['ccmp', 'locl', 'mark', 'mkmk', 'kern', 'liga', 'clig', 'calt', 'rlig', 'rvrn'];

/**
 * A subset of a font file (TrueType or OpenType bytes) keeping the glyphs of `characters` and
 * those `LAYOUT_FEATURES` reach from them, written as `format` (a TTF stays a TTF as `truetype`;
 * `woff2` for the web). Same input, same bytes.
 * @throws Error when HarfBuzz cannot read or subset the font.
 */
export async function subsetFace(font: Uint8Array, characters: string, format: 'truetype' | 'woff2'): Promise<Uint8Array> {
  // subset-font reads the signature with Buffer#toString: it needs a Buffer.
  const subset = await subsetFont(Buffer.from(font.buffer, font.byteOffset, font.byteLength), characters, { targetFormat: format, keepFeatures: LAYOUT_FEATURES });
  return new Uint8Array(subset.buffer, subset.byteOffset, subset.byteLength);
}
