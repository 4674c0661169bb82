/**
 * PDF/A-1b (ISO 19005-1, level B) on top of pdfmake 0.3 / pdfkit 0.19, checked with Apache PDFBox
 * Preflight (see `test/pdfa.test.ts`).
 *
 * pdfmake passes `version` and `subset` through to pdfkit, which then embeds the sRGB output
 * intent, writes a CIDSet for each font subset and the `pdfaid` XMP schema. What pdfkit gets wrong,
 * and this module mends on the pdfkit document pdfmake hands over (before it is ended), through
 * the patches of `patches/`:
 *
 * - **XMP not escaped, no xmp:ModifyDate** (`patches/xmp.ts`): the XMP of the document
 *   properties is written by `xmpInfo` below instead, every value XML-escaped, each Info entry
 *   mirrored as PDF/A-1 wants; the Info dictionary (a PDF string, no escaping needed) is untouched.
 * - **Bookmarks without Count** (`patches/outline.ts`): every count is set as ISO 32000-1
 *   § 12.3.3 defines it.
 *
 * And what PDF/A-1 forbids that the content could bring: transparency. Charts are drawn opaque
 * (`src/charts`); PNG images with an alpha channel or a transparent colour are flattened onto
 * white by `opaquePng` before pdfkit sees them (it would otherwise add a soft mask).
 */
import { createRequire } from 'node:module';
import { ACTE_NATURES, type ActeMeta } from '../../document/nodes.ts';
import { loadResvg } from '../../patches/resvg.ts';
import { escapeXml } from '../../xml.ts';
import { countOutline } from './patches/outline.ts';
import type { PdfkitDocument } from './patches/pdfkit.ts';
import { replaceXmpInfo } from './patches/xmp.ts';

/** resvg and pngjs, loaded on the first transparent image (most documents have none). */
const require = createRequire(import.meta.url);
const resvg = (): typeof import('@resvg/resvg-js') => loadResvg();
const pngjs = (): typeof import('pngjs') => require('pngjs') as typeof import('pngjs');

/** What the PDF definition sets for PDF/A-1b: PDF 1.4 (XMP is only written from 1.4 on) and the subset. */
export const PDFA_OPTIONS = { version: '1.4', subset: 'PDF/A-1b' } as const;

/**
 * Makes the pdfkit document pdfmake built conform to PDF/A-1b when it is ended: escaped XMP
 * document properties with `xmp:ModifyDate`, and bookmark counts. Call it once, before `end()`.
 * Also writes the PDF/UA identification (`pdfuaid:part` 1) and, for a document annexed to a
 * délibération, the act it is annexed to (`acte` schema), both declared as PDF/A-1 extension
 * schemas (ISO 19005-1 § 6.7.8), which Preflight checks.
 * @param doc the object `pdfmake.createPdf(definition).getStream()` resolves to.
 * @param acte the délibération the document is annexed to, if any.
 */
export function prepareForPdfa(doc: unknown, acte?: ActeMeta): void {
  const pdf = doc as PdfkitDocument;
  replaceXmpInfo(pdf, (info) => [xmpInfo(info), xmpPdfUa(), ...(acte ? [xmpActe(acte)] : []), xmpExtensionSchemas(acte !== undefined)].join('\n'));
  countOutline(pdf.outline);
}

const xml = (value: unknown): string => escapeXml(String(value));

/** `YYYY-MM-DDThh:mm:ssZ`, as pdfkit writes `xmp:CreateDate` (the Info dates are UTC too). */
const xmpDate = (value: unknown): string | undefined => (value instanceof Date ? `${value.toISOString().split('.')[0]}Z` : undefined);

/**
 * The XMP descriptions mirroring the Info dictionary (ISO 19005-1 § 6.7.3, Table 1): xmp, dc and
 * pdf schemas, values XML-escaped. Empty entries are left out, as pdfmake leaves them out of Info.
 */
