/**
 * Rules of the references inside dispositif.yaml, checked on whatever is readable so that one bad
 * entry hides nothing else: ids, dates and sigles declared once (`id/duplicate`), and
 * deliberation ids cited by objectifs and déploiements declared in `deliberations`
 * (`deliberation/unknown`).
 */
import type { Diagnostic, Place } from '../../diagnostics.ts';
import type { YamlFile, YamlPath } from '../read/yaml.ts';
import { formatDate, isIsoDate } from '../../dates.ts';
import { foldForComparison, quote } from '../text.ts';

/** What other rules need from the references: the declared deliberation ids and sigles. */
export interface References {
  readonly deliberationIds: readonly string[];
  readonly sigles: readonly string[];
  /** The problems of each catalogue document (`documents[i]`, by index): its own, which block only it. */
  readonly documents: ReadonlyMap<number, readonly Diagnostic[]>;
}

/**
 * Checks the unique keys of every list and the deliberation ids cited; returns the readable
 * deliberation ids and sigles of structures porteuses, and which problems are a catalogue
 * document's own.
 */
export function checkCrossReferences(yaml: YamlFile, diagnostics: Diagnostic[]): References {
  const raw = asRecord(yaml.value);
  const deliberationIds = checkUnique(yaml, raw, 'deliberations', 'id', 'délibération', diagnostics);
  const sigles = checkUnique(yaml, raw, 'structuresPorteuses', 'sigle', 'structure porteuse', diagnostics);
  checkUnique(yaml, raw, 'objectifs', 'id', 'objectif', diagnostics);
  checkUnique(yaml, raw, 'etats', 'date', 'état', diagnostics);
  const deploiementIds = checkUnique(yaml, raw, 'deploiements', 'id', 'déploiement', diagnostics);
  const documents = new Map<number, Diagnostic[]>();
  const ownedBy = (i: number, found: readonly Diagnostic[]): void => addOwnProblems(documents, i, found);
  const duplicates: Diagnostic[] = [];
  checkUnique(yaml, raw, 'documents', 'id', 'document', duplicates);
  diagnostics.push(...duplicates);
  // `field` is « documents[i].id »: the later entry of two is the faulty one.
  for (const d of duplicates) ownedBy(Number(/^documents\[(\d+)\]/.exec(d.field ?? '')?.[1]), [d]);
  const expected = `l'id d'une délibération de "deliberations" : ${deliberationIds.join(', ') || 'aucune déclarée'}`;
  const checkDeliberation = (id: unknown, at: YamlPath): void => {
    if (typeof id !== 'string' || deliberationIds.includes(id.trim())) return;
    diagnostics.push({
      severity: 'error',
      ruleId: 'deliberation/unknown',
      message: `délibération ${quote(id)} inconnue (attendu : ${expected})`,
      place: yaml.locate(at),
      field: 'deliberation',
      actual: id,
      expected,
    });
  };
  items(raw, 'objectifs').forEach((o, i) =>
    items(asRecord(o), 'deliberations').forEach((id, j) => checkDeliberation(id, ['objectifs', i, 'deliberations', j])),
  );
  items(raw, 'deploiements').forEach((d, i) => {
    checkDeliberation(asRecord(d)?.['deliberation'], ['deploiements', i, 'deliberation']);
    checkEffetAfterDeliberation(yaml, raw, asRecord(d), i, diagnostics);
  });
  const firstEtat = items(raw, 'etats')
    .map((e) => asRecord(e)?.['date'])
    .filter((date): date is string => typeof date === 'string' && isIsoDate(date))
    .sort()[0];
  items(raw, 'documents').forEach((d, i) => {
    const doc = asRecord(d);
    const before = diagnostics.length;
    checkDeliberation(doc?.['deliberation'], ['documents', i, 'deliberation']);
    // A list of the state before the first état: its own problem, not every document's (a trial:
    // « Aucun état au 01/01/2018 ou avant » blocked the whole catalogue).
    const au = doc?.['au'];
    if (typeof au === 'string' && isIsoDate(au) && firstEtat !== undefined && au < firstEtat)
      diagnostics.push({
        severity: 'error',
        ruleId: 'etat/before-first',
        message: `document ${quote(String(doc?.['id'] ?? ''))} : état demandé au ${formatDate(au, ' ')}, avant le premier état, du ${formatDate(firstEtat, ' ')} (attendu : une date à partir du premier état)`,
        place: yaml.locate(['documents', i, 'au']),
        field: 'au',
        actual: au,
      });
    checkCatalogueDeploiement(yaml, raw, doc, i, deploiementIds, diagnostics);
    ownedBy(i, diagnostics.slice(before));
  });
  return { deliberationIds, sigles, documents };
}

/**
 * `deploiement/effet-before-deliberation` (warning): a déploiement takes effect on or after the
 * délibération that decides it. An earlier `effet` is most often a typo in the year (2021-09-01
 * for 2022-09-01, staff trial), which otherwise showed only as collèges « déjà dotés » in another
 * déploiement's file; a warning, not an error, because an assembly may vote a post already
 * started (an effect back-dated to the rentrée). Placed at the déploiement's `effet`.
 */
