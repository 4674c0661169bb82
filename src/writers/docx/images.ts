/**
 * Images → DOCX drawings: PNG and JPEG as they are, SVG with a PNG fallback for readers without SVG.
 */
import { ImageRun, Paragraph, TextRun } from 'docx';
import type { ImageNode } from '../../document/nodes.ts';
import { badImage, nodeWarning, rasterBytes, svgMarkup } from '../shared.ts';
import type { Ctx } from './context.ts';

/** Pixels (96 per inch, the unit of `ImageRun` sizes) per point. */
const PIXELS_PER_POINT = 96 / 72;

/**
 * A 1×1 light grey (#F2F2F2) PNG: fallback of SVG images for readers without SVG support, which
 * then show a grey box the size of the image rather than nothing (LibreOffice 7.4 draws a
 * transparent fallback black).
 */
const PLACEHOLDER_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP49OkTAAWwAtccUw7xAAAAAElFTkSuQmCC', 'base64');

/**
 * An image → a paragraph holding it, with its text alternative; its alt text in italics, with a
 * `writer/image-data` warning, when its data is not of its format.
 */
export function imageToDocx(node: ImageNode, ctx: Ctx): Paragraph {
  const scale = Math.min(1, ctx.width / node.width);
  const transformation = { width: Math.round(node.width * scale * PIXELS_PER_POINT), height: Math.round(node.height * scale * PIXELS_PER_POINT) };
  // Drawing ids must be unique in the document; docx's default comes from a process-wide counter.
  // The text alternative goes in `descr` only (Word's "Alt Text"): a `title` too would make some
  // screen readers read it twice; the name is what Word's selection pane lists.
  const id = ++ctx.images;
  const altText = { id: String(id), name: `Image ${id}`, description: node.alt };
  if (node.format !== 'svg') {
    const data = rasterBytes(node);
    if (data) return new Paragraph({ children: [new ImageRun({ type: node.format === 'png' ? 'png' : 'jpg', data, transformation, altText })] });
  } else {
    const svg = svgMarkup(node);
    if (svg) {
      // Word 2016+ shows the SVG; older Word and LibreOffice show the PNG fallback.
      if (!node.png)
        ctx.warnings.push(
          nodeWarning(
            node,
            'docx/svg-fallback',
            `Image SVG « ${node.alt} » sans image PNG de repli : un rectangle gris la remplace dans les logiciels qui ne lisent pas le SVG (Word 2013 et antérieurs, LibreOffice 7.4…)`,
          ),
        );
      const fallback = { type: 'png' as const, data: node.png ?? PLACEHOLDER_PNG };
      return new Paragraph({ children: [new ImageRun({ type: 'svg', data: Buffer.from(svg, 'utf8'), fallback, transformation, altText })] });
    }
  }
  ctx.warnings.push(badImage(node));
  return new Paragraph({ children: [new TextRun({ text: `[${node.alt}]`, italics: true })] });
}
