/**
 * Builders for Document AST nodes: used by the HTML-subset parser and by tests alike, so that no
 * code writes node literals by hand.
 */
import {
  assertNever,
  type Align,
  type Block,
  type DocumentMeta,
  type DocumentNode,
  type EmphasisNode,
  type SuperscriptNode,
  type HeadingNode,
  type ImageNode,
  type Inline,
  type LineBreakNode,
  type ListNode,
  type PageBreakNode,
  type ParagraphNode,
  type SourcePosition,
  type StrongNode,
  type TableCell,
  type TableColumn,
  type TableNode,
  type TableRow,
  type TextNode,
} from './nodes.ts';

/** Inline content given as nodes or plain strings (a string becomes a text node). */
export type InlineInput = Inline | string;

const toInlines = (content: readonly InlineInput[]): Inline[] =>
  content.map((c) => (typeof c === 'string' ? text(c) : c));

/**
 * `node` with its source position, when there is one (parsed nodes; see `SourcePosition`).
 * `Object.assign`, not a spread followed by `position`: V8 gives each object so spread a hidden
 * class of its own once the call is optimised, some 250 bytes per text node of a large table.
 */
export const at = <T extends Block | Inline>(node: T, position: SourcePosition | undefined): T => (position ? Object.assign({}, node, { position }) : node);

/** A text node holding `value` literally. */
export const text = (value: string): TextNode => ({ type: 'text', value });
/** Bold content. */
export const strong = (...children: InlineInput[]): StrongNode => ({ type: 'strong', children: toInlines(children) });
/** Italic content. */
export const emphasis = (...children: InlineInput[]): EmphasisNode => ({ type: 'emphasis', children: toInlines(children) });
/** Raised content (an ordinal's letters: "er", "e"). */
export const superscript = (...children: InlineInput[]): SuperscriptNode => ({ type: 'superscript', children: toInlines(children) });
/** A forced line break. */
export const lineBreak = (): LineBreakNode => ({ type: 'lineBreak' });

/** A heading of level 1 (title) to 3. */
export const heading = (level: 1 | 2 | 3, ...children: InlineInput[]): HeadingNode => ({
  type: 'heading',
  level,
  children: toInlines(children),
});

/** A paragraph; `align` is optional (writers justify running text by default). */
export const paragraph = (children: readonly InlineInput[], align?: Align): ParagraphNode =>
  align === undefined ? { type: 'paragraph', children: toInlines(children) } : { type: 'paragraph', align, children: toInlines(children) };

/** A bulleted (or, with `ordered`, numbered) list; each item is inline content. */
export const list = (items: readonly (readonly InlineInput[])[], ordered = false): ListNode => ({
  type: 'list',
  ordered,
  items: items.map((i) => ({ children: toInlines(i) })),
});

/** A column: `width` in percent of the text width, `align` of its cells (default left). */
export const column = (width: number, align: Align = 'left'): TableColumn => ({ width, align });

/** A cell; `colspan` defaults to 1. */
export const cell = (children: readonly InlineInput[] | InlineInput, options: { colspan?: number; align?: Align } = {}): TableCell => {
  const content = Array.isArray(children) ? (children as readonly InlineInput[]) : [children as InlineInput];
  const base = { children: toInlines(content), colspan: options.colspan ?? 1 };
  return options.align === undefined ? base : { ...base, align: options.align };
};

/** A row of cells; strings become single-text cells. */
export const row = (...cells: (TableCell | string)[]): TableRow => ({
  cells: cells.map((c) => (typeof c === 'string' ? cell(c) : c)),
});

/** A table; header rows repeat on every page, footer rows stay with the last body row. */
export const table = (parts: {
  columns: readonly TableColumn[];
  header?: readonly TableRow[];
  body: readonly TableRow[];
  footer?: readonly TableRow[];
  caption?: readonly InlineInput[];
}): TableNode => {
  const base: TableNode = {
    type: 'table',
    columns: parts.columns,
    header: parts.header ?? [],
    body: parts.body,
    footer: parts.footer ?? [],
  };
  return parts.caption === undefined ? base : { ...base, caption: toInlines(parts.caption) };
};

/** A forced page break. */
export const pageBreak = (): PageBreakNode => ({ type: 'pageBreak' });

/** An image: SVG markup, PNG or JPEG bytes, with its text alternative and size in points. */
export const image = (format: ImageNode['format'], data: string | Uint8Array, alt: string, width: number, height: number, png?: Uint8Array): ImageNode => ({
  type: 'image',
  format,
  data,
  ...(png ? { png } : {}),
  alt,
  width,
  height,
});

/** Default document properties: French, portrait, no running header or footer. */
export const DEFAULT_META: Omit<DocumentMeta, 'title' | 'date'> = {
  subject: '',
  author: '',
  language: 'fr-FR',
  orientation: 'portrait',
  header: '',
  footer: '',
};

/** A document: properties (title and date required) and blocks. */
export const document = (meta: Partial<DocumentMeta> & Pick<DocumentMeta, 'title' | 'date'>, children: readonly Block[]): DocumentNode => ({
  type: 'document',
  meta: { ...DEFAULT_META, ...meta },
  children,
});

/** Plain text of inline content (for alt text, tests, bookmarks); a line break is `\n`. */
export const inlineText = (content: readonly Inline[]): string =>
  content
    .map((n) => {
      switch (n.type) {
        case 'text':
          return n.value;
        case 'strong':
        case 'emphasis':
        case 'superscript':
          return inlineText(n.children);
        case 'lineBreak':
          return '\n';
        default:
          return assertNever(n);
      }
    })
    .join('');
