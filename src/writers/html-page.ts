/**
 * The page geometry of the HTML writer's page, as the PDF's (`pdf/index.ts`), all from
 * `shared.ts`:
 * - printed (`@page`): A4 in the document's orientation, the PDF's margins, and in the margins
 *   the running header (header and reference lines, top left), the running footer (bottom left)
 *   and "Page X / Y" (bottom right) on every page, at the PDF's places, as CSS page-margin boxes
 *   (Chromium 131 and later; a browser without them prints neither, the in-page header and footer
 *   being hidden when printing);
 * - on screen: one sheet of the page's width, the PDF's margins around the text, the running
 *   header and footer in its top and bottom margins (on a screen narrower than a page: the sheet
 *   fills it, with small margins, and table columns are no narrower than their longest word).
 */
import type { DocumentMeta } from '../document/nodes.ts';
import { FONT_FAMILY } from '../fonts.ts';
import { ordinalsAsLetters } from '../document/ordinals.ts';
import { FONT_SIZE, LINE_HEIGHT, PAGE_MARGINS, pageLabel, pageSize, RUNNING_FOOTER_TOP, runningHeaderLines, runningHeaderTop, RUNNING_OFFSET } from './shared.ts';

/** Colour of the running header and footer, as in the PDF. */
const RUNNING_COLOR = '#404040';

/**
 * `value` as a CSS string: quoted, `\` and `"` escaped, line breaks as `\A `, and `<` as `\3C `
 * (a string cannot end the `<style>` element it sits in).
 */
export const cssString = (value: string): string => `"${value.replace(/[\\"<\n]/g, (c) => (c === '\n' ? '\\A ' : c === '<' ? '\\3C ' : `\\${c}`))}"`;

/** `content` of the page-number box: `pageLabel` with CSS page counters in place of the numbers. */
function pageNumberContent(): string {
  const [before = '', between = '', after = ''] = pageLabel('\u0000', '\u0001').split(/[\u0000\u0001]/);
  return [cssString(before), 'counter(page)', cssString(between), 'counter(pages)', cssString(after)].filter((part) => part !== '""').join(' ');
}

/** The style sheet of the page geometry (screen and print) for a document's `meta`, sizes in points. */
export function pageCss(meta: Pick<DocumentMeta, 'orientation' | 'header' | 'reference' | 'footer'>): string {
  const m = PAGE_MARGINS;
  const page = pageSize(meta.orientation);
  // Generated content cannot hold a <sup>: "1er" is written with superscript letters there.
  const header = runningHeaderLines(meta).map(ordinalsAsLetters);
  const headerTop = runningHeaderTop(header.length);
  const running = `font-family: "${FONT_FAMILY}"; font-size: ${FONT_SIZE.running}pt; line-height: ${LINE_HEIGHT}; color: ${RUNNING_COLOR}; vertical-align: top;`;
  // Margin boxes are as tall as the margin; their text starts where the PDF's does.
  const top = header.length ? `\n  @top-left { content: ${cssString(header.join('\n'))}; white-space: pre; ${running} padding-top: ${round(headerTop)}pt; }` : '';
  const footer = meta.footer ? `\n  @bottom-left { content: ${cssString(meta.footer)}; ${running} padding-top: ${round(RUNNING_FOOTER_TOP)}pt; }` : '';
  // The footer's line ends this far above the page's bottom edge.
  const footerBottom = m.bottom - RUNNING_FOOTER_TOP - FONT_SIZE.running * LINE_HEIGHT;
  return `@page {
  size: A4 ${meta.orientation};
  margin: ${m.top}pt ${m.right}pt ${m.bottom}pt ${m.left}pt;${top}${footer}
  @bottom-right { content: ${pageNumberContent()}; ${running} padding-top: ${round(RUNNING_FOOTER_TOP)}pt; text-align: right; }
}
.running { font-size: ${FONT_SIZE.running}pt; color: ${RUNNING_COLOR}; }
@media screen {
  html { background: #d9d9d9; }
  body { position: relative; box-sizing: border-box; width: ${page.width}pt; max-width: 100%; min-height: ${page.height}pt; margin: 12pt auto; padding: ${m.top}pt ${m.right}pt ${m.bottom}pt ${m.left}pt; background: #fff; box-shadow: 0 1pt 4pt #808080; }
  header.running { position: absolute; top: ${round(headerTop)}pt; left: ${m.left}pt; right: ${m.right}pt; }
  footer.running { position: absolute; bottom: ${round(footerBottom)}pt; left: ${m.left}pt; right: ${m.right}pt; }
}
@media screen and (max-width: ${page.width}pt) {
  body { margin: 0; min-height: 0; padding: ${RUNNING_OFFSET}pt 0.5em; box-shadow: none; }
  header.running, footer.running { position: static; margin: 0 0 1em; }
  /* Columns no narrower than their longest word: no word nor number is broken (« 20/19 »). */
  table { table-layout: auto; }
  th, td { overflow-wrap: break-word; padding-left: 2pt; padding-right: 2pt; }
}
@media print {
  body { margin: 0; padding: 0; }
  header.running, footer.running { display: none; }
}
`;
}

const round = (x: number): string => String(Math.round(x * 100) / 100);
