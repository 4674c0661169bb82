/**
 * Document AST: the one contract between templates (via the HTML-subset parser) and the writers
 * (PDF, DOCX, HTML). Blocks and inlines are separate discriminated unions on a literal `type`;
 * every writer handles them with one exhaustive `switch` ending in `assertNever`.
 *
 * Units: lengths are in typographic points (1 pt = 1/72 inch) unless stated; column widths are
 * percentages of the text width of the page.
 */

/** Horizontal alignment of a paragraph or a table cell. */
export const ALIGNMENTS = ['left', 'center', 'right', 'justify'] as const;
/** Horizontal alignment of a paragraph or a table cell. */
export type Align = (typeof ALIGNMENTS)[number];

/** Page orientation of a document. */
export const ORIENTATIONS = ['portrait', 'landscape'] as const;
/** Page orientation of a document (A4 in both cases). */
export type Orientation = (typeof ORIENTATIONS)[number];

/**
 * Where a node comes from: a place in a template's rendered output (the HTML subset), 1-based
 * line and column as the parser's diagnostics give them. Set by the HTML-subset parser for
 * writers to cite in warnings; never shown in a document and never changes a written byte.
 */
export interface SourcePosition {
  /** The template file (as shown in messages). */
  readonly file: string;
  /** Line, 1-based. */
  readonly line: number;
  /** Column, 1-based. */
  readonly column: number;
}

/** What every block and inline node may carry besides its content. */
interface Positioned {
  /** Where the node comes from, when parsed from a template; absent for nodes built in code. */
  readonly position?: SourcePosition;
}

// ---------------------------------------------------------------- inlines

/** Literal text. `value` is shown as is: no markup, no entity is interpreted by writers. */
export interface TextNode extends Positioned {
  readonly type: 'text';
  /** The characters to show (already unescaped; may contain U+00A0 and U+202F). */
  readonly value: string;
}

/** Strong importance, shown in bold (`<strong>`, `<b>`). */
export interface StrongNode extends Positioned {
  readonly type: 'strong';
  /** Content shown in bold. */
  readonly children: readonly Inline[];
}

/** Emphasis, shown in italics (`<em>`, `<i>`). */
export interface EmphasisNode extends Positioned {
  readonly type: 'emphasis';
  /** Content shown in italics. */
  readonly children: readonly Inline[];
}

/**
 * Raised in a smaller size (`<sup>`): the letters of a French ordinal, as in "1<sup>er</sup>",
 * "2<sup>e</sup>" (Lexique des règles typographiques en usage à l'Imprimerie nationale). The
 * parser also makes one of the "er" of "1er" before a month name, as the `date` helper prints it.
 */
export interface SuperscriptNode extends Positioned {
  readonly type: 'superscript';
  /** Content shown raised. */
  readonly children: readonly Inline[];
}

/** A forced line break inside a paragraph or a cell (`<br>`). */
export interface LineBreakNode extends Positioned {
  readonly type: 'lineBreak';
}

/** Inline content of paragraphs, headings and table cells. */
export type Inline = TextNode | StrongNode | EmphasisNode | SuperscriptNode | LineBreakNode;

// ---------------------------------------------------------------- blocks

/** A section title (`<h1>`…`<h3>`). Level 1 is the document title as printed. */
export interface HeadingNode extends Positioned {
  readonly type: 'heading';
  /** 1 = title of the document, 2 = section, 3 = sub-section. */
  readonly level: 1 | 2 | 3;
  /** Text of the heading. */
  readonly children: readonly Inline[];
}

/** A paragraph of running text (`<p>`). */
export interface ParagraphNode extends Positioned {
  readonly type: 'paragraph';
  /** Alignment; writers default to `justify` for running text when absent. */
  readonly align?: Align;
  /** Content of the paragraph. */
  readonly children: readonly Inline[];
}

/** One item of a list: inline content (`<li>`). */
export interface ListItem {
  /** Content of the item. */
  readonly children: readonly Inline[];
}

/** A bulleted (`<ul>`) or numbered (`<ol>`) list. */
export interface ListNode extends Positioned {
  readonly type: 'list';
  /** `true` for a numbered list. */
  readonly ordered: boolean;
  /** Items in order; at least one. */
  readonly items: readonly ListItem[];
}

/** A column of a table (`<col>`). */
export interface TableColumn {
  /** Share of the page's text width, in percent (0 < width ≤ 100); columns of a table add up to 100. */
  readonly width: number;
  /** Default alignment of the column's cells; numbers are `right`. */
  readonly align: Align;
}

/** A table cell (`<th>` or `<td>`). */
export interface TableCell {
  /** Content of the cell; empty for a blank cell. */
  readonly children: readonly Inline[];
  /** Number of columns the cell spans (≥ 1). */
  readonly colspan: number;
  /** Alignment overriding the column's, when given. */
  readonly align?: Align;
}

/** A table row (`<tr>`). */
export interface TableRow {
  /** Cells in order; their colspans add up to the table's column count. */
  readonly cells: readonly TableCell[];
}

/**
 * A table with explicit column widths. Header rows (`<thead>`) are bold and repeated at the top
 * of every page the table spans; footer rows (`<tfoot>`, e.g. TOTAL) are bold and kept on the
 * same page as the last body row.
 */
