/**
 * Keeping things together, all with pdfmake's public `pageBreakBefore` hook:
 * - a run of headings, a table's caption and header rows stay with what follows them (the
 *   group is pushed to the next page, as a whole, when that content starts on a later page);
 * - page breaks become breaks before the next block, skipped when that block already starts a
 *   page;
 * - footer rows: pdfmake cannot break a table before a given row without leaving an empty,
 *   bordered stub of that row behind, so the writer lays out, asks the probe where the last body
 *   row and the first footer row landed, and when they are on different pages lays out again
 *   with the table split before its last body row (see `table.ts`).
 * Pinned by test/writers.test.ts ("keeps the TOTAL row on the page of the last body row …",
 * "keeps a heading with the paragraph after it").
 */
import type { Content, Node as PdfNode, NodeQueries } from 'pdfmake/interfaces.js';
import { assertNever, type Block } from '../../document/nodes.ts';
import { ID, type Ctx, type Placement } from './context.ts';

/** Lays out one block (`index.ts`), in a keep-together group when `place` says so. */
export type BlockToPdf = (node: Block, ctx: Ctx, place?: Placement) => Content[];

/**
 * Top-level blocks. Each run of headings with the block after it, and each table with its caption,
 * form one stack that the probe keeps together (keep-with-next). A page break becomes a break
 * before the next block, which the probe skips when that block already starts a page (so a block
 * ending at the foot of a page never leaves a blank page behind); a page break at the end of the
 * document is dropped. The last block loses its bottom margin, which pdfmake would otherwise carry
 * over to a new, empty page when it ends at the foot of one. `blockToPdf` lays out each block.
 */
export function groupBlocks(blocks: readonly Block[], ctx: Ctx, blockToPdf: BlockToPdf): Content[] {
  const out: Content[] = [];
  let headings: Content[] = [];
  let breakNext = false;
  const emit = (nodes: Content[]) => {
    const first = nodes[0] as { id?: string } | undefined;
    if (breakNext && first !== undefined) {
      first.id ??= `${ID}b${ctx.groups++}`;
      ctx.probe.breakBefore.add(first.id);
      breakNext = false;
    }
    out.push(...nodes);
  };
  for (const block of blocks) {
    switch (block.type) {
      case 'heading':
        headings.push(...blockToPdf(block, ctx));
        break;
      case 'pageBreak':
        emit(headings);
        headings = [];
        breakNext = true;
        break;
      case 'paragraph':
      case 'list':
      case 'image':
      case 'table': {
        if (headings.length === 0 && block.type !== 'table') {
          emit(blockToPdf(block, ctx));
          break;
        }
        const group = `${ID}g${ctx.groups++}`;
        const marker = `${group}-next`;
        if (block.type !== 'table') ctx.probe.groups.set(group, marker); // tables register their first body row
        // A stack's id is passed on to pageBreakBefore, although @types/pdfmake does not list it.
        emit([{ stack: [...headings, ...blockToPdf(block, ctx, { group, marker })], id: group } as Content]);
        headings = [];
        break;
      }
      default:
        assertNever(block);
    }
  }
  emit(headings);
  dropBottomMargin(out.at(-1));
  return out;
}

/** Sets the bottom margin of the last leaf of `node` (through stacks) to 0. */
export function dropBottomMargin(node: Content | undefined): void {
  const n = node as { stack?: Content[]; margin?: [number, number, number, number] } | undefined;
  if (n?.stack) dropBottomMargin(n.stack.at(-1));
  else if (Array.isArray(n?.margin)) n.margin = [n.margin[0], n.margin[1], n.margin[2], 0];
}

// ---------------------------------------------------------------- layout probe

/** A table whose footer rows must start on the page where its last body row ends. */
interface FooterWatch {
  readonly table: number;
  /** Id of the keep-together group holding the table. */
  readonly group: string;
  /** Id prefix of the cells of the last body row, and of the first footer row. */
  readonly tail: string;
  readonly foot: string;
  /** `true` when the table has 2 body rows or more, so it can be split before its last one. */
  readonly splittable: boolean;
}

/**
 * Watches the layout through pdfmake's `pageBreakBefore` hook. pdfmake calls it once per node,
 * in document order, after laying out; returning `true` makes it lay out again from there. So
 * what is recorded for a node is where it stays.
 */
export class LayoutProbe {
  /** Keep-together groups: group id → id (or id prefix) of the first node that must share its page. */
  readonly groups = new Map<string, string>();
  /** Tables whose footer rows are watched. */
  readonly footers: FooterWatch[] = [];
  /** Nodes to push to the next page, unless already at the top of one (page breaks, tables moved whole). */
  readonly breakBefore = new Set<string>();
  /** Pages of each node of ours, and for groups whether they start at the top of a page. */
  private readonly seen = new Map<string, { pages: readonly number[]; atTop: boolean }>();

  /** The `pageBreakBefore` hook of the definition. */
  readonly pageBreakBefore = (node: PdfNode, queries: NodeQueries): boolean => {
    const id = node.id;
    if (id === undefined || !id.startsWith(ID)) return false;
    const first = this.groups.get(id);
    const forced = this.breakBefore.has(id);
    const atTop = (first !== undefined || forced) && !queries.getPreviousNodesOnPage().some((n) => !n.stack);
    this.seen.set(id, { pages: node.pageNumbers, atTop });
    if (atTop) return false;
    if (forced) return true;
    if (first === undefined) return false;
    // Push the group to the next page when what must follow its headings/caption starts there.
    const matches = (n: PdfNode) => n.id !== undefined && n.id.startsWith(first);
    return !queries.getFollowingNodesOnPage().some(matches) && queries.getNodesOnNextPage().some(matches);
  };

  /**
   * The first table, not yet in `done`, whose first footer row starts on a page after its last
   * body row ends.
   */
  firstOrphanFooter(done: ReadonlySet<number>): number | undefined {
    for (const watch of this.footers) {
      if (done.has(watch.table)) continue;
      const tail = this.pagesOf(watch.tail);
      const foot = this.pagesOf(watch.foot);
      const footStart = Math.min(...foot);
      if (tail.length === 0 || foot.length === 0 || tail.includes(footStart)) continue;
      if (!watch.splittable && this.seen.get(watch.group)?.atTop !== false) continue;
      return watch.table;
    }
    return undefined;
  }

  private pagesOf(prefix: string): number[] {
    const pages: number[] = [];
    for (const [id, seen] of this.seen) if (id.startsWith(prefix)) pages.push(...seen.pages);
    return pages;
  }
}