export function xmpInfo(info: Readonly<Record<string, unknown>>): string {
  const created = xmpDate(info.CreationDate);
  const modified = xmpDate(info.ModDate);
  const has = (key: string) => typeof info[key] === 'string' && info[key] !== '';
  const lines = ['<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'];
  if (created) lines.push(`  <xmp:CreateDate>${created}</xmp:CreateDate>`);
  if (modified) lines.push(`  <xmp:ModifyDate>${modified}</xmp:ModifyDate>`);
  if (has('Creator')) lines.push(`  <xmp:CreatorTool>${xml(info.Creator)}</xmp:CreatorTool>`);
  lines.push('</rdf:Description>');
  if (has('Title') || has('Author') || has('Subject')) {
    lines.push('<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">');
    if (has('Title')) lines.push(`  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xml(info.Title)}</rdf:li></rdf:Alt></dc:title>`);
    if (has('Author')) lines.push(`  <dc:creator><rdf:Seq><rdf:li>${xml(info.Author)}</rdf:li></rdf:Seq></dc:creator>`);
    if (has('Subject')) lines.push(`  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xml(info.Subject)}</rdf:li></rdf:Alt></dc:description>`);
    lines.push('</rdf:Description>');
  }
  lines.push('<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">');
  if (has('Producer')) lines.push(`  <pdf:Producer>${xml(info.Producer)}</pdf:Producer>`);
  if (has('Keywords')) lines.push(`  <pdf:Keywords>${xml(info.Keywords)}</pdf:Keywords>`);
  lines.push('</rdf:Description>');
  return lines.join('\n');
}

/** Namespace of the PDF/UA identification schema (ISO 14289-1 § 5). */
const PDFUAID_NS = 'http://www.aiim.org/pdfua/ns/id/';

/**
 * Namespace of the product's `acte` schema: the act (délibération) a document is annexed to.
 * A URN: the schema is the product's own, published by no one.
 */
export const ACTE_NS = 'urn:alses-reports:xmp:acte:1.0#';

/** The PDF/UA identification: part 1 (ISO 14289-1). */
const xmpPdfUa = (): string => `<rdf:Description rdf:about="" xmlns:pdfuaid="${PDFUAID_NS}">\n  <pdfuaid:part>1</pdfuaid:part>\n</rdf:Description>`;

/** The `acte` schema's properties, each with its XMP value type and description (for the PDF/A declaration). */
const ACTE_PROPERTIES = [
  ['nature', 'Text', 'Code de nature de l\'acte (nomenclature ACTES), ex. DE'],
  ['natureLibelle', 'Text', 'Libellé de la nature de l\'acte, ex. 1 Délibérations'],
  ['date', 'Date', 'Date de la délibération'],
  ['numero', 'Text', 'Numéro de la délibération tel que la collectivité l\'écrit'],
  ['matiere', 'Text', 'Code de matière de la nomenclature ACTES, ex. 8.2'],
] as const;

/** The act the document is annexed to: nature (code and label), date, number and matière when known. */
function xmpActe(acte: ActeMeta): string {
  const values: Record<(typeof ACTE_PROPERTIES)[number][0], string | undefined> = { nature: acte.nature, natureLibelle: ACTE_NATURES[acte.nature], date: acte.date, numero: acte.numero, matiere: acte.matiere };
  const lines = [`<rdf:Description rdf:about="" xmlns:acte="${ACTE_NS}">`];
  for (const [name] of ACTE_PROPERTIES) if (values[name] !== undefined) lines.push(`  <acte:${name}>${xml(values[name])}</acte:${name}>`);
  lines.push('</rdf:Description>');
  return lines.join('\n');
}

/**
 * The PDF/A-1 declaration of the schemas PDF/A-1 does not predefine (ISO 19005-1 § 6.7.8, XMP
 * extension schemas): `pdfuaid`, and `acte` when written.
 */
