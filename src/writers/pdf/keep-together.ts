/**
 * Keeping things together, all with pdfmake's public `pageBreakBefore` hook:
 * - a run of headings, a table's caption and header rows stay with what follows them (the
 *   group is pushed to the next page, as a whole, when that content starts on a later page);
 * - a paragraph before which headings stand takes them along when it starts a page (the
 *   paragraph's own lines are kept 2 by 2 at page breaks by `patches/widows.ts`);
 * - page breaks become breaks before the next block, skipped when that block already starts a
 *   page;
 * - a table's caption and header rows stay with its first `ROWS_TOGETHER` body rows (orphans);
 * - a table's last page holds at least `ROWS_TOGETHER` body rows (widows), with its footer rows
 *   (totals) and the signature block after it: pdfmake cannot break a table before a given row
 *   without leaving an empty, bordered stub of that row behind, so the writer lays out, asks the
 *   probe where the watched rows landed, and lays out again with the table split before one of
 *   its last body rows, or moved whole to the next page (see `table.ts`).
 * Pinned by test/pagination.test.ts (tables of 1 to 200 rows) and test/writers.test.ts ("keeps
 * the TOTAL row …", "keeps a heading with the paragraph after it").
 */
import type { Content, Node as PdfNode, NodeQueries } from 'pdfmake/interfaces.js';
import { assertNever, type Block } from '../../document/nodes.ts';
import { ID, type Ctx, type Placement, type TableBreaks } from './context.ts';

/** Lays out one block (`index.ts`), in a keep-together group when `place` says so. */
export type BlockToPdf = (node: Block, ctx: Ctx, place?: Placement) => Content[];

/**
 * Top-level blocks. Each run of headings with the block after it, and each table with its caption,
 * form one stack that the probe keeps together (keep-with-next). A page break becomes a break
 * before the next block, which the probe skips when that block already starts a page (so a block
 * ending at the foot of a page never leaves a blank page behind); a page break at the end of the
 * document is dropped. `blockToPdf` lays out each block.
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
  return out;
}

/**
 * Sets the bottom margin of the last leaf of `node` (through stacks) to 0: for the document's last
 * block, whose margin pdfmake would otherwise carry over to a new, empty page when it ends at the
 * foot of one.
 */
export function dropBottomMargin(node: Content | undefined): void {
  const n = node as { stack?: Content[]; margin?: [number, number, number, number] } | undefined;
  if (n?.stack) dropBottomMargin(n.stack.at(-1));
  else if (Array.isArray(n?.margin)) n.margin = [n.margin[0], n.margin[1], n.margin[2], 0];
}

// ---------------------------------------------------------------- paragraphs

/**
 * Style name of body paragraphs, by which widow and orphan control knows them (`index.ts` gives
 * it, `patches/widows.ts` reads it).
 */
export const PARAGRAPH_STYLE = 'alses-paragraph';

// ---------------------------------------------------------------- layout probe

/**
 * Fewest body rows of a table on the page where it starts and on the page where it ends
 * (orphan and widow control), when the table has that many.
 */
export const ROWS_TOGETHER = 3;

/**
 * Body rows (0-based) whose pages the probe reads: the first `ROWS_TOGETHER`, and the last
 * `2 × ROWS_TOGETHER` (the tail, and the rows that must stay above a break before it).
 */
export function watchedRows(body: number): number[] {
  const rows = new Set<number>();
  for (let i = 0; i < Math.min(ROWS_TOGETHER, body); i++) rows.add(i);
  for (let i = Math.max(0, body - 2 * ROWS_TOGETHER); i < body; i++) rows.add(i);
  return [...rows];
}

/** A table whose last page the probe checks (widow control, footer and closing kept with rows). */
interface TableWatch {
  readonly table: number;
  /** Id of the keep-together group holding the table. */
  readonly group: string;
  /** Number of body rows (at least 1). */
  readonly body: number;
  /** Id prefix of the cells of a body row (0-based), for the rows `watchedRows` lists. */
  readonly row: (index: number) => string;
  /** Id prefix of the cells of the first footer row, if any. */
  readonly foot?: string;
}

/**
 * Watches the layout through pdfmake's `pageBreakBefore` hook. pdfmake calls it once per node,
 * in document order, after laying out; returning `true` makes it lay out again from there. So
 * what is recorded for a node is where it stays.
 */
export class LayoutProbe {
  /** Keep-together groups: group id → id (or id prefix) of the first node that must share its page. */
  readonly groups = new Map<string, string>();
  /** Tables whose last page is checked. */
  readonly tables: TableWatch[] = [];
  /** Nodes to push to the next page, unless already at the top of one (page breaks, tables moved whole). */
  readonly breakBefore = new Set<string>();
  /**
   * The signature block and publication mention when they follow a table: id of their stack, and
   * the table, which must end on their page.
   */
  closing: { readonly id: string; readonly table: number } | undefined;
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
    // Push the group to the next page when what must follow its headings/caption starts there
    // (a paragraph starts there rather than leave its first line alone here: `patches/widows.ts`).
    const matches = (n: PdfNode) => n.id !== undefined && n.id.startsWith(first);
    return !queries.getFollowingNodesOnPage().some(matches) && queries.getNodesOnNextPage().some(matches);
  };

  /**
   * What the next layout must change, or `undefined` when every table ends well: on the page
   * where a table ends (its footer rows, and the signature block after it) stand at least
   * `ROWS_TOGETHER` of its body rows, or all of them. Tables are checked in document order; the
   * first that ends badly gets one more decision, the first that applies of:
   * 1. split before its last `ROWS_TOGETHER` body rows, when the page above the break keeps
   *    `ROWS_TOGETHER` of them;
   * 2. moved whole to the next page, when it spans two pages and does not start a page already;
   * 3. split before its last body row, when no body row stands on its last page (its footer rows
   *    or the signature block would be alone there).
   * Each decision is taken at most once per table, so the layouts settle.
   */
  nextBreaks(breaks: TableBreaks): TableBreaks | undefined {
    for (const watch of this.tables) {
      const { table, body: b } = watch;
      const start = (i: number) => this.firstPage(watch.row(i));
      const ends = [start(b - 1), watch.foot === undefined ? undefined : this.firstPage(watch.foot), this.closing?.table === table ? this.firstPage(this.closing.id) : undefined];
      const end = Math.max(...ends.filter((p) => p !== undefined));
      let tail = 0;
      while (tail < Math.min(2 * ROWS_TOGETHER, b) && start(b - 1 - tail) === end) tail++;
      if (!Number.isFinite(end) || tail >= Math.min(ROWS_TOGETHER, b)) continue;
      const split = (head: number): TableBreaks => ({ split: new Map([...breaks.split, [table, head]]), moved: breaks.moved });
      const head = b - ROWS_TOGETHER;
      const above = start(head - 1);
      if (!breaks.split.has(table) && head >= ROWS_TOGETHER && above !== undefined && start(head - ROWS_TOGETHER) === above) return split(head);
      if (!breaks.moved.has(table) && this.seen.get(watch.group)?.atTop === false && start(0) === end - 1) {
        return { split: breaks.split, moved: new Set([...breaks.moved, table]) };
      }
      if (!breaks.split.has(table) && tail === 0 && b >= 2) return split(b - 1);
    }
    return undefined;
  }

  /** First page of the nodes whose id starts with `prefix`; `undefined` when none was laid out. */
  private firstPage(prefix: string): number | undefined {
    let first: number | undefined;
    for (const [id, seen] of this.seen) if (id.startsWith(prefix)) for (const p of seen.pages) first = first === undefined ? p : Math.min(first, p);
    return first;
  }
}
