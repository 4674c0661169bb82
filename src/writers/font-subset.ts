/**
 * Subsets of Source Sans 3 for the documents that embed the font's files themselves: the DOCX
 * writer (TrueType parts, `docx/package.ts`) and the HTML writer (WOFF2 data URLs,
 * `html-fonts.ts`). The PDF writer needs none of this: pdfkit subsets what it prints.
 *
 * Nearly every document keeps exactly the repertoire's characters, so `npm run build` makes those
 * subsets once (scripts/build-font-subsets.ts) into `dist/font-subsets/`, each file named by
 * the hash of everything its bytes depend on (`subsetKey`); a run finding its subset there reads
 * it instead of starting HarfBuzz and Brotli (a good part of a cold `alses monthly`). Same bytes
 * either way.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

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
 * The sets of characters whose subsets `npm run build` makes (`PREBUILT_SUBSETS`), by format, in
 * the form the writers ask for them (each character once, sorted): for the DOCX, the repertoire
 * with the tab and bullets of `docx`'s list numbering (`word/numbering.xml`, in every package);
 * for the HTML, the repertoire alone, and with the superscript letters of « 1ᵉʳ » (U+1D49,
 * U+02B3: the printed running header of an annex).
 */
export const PREBUILT_CHARACTERS: Readonly<Record<SubsetFormat, readonly string[]>> = {
  truetype: [`${REPERTOIRE}\t\u25a0\u25cb\u25cf`].map(characterSet),
  woff2: [REPERTOIRE, `${REPERTOIRE}\u1d49\u02b3`].map(characterSet),
};

/** Each character of `text` once, sorted: the form of the characters `subsetFace` is asked for. */
function characterSet(text: string): string {
  return [...new Set(text)].sort().join('');
}

/**
 * OpenType features the subsets keep: those word processors and browsers apply by default
 * (HarfBuzz's default shaping set: kerning, standard ligatures, contextual alternates, marks…),
 * as pdfkit does when it lays the PDF out. The others (small capitals, stylistic sets, figures
 * styles…) would each pull their alternate glyphs in.
 */
export const LAYOUT_FEATURES = ['ccmp', 'locl', 'mark', 'mkmk', 'kern', 'liga', 'clig', 'calt', 'rlig', 'rvrn'];

/**
 * Tables each format's subsets leave out. The DOCX's: `GPOS` (glyph positioning: kerning and mark
 * placement), about 6 KB of a 21 KB face. Word kerns only the runs that ask for it (`w:kern`,
 * ECMA-376 part 1, 17.3.2.19: no kerning when absent), which no run of ours does, and LibreOffice
 * does not kern a DOCX's text without it either: the annexes converted by LibreOffice 7.4 are the
 * same pixels with and without `GPOS`. `GSUB` stays: LibreOffice applies its ligatures
 * (« ffi » of « difficulté »). Browsers kern: the HTML's WOFF2 subsets keep everything.
 * (Source Sans 3's TrueType files carry no hinting instructions to drop: no `fpgm` nor `cvt `.)
 */
export const DROPPED_TABLES: Readonly<Record<SubsetFormat, readonly string[]>> = { truetype: ['GPOS'], woff2: [] };

/**
 * A subset of a font file (TrueType or OpenType bytes) keeping the glyphs of `characters` and
 * those `LAYOUT_FEATURES` reach from them, without the format's `DROPPED_TABLES`, written as
 * `format` (a TTF stays a TTF as `truetype`; `woff2` for the web). Same input, same bytes.
 * @throws Error when HarfBuzz cannot read or subset the font.
 */
export async function subsetFace(font: Uint8Array, characters: string, format: SubsetFormat): Promise<Uint8Array> {
  const prebuilt = readPrebuilt(subsetKey(font, characters, format));
  return prebuilt ?? makeSubset(font, characters, format);
}

/** Formats of a subset: a TTF stays a TTF as `truetype`; `woff2` for the web. */
export type SubsetFormat = 'truetype' | 'woff2';

