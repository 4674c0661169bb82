/**
 * Rules of a workbook's sheets (`xlsx/missing-sheet`, `xlsx/sheet-duplicate`, `xlsx/hidden-sheet`,
 * `xlsx/unused-sheet`, `xlsx/sheet-name`): which sheet holds the table of each état and
 * déploiement of dispositif.yaml, and what the other sheets are. Also orders a workbook's
 * diagnostics by tab, row and column.
 */
import path from 'node:path';
import { formatShortDate, isIsoDate } from '../../dates.ts';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { AffectationFileKind } from './affectations.ts';
import type { IsoDate } from '../model.ts';
import { DISPOSITIF_FILE } from '../schema.ts';
import { foldForComparison, quote } from '../text.ts';
import type { Sheet, Workbook } from '../read/xlsx.ts';
import { columnLetters, rowNumber } from '../read/xlsx.ts';

/** An entry of `etats` or `deploiements` in dispositif.yaml (the fields that name its table). */
export interface TableEntry {
  readonly fichier: string;
  readonly date?: IsoDate;
  readonly id?: string;
  readonly libelle?: string;
}

/**
 * Folded sheet names that hold an entry's table: an état's date ("2019-07-15", "État 2019-07-15"),
 * a déploiement's id or libellé ("rentree-2019", "Déploiement rentree-2019", "rentrée 2019"), or
 * the base name of the entry's file.
 */
function sheetNamesFor(kind: AffectationFileKind, entry: TableEntry): { folded: Set<string>; shown: string[] } {
  const base = path.basename(entry.fichier, path.extname(entry.fichier));
  const shownNames =
    kind === 'etat' ? [entry.date!, `État ${entry.date!}`] : [entry.id!, `Déploiement ${entry.id!}`];
  const all = kind === 'etat' ? [...shownNames, `Etat ${entry.date!}`, base] : [...shownNames, entry.libelle!, `Déploiement ${entry.libelle!}`, base];
  return { folded: new Set(all.map(foldForComparison)), shown: shownNames };
}

/**
 * The visible sheet holding an entry's table. Errors: none (`xlsx/missing-sheet`, placed on the
 * entry in dispositif.yaml), only a hidden one (`xlsx/hidden-sheet`), two (`xlsx/sheet-duplicate`).
 * @param claimed receives every sheet named for the entry, read or reported.
 */
export function findSheet(workbook: Workbook, kind: AffectationFileKind, entry: TableEntry, at: Place, diagnostics: Diagnostic[], claimed?: Set<Sheet>): Sheet | undefined {
  const { folded, shown: names } = sheetNamesFor(kind, entry);
  const matches = workbook.sheets.filter((s) => folded.has(foldForComparison(s.name)));
  // Every sheet named for this entry is accounted for here (read, or reported as duplicate or
  // hidden): `checkOtherSheets` does not report it again as another sheet.
  for (const sheet of matches) claimed?.add(sheet);
  const visible = matches.filter((s) => s.visibility === 'visible');
  const what = kind === 'etat' ? `de l'état du ${formatShortDate(entry.date!)}` : `du déploiement ${quote(entry.id)}`;
  const expected = `une feuille visible nommée ${names.map(quote).join(' ou ')}`;
  if (visible.length > 1) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'xlsx/sheet-duplicate',
      message: `deux feuilles pour le tableau ${what} : ${visible.map((s) => quote(s.name)).join(' et ')} (attendu : ${expected}, une seule)`,
      place: { file: workbook.file, sheet: visible[1]!.name, cell: 'A1' },
    });
    return undefined;
  }
  if (visible.length === 1) {
    for (const hidden of matches.filter((s) => s.visibility !== 'visible')) {
      diagnostics.push({
        severity: 'warning',
        ruleId: 'xlsx/hidden-sheet',
        message: `feuille masquée ${quote(hidden.name)} ignorée : la feuille visible ${quote(visible[0]!.name)} est lue pour le tableau ${what} (attendu : une seule feuille par tableau)`,
        place: { file: workbook.file, sheet: hidden.name, cell: 'A1' },
      });
    }
    return visible[0];
  }
  if (matches.length > 0) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'xlsx/hidden-sheet',
      message: `feuille ${quote(matches[0]!.name)} masquée : le tableau ${what} doit rester visible pour être relu (attendu : ${expected} ; dans Excel, clic droit sur un onglet puis « Afficher »)`,
      place: { file: workbook.file, sheet: matches[0]!.name, cell: 'A1' },
    });
    return undefined;
  }
  diagnostics.push({
    severity: 'error',
    ruleId: 'xlsx/missing-sheet',
    message: `feuille du tableau ${what} introuvable dans ${quote(workbook.file)} (attendu : ${expected} ; feuilles du classeur : ${workbook.sheets.map((s) => quote(s.name)).join(', ')})`,
    place: at,
  });
  return undefined;
}

