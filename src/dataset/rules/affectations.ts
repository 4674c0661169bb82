/**
 * Turns the rows of an état or déploiement CSV into `Affectation`s, checking each value
 * (DESIGN.md, "Data contract"): commune and collège present, ETP in (0, 1], REP/REP+, a declared
 * structure porteuse or "en cours de négociation", a valid UAI and code INSEE when given, no
 * collège twice in one file, and a TOTAL row equal to the computed sum.
 */
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { RuleId } from '../../rules.ts';
import { toHundredths } from '../etp.ts';
import type { Affectation, EducationPrioritaire } from '../model.ts';
import { collegeKey, EDUCATION_PRIORITAIRE, PENDING_STRUCTURE } from '../model.ts';
import type { ColumnSpec, Table } from '../read/table.ts';
import { rowNumber } from '../read/xlsx.ts';
import { foldForComparison, quote } from '../text.ts';
import { ETP_EXPECTED, parseEtp } from './etp.ts';
import { checkInsee, checkUai } from './identifiers.ts';
import { checkTotals } from './totals.ts';
import { describeCharacters, unprintable } from '../../writers/glyphs.ts';

/** Column keys of état and déploiement files (the `Affectation` fields they fill). */
export type AffectationColumn = 'commune' | 'college' | 'structurePorteuse' | 'etp' | 'uai' | 'insee' | 'educationPrioritaire';

/** Kind of file: an état (structure porteuse required) or a déploiement (REP/REP+ required). */
export type AffectationFileKind = 'etat' | 'deploiement';

const COMMUNE: ColumnSpec<'commune'> = { key: 'commune', libelle: 'Commune', aliases: ['Ville'], required: true };
const COLLEGE: ColumnSpec<'college'> = {
  key: 'college',
  libelle: 'Collège',
  aliases: ['Dénomination du collège', 'Nom du collège'],
  required: true,
};
const STRUCTURE = { key: 'structurePorteuse', libelle: 'Structure porteuse', aliases: ['Structures porteuses'] } as const;
const ETP: ColumnSpec<'etp'> = {
  key: 'etp',
  libelle: 'ETP',
  aliases: ["Nombre d'ETP", 'Nombre ALSÉS', "Nombre d'ALSES"],
  required: true,
};
const EDUCATION = { key: 'educationPrioritaire', libelle: 'Éducation prioritaire', aliases: ['REP/REP +', 'REP'] } as const;
const UAI: ColumnSpec<'uai'> = { key: 'uai', libelle: 'UAI', aliases: ['Code UAI', 'RNE', 'Numéro UAI'], required: false };
const INSEE: ColumnSpec<'insee'> = {
  key: 'insee',
  libelle: 'Code INSEE',
  aliases: ['INSEE', 'Code commune', 'Code INSEE commune', 'Code INSEE de la commune', 'COG'],
  required: false,
};

/**
 * An ETP a spreadsheet turned into a date, as it shows it: a day and a month's name (French or
 * English abbreviation: « 1-janv. », « 15 mars 2019 », « 1-Jan »), or day, month and year in
 * figures (« 01/05/2019 »). A number followed by a word that is not a month (« 1 ETP ») is not.
 */
const DATE_LIKE =
  /^\d{1,2}[-/. ](janv|f[ée]vr|mars|avr|mai|juin|juil|ao[ûu]t|sept|oct|nov|d[ée]c|jan|feb|mar|apr|may|jun|jul|aug|sep|dec)[a-zéû]*\.?([-/. ]\d{2,4})?$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/i;

/**
 * Columns of each kind of file, in canonical order. Headers match ignoring case, accents, spaces
 * and "+" spacing; the published headers ("VILLE", "Nom du collège", "STRUCTURES PORTEUSES",
 * "REP/REP +", "Nombre d'ETP", "Nombre ALSÉS") are aliases.
 */
