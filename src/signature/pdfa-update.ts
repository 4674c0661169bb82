/**
 * Makes the incremental update written by `@signpdf/placeholder-plain` acceptable in a PDF/A-1b
 * file. ISO 19005-1 (as PDFBox Preflight checks it, rule 5.3.1) wants every widget annotation to
 * carry an appearance dictionary, and every trailer its `/ID`; the library writes neither. This
 * rewrites the update: the signature widget gets `/AP << /N n 0 R >>`, an empty form XObject
 * (the field is invisible: `/Rect [0 0 0 0]`), and the trailer gets the file's `/ID`; the
 * cross-reference section is recomputed. The original revision's bytes are not touched.
 *
 * It relies on the shape placeholder-plain 3.x writes (one `N 0 obj … endobj` per object, then
 * `xref`, `trailer`, `startxref`), checked here: an unexpected shape is an Error, not a bad file.
 */

/** Why the update could not be rewritten: the first page had annotations, or an unexpected shape. */
export class SignatureUpdateError extends Error {
  override readonly name = 'SignatureUpdateError';
  constructor(readonly reason: 'annotations' | 'shape') {
    super(reason === 'annotations' ? 'the first page already has annotations' : 'unexpected signature placeholder update');
  }
}

/** One `N 0 obj … endobj` of the update. */
interface PdfObject {
  readonly id: number;
  readonly text: string;
}

/**
 * Rewrites the incremental update that follows the first `originalLength` bytes of `pdf`.
 * @param pdf the PDF with the placeholder update (from plainAddPlaceholder).
 * @param originalLength length of the PDF before the placeholder was added.
 * @throws SignatureUpdateError when the first page already had annotations (the library would
 *   drop them) or the update does not have the expected shape.
 */
export function pdfaSignatureUpdate(pdf: Buffer, originalLength: number): Buffer {
  const original = pdf.subarray(0, originalLength);
  const update = pdf.subarray(originalLength).toString('latin1');
  const objects: PdfObject[] = [...update.matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj\n/g)].map((m) => ({ id: Number(m[1]), text: m[2]! }));
  const trailer = /trailer\n<<([\s\S]*?)>>\nstartxref/.exec(update)?.[1];
  const size = Number(/\/Size (\d+)/.exec(trailer ?? '')?.[1]);
  const widget = objects.find((o) => o.text.includes('/Subtype /Widget') && o.text.includes('/FT /Sig'));
  if (!trailer || !Number.isInteger(size) || !widget || widget.text.includes('/AP')) throw new SignatureUpdateError('shape');
  const originalText = original.toString('latin1');
  // The library replaces the page's /Annots with its widget: refuse a page that had some.
  const pageId = /\/P (\d+) 0 R/.exec(widget.text)?.[1];
  const pageStart = originalText.lastIndexOf(`\n${pageId} 0 obj`);
  if (pageStart < 0 || originalText.slice(pageStart, originalText.indexOf('endobj', pageStart)).includes('/Annots')) throw new SignatureUpdateError('annotations');
  const lastTrailer = originalText.slice(originalText.lastIndexOf('trailer'));
  const id = /\/ID\s*\[\s*<[0-9a-fA-F]*>\s*<[0-9a-fA-F]*>\s*\]/.exec(lastTrailer)?.[0];

  const appearance: PdfObject = { id: size, text: '<<\n/Type /XObject\n/Subtype /Form\n/BBox [0 0 0 0]\n/Length 0\n>>\nstream\n\nendstream' };
  const rewritten = objects.map((o) => (o === widget ? { id: o.id, text: o.text.replace(/\n>>$/, `\n/AP << /N ${size} 0 R >>\n>>`) } : o));
  if (rewritten.find((o) => o.id === widget.id)!.text === widget.text) throw new SignatureUpdateError('shape');

  // Objects, then one xref subsection per object (their numbers are not contiguous).
  let body = '\n';
  const offsets: [number, number][] = [];
  for (const o of [...rewritten, appearance]) {
    offsets.push([o.id, originalLength + Buffer.byteLength(body, 'latin1')]);
    body += `${o.id} 0 obj\n${o.text}\nendobj\n\n`;
  }
  const xrefOffset = originalLength + Buffer.byteLength(body, 'latin1');
  let xref = 'xref\n0 1\n0000000000 65535 f \n';
  for (const [n, offset] of offsets.sort((a, b) => a[0] - b[0])) xref += `${n} 1\n${String(offset).padStart(10, '0')} 00000 n \n`;
  const newTrailer = trailer.replace(/\/Size \d+/, `/Size ${size + 1}`).replace(/\n$/, '') + (id && !trailer.includes('/ID') ? `\n${id}` : '');
  return Buffer.concat([original, Buffer.from(`${body}${xref}trailer\n<<${newTrailer}\n>>\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1')]);
}
