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
  /** Tables (by order in the document) to split before their last body row. */
  readonly split: ReadonlySet<number>;
  readonly probe: LayoutProbe;
  tables: number;
  groups: number;
  /** Root of the structure tree: each block adds its element. */
  readonly structure: StructNode;
  /** Ids of the last heading of each level, parents of the bookmarks of the headings below them. */
  readonly outline: { [level in 1 | 2 | 3]?: string };
  headings: number;
}

/** Where a block sits in a keep-together group: the group's id, and the id to give the block. */
export interface Placement {
  readonly group: string;
  readonly marker: string;
}
