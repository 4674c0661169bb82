/** Test documents shared by several test files, built with the AST builders. */
import { cell, column, document, heading, row, table } from '../../src/document/builders.ts';
import type { DocumentMeta, DocumentNode } from '../../src/document/nodes.ts';

/** 1 400 numbered words ("mot1" … "mot1400"): a remark taller than an A4 page. */
export const REMARK_WORDS = Array.from({ length: 1400 }, (_, i) => `mot${i + 1}`);

/**
 * A remark taller than a page: `REMARK_WORDS` in one cell, between two short rows, under a header
 * row and above a TOTAL row, in the given orientation.
 */
export const tallRow = (meta: Pick<DocumentMeta, 'title' | 'date'> & Partial<DocumentMeta>, orientation: 'portrait' | 'landscape'): DocumentNode =>
  document({ ...meta, orientation }, [
    heading(1, 'Remarques par collège'),
    table({
      columns: [column(25), column(60), column(15, 'right')],
      header: [row('Collège', 'Observations', 'ETP')],
      body: [row('Avant', 'court', '1'), row('Long', REMARK_WORDS.join(' '), '1'), row('Après', 'court', '1')],
      footer: [row(cell('TOTAL', { colspan: 2 }), '3')],
    }),
  ]);
