/**
 * Turns the rows of an état or déploiement CSV into `Affectation`s, checking each value
 * (DESIGN.md, "Data contract"): commune and collège present, ETP in (0, 1], REP/REP+, a declared
 * structure porteuse or "en cours de négociation", a UAI of 7 digits and a letter, and no collège
 * twice in one file.
 */
import type { Diagnostic, Place } from '../diagnostics.ts';
import type { ColumnSpec, Table } from './csv.ts';
import { parseEtp } from './etp.ts';
import type { Affectation, EducationPrioritaire } from './model.ts';
import { EDUCATION_PRIORITAIRE, PENDING_STRUCTURE } from './model.ts';
import { foldForComparison, quote } from './text.ts';

/** Column keys of état and déploiement files (the `Affectation` fields they fill). */
export type AffectationColumn = 'commune' | 'college' | 'structurePorteuse' | 'etp' | 'uai' | 'educationPrioritaire';

/** Kind of file: an état (structure porteuse required) or a déploiement (REP/REP+ required). */
export type AffectationFileKind = 'etat' | 'deploiement';

const COMMUNE: ColumnSpec<'commune'> = { key: 'commune', label: 'Commune', aliases: ['Ville'], required: true };
const COLLEGE: ColumnSpec<'college'> = {
  key: 'college',
  label: 'Collège',
  aliases: ['Dénomination du collège', 'Nom du collège'],
  required: true,
};
const STRUCTURE = { key: 'structurePorteuse', label: 'Structure porteuse', aliases: ['Structures porteuses'] } as const;
const ETP: ColumnSpec<'etp'> = {
  key: 'etp',
  label: 'ETP',
  aliases: ["Nombre d'ETP", 'Nombre ALSÉS', "Nombre d'ALSES"],
  required: true,
};
const EDUCATION = { key: 'educationPrioritaire', label: 'Éducation prioritaire', aliases: ['REP/REP +', 'REP'] } as const;
const UAI: ColumnSpec<'uai'> = { key: 'uai', label: 'UAI', aliases: ['Code UAI'], required: false };

/**
 * Columns of each kind of file, in canonical order. Headers match ignoring case, accents, spaces
 * and "+" spacing; the published headers ("VILLE", "Nom du collège", "STRUCTURES PORTEUSES",
 * "REP/REP +", "Nombre d'ETP", "Nombre ALSÉS") are aliases.
 */
export const COLUMNS: Record<AffectationFileKind, readonly ColumnSpec<AffectationColumn>[]> = {
  etat: [COMMUNE, COLLEGE, { ...STRUCTURE, required: true }, ETP, UAI, { ...EDUCATION, required: false }],
  deploiement: [COMMUNE, COLLEGE, { ...EDUCATION, required: true }, ETP, UAI, { ...STRUCTURE, required: false }],
};

/**
 * Identity of a collège: commune + name, ignoring case, accents, spaces and punctuation
 * ("GRANDE SYNTHÉ / Jules Verne" ≡ "Grande-Synthe / JULES VERNE").
 */
export const collegeKey = (row: { readonly commune: string; readonly college: string }): string =>
  `${foldForComparison(row.commune)}/${foldForComparison(row.college)}`;

/** "Jules Ferry" (ANZIN), as diagnostics name a collège. */
export const describeCollege = (row: { readonly commune: string; readonly college: string }): string =>
  `collège ${quote(row.college)} (${row.commune})`;

const UAI_FORMAT = /^\d{7}[A-Z]$/;
const EP_BY_FOLD = new Map<string, EducationPrioritaire>(EDUCATION_PRIORITAIRE.map((ep) => [foldForComparison(ep), ep]));

/**
 * Checks the rows of a table and builds the affectations. Rows with an error are left out (the
 * dataset is not built when any error exists); every error is reported.
 *
 * @param structures sigles declared in `dispositif.yaml` (`structuresPorteuses[].sigle`)
 */
