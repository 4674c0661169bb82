/**
 * Rendering one document to bytes in one format through the writer registry, as the product does
 * (`serialize`), under the names the tests read best.
 */
import type { Diagnostic } from '../../src/diagnostics.ts';
import type { DocumentNode } from '../../src/document/nodes.ts';
import { serialize } from '../../src/writers/index.ts';

/** PDF bytes of `doc`; `warnings`, when given, receives what could not be shown as asked. */
export const renderPdf = (doc: DocumentNode, warnings?: Diagnostic[]): Promise<Uint8Array> => serialize(doc, 'pdf', warnings);

/** DOCX bytes of `doc`; `warnings`, when given, receives what could not be shown as asked. */
export const renderDocx = (doc: DocumentNode, warnings?: Diagnostic[]): Promise<Uint8Array> => serialize(doc, 'docx', warnings);