/**
 * Sheets that hold no table of dispositif.yaml: a hidden one with content is ignored with a
 * `xlsx/hidden-sheet` warning (an error when it is named like an état's or a déploiement's), a visible one with content with `xlsx/unused-sheet` — or
 * `xlsx/sheet-name` (error) when its name is an état's with a date that does not exist, or
 * begins like an état's or a déploiement's sheet without being one (its content would be lost).
 */
export function checkOtherSheets(workbook: Workbook, used: ReadonlySet<Sheet>, diagnostics: Diagnostic[]): void {
  for (const sheet of workbook.sheets) {
    if (used.has(sheet) || sheet.filledCells === 0) continue;
    const place: Place = { file: workbook.file, sheet: sheet.name, cell: 'A1' };
    const date = /^(?:[ée]tat\s+)?(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})$/iu.exec(sheet.name.trim())?.[1];
    if (sheet.visibility !== 'visible') {
      // Hidden, but named like an état's or a déploiement's sheet (a new état hidden by mistake):
      // its table would be left out without a word.
      const named = date !== undefined || /^(?:[ée]tat|d[ée]ploiement)\b/iu.test(sheet.name.trim());
      diagnostics.push({
        severity: named ? 'error' : 'warning',
        ruleId: 'xlsx/hidden-sheet',
        message: named
          ? `feuille masquée ${quote(sheet.name)} non lue : son nom est celui d'un tableau d'état ou de déploiement (attendu : une feuille visible ; dans Excel, clic droit sur un onglet puis « Afficher », ou supprimez-la)`
          : `feuille masquée ${quote(sheet.name)} ignorée (attendu : les tableaux des états et déploiements de ${DISPOSITIF_FILE} dans des feuilles visibles)`,
        place,
      });
      continue;
    }
    if (date !== undefined && !isIsoDate(date)) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'xlsx/sheet-name',
        message: `nom de feuille ${quote(sheet.name)} : date ${quote(date)} invalide (attendu : une date du calendrier au format AAAA-MM-JJ, ex. « État 2019-07-15 »)`,
        place,
      });
      continue;
    }
    // Named like an état's or a déploiement's sheet but not quite (« État 2027-07-15 corrigé »,
    // « Déploiement rentree-2027 v2 »): the staff's corrections would be left out without a word.
    const kind = /^[ée]tat\b/iu.test(sheet.name.trim()) ? 'etat' : /^d[ée]ploiement\b/iu.test(sheet.name.trim()) ? 'deploiement' : undefined;
    if (kind !== undefined) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'xlsx/sheet-name',
        message:
          kind === 'etat'
            ? `feuille ${quote(sheet.name)} non lue : son nom commence comme celui d'un état sans en être un (attendu : « État » suivi de la date seule, ex. « État 2019-07-15 » ; renommez la feuille, ou supprimez-la)`
            : `feuille ${quote(sheet.name)} non lue : aucun déploiement de ${DISPOSITIF_FILE} ni de la feuille « Déploiements » n'a cet id (attendu : « Déploiement » suivi de l'id seul, ex. « Déploiement rentree-2019 » ; renommez la feuille, ou supprimez-la)`,
        place,
      });
      continue;
    }
    diagnostics.push({
      severity: 'warning',
      ruleId: 'xlsx/unused-sheet',
      message: `feuille ${quote(sheet.name)} ignorée : elle ne correspond à aucun état ni déploiement de ${DISPOSITIF_FILE} (attendu : une feuille nommée par la date d'un état, ex. « État 2019-07-15 », ou par l'id d'un déploiement, ex. « rentree-2019 »)`,
      place,
    });
  }
}

/**
 * Orders the places of a workbook within its file: by sheet (tab order), row, column.
 * (`sortDiagnostics` orders by file, line and column, which sheet places do not have; being
 * stable, it keeps this order afterwards.)
 */
export function sortPlaces(list: Diagnostic[], workbook: Workbook | undefined): Diagnostic[] {
  if (!workbook) return list;
  const sheetIndex = new Map(workbook.sheets.map((s, i) => [s.name, i]));
  const key = (p: Place | undefined): [number, number, number] =>
    p?.sheet === undefined ? [-1, p?.line ?? 0, p?.column ?? 0] : [sheetIndex.get(p.sheet) ?? -1, rowNumber(p.cell), columnIndex(columnLetters(p.cell))];
  return [...list].sort((a, b) => {
    const fa = a.place?.file ?? '';
    const fb = b.place?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const [ka, kb] = [key(a.place), key(b.place)];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  });
}

/** "A" → 1, "Z" → 26, "AA" → 27. */
const columnIndex = (letters: string): number => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