function checkEffetAfterDeliberation(yaml: YamlFile, raw: Record<string, unknown> | undefined, d: Record<string, unknown> | undefined, i: number, diagnostics: Diagnostic[]): void {
  const effet = d?.['effet'];
  const deliberationId = d?.['deliberation'];
  if (typeof effet !== 'string' || !isIsoDate(effet) || typeof deliberationId !== 'string') return;
  const decided = items(raw, 'deliberations')
    .map(asRecord)
    .find((x) => typeof x?.['id'] === 'string' && x['id'].trim() === deliberationId.trim())?.['date'];
  if (typeof decided !== 'string' || !isIsoDate(decided) || effet >= decided) return;
  diagnostics.push({
    severity: 'warning',
    ruleId: 'deploiement/effet-before-deliberation',
    message:
      `Déploiement ${quote(String(d?.['id'] ?? ''))} effectif le ${formatDate(effet, ' ')}, avant la délibération ${quote(deliberationId.trim())} du ${formatDate(decided, ' ')} qui le décide ` +
      "(attendu : une date d'effet le jour de la délibération ou après ; vérifiez l'année de la date d'effet)",
    place: yaml.locate(['deploiements', i, 'effet']),
    field: 'effet',
    actual: effet,
  });
}

/**
 * A catalogue document's déploiement (`documents[i].deploiement`) is declared
 * (`document/deploiement-unknown`), and a délibération given beside it is the deployment's own
 * (`document/deliberation-mismatch`): the délibération of a deployment annex is derived, so a
 * copied entry cannot silently print the wrong one.
 */
function checkCatalogueDeploiement(
  yaml: YamlFile,
  raw: Record<string, unknown> | undefined,
  doc: Record<string, unknown> | undefined,
  i: number,
  deploiementIds: readonly string[],
  diagnostics: Diagnostic[],
): void {
  const id = doc?.['deploiement'];
  if (typeof id !== 'string') return;
  const expectedIds = `l'id d'un déploiement de "deploiements" : ${deploiementIds.join(', ') || 'aucun déclaré'}`;
  if (!deploiementIds.includes(id.trim())) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'document/deploiement-unknown',
      message: `déploiement ${quote(id)} inconnu (attendu : ${expectedIds})`,
      place: yaml.locate(['documents', i, 'deploiement']),
      field: 'deploiement',
      actual: id,
      expected: expectedIds,
    });
    return;
  }
  const own = items(raw, 'deploiements').map(asRecord).find((d) => d?.['id'] === id.trim())?.['deliberation'];
  const given = doc?.['deliberation'];
  if (typeof given === 'string' && typeof own === 'string' && given.trim() !== own.trim()) {
    const expected = `la délibération du déploiement ${quote(id)}, ${quote(own)}, ou rien (elle s'en déduit)`;
    diagnostics.push({
      severity: 'error',
      ruleId: 'document/deliberation-mismatch',
      message: `délibération ${quote(given)} différente de celle du déploiement ${quote(id)} (attendu : ${expected})`,
      place: yaml.locate(['documents', i, 'deliberation']),
      field: 'deliberation',
      actual: given,
      expected,
    });
  }
}

/**
 * `id/duplicate`: the values of `key` in the list `listKey` are unique (compared ignoring case,
 * accents and spaces). Returns the readable values, in file order, duplicates included once.
 */
function checkUnique(
  yaml: YamlFile,
  raw: Record<string, unknown> | undefined,
  listKey: string,
  key: string,
  what: string,
  diagnostics: Diagnostic[],
): string[] {
  const first = new Map<string, Place>();
  const values: string[] = [];
  items(raw, listKey).forEach((item, i) => {
    const value = asRecord(item)?.[key];
    if (typeof value !== 'string' || value.trim() === '') return;
    const folded = foldForComparison(value);
    const at = yaml.locate([listKey, i, key]);
    const previous = first.get(folded);
    if (previous) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'id/duplicate',
        message: `${what} ${quote(value)} en double dans ${quote(listKey)} : déjà ligne ${previous.line} (attendu : une valeur de ${quote(key)} unique)`,
        place: at,
        field: `${listKey}[${i}].${key}`,
        actual: value,
        expected: `une valeur de ${quote(key)} unique`,
      });
      return;
    }
    first.set(folded, at);
    values.push(value.trim());
  });
  return values;
}

/** Adds `found` (if any) to the problems of entry `i` of `problems` (an entry's own problems, by index). */
export function addOwnProblems(problems: Map<number, Diagnostic[]>, i: number, found: readonly Diagnostic[]): void {
  if (found.length > 0) problems.set(i, [...(problems.get(i) ?? []), ...found]);
}

/** The value as a plain object, if it is one (YAML maps are read as such). */
export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The list at `key` of a plain object, or an empty list when there is none. */
export function items(record: Record<string, unknown> | undefined, key: string): unknown[] {
  const v = record?.[key];
  return Array.isArray(v) ? v : [];
}
