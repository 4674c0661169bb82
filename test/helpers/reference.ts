/**
 * The reference document's two tables (copied from the published deliberation into
 * test/fixtures/reference/*.tsv), as rows of cells: header, body rows, TOTAL row.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(import.meta.dirname, '../fixtures/reference');

/** A reference table: header cells, body rows, and the TOTAL figure. */
export interface ReferenceTable {
  readonly header: string[];
  readonly body: string[][];
  readonly total: string;
}

function read(file: string): ReferenceTable {
  const rows = readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
  const header = rows[0]!;
  const totalRow = rows[rows.length - 1]!;
  return { header, body: rows.slice(1, -1), total: totalRow[totalRow.length - 1]! };
}

/** "Déploiement du dispositif ALSES à la rentrée 2019": 11 rows, TOTAL 11. */
export const DEPLOIEMENT_RENTREE_2019 = read('deploiement-rentree-2019.tsv');
/** "Liste des ALSES au sein des collèges – juillet 2019": 42 rows, TOTAL 41. */
export const LISTE_JUILLET_2019 = read('liste-juillet-2019.tsv');

/** Normalises white space (incl. U+00A0, U+202F) to single spaces, trimmed. */
export const squash = (s: string): string => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

/** Squashed text with the words hyphenated at a line end of a justified paragraph joined back (« man- quaient » → « manquaient »). */
export const squashUnhyphenated = (s: string): string => squash(s).replace(/(\p{Ll})- (\p{Ll})/gu, '$1$2');

/** Escapes a string for a RegExp. */
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A RegExp matching the cells of a row in order, separated by white space only — i.e. the row
 * as a line of extracted PDF text.
 */
export const rowPattern = (cells: readonly string[]): RegExp =>
  new RegExp(
    cells
      .filter((c) => c !== '')
      .map((c) => escape(squash(c)))
      .join('\\s+'),
  );

/**
 * Rows of a reference table as the produced tables hold them: header, body, then TOTAL spanning
 * 3 columns. The header is the template's text, with the typographic apostrophe ("Nombre d’ETP")
 * where the reference document typed "'"; body cells are data, kept as typed.
 */
export const expectedRows = (t: ReferenceTable): string[][] => [t.header.map((h) => h.replaceAll("'", '’')), ...t.body, ['TOTAL', t.total]];
