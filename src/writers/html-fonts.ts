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
  const characters = [...new Set(REPERTOIRE + decodeHTML(html))].sort().join('');
  const faces: FontFace[] = ITALIC_MARKUP.test(html) ? ['normal', 'bold', 'italics', 'bolditalics'] : ['normal', 'bold'];
  const files = fontBytes();
  const rules = await Promise.all(
    faces.map(async (face) => {
      const woff2 = await subsetFace(files[face], characters, 'woff2');
      const { weight, style } = FACE_CSS[face];
      return `@font-face { font-family: "${FONT_FAMILY}"; font-weight: ${weight}; font-style: ${style}; font-display: block; src: url(data:font/woff2;base64,${Buffer.from(woff2).toString('base64')}) format("woff2"); }`;
    }),
  );
  const end = html.indexOf('</head>');
  if (end < 0) throw new Error('HTML page without </head>: fonts cannot be embedded');
  return `${html.slice(0, end)}<style>\n${rules.join('\n')}\n</style>\n${html.slice(end)}`;
}