export function toAffectations(
  table: Table<AffectationColumn>,
  kind: AffectationFileKind,
  structures: readonly string[],
): { rows: Affectation[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rows: Affectation[] = [];
  const firstByKey = new Map<string, Place>();
  const structureByFold = new Map(structures.map((s) => [foldForComparison(s), s]));
  const pendingFold = foldForComparison(PENDING_STRUCTURE);
  const declared = structures.length > 0 ? structures.join(', ') : 'aucune déclarée';
  const expectedStructure = `une structure déclarée dans dispositif.yaml (${declared}) ou ${quote(PENDING_STRUCTURE)}`;

  for (const { place, cells } of table.rows) {
    let ok = true;
    const fail = (ruleId: string, message: string, at = place, field?: AffectationColumn): void => {
      diagnostics.push({ severity: 'error', ruleId, message, place: at, ...(field ? { field } : {}) });
      ok = false;
    };

    const commune = cells.commune!;
    if (commune.value === '') fail('commune/required', 'commune vide (attendu : le nom de la commune, ex. ANZIN)', commune.place, 'commune');
    const college = cells.college!;
    if (college.value === '') {
      fail('college/required', 'nom du collège vide (attendu : le nom du collège, ex. Jules Ferry)', college.place, 'college');
    }

    let structurePorteuse: string | null = null;
    let conventionEnNegociation = false;
    const structure = cells.structurePorteuse;
    if (structure && structure.value !== '') {
      const folded = foldForComparison(structure.value);
      if (folded === pendingFold) conventionEnNegociation = true;
      else if (structureByFold.has(folded)) structurePorteuse = structureByFold.get(folded)!;
      else {
        fail(
          'structure-porteuse/unknown',
          `structure porteuse ${quote(structure.value)} inconnue (attendu : ${expectedStructure})`,
          structure.place,
          'structurePorteuse',
        );
      }
    } else if (structure && kind === 'etat') {
      fail('structure-porteuse/required', `structure porteuse vide (attendu : ${expectedStructure})`, structure.place, 'structurePorteuse');
    }

    const etpCell = cells.etp!;
    const etp = parseEtp(etpCell.value);
    if (!etp.ok) fail(etp.ruleId, etp.message, etpCell.place, 'etp');

    let educationPrioritaire: EducationPrioritaire | undefined;
    const ep = cells.educationPrioritaire;
    if (ep && ep.value !== '') {
      educationPrioritaire = EP_BY_FOLD.get(foldForComparison(ep.value));
      if (!educationPrioritaire) {
        fail(
          'education-prioritaire/value',
          `éducation prioritaire ${quote(ep.value)} inconnue (attendu : REP ou REP+, ou vide hors éducation prioritaire)`,
          ep.place,
          'educationPrioritaire',
        );
      }
    }

    let uai: string | undefined;
    const uaiCell = cells.uai;
    if (uaiCell && uaiCell.value !== '') {
      uai = uaiCell.value.toUpperCase();
      if (!UAI_FORMAT.test(uai)) {
        fail('uai/format', `UAI ${quote(uaiCell.value)} invalide (attendu : 7 chiffres et une lettre, ex. 0590001A)`, uaiCell.place, 'uai');
      }
    }

    if (commune.value !== '' && college.value !== '') {
      const row = { commune: commune.value, college: college.value };
      const first = firstByKey.get(collegeKey(row));
      if (first) {
        fail(
          'college/duplicate',
          `${describeCollege(row)} en double : déjà présent ligne ${first.line} (attendu : une seule ligne par collège)`,
          college.place,
          'college',
        );
      } else {
        firstByKey.set(collegeKey(row), place);
      }
    }

    if (!ok || !etp.ok) continue;
    const affectation: Affectation = {
      commune: commune.value,
      college: college.value,
      structurePorteuse,
      conventionEnNegociation,
      etp: etp.etp,
      ...(uai !== undefined ? { uai } : {}),
      ...(educationPrioritaire !== undefined ? { educationPrioritaire } : {}),
      place,
    };
    rows.push(affectation);
  }
  return { rows, diagnostics };
}
