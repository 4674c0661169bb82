/**
 * Tagged PDF (ISO 32000-1 § 14.8) on top of pdfmake 0.3, which emits no structure itself.
 *
 * pdfkit 0.19 can write a structure tree (`struct`, `markStructureContent`, artifacts) and pdfmake
 * passes `tagged: true` to it, but pdfmake's renderer draws lines, vectors and images without
 * marking any content. This module closes the gap:
 *
 * 1. While building the definition, the PDF writer creates the structure tree of the document
 *    (`StructNode`s: H1–H3, P, L/LI/Lbl/LBody, Table/Caption/THead/TBody/TFoot/TR/TH/TD, Figure with
 *    its text alternative) and hangs each node on the pdfmake nodes that draw it, under the key
 *    `alsesStructure` (pdfmake copies every own property of a text run onto the inlines it lays
 *    out, so the node reaches each line).
 * 2. `installStructureMarking` (`patches/renderer.ts`) wraps pdfmake's renderer (process-wide,
 *    once; inert for anything that carries no `alsesStructure`): each line, image or SVG is drawn
 *    by `drawMarked` inside a marked-content sequence of its node; a list item's bullet or number,
 *    which pdfmake builds and draws apart from the item's text, is hung on the item's `Lbl` node
 *    (the item carries it under `LABEL_KEY`); what is not content — table borders and fills, the
 *    running header and footer, header rows repeated on later pages — is drawn as an artifact.
 *    Figures note where they were drawn (`bbox`, for the Layout attribute `/BBox`).
 * 3. `attachStructure` turns the tree into pdfkit structure elements once everything is drawn.
 */
import type { PdfkitDocument } from './patches/pdfkit.ts';
import { setLayoutBBox, setTableAttributes } from './patches/table-attributes.ts';

/** Standard structure types used (ISO 32000-1, Tables 333–340). */
export type StructRole =
  | 'Document'
  | 'H1'
  | 'H2'
  | 'H3'
  | 'P'
  | 'L'
  | 'LI'
  | 'Lbl'
  | 'LBody'
  | 'Table'
  | 'Caption'
  | 'THead'
  | 'TBody'
  | 'TFoot'
  | 'TR'
  | 'TH'
  | 'TD'
  | 'Figure';

/** A structure element of the document: built with the definition, given content while it is drawn. */
export interface StructNode {
  readonly role: StructRole;
  /** Text alternative (Figure). */
  readonly alt?: string;
  /** Replacement text (`/ActualText`): a list label drawn as a bullet, not as a character. */
  actual?: string;
  /** Cells a header cell heads (TH). */
  readonly scope?: 'Column';
  /** Columns a table cell spans, when more than one. */
  readonly colSpan?: number;
  /** Header rows repeated on each page: drawn again on a later page, they are artifacts. */
  readonly repeated?: boolean;
  /**
   * Child elements, in reading order (a node has children or content, not both); `NO_CHILDREN`
   * until the first is appended (`structNode`) or the list is set whole.
   */
  children: readonly StructNode[];
  /** Marked content drawn for it (pdfkit `PDFStructureContent`s), in drawing order. */
  contents: readonly unknown[];
  /** Page (pdfkit page dictionary) where it was first drawn. */
  firstPage?: unknown;
  /**
   * Figures: the rectangle drawn, in the page's default user space (PDF units, origin at the
   * bottom left): `[left, bottom, right, top]`.
   */
  bbox?: [number, number, number, number];
}

/** Key under which pdfmake nodes and text runs carry their structure node. */
export const STRUCTURE_KEY = 'alsesStructure';

/**
 * Key under which a pdfmake list item carries the `Lbl` node of its bullet or number: pdfmake
 * builds the marker from the item (`patches/renderer.ts` hangs the node on it).
 */
export const LABEL_KEY = 'alsesLabel';

/** Marks the running header and footer: artifacts of type Pagination. */
export const PAGINATION = 'pagination';

/** What a pdfmake node or text run may carry under `STRUCTURE_KEY`. */
export type StructureMark = StructNode | typeof PAGINATION;

/**
 * The empty list of children or contents every structure node starts with, shared: a node gets a
 * list of its own with its first child or content. A list annex of 100,000 rows has 500,000
 * nodes, most of them cells that never get a child; two empty lists each were some 25 MB held
 * through layout and drawing (`npm run bench`).
 */
const NO_CHILDREN: readonly never[] = Object.freeze([]);

/** Appends `item` to a node's list (`children` or `contents`), giving the node a list of its own if it had none. */
function append<T>(list: readonly T[], item: T): readonly T[] {
  if (list === NO_CHILDREN) return [item];
  (list as T[]).push(item);
  return list;
}

/** A new structure node, appended to `parent` when given. */
export function structNode(role: StructRole, parent?: StructNode, extra: Pick<StructNode, 'alt' | 'scope' | 'colSpan' | 'repeated'> = {}): StructNode {
  const node: StructNode = { role, children: NO_CHILDREN, contents: NO_CHILDREN, ...extra };
  if (parent) parent.children = append(parent.children, node);
  return node;
}

// ---------------------------------------------------------------- marking while drawing

/**
 * Draws inside a marked-content sequence: the structure node's, or an artifact's for anything
 * else (including a repeated header row on a page after its first). Untagged documents: draws.
 */
export function drawMarked(pdf: PdfkitDocument, mark: StructureMark | undefined, draw: () => void): void {
  if (pdf.options.tagged !== true) return draw();
  const page = pdf.page.dictionary;
  if (mark === undefined || mark === PAGINATION || (mark.repeated === true && mark.firstPage !== undefined && mark.firstPage !== page)) {
    pdf.markContent('Artifact', { type: mark === undefined ? 'Layout' : 'Pagination' });
    draw();
    pdf.endMarkedContent();
    return;
  }
  mark.firstPage ??= page;
  const content = pdf.markStructureContent(mark.role);
  draw();
  pdf.endMarkedContent();
  mark.contents = append(mark.contents, content);
}

// ---------------------------------------------------------------- structure tree

/** The options of a structure element without text alternative or replacement text (pdfkit only reads them). */
const NO_OPTIONS = Object.freeze({});

/**
 * Adds the structure tree under `root` to the pdfkit document, once everything is drawn and
 * before it is ended. Elements that drew nothing are left out, except table cells (a table keeps
 * its grid) and the root.
 */
export function attachStructure(doc: unknown, root: StructNode): void {
  const pdf = doc as PdfkitDocument;
  if (pdf.options.tagged !== true) return;
  // Per element (a list annex of 10,000 rows has 50,000): one list of kids, not a mapped and a
  // filtered one, and none copied when the kids or the contents are all of its children.
  const build = (node: StructNode): unknown => {
    const kids: unknown[] = [];
    for (const child of node.children) {
      const kid = build(child);
      if (kid !== undefined) kids.push(kid);
    }
    const cell = node.role === 'TH' || node.role === 'TD' || node.role === 'TR';
    if (kids.length === 0 && node.contents.length === 0 && !cell && node !== root) return undefined;
    const options = node.alt || node.actual ? { ...(node.alt ? { alt: node.alt } : {}), ...(node.actual ? { actual: node.actual } : {}) } : NO_OPTIONS;
    const children = node.contents.length === 0 ? kids : kids.length === 0 ? (node.contents as unknown[]) : [...kids, ...node.contents];
    const element = pdf.struct(node.role, options, children);
    // Set before the element is written, when its parent adopts it.
    setTableAttributes(element, node);
    if (node.bbox) setLayoutBBox(element, node.bbox);
    return element;
  };
  pdf.addStructure(build(root));
}