function xmpExtensionSchemas(withActe: boolean): string {
  // Category: `internal` for a value the writer computes, `external` for one the data gives.
  const property = (name: string, valueType: string, description: string, category: string) =>
    `          <rdf:li rdf:parseType="Resource">\n            <pdfaProperty:name>${name}</pdfaProperty:name>\n            <pdfaProperty:valueType>${valueType}</pdfaProperty:valueType>\n            <pdfaProperty:category>${category}</pdfaProperty:category>\n            <pdfaProperty:description>${xml(description)}</pdfaProperty:description>\n          </rdf:li>`;
  const schema = (name: string, uri: string, prefix: string, properties: readonly (readonly [string, string, string])[], category: string) =>
    [
      '    <rdf:li rdf:parseType="Resource">',
      `      <pdfaSchema:schema>${xml(name)}</pdfaSchema:schema>`,
      `      <pdfaSchema:namespaceURI>${uri}</pdfaSchema:namespaceURI>`,
      `      <pdfaSchema:prefix>${prefix}</pdfaSchema:prefix>`,
      '      <pdfaSchema:property>',
      '        <rdf:Seq>',
      ...properties.map(([n, t, d]) => property(n, t, d, category)),
      '        </rdf:Seq>',
      '      </pdfaSchema:property>',
      '    </rdf:li>',
    ].join('\n');
  return [
    '<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">',
    '  <pdfaExtension:schemas>',
    '   <rdf:Bag>',
    schema('PDF/UA Universal Accessibility Schema', PDFUAID_NS, 'pdfuaid', [['part', 'Integer', 'Indicates, which part of ISO 14289 standard is followed']], 'internal'),
    ...(withActe ? [schema('Acte auquel le document est annexé (transmission ACTES)', ACTE_NS, 'acte', ACTE_PROPERTIES, 'external')] : []),
    '   </rdf:Bag>',
    '  </pdfaExtension:schemas>',
    '</rdf:Description>',
  ].join('\n');
}

// ---------------------------------------------------------------- images

/**
 * `true` when a PNG file may hold transparency: an alpha channel (colour types 4 and 6) or a
 * transparent colour (`tRNS` chunk).
 */
export function pngHasTransparency(png: Uint8Array): boolean {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const colourType = bytes[25];
  if (colourType === 4 || colourType === 6) return true;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'tRNS') return true;
    if (type === 'IDAT' || type === 'IEND') return false; // tRNS comes before the image data
    at += 12 + length;
  }
  return false;
}

/**
 * The same picture as an opaque 8-bit RGB PNG, transparent parts on white (PDF/A-1 forbids soft
 * masks, which pdfkit makes from an alpha channel). Images without transparency are returned
 * as they are. resvg decodes every kind of PNG (palette, 16-bit, interlaced) and composites.
 * The last few images flattened are kept for the process (the same logo is on every document):
 * the array returned for one of them is the one returned before; do not modify it.
 * @throws Error when the bytes are not a PNG file resvg can read.
 */
export function opaquePng(png: Uint8Array): Uint8Array {
  if (!pngHasTransparency(png)) return png;
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const known = flattened.find((entry) => entry.png.equals(bytes));
  if (known) return known.opaque;
  const opaque = flattenOnWhite(bytes);
  // The same logo is on every document of a run, and of every run of the web server: flattened once.
  flattened.push({ png: Buffer.from(bytes), opaque });
  if (flattened.length > FLATTENED_KEPT) flattened.shift();
  return opaque;
}

/** How many transparent PNGs `opaquePng` keeps flattened (the last ones met). */
const FLATTENED_KEPT = 4;

/** The transparent PNGs flattened by `opaquePng`, oldest first: a copy of the file and the opaque PNG. */
const flattened: { readonly png: Buffer; readonly opaque: Uint8Array }[] = [];

/** `opaquePng` of a PNG with transparency, with resvg and pngjs. */
function flattenOnWhite(bytes: Buffer): Uint8Array {
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<image width="${width}" height="${height}" xlink:href="data:image/png;base64,${bytes.toString('base64')}"/></svg>`;
  const rgba = new (resvg().Resvg)(svg, { font: { loadSystemFonts: false } }).render().pixels;
  return encodeRgbPng(rgba, width, height);
}

/**
 * An 8-bit RGB PNG from opaque RGBA pixels (alpha dropped), with pngjs: no filter, one IDAT
 * chunk, zlib level 9 and its default strategy. pdfkit copies the IDAT data of an opaque PNG into
 * the PDF as it is, so these settings are part of the PDF's bytes.
 */
function encodeRgbPng(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const { PNG } = pngjs();
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return new Uint8Array(PNG.sync.write(png, { colorType: 2, inputColorType: 6, bitDepth: 8, filterType: 0, deflateLevel: 9, deflateStrategy: 0 }));
}
