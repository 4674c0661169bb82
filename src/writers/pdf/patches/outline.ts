/**
 * Patch of pdfkit's outline (internal `outline` items): bookmark counts. pdfkit 0.19 writes
 * `/Count` on an outline item only when it is open, and never on the outline root unless asked;
 * PDF/A-1 (Preflight 1.4.9) wants it wherever there are children (upstream: no foliojs/pdfkit
 * issue found; its PDF/A thread is foliojs/pdfkit#369). Pinned by Preflight in test/pdfa.test.ts
 * and test/writers.test.ts ("every PDF rendered above is valid PDF/A-1b").
 */
import type { PdfkitOutline } from './pdfkit.ts';

/**
 * Sets `/Count` on the outline root and every item with children (ISO 32000-1 § 12.3.3): for an
 * open item, the number of its visible descendants; for a closed one, minus the number it would
 * show once opened. pdfkit then writes them as they are (it only overwrites the count of items it
 * considers expanded, so they are all marked closed for pdfkit). Returns the visible count.
 */
export function countOutline(item: PdfkitOutline, isRoot = true): number {
  const open = isRoot || item.options.expanded === true;
  let visible = 0;
  for (const child of item.children) visible += 1 + countOutline(child, false);
  item.options = { ...item.options, expanded: false };
  if (item.children.length > 0 || isRoot) item.outlineData.Count = open ? visible : -visible;
  return open ? visible : 0;
}