export interface TableNode extends Positioned {
  readonly type: 'table';
  /** Column definitions; their count is the table's width in cells. */
  readonly columns: readonly TableColumn[];
  /** Header rows, repeated on every page. */
  readonly header: readonly TableRow[];
  /** Body rows. */
  readonly body: readonly TableRow[];
  /** Footer rows (totals), never separated from the body. */
  readonly footer: readonly TableRow[];
  /** Title of the table (`<caption>`), shown above it; used as its accessible name. */
  readonly caption?: readonly Inline[];
}

/** A forced page break (`<hr class="page-break">`). */
export interface PageBreakNode extends Positioned {
  readonly type: 'pageBreak';
}

/** An image or chart (`<img>`). */
export interface ImageNode extends Positioned {
  readonly type: 'image';
  /** `svg`: `data` is SVG markup; `png`, `jpeg`: `data` is the PNG or JPEG file's bytes. */
  readonly format: 'svg' | 'png' | 'jpeg';
  /** The image itself. */
  readonly data: string | Uint8Array;
  /** For an SVG: the same image as PNG bytes, for formats that need a raster (DOCX). */
  readonly png?: Uint8Array;
  /** Text alternative (required: accessibility). */
  readonly alt: string;
  /** Width in points. */
  readonly width: number;
  /** Height in points. */
  readonly height: number;
}

/** Block content of a document. */
export type Block = HeadingNode | ParagraphNode | ListNode | TableNode | PageBreakNode | ImageNode;

// ---------------------------------------------------------------- document

/** Properties of a document, from the template's YAML front matter and the data. */
export interface DocumentMeta {
  /** Title: shown in PDF/DOCX properties and the viewer's window title. */
  readonly title: string;
  /** Subject, e.g. "Annexe à la délibération du 1er juillet 2019". */
  readonly subject: string;
  /** Author: the collectivité, e.g. "Département du Nord". */
  readonly author: string;
  /** Language tag; always "fr-FR" for this product. */
  readonly language: string;
  /** Page orientation (A4). */
  readonly orientation: Orientation;
  /** Running header text, shown at the top of every page; empty for none. */
  readonly header: string;
  /** Running footer text, shown at the bottom left of every page beside "Page X / Y"; empty for none. */
  readonly footer: string;
  /**
   * Date the content refers to (deliberation or report date), as an ISO date `YYYY-MM-DD`
   * (Europe/Paris). Written as the files' creation/modification dates so that output is
   * reproducible: never the clock.
   */
  readonly date: string;
  /**
   * The délibération the document is annexed to, for its transmission (ACTES): written in the
   * PDF's XMP and the DOCX's custom properties. Absent for a document annexed to none.
   */
  readonly acte?: ActeMeta;
  /** The collectivité's letterhead, at the top of the first page; absent for none. */
  readonly letterhead?: Letterhead;
  /**
   * The document's reference, e.g. "Annexe n° 2 à la délibération du 1er juillet 2019": in the
   * running header and under the letterhead; absent for a document that is no numbered annex.
   */
  readonly reference?: string;
  /** Signature block at the end of the document, kept on one page with the paragraph before it. */
  readonly signature?: SignatureBlock;
  /** Publication mention after the signature, e.g. "Publié le 5 juillet 2019". */
  readonly publication?: string;
}

/** Letterhead of the first page: the collectivité's logo and postal address. */
export interface Letterhead {
  /** The logo, a PNG image whose text alternative names the collectivité. */
  readonly logo?: ImageNode;
  /** Address lines, in order (may be empty). */
  readonly adresse: readonly string[];
}

/** The signature block: place and date, delegation mention, office, name. */
export interface SignatureBlock {
  /** « Fait à Lille, le 1er juillet 2019 ». */
  readonly fait: string;
  /** « Pour le Président et par délégation », when the signatory has a delegation. */
  readonly mention?: string;
  /** Office, e.g. « Le Président du Conseil départemental ». */
  readonly qualite: string;
  /** First name and surname in capitals, e.g. « Jean-René LECERF ». */
  readonly nom: string;
}

/** The act a document is annexed to, as the ACTES transmission names it. */
export interface ActeMeta {
  /** Nature code of the act: `DE` ("1 Délibérations"), the only nature the product annexes to. */
  readonly nature: 'DE';
  /** Date of the délibération, `YYYY-MM-DD`. */
  readonly date: string;
  /** Number as the collectivité writes it (e.g. "DL-2020-123"), when it has one. */
  readonly numero?: string;
  /** Matière code of the ACTES nomenclature (e.g. "8.2"), when known. */
  readonly matiere?: string;
}

/** Label of each act nature code (ACTES nomenclature). */
export const ACTE_NATURES = { DE: '1 Délibérations' } as const satisfies Record<ActeMeta['nature'], string>;

/** A whole document: properties and blocks. */
export interface DocumentNode {
  readonly type: 'document';
  /** Properties (title, author, header/footer, date…). */
  readonly meta: DocumentMeta;
  /** Content in reading order. */
  readonly children: readonly Block[];
}

/** Any node of the tree. */
export type Node = DocumentNode | Block | Inline;

/**
 * Exhaustiveness guard for `switch (node.type)`: compiling fails where a case is missing.
 * @throws Error always, if reached at run time with an unexpected value.
 */
export function assertNever(value: never): never {
  throw new Error(`Nœud inattendu : ${JSON.stringify(value)}`);
}
