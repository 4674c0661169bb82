/**
 * Images → pdfmake image (PNG made opaque for PDF/A-1, JPEG as it is) or svg (drawn by svg-to-pdfkit) nodes,
 * tagged as figures with their text alternative.
 */
import type { Content } from 'pdfmake/interfaces.js';
import type { ImageNode } from '../../document/nodes.ts';
import { badImage, rasterBytes, svgMarkup } from '../shared.ts';
import type { Ctx } from './context.ts';
import { inlinesToPdf } from './inline.ts';
import { opaquePng } from './pdfa.ts';
import { PDF_FONT_FAMILY } from './styles.ts';
import { STRUCTURE_KEY, structNode } from './tags.ts';

/** svg node options pdfmake passes on to svg-to-pdfkit (not in @types/pdfmake). */
interface SvgExtras {
  font: string;
  options: { imageCallback: (link: string) => string; warningCallback: (message: string) => void };
}

/**
 * An image → a pdfmake image or svg node, tagged as a Figure with its text alternative; its alt
 * text in italics, with a `writer/image-data` warning, when its data is not of its format.
 */
export function imageToPdf(node: ImageNode, ctx: Ctx, id: { id?: string }): Content {
  // Never wider than the text: scale down, keeping the ratio.
  const scale = Math.min(1, ctx.width / node.width);
  const size = { width: node.width * scale, height: node.height * scale };
  const margin: [number, number, number, number] = [0, 4, 0, 8];
  const figure = () => ({ [STRUCTURE_KEY]: structNode('Figure', ctx.structure, { alt: node.alt }) });
  if (node.format !== 'svg') {
    const bytes = rasterBytes(node);
    // PDF/A-1 allows no transparency: a PNG's alpha channel is flattened onto white. A JPEG has
    // none; it is embedded as it is (DCTDecode).
    const data = bytes && (node.format === 'png' ? opaquePng(bytes) : bytes);
    if (data) return { image: `data:image/${node.format};base64,${Buffer.from(data).toString('base64')}`, ...size, margin, ...id, ...figure() } as Content;
  } else {
    const svg = svgMarkup(node);
    if (svg) {
      const extras: SvgExtras = {
        font: PDF_FONT_FAMILY,
        // An SVG must not make the renderer read local files or URLs: only inline data images.
        options: { imageCallback: (link) => (link.startsWith('data:') ? link : ''), warningCallback: () => undefined },
      };
      return { svg, ...size, margin, ...id, ...extras, ...figure() } as Content;
    }
  }
  ctx.warnings.push(badImage(node));
  return { text: inlinesToPdf([{ type: 'text', value: `[${node.alt}]` }], { italics: true }, structNode('P', ctx.structure)), margin, ...id };
}
