/**
 * The HTML page's own fonts: the faces of Source Sans 3 it uses, as WOFF2 subsets written into
 * the page as `data:` URLs (`@font-face`), so that the page stays one self-contained file and is
 * set, in any browser, with the very font and metrics of the PDF (same line breaks), and so are
 * its inline chart SVG.
 */
import { decodeHTML } from 'entities';
import { FONT_FAMILY, fontBytes, type FontFace } from '../fonts.ts';
import { REPERTOIRE, subsetFace } from './font-subset.ts';

/** CSS weight and style of each face. */
const FACE_CSS: Record<FontFace, { weight: number; style: 'normal' | 'italic' }> = {
  normal: { weight: 400, style: 'normal' },
  bold: { weight: 700, style: 'normal' },
  italics: { weight: 400, style: 'italic' },
  bolditalics: { weight: 700, style: 'italic' },
};

/** Subsets made (base64 WOFF2), by face and characters: the most recent `CACHED`. */
const subsets = new Map<string, Promise<string>>();
const CACHED = 8;

/**
 * The WOFF2 subset of a face, base64: made once per process for a face and set of characters
 * (about 0.3 s each, Brotli at its best compression; pages of French text nearly all share the
 * repertoire's set).
 */
function woff2Base64(face: FontFace, characters: string): Promise<string> {
  const key = `${face}\u0000${characters}`;
  let subset = subsets.get(key);
  if (!subset) {
    subset = subsetFace(fontBytes()[face], characters, 'woff2').then((woff2) => Buffer.from(woff2).toString('base64'));
    subset.catch(() => subsets.delete(key));
    subsets.set(key, subset);
    for (const old of subsets.keys()) if (subsets.size > CACHED) subsets.delete(old);
  }
  return subset;
}

/** Markup set in italics by the page's style sheet (`em`, the alt text shown for a bad image). */
const ITALIC_MARKUP = /<em>|class="image-alt"/;

/**
 * `html` (a page of the HTML writer) with a `<style>` of `@font-face` rules before its `</head>`:
 * the regular and bold faces, and the italic ones when the page has italics, each a WOFF2 subset
 * (about 20 KB, base64) keeping the French repertoire and every character of the page (text,
 * attributes, style sheet strings, inline SVG), entities decoded. Same page, same bytes.
 * @throws Error when a font file cannot be read or subset.
 */
export async function embedFonts(html: string): Promise<string> {
  // Control characters (line breaks of the markup) have no glyph to keep.
  const characters = [...new Set(REPERTOIRE + decodeHTML(html))].filter((c) => c >= ' ').sort().join('');
  const faces: FontFace[] = ITALIC_MARKUP.test(html) ? ['normal', 'bold', 'italics', 'bolditalics'] : ['normal', 'bold'];
  const rules = await Promise.all(
    faces.map(async (face) => {
      const { weight, style } = FACE_CSS[face];
      return `@font-face { font-family: "${FONT_FAMILY}"; font-weight: ${weight}; font-style: ${style}; font-display: block; src: url(data:font/woff2;base64,${await woff2Base64(face, characters)}) format("woff2"); }`;
    }),
  );
  const end = html.indexOf('</head>');
  if (end < 0) throw new Error('HTML page without </head>: fonts cannot be embedded');
  return `${html.slice(0, end)}<style>\n${rules.join('\n')}\n</style>\n${html.slice(end)}`;
}
