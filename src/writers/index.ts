/**
 * The writers, behind one API: Document AST ──build──▶ library value (pdfmake definition, `docx`
 * Document, HTML text) ──serialise──▶ file bytes. One module per format (`pdf/`, `docx/`,
 * `html.ts`), each exporting a `Writer`; `serialize` picks one by format. Writers do no file I/O
 * but reading the font files once per process (`src/fonts.ts`); writing files is the caller's.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { DocumentNode } from '../document/nodes.ts';
import type { Format } from './formats.ts';
import { inflateNatively } from '../patches/native-inflate.ts';

export { FORMATS, type Format } from './formats.ts';

/** What a writer built from a document. */
export interface Built<Value> {
  /** The library value, ready to serialise. */
  readonly value: Value;
  /** What could not be shown as asked (malformed table, unreadable image…); the document is still complete. */
  readonly warnings: Diagnostic[];
}

/** A writer of one format. */
export interface Writer<Value> {
  /**
   * Document AST → library value, and warnings. A node the format cannot show is a warning, not
   * a failure.
   * @throws InvalidInputError when `meta.date` is not a `YYYY-MM-DD` date.
   */
  build(doc: DocumentNode): Built<Value>;
  /**
   * Library value → bytes of the file; the same document always gives the same bytes. Serialise
   * each value once (pdfmake mutates the definition it prints).
   * @throws Error when the library fails (e.g. an SVG image that is not well-formed XML).
   */
  serialise(value: Value): Promise<Uint8Array>;
}

/**
 * The writer of each format, loaded on first use: a run in DOCX alone never loads pdfmake, one
 * in PDF alone never loads docx (each takes a good part of a cold start).
 */
export const WRITERS: Readonly<Record<Format, () => Promise<Writer<unknown>>>> = {
  pdf: async () => {
    // The Unicode tables of fontkit and linebreak are inflated by zlib (what pdfkit, fontkit and
    // pdfmake load for features never used is deferred by pdf/index.ts: patches/deferred-loads.ts).
    inflateNatively();
    return (await import('./pdf/index.ts')).pdfWriter as Writer<unknown>;
  },
  docx: async () => (await import('./docx/index.ts')).docxWriter as Writer<unknown>,
  html: async () => (await import('./html.ts')).htmlWriter as Writer<unknown>,
};

/**
 * Serialises a document in one format: the format's writer builds, then serialises.
 * @param warnings when given, receives what the writer could not show as asked (only once the
 *   bytes are made).
 * @throws whatever the writer throws (a rendering failure: exit code 3 at the CLI).
 */
export async function serialize(doc: DocumentNode, format: Format, warnings?: Diagnostic[]): Promise<Uint8Array> {
  const writer = await WRITERS[format]();
  const { value, warnings: found } = writer.build(doc);
  const bytes = await writer.serialise(value);
  warnings?.push(...found);
  return bytes;
}
