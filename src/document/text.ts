/**
 * Plain text of a whole document, for checks over every character it shows (the PDF font's
 * glyph coverage). The walk over blocks ends in `assertNever` and inlines go through
 * `inlineText`, so a new node type fails to compile here instead of vanishing from the check.
 */
import { inlineText } from './builders.ts';
import { assertNever, type DocumentNode } from './nodes.ts';

/** Every character a document shows: properties, running header and footer, and content. */
export function documentText(doc: DocumentNode): string {
  const parts: string[] = [doc.meta.title, doc.meta.header, doc.meta.footer];
  for (const block of doc.children) {
    switch (block.type) {
      case 'heading':
      case 'paragraph':
        parts.push(inlineText(block.children));
        break;
      case 'list':
        block.items.forEach((i) => parts.push(inlineText(i.children)));
        break;
      case 'table':
        parts.push(inlineText(block.caption ?? []));
        for (const row of [...block.header, ...block.body, ...block.footer]) row.cells.forEach((c) => parts.push(inlineText(c.children)));
        break;
      case 'image':
        parts.push(block.alt);
        break;
      case 'pageBreak':
        break;
      default:
        assertNever(block);
    }
  }
  return parts.join('\n');
}
