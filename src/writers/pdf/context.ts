/**
 * What the parts of the PDF writer share while building one definition: the build's state and
 * the ids the layout probe finds nodes by.
 */
import type { Diagnostic } from '../../diagnostics.ts';
import type { LayoutProbe } from './keep-together.ts';
import type { StructNode } from './tags.ts';

/** Prefix of the node ids this writer sets, to find nodes again in `pageBreakBefore`. */
export const ID = 'alses-';

/** State of one build: options, counters and what the layout probe must watch. */
export interface Ctx {
  /** Width available to text, in points. */
  readonly width: number;
  readonly warnings: Diagnostic[];
  /** Where tables break, as decided from the previous layout (widow and orphan control). */
  readonly breaks: TableBreaks;
  readonly probe: LayoutProbe;
  tables: number;
  groups: number;
  /** Root of the structure tree: each block adds its element. */
  readonly structure: StructNode;
  /** Ids of the last heading of each level, parents of the bookmarks of the headings below them. */
  readonly outline: { [level in 1 | 2 | 3]?: string };
  headings: number;
}

/**
 * How tables break across pages, decided from a previous layout by the layout probe
 * (`keep-together.ts`); tables are numbered by order in the document.
 */
export interface TableBreaks {
  /**
   * Table → number of its body rows printed before a page break: the other body rows and the
   * footer rows start a new page, under the header rows repeated.
   */
  readonly split: ReadonlyMap<number, number>;
  /** Tables moved whole (with their caption and the headings before them) to a new page. */
  readonly moved: ReadonlySet<number>;
}

/** No decision yet: the first layout. */
export const NO_BREAKS: TableBreaks = { split: new Map(), moved: new Set() };

/** Where a block sits in a keep-together group: the group's id, and the id to give the block. */
export interface Placement {
  readonly group: string;
  readonly marker: string;
}