export const COLUMNS: Record<AffectationFileKind, readonly ColumnSpec<AffectationColumn>[]> = {
  etat: [COMMUNE, COLLEGE, { ...STRUCTURE, required: true }, ETP, UAI, { ...EDUCATION, required: false }, INSEE],
  deploiement: [COMMUNE, COLLEGE, { ...EDUCATION, required: true }, ETP, UAI, { ...STRUCTURE, required: false }, INSEE],
};

/** "Jules Ferry" (ANZIN), as diagnostics name a collège. */
export const describeCollege = (row: { readonly commune: string; readonly college: string }): string =>
  `collège ${quote(row.college)} (${row.commune})`;

/** Line of a place: the line of a CSV file, the row of a sheet ("C14" → 14). */
export const lineOf = (place: Place): number => place.line ?? rowNumber(place.cell);

/** Where a row is, in a message: "data/etats/2019-07-15.csv, ligne 2" or "classeur.xlsx État 2019-07-15!A2". */
export const describeRowPlace = (place: Place): string =>
  place.sheet !== undefined ? `${place.file} ${place.sheet}!${place.cell ?? ''}` : `${place.file}, ligne ${lineOf(place)}`;
const EP_BY_FOLD = new Map<string, EducationPrioritaire>(EDUCATION_PRIORITAIRE.map((ep) => [foldForComparison(ep), ep]));

/**
 * A row's collège, named by its commune and name, whatever errors its other cells have (a wrong
 * UAI or ETP): what the checks between files (a collège deployed twice, a deployed collège
 * missing from a later état) need, so that they report on such a row in the same run.
 */
export interface CollegeIdentity {
  readonly commune: string;
  readonly college: string;
  /** The row (its first cell). */
  readonly place: Place;
}

/** The cells checked for a formula start (`cell/formula`), with their names in messages. */
const FORMULA_CHECKED = [
  ['commune', 'commune'],
  ['college', 'nom du collège'],
] as const;
/** A value a spreadsheet would run as a formula starts so (CSV injection, OWASP). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Cyrillic and Greek letters: many look like Latin ones (А, В, Е, К, М, Н, О, Р, С, Т, Х, Α, Β, Ε…). */
const LOOKALIKE_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}]/gu;

/** The cells checked for characters the documents' font cannot print (`cell/glyph`) and for lookalike letters (`cell/script`), with their names in messages. */
const GLYPH_CHECKED = [
  ['commune', 'commune'],
  ['college', 'nom du collège'],
  ['structurePorteuse', 'structure porteuse'],
] as const;

/**
 * Checks the rows of a table and builds the affectations. Rows with an error are left out (the
 * dataset is not built when any error exists); every error is reported. `identities` lists the
 * collège of every row whose commune and name are given, errors or not, in table order.
 *
 * @param structures sigles declared in `dispositif.yaml` (`structuresPorteuses[].sigle`)
 */
