/**
 * The one escaping of text put into XML or HTML markup (DOCX parts, the XMP packet of PDFs, chart
 * SVG, HTML pages), on the `entities` package.
 */
import { escapeUTF8 } from 'entities';

/**
 * How `'` is written: `&apos;` (XML's predefined entity), `&#39;` (HTML pages: understood by
 * every HTML parser, HTML 4 included), or as it is (where values only ever sit in text and
 * double-quoted attributes, which need no escaped apostrophe: chart SVG).
 */
export type Apostrophe = '&apos;' | '&#39;' | "'";

/**
 * `value` escaped for text content and single- or double-quoted attribute values: `&`, `<`, `>`,
 * `"` become `&amp;`, `&lt;`, `&gt;`, `&quot;`, and `'` as `apostrophe` says (default `&apos;`).
 * Every other character is kept as it is (the documents are UTF-8).
 */
export function escapeXml(value: string, apostrophe: Apostrophe = '&apos;'): string {
  const escaped = escapeUTF8(value);
  // `&` was escaped first, so every `&apos;` left in `escaped` stands for a `'` of `value`.
  return apostrophe === '&apos;' ? escaped : escaped.replaceAll('&apos;', apostrophe);
}