/** Folder of the subsets made by `npm run build`: `dist/font-subsets/` (two folders up from src/writers and dist/writers alike). */
export const PREBUILT_SUBSETS = path.join(import.meta.dirname, '../../dist/font-subsets');

/** The prebuilt subset named `key`, or undefined when there is none (not built, other characters). */
function readPrebuilt(key: string): Uint8Array | undefined {
  try {
    const bytes = readFileSync(path.join(PREBUILT_SUBSETS, key));
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch {
    return undefined;
  }
}

let toolVersions: string | undefined;

/**
 * Versions of the subsetting code (subset-font, its HarfBuzz and its WOFF2 encoder), read once per
 * process from their installed package.json: a subset made by other versions is never reused.
 */
function subsetterVersions(): string {
  if (toolVersions === undefined) {
    const version = (require: NodeJS.Require, specifier: string, name: string): { file: string; version: string } => {
      for (let dir = path.dirname(require.resolve(specifier)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
        try {
          const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
          if (json.name === name) return { file: path.join(dir, 'package.json'), version: json.version ?? '' };
        } catch {
          // no package.json in this folder: look further up
        }
      }
      return { file: '', version: '' };
    };
    const own = createRequire(import.meta.url);
    const subsetter = version(own, 'subset-font', 'subset-font');
    const fromSubsetter = createRequire(subsetter.file);
    const fontverter = version(fromSubsetter, 'fontverter', 'fontverter');
    const harfbuzz = version(fromSubsetter, 'harfbuzzjs/dist/harfbuzz-subset.wasm', 'harfbuzzjs');
    const woff2 = version(createRequire(fontverter.file), 'wawoff2', 'wawoff2');
    toolVersions = [subsetter, harfbuzz, fontverter, woff2].map((p) => p.version).join(' ');
  }
  return toolVersions;
}

/** SHA-256 (hex) of each font file hashed so far, by its bytes' object (the writers pass `fontBytes()`'s, read once per process and never changed). */
const fontDigests = new WeakMap<Uint8Array, string>();

/** The SHA-256 (hex) of a font file's bytes, computed once per bytes object: a face is 380 KB. */
function fontDigest(font: Uint8Array): string {
  let digest = fontDigests.get(font);
  if (digest === undefined) fontDigests.set(font, (digest = createHash('sha256').update(font).digest('hex')));
  return digest;
}

/**
 * The name of a subset in `PREBUILT_SUBSETS`: the SHA-256 (hex) of the SHA-256 of the font's bytes, the
 * characters, the format, `LAYOUT_FEATURES`, the format's `DROPPED_TABLES` and the subsetter's versions, with the format's
 * extension (`.ttf`, `.woff2`).
 */
export function subsetKey(font: Uint8Array, characters: string, format: SubsetFormat): string {
  const hash = createHash('sha256').update(subsetterVersions()).update('\0').update(fontDigest(font)).update('\0');
  hash.update(`${format}\0${LAYOUT_FEATURES.join(',')}\0${DROPPED_TABLES[format].join(',')}\0${characters}`);
  return `${hash.digest('hex')}.${format === 'truetype' ? 'ttf' : 'woff2'}`;
}

/**
 * The subset made now by HarfBuzz (subset-font, loaded on first use), as `subsetFace` gives it.
 * @throws Error when HarfBuzz cannot read or subset the font.
 */
export async function makeSubset(font: Uint8Array, characters: string, format: SubsetFormat): Promise<Uint8Array> {
  const { default: subsetFont } = await import('subset-font');
  // subset-font reads the signature with Buffer#toString: it needs a Buffer.
  const subset = await subsetFont(Buffer.from(font.buffer, font.byteOffset, font.byteLength), characters, {
    targetFormat: format,
    keepFeatures: LAYOUT_FEATURES,
    ...(DROPPED_TABLES[format].length > 0 ? { dropTables: DROPPED_TABLES[format] } : {}),
  });
  return new Uint8Array(subset.buffer, subset.byteOffset, subset.byteLength);
}