export function toAffectations(
  table: Table<AffectationColumn>,
  kind: AffectationFileKind,
  structures: readonly string[],
): { rows: Affectation[]; identities: CollegeIdentity[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rows: Affectation[] = [];
  const identities: CollegeIdentity[] = [];
  const firstByKey = new Map<string, Place>();
  /** The first row of each UAI, and its collège. */
  const firstByUai = new Map<string, { readonly place: Place; readonly row: { readonly commune: string; readonly college: string } }>();
  const structureByFold = new Map(structures.map((s) => [foldForComparison(s), s]));
  const pendingFold = foldForComparison(PENDING_STRUCTURE);
  const declared = structures.length > 0 ? structures.join(', ') : 'aucune déclarée';
  // In a workbook, a new structure porteuse comes with a row of its « Structures porteuses » sheet.
  const inWorkbook = table.rows[0]?.place.sheet !== undefined;
  const expectedStructure = `une structure déclarée dans dispositif.yaml (${declared}) ou ${quote(PENDING_STRUCTURE)}${inWorkbook ? ' ; pour une nouvelle structure, ajoutez sa ligne à la feuille « Structures porteuses » du classeur' : ''}`;

  let etpHundredths = 0;
  let etpUnreadable = false;
  for (const { place, cells } of table.rows) {
    let ok = true;
    const fail = (ruleId: RuleId, message: string, at: Place, field: AffectationColumn, values: { actual?: string; expected: string }): void => {
      diagnostics.push({ severity: 'error', ruleId, message, place: at, field, ...(values.actual !== undefined ? { actual: values.actual } : {}), expected: values.expected });
      ok = false;
    };

    const commune = cells.commune!;
    if (commune.value === '' && commune.kind !== 'invalid') fail('commune/required', 'commune vide (attendu : le nom de la commune, ex. ANZIN)', commune.place, 'commune', { expected: 'le nom de la commune, ex. ANZIN' });
    const college = cells.college!;
    if (college.value === '' && college.kind !== 'invalid') {
      fail('college/required', 'nom du collège vide (attendu : le nom du collège, ex. Jules Ferry)', college.place, 'college', { expected: 'le nom du collège, ex. Jules Ferry' });
    }

    // A name starting with = + - @, a tab or a carriage return would run as a formula when a
    // canonical CSV is opened in a spreadsheet (CSV injection, OWASP): refuse it rather than write it back.
    for (const [field, libelle] of FORMULA_CHECKED) {
      const cell = cells[field]!;
      if (FORMULA_START.test(cell.value))
        fail('cell/formula', `${libelle} ${quote(cell.value)} commençant par ${quote(cell.value[0])}, lu comme une formule par un tableur (attendu : un nom, sans = + - @ ni tabulation au début)`, cell.place, field, {
          actual: cell.value,
          expected: 'un nom, sans = + - @ ni tabulation au début',
        });
    }

    // A character the documents' font cannot print (emoji, CJK…) is placed here, on the value,
    // rather than on the template that would print it (issue 12).
    const printable = unprintable(`${cells.commune?.value ?? ''}${cells.college?.value ?? ''}${cells.structurePorteuse?.value ?? ''}`).length === 0;
    for (const [field, libelle] of printable ? [] : GLYPH_CHECKED) {
      const cell = cells[field];
      const missing = cell ? unprintable(cell.value) : [];
      if (cell && missing.length > 0) {
        const expected = 'des lettres, chiffres et signes que la police des documents (Source Sans 3) imprime';
        fail('cell/glyph', `${libelle} ${quote(cell.value)} : ${describeCharacters(missing)} absent(s) de la police des documents, imprimé(s) comme un rectangle vide (attendu : ${expected})`, cell.place, field, {
          actual: cell.value,
          expected,
        });
      }
    }

    // A Cyrillic or Greek letter that looks like a Latin one (« А » U+0410 in « АNZIN ») makes
    // another collège, or another commune, to every comparison: the same collège then counts twice.
    for (const [field, libelle] of GLYPH_CHECKED) {
      const cell = cells[field];
      const foreign = cell ? [...new Set(cell.value.match(LOOKALIKE_SCRIPTS) ?? [])] : [];
      if (cell && foreign.length > 0) {
        const expected = 'des lettres latines (retapez le nom au clavier)';
        fail('cell/script', `${libelle} ${quote(cell.value)} : ${describeCharacters(foreign)}, lettre(s) d'un autre alphabet (cyrillique ou grec) qui ressemble(nt) à des lettres latines (attendu : ${expected})`, cell.place, field, {
          actual: cell.value,
          expected,
        });
      }
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
          { actual: structure.value, expected: expectedStructure },
        );
      }
    } else if (structure && kind === 'etat' && structure.kind !== 'invalid') {
      fail('structure-porteuse/required', `structure porteuse vide (attendu : ${expectedStructure})`, structure.place, 'structurePorteuse', { expected: expectedStructure });
    }

    const etpCell = cells.etp!;
    const etp = etpCell.kind === 'invalid' ? undefined : parseEtp(etpCell.value, etpCell.kind === 'number' ? 'number' : undefined);
    if (!etp) ok = false;
    else if (!etp.ok) {
      const asDate = etpCell.kind === 'date' || DATE_LIKE.test(etpCell.value);
      const message = asDate
        ? `ETP ${quote(etpCell.value)} est une date, pas un nombre (attendu : ${ETP_EXPECTED} ; le tableur a pu changer la saisie en date : mettre la cellule au format Nombre)`
        : etp.message;
      fail(etp.ruleId, message, etpCell.place, 'etp', { actual: etpCell.value, expected: etp.expected });
    }
    if (etp?.ok) etpHundredths += toHundredths(etp.etp);
    else etpUnreadable = true;

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
          { actual: ep.value, expected: 'REP ou REP+, ou vide hors éducation prioritaire' },
        );
      }
    }

    let uai: string | undefined;
    const uaiCell = cells.uai;
    if (uaiCell && uaiCell.value !== '') {
      const checked = checkUai(uaiCell.value);
      if (checked.ok) uai = checked.value;
      else fail(checked.ruleId, checked.message, uaiCell.place, 'uai', { actual: uaiCell.value, expected: checked.expected });
    }

    let insee: string | undefined;
    const inseeCell = cells.insee;
    if (inseeCell && inseeCell.value !== '') {
      // A code typed in a workbook as a number loses its leading zero (01004 → 1004).
      const raw = inseeCell.kind === 'number' && /^\d{4}$/.test(inseeCell.value) ? `0${inseeCell.value}` : inseeCell.value;
      const checked = checkInsee(raw);
      if (checked.ok) insee = checked.value;
      else fail(checked.ruleId, checked.message, inseeCell.place, 'insee', { actual: inseeCell.value, expected: checked.expected });
    }
    for (const cell of [commune, college, structure, ep, uaiCell, inseeCell]) if (cell?.kind === 'invalid') ok = false;

    // A UAI identifies one établissement: two collèges with the same one, a typo in one of them.
    if (uai !== undefined && uaiCell && commune.value !== '' && college.value !== '') {
      const row = { commune: commune.value, college: college.value };
      const first = firstByUai.get(uai);
      if (!first) firstByUai.set(uai, { place: uaiCell.place, row });
      else if (collegeKey(first.row) !== collegeKey(row)) {
        fail(
          'uai/duplicate',
          `UAI ${quote(uai)} de ${describeCollege(row)} déjà donné ligne ${lineOf(first.place)} à ${describeCollege(first.row)} (attendu : l'UAI propre à chaque collège)`,
          uaiCell.place,
          'uai',
          { actual: uaiCell.value, expected: "l'UAI propre à chaque collège" },
        );
      }
    }

    if (commune.value !== '' && college.value !== '') {
      const row = { commune: commune.value, college: college.value };
      const key = collegeKey(row);
      const first = firstByKey.get(key);
      if (first) {
        fail(
          'college/duplicate',
          `${describeCollege(row)} en double : déjà présent ligne ${lineOf(first)} (attendu : une seule ligne par collège)`,
          college.place,
          'college',
          { actual: college.value, expected: 'une seule ligne par collège' },
        );
      } else {
        firstByKey.set(key, place);
      }
    }

    if (!ok || !etp?.ok) {
      if (commune.value !== '' && college.value !== '') identities.push({ commune: commune.value, college: college.value, place });
      continue;
    }
    const affectation: Affectation = {
      commune: commune.value,
      college: college.value,
      structurePorteuse,
      conventionEnNegociation,
      etp: etp.etp,
      ...(uai !== undefined ? { uai } : {}),
      ...(insee !== undefined ? { insee } : {}),
      ...(educationPrioritaire !== undefined ? { educationPrioritaire } : {}),
      place,
    };
    rows.push(affectation);
    identities.push(affectation);
  }
  if (!etpUnreadable) diagnostics.push(...checkTotals(table, etpHundredths));
  return { rows, identities, diagnostics };
}
