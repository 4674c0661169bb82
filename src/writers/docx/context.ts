/**
 * The state the parts of the DOCX writer share while building one document.
 */
import type { Diagnostic } from '../../diagnostics.ts';

/** State of one build: text width (points), warnings, and counters for list instances and drawing ids. */
export interface Ctx {
  readonly width: number;
  readonly warnings: Diagnostic[];
  lists: number;
  images: number;
  /** Caption of each table written so far, for `w:tblCaption`. */
  readonly tableTitles: (string | undefined)[];
  /** Tables with more body rows than this have them written as XML text (`rows-xml.ts`). */
  readonly streamFrom: number;
  /** Body rows, as XML, of each table written so (in order), for `spliceRows`. */
  readonly bodyRows: string[][];
}
