/**
 * The yearly jobs of the staff (README, "Chaque année"): register a délibération, a déploiement
 * or a catalogue document in `dispositif.yaml`, and write the next état from the computed one.
 * Each edits `dispositif.yaml` in place (comments kept) and writes its files atomically; a
 * problem is a French `AlsesError` and then nothing is written.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalCsv } from '../dataset/canonical.ts';
import { etatAu, newEtatRows, totalEtp } from '../dataset/compute.ts';
import { addToDispositif, dispositifEntries, dispositifIds, removeFromDispositif } from '../dataset/dispositif-edit.ts';
import { templateFilesIn } from './inputs.ts';
import { DISPOSITIF_FILE, isWorkbookPath, loadDataset } from '../dataset/load.ts';
import type { IsoDate } from '../dataset/model.ts';
import { dispositifSchema, IDENTIFIER_EXPECTED, isIdentifier, MAX_ANNEXE, type deliberationSchema, type deploiementEntrySchema } from '../dataset/schema.ts';
import { readYaml, zodIssuesToDiagnostics } from '../dataset/read/yaml.ts';
import { checkCrossReferences } from '../dataset/rules/cross-references.ts';
import { describeCharacters, unprintable } from '../writers/glyphs.ts';
import { codePoint, guillemets } from '../dataset/text.ts';
import { TEMPLATE_PARAMETERS, type FrontMatter, type TemplateParameter } from '../templates/environment.ts';
import { readFrontMatter, splitFrontMatter } from '../templates/front-matter.ts';
import { readTemplateFile } from '../templates/files.ts';
import { displayPath, hasErrors } from '../diagnostics.ts';
import { AlsesError, InvalidInputError } from '../errors.ts';
import { formatShortDate, isIsoDate } from '../dates.ts';
import { checkWritesInside } from '../output/confine.ts';
import { repairFolder, withOutputLock } from '../output/lock.ts';
import { replaceAll } from '../output/transaction.ts';
import type { z } from 'zod';

/** What a yearly job wrote: paths as shown to users. */
export interface Written {
  readonly files: readonly string[];
  /** What the user should know of what was written, in French (printed as warnings). */
  readonly warnings?: readonly string[];
}

/**
 * The warning for a catalogue document whose `au` is no état's date (staff trial: 2021-07-14 typed
 * for the état of 15/07/2021 silently gave a list of the year before). Such a date is allowed — a
 * list shows the état computed on any date (DESIGN.md, state rule) — but seldom meant.
 * @param text dispositif.yaml (unchecked)
 * @returns none when the document is unknown, has no `au`, or `au` is an état's date or before the first.
 */
export function auWarning(text: string, id: string): string | undefined {
  const au = dispositifEntries(text, 'documents').find((e) => String(e.id) === id)?.au;
  if (typeof au !== 'string' || !isIsoDate(au)) return undefined;
  const dates = etatDates(text);
  const base = dates.filter((d) => d < au).at(-1);
  if (dates.includes(au) || base === undefined) return undefined;
  const days = (d: string): number => Math.abs(Date.parse(d) - Date.parse(au));
  const nearest = [...dates].sort((a, b) => days(a) - days(b))[0]!;
  return (
    `Aucun état n'est daté du ${formatShortDate(au)} : le document « ${id} » montrera l'état calculé à cette date, celui du ${formatShortDate(base)} et les déploiements effectifs jusqu'au ${formatShortDate(au)}` +
    (nearest === base ? '.' : ` ; l'état le plus proche est daté du ${formatShortDate(nearest)}.`) +
    " Pour la liste d'un état, sa date exacte."
  );
}

/** The dates of the états of dispositif.yaml `text` (unchecked), in order. */
const etatDates = (text: string): string[] =>
  dispositifEntries(text, 'etats')
    .map((e) => String(e.date))
    .filter(isIsoDate)
    .sort();

/** `auWarning` of a document of the data folder's dispositif.yaml; none when it cannot be read. */
export async function catalogueWarning(dataDir: string, id: string): Promise<string | undefined> {
  const text = await readDispositif(dataDir).then((d) => d.text, () => undefined);
  return text === undefined ? undefined : auWarning(text, id);
}

/** The data folder's `dispositif.yaml`: its path and text. */
async function readDispositif(dataDir: string): Promise<{ file: string; text: string }> {
  if (isWorkbookPath(dataDir)) {
    throw new AlsesError('USAGE', `${displayPath(dataDir)} est un classeur : cette commande modifie un dossier de données (attendu : --data data, le dossier qui contient ${DISPOSITIF_FILE})`);
  }
  // A yearly job or import killed while writing here is completed first, so that this one edits the latest text.
  await repairFolder(dataDir, { folder: 'données' });
  const file = path.join(dataDir, DISPOSITIF_FILE);
  // It is rewritten: a link leading out of the folder is neither read nor written through.
  await checkWritesInside(dataDir, [file]);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new AlsesError('INVALID_INPUT', `${displayPath(file)} introuvable (attendu : le fichier ${DISPOSITIF_FILE} du dossier de données ${displayPath(dataDir)})`);
  });
  return { file, text };
}

/**
 * The problems of the texts typed for a new entry of dispositif.yaml (`values`: option or field
 * name → text; absent ones skipped), in French, one per text: empty once trimmed, a control
 * character (line break, tabulation, NUL…), or a character the documents' font cannot print
 * (emoji, U+202E…). `alses validate` refuses such a value afterwards, and then every render:
 * the command must not write it (issue 12: « invalid data writes nothing »).
 */
function textProblems(values: Readonly<Record<string, string | undefined>>, label: (name: string) => string): { name: string; message: string }[] {
  const problems: { name: string; message: string }[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const control = /[\u0000-\u001F\u007F-\u009F]/.exec(value);
    const missing = unprintable(value);
    if (value.trim() === '') problems.push({ name, message: `${label(name)} vide (attendu : un texte)` });
    else if (control)
      problems.push({ name, message: `${label(name)} « ${value.replace(/[\u0000-\u001F\u007F-\u009F]/g, ' ')} » : caractère de contrôle ${codePoint(control[0])}${control[0] === '\n' ? ' (saut de ligne)' : control[0] === '\t' ? ' (tabulation)' : ''} (attendu : un texte d'une ligne, sans saut de ligne ni tabulation)` });
    else if (missing.length > 0)
      problems.push({ name, message: `${label(name)} ${guillemets(value)} : ${describeCharacters(missing)} absent(s) de la police des documents (Source Sans 3), imprimé(s) comme un rectangle vide (attendu : des lettres, chiffres et signes que la police imprime)` });
  }
  return problems;
}

/**
 * The errors `alses validate` would find in dispositif.yaml once `next` replaces `text` (YAML,
 * shapes, characters, references between its entries) that it does not find now: a last check that an entry written by a yearly
 * job never makes valid data invalid. Errors already there (the staff's own) are not this
 * command's: they are left for `alses validate`.
 */
function newYamlErrors(text: string, next: string, file: string): string[] {
  const errors = (source: string): string[] => {
    const { yaml, diagnostics } = readYaml(source, file);
    if (yaml) {
      const parsed = dispositifSchema.safeParse(yaml.value, { reportInput: true });
      if (!parsed.success) diagnostics.push(...zodIssuesToDiagnostics(parsed.error.issues, yaml, dispositifSchema));
      checkCrossReferences(yaml, diagnostics);
    }
    return diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  };
  const before = new Set(errors(text));
  return errors(next).filter((m) => !before.has(m));
}

/**
 * @throws AlsesError USAGE listing the errors `next` adds to dispositif.yaml (`newYamlErrors`), if any.
 */
function refuseNewYamlErrors(text: string, next: string, file: string): void {
  const added = newYamlErrors(text, next, file);
  if (added.length > 0) throw new AlsesError('USAGE', `${displayPath(file)} deviendrait invalide : rien n'est écrit.\n${added.join('\n')}`);
}

/** The problem of `value` given for `--option` when it is not an ISO calendar date, else undefined. */
function dateProblem(option: string, value: string): string | undefined {
  return isIsoDate(value) ? undefined : `--${option} « ${value} » n'est pas une date (attendu : AAAA-MM-JJ, ex. 2020-07-06)`;
}

/** @throws AlsesError USAGE when `value` is not an ISO calendar date. */
function requireDate(option: string, value: string): IsoDate {
  const problem = dateProblem(option, value);
  if (problem) throw new AlsesError('USAGE', problem);
  return value as IsoDate;
}

/**
 * The problems of a yearly job's options, gathered so that all are reported at once (DEVELOPERS.md:
 * « all problems at once »), and the data folder's dispositif.yaml, read even when an option is
 * wrong so that its own problems are listed too.
 */
class OptionProblems {
  readonly messages: string[] = [];
  add(message: string | undefined): void {
    if (message !== undefined) this.messages.push(message);
  }
  /**
   * What `run` returns, or undefined when it throws an AlsesError while an option is already
   * wrong: its message is then one more problem (dispositif.yaml unreadable, an id taken…).
   * @throws what `run` throws when no option is wrong, or when another command holds the lock.
   */
  async attempt<T>(run: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof AlsesError) || this.messages.length === 0 || err.code === 'LOCKED') throw err;
      this.messages.push(err.message);
      return undefined;
    }
  }
  /** @throws AlsesError USAGE listing every problem, one a line, if any. */
  throwIfAny(): void {
    if (this.messages.length > 0) throw new AlsesError('USAGE', this.messages.join('\n'));
  }
}

/**
 * A path inside the data folder, relative to it, for a `fichier:` entry.
 * @throws AlsesError USAGE when it leads outside the data folder or is absolute.
 */
function insideData(dataDir: string, fichier: string, option: string): { absolute: string; relative: string } {
  const absolute = path.resolve(dataDir, fichier);
  const relative = path.relative(path.resolve(dataDir), absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new AlsesError('USAGE', `--${option} « ${fichier} » sort du dossier de données ${displayPath(dataDir)} (attendu : un chemin dans ce dossier, ex. etats/2020-07-15.csv)`);
  }
  return { absolute, relative: relative.split(path.sep).join('/') };
}

/** The problem of writing the new file `file` when it exists already, else undefined. */
async function existingProblem(file: string): Promise<string | undefined> {
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  return exists ? `${displayPath(file)} existe déjà : rien n'est écrit (attendu : un fichier nouveau ; supprimez ou renommez l'ancien s'il doit être remplacé)` : undefined;
}

/** @throws AlsesError USAGE when `file` exists (`existingProblem`). */
async function refuseExisting(file: string): Promise<void> {
  const problem = await existingProblem(file);
  if (problem) throw new AlsesError('USAGE', problem);
}

/**
 * The front matter of the templates `names` of `templatesDir`, read without compiling them (the
 * form and the checks of a catalogue entry need only their parameters); a template whose file or
 * front matter has a problem is left out (`alses validate` reports it).
 */
async function templateHeads(templatesDir: string, names: readonly string[]): Promise<{ name: string; frontMatter: FrontMatter }[]> {
  const heads: { name: string; frontMatter: FrontMatter }[] = [];
  for (const name of names) {
    const file = path.join(templatesDir, `${name}.hbs`);
    const source = await readTemplateFile(templatesDir, file, [], {});
    const split = source === undefined ? undefined : splitFrontMatter(source);
    const { frontMatter } = split ? readFrontMatter(split.yaml, file) : {};
    if (frontMatter) heads.push({ name, frontMatter });
  }
  return heads;
}

/** A délibération to register, as `deliberations[]` of dispositif.yaml takes it; `id` defaults to the date. */
export type NewDeliberation = Readonly<Omit<z.input<typeof deliberationSchema>, 'id' | 'matiere'> & { id?: string | undefined }>;

/**
 * Registers a délibération in `dataDir/dispositif.yaml`. Every problem of the options is reported
 * at once, with those of dispositif.yaml (unreadable, id taken) found beside them.
 * @throws AlsesError USAGE listing every problem: a malformed date, a text empty or holding a control character or a
 *   character the documents' font cannot print, or one that would make dispositif.yaml invalid;
 *   INVALID_INPUT when the id exists or dispositif.yaml cannot be read, and no option is wrong.
 */
export async function addDeliberation(dataDir: string, d: NewDeliberation): Promise<Written> {
  const problems = new OptionProblems();
  problems.add(dateProblem('date', d.date));
  if (d.objet.trim() === '') problems.add(`--objet vide (attendu : ce que décide la délibération, tel que publié)`);
  for (const p of textProblems({ id: d.id, numero: d.numero, instance: d.instance, objet: d.objet.trim() === '' ? undefined : d.objet }, (name) => `--${name}`)) problems.add(p.message);
  const dispositif = await problems.attempt(() => readDispositif(dataDir));
  const next =
    dispositif &&
    (await problems.attempt(() =>
      addToDispositif(dispositif.text, displayPath(dispositif.file), 'deliberations', { id: d.id ?? d.date, date: d.date, numero: d.numero?.trim(), instance: d.instance?.trim(), objet: d.objet.trim() }),
    ));
  problems.throwIfAny();
  const { file, text } = dispositif!;
  refuseNewYamlErrors(text, next!, file);
  await writeFilesAtomically(dataDir, [{ path: file, bytes: new TextEncoder().encode(next!) }]);
  return { files: [displayPath(file)] };
}

/**
 * A déploiement to register, as `deploiements[]` of dispositif.yaml takes it; its délibération
 * must be registered already, and `fichier` defaults to `deploiements/<id>.csv`.
 */
export type NewDeploiement = Readonly<Omit<z.input<typeof deploiementEntrySchema>, 'fichier'> & { fichier?: string | undefined }>;

/** Header of a new déploiement file (README, "Les données"). */
const DEPLOIEMENT_HEADER = 'Commune;Collège;Éducation prioritaire;ETP\n';

/**
 * Registers a déploiement and creates its CSV file with the header row, for the staff to fill.
 * Every problem of the options is reported at once, with those of dispositif.yaml beside them.
 * @throws AlsesError USAGE listing every problem: a malformed id (`IDENTIFIER_PATTERN`, at most `IDENTIFIER_MAX_LENGTH`
 *   characters) or date, a libellé empty or holding a control character or a character the
 *   documents' font cannot print, an unknown délibération, an existing file, an entry that would
 *   make dispositif.yaml invalid.
 */
export async function addDeploiement(dataDir: string, d: NewDeploiement): Promise<Written> {
  const problems = new OptionProblems();
  if (!isIdentifier(d.id)) problems.add(`--id « ${d.id} » est invalide (attendu : ${IDENTIFIER_EXPECTED}, ex. rentree-2020)`);
  problems.add(dateProblem('effet', d.effet));
  for (const p of textProblems({ libelle: d.libelle }, (name) => `--${name}`)) problems.add(p.message);
  let csv: { absolute: string; relative: string } | undefined;
  try {
    csv = insideData(dataDir, d.fichier ?? `deploiements/${d.id}.csv`, 'fichier');
  } catch (err) {
    if (!(err instanceof AlsesError)) throw err;
    problems.add(err.message);
  }
  const dispositif = await problems.attempt(() => readDispositif(dataDir));
  let next: string | undefined;
  if (dispositif) {
    const deliberations = dispositifIds(dispositif.text, 'deliberations');
    if (!deliberations.includes(d.deliberation)) {
      problems.add(`délibération « ${d.deliberation} » absente de ${displayPath(dispositif.file)} (attendu : l'une de ${deliberations.join(', ') || 'aucune'} ; ajoutez-la d'abord avec « alses deliberation ajouter »)`);
    }
    if (csv) problems.add(await existingProblem(csv.absolute));
    next = await problems.attempt(() =>
      addToDispositif(dispositif.text, displayPath(dispositif.file), 'deploiements', { id: d.id, libelle: d.libelle.trim(), fichier: csv?.relative ?? '', deliberation: d.deliberation, effet: d.effet }),
    );
  }
  problems.throwIfAny();
  const { file, text } = dispositif!;
  refuseNewYamlErrors(text, next!, file);
  await writeFilesAtomically(dataDir, [
    { path: csv!.absolute, bytes: new TextEncoder().encode(DEPLOIEMENT_HEADER) },
    { path: file, bytes: new TextEncoder().encode(next!) },
  ]);
  return { files: [displayPath(csv!.absolute), displayPath(file)] };
}

/**
 * A catalogue document to register (README, "Chaque année") as typed on the command line or in
 * the web page's form, not yet checked: `au` AAAA-MM-JJ, `annexe` a whole number ≥ 1; an
 * absent value is `undefined`.
 */
export interface DocumentFields {
  readonly id: string;
  readonly modele: string;
  readonly au?: string | undefined;
  readonly deploiement?: string | undefined;
  readonly deliberation?: string | undefined;
  readonly annexe?: string | undefined;
}

/** A field of `DocumentFields`. */
export type DocumentField = keyof DocumentFields;

/** The fields of a document to register, in the order of the command's help and the page's form. */
export const DOCUMENT_FIELDS: readonly DocumentField[] = ['id', 'modele', 'au', 'deploiement', 'deliberation', 'annexe'];

/** One problem of a document to register: the field it is about and its French message. */
export interface FieldProblem {
  readonly field: DocumentField;
  readonly message: string;
}

/** Every problem of a document to register, found at once; its message lists them, one a line (exit 2). */
export class DocumentFieldsError extends AlsesError {
  constructor(readonly problems: readonly FieldProblem[]) {
    super('USAGE', problems.map((p) => p.message).join('\n'));
  }
}

/** How a field is named in messages: `--au` on the command line (default), a label on the page. */
export type FieldLabel = (field: DocumentField) => string;

const optionLabel: FieldLabel = (field) => `--${field}`;

/**
 * Registers a document in the catalogue (`documents:` of dispositif.yaml), as `alses document
 * ajouter` and the web page do. Everything the entry names is checked first, and every problem
 * is reported at once: the id (format, not taken), the date, the annex number, the modèle (a
 * template of `templatesDir`) and the parameters it takes (`parametres:` of its front matter:
 * each given, no other), the déploiement and délibération (registered in dispositif.yaml).
 * @param label how each field is named in messages (default: the command-line option).
 * @throws DocumentFieldsError (USAGE) with every problem; AlsesError USAGE when the entry would
 *   make dispositif.yaml invalid all the same (`newYamlErrors`); INVALID_INPUT when
 *   dispositif.yaml cannot be edited; LOCKED when another command writes into the data folder.
 */
export async function addDocument(dataDir: string, d: DocumentFields, templatesDir = 'templates', label: FieldLabel = optionLabel): Promise<Written> {
  const problems: FieldProblem[] = [];
  const problem = (field: DocumentField, message: string): void => void problems.push({ field, message });
  if (d.id === '') problem('id', `${label('id')} manquant (attendu : ${IDENTIFIER_EXPECTED}, ex. annexe-liste-juillet-2020)`);
  else if (!isIdentifier(d.id)) problem('id', `${label('id')} « ${d.id} » est invalide (attendu : ${IDENTIFIER_EXPECTED}, ex. annexe-liste-juillet-2020)`);
  if (d.au !== undefined && !isIsoDate(d.au)) problem('au', `${label('au')} « ${d.au} » n'est pas une date (attendu : AAAA-MM-JJ, ex. 2020-07-06)`);
  const annexe = d.annexe === undefined ? undefined : Number(d.annexe);
  if (annexe !== undefined && !(/^\d+$/.test(d.annexe!.trim()) && annexe >= 1 && annexe <= MAX_ANNEXE))
    problem('annexe', `${label('annexe')} « ${d.annexe} » est invalide (attendu : un numéro entier de 1 à ${MAX_ANNEXE}, ex. 1)`);
  const { file, text } = await readDispositif(dataDir);
  // A list of the state before the first état has nothing to show (trial: accepted, then every
  // document was blocked by « Aucun état au 01/01/2018 ou avant »).
  const dates = etatDates(text);
  if (d.au !== undefined && isIsoDate(d.au) && dates[0] !== undefined && d.au < dates[0])
    problem('au', `${label('au')} « ${d.au} » : avant le premier état, du ${formatShortDate(dates[0])}, il n'y a aucun état à montrer (attendu : une date à partir du ${formatShortDate(dates[0])}, de préférence celle d'un état : ${dates.join(', ')})`);
  // What the entry names must exist, so that a typo is refused here rather than blocking every render.
  const templates = await templateFilesIn(templatesDir);
  // Each template's front matter, read once: the parameters of the modèle, the délibération of each.
  const heads = await templateHeads(templatesDir, templates);
  if (!templates.includes(d.modele))
    problem('modele', `${label('modele')} « ${d.modele} » : aucun modèle de ce nom dans ${displayPath(templatesDir)} (attendu : l'un de ${templates.join(', ') || 'aucun'})`);
  else {
    const takes = heads.find((h) => h.name === d.modele)?.frontMatter.parametres;
    for (const p of TEMPLATE_PARAMETERS) {
      if (takes?.includes(p) && d[p] === undefined) problem(p, `le modèle « ${d.modele} » demande ${label(p)} (attendu : ${p === 'au' ? "la date de l'état que le document présente, AAAA-MM-JJ" : 'le déploiement dont le document liste les postes'})`);
      if (takes && !takes.includes(p) && d[p] !== undefined) problem(p, `le modèle « ${d.modele} » ne prend pas ${label(p)} (attendu : ${takes.map(label).join(', ') || 'aucun'})`);
    }
  }
  const deploiements = dispositifIds(text, 'deploiements');
  if (d.deploiement !== undefined && !deploiements.includes(d.deploiement))
    problem('deploiement', `${label('deploiement')} « ${d.deploiement} » absent de ${displayPath(file)} (attendu : l'un de ${deploiements.join(', ') || 'aucun'} ; ajoutez-le d'abord avec « alses deploiement ajouter »)`);
  const deliberations = dispositifIds(text, 'deliberations');
  if (d.deliberation !== undefined && !deliberations.includes(d.deliberation))
    problem('deliberation', `${label('deliberation')} « ${d.deliberation} » absente de ${displayPath(file)} (attendu : l'une de ${deliberations.join(', ') || 'aucune'} ; ajoutez-la d'abord avec « alses deliberation ajouter »)`);
  // The délibération the document is annexed to: its own, its déploiement's, or its modèle's.
  const annexedTo = annexedDeliberations(text, heads);
  const decided = d.deploiement === undefined ? undefined : annexedTo.byDeploiement.get(d.deploiement);
  const mismatch = d.deliberation !== undefined && deliberations.includes(d.deliberation) && decided !== undefined && d.deliberation !== decided;
  if (mismatch)
    problem(
      'deliberation',
      `${label('deliberation')} « ${d.deliberation} » : le déploiement « ${d.deploiement} » a été décidé par la délibération « ${decided} », à laquelle ce document est annexé (attendu : celle-ci, ou aucune : elle se déduit du déploiement)`,
    );
  const deliberation = d.deliberation ?? decided ?? annexedTo.byModele.get(d.modele);
  // Checked once what gives the délibération (modèle, déploiement, délibération) is right.
  const settled = !problems.some((p) => p.field === 'modele' || p.field === 'deploiement' || p.field === 'deliberation');
  if (annexe !== undefined && Number.isInteger(annexe) && annexe >= 1 && settled) {
    if (deliberation === undefined)
      problem('annexe', `${label('annexe')} « ${d.annexe} » sans délibération : une annexe est numérotée dans la délibération à laquelle elle est jointe (attendu : la délibération à laquelle l'annexe est jointe, ou pas de numéro d'annexe)`);
    else {
      const taken = annexedTo.documents.find((o) => o.annexe === annexe && o.deliberation === deliberation && o.id !== d.id);
      const used = annexedTo.documents.flatMap((o) => (o.deliberation === deliberation && o.annexe !== undefined ? [o.annexe] : []));
      if (taken)
        problem('annexe', `${label('annexe')} « ${annexe} » déjà donné au document « ${taken.id} », annexe de la même délibération « ${deliberation} » (attendu : un autre numéro, ex. ${Math.max(0, ...used) + 1})`);
    }
  }
  let next: string | undefined;
  try {
    next = addToDispositif(text, displayPath(file), 'documents', { id: d.id, modele: d.modele, au: d.au, deploiement: d.deploiement, deliberation: d.deliberation, annexe });
  } catch (err) {
    // An id already taken is a problem of the field; a dispositif.yaml that cannot be edited is not.
    if (!(err instanceof AlsesError && dispositifIds(text, 'documents').includes(d.id))) throw err;
    problem('id', err.message);
  }
  // In the order of the fields (the form's, the command's help), a stable sort.
  if (problems.length || next === undefined) throw new DocumentFieldsError(problems.sort((a, b) => DOCUMENT_FIELDS.indexOf(a.field) - DOCUMENT_FIELDS.indexOf(b.field)));
  refuseNewYamlErrors(text, next, file);
  await writeFilesAtomically(dataDir, [{ path: file, bytes: new TextEncoder().encode(next) }]);
  const warning = auWarning(next, d.id);
  return { files: [displayPath(file)], ...(warning ? { warnings: [warning] } : {}) };
}

/**
 * For each catalogue document of dispositif.yaml `text` (unchecked), the délibération it is
 * annexed to — its own `deliberation`, else its déploiement's, else its modèle's front matter
 * (as `buildAnnexeContext` resolves it) — and its annex number; with the délibération of each
 * déploiement and of each modèle among `heads` (the templates' front matter) that names one.
 */
function annexedDeliberations(text: string, heads: readonly { name: string; frontMatter: FrontMatter }[]): {
  documents: { id: string; annexe: number | undefined; deliberation: string | undefined }[];
  byDeploiement: Map<string, string>;
  byModele: Map<string, string>;
} {
  const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));
  const byDeploiement = new Map<string, string>();
  for (const e of dispositifEntries(text, 'deploiements')) {
    const id = str(e.id);
    const deliberation = str(e.deliberation);
    if (id !== undefined && deliberation !== undefined) byDeploiement.set(id, deliberation);
  }
  const byModele = new Map<string, string>();
  for (const t of heads) if (t.frontMatter.deliberation !== undefined) byModele.set(t.name, t.frontMatter.deliberation);
  const documents = dispositifEntries(text, 'documents').map((e) => {
    const deploiement = str(e.deploiement);
    const modele = str(e.modele);
    return {
      id: str(e.id) ?? '',
      annexe: typeof e.annexe === 'number' ? e.annexe : undefined,
      deliberation: str(e.deliberation) ?? (deploiement === undefined ? undefined : byDeploiement.get(deploiement)) ?? (modele === undefined ? undefined : byModele.get(modele)),
    };
  });
  return { documents, byDeploiement, byModele };
}

/** What the web page's catalogue form offers: the modèles, the délibérations, déploiements and documents registered. */
export interface DocumentChoices {
  /** The annex templates, with the parameters each takes. */
  readonly modeles: readonly { readonly name: string; readonly description: string; readonly parametres: readonly TemplateParameter[] }[];
  /** Each with a French label: « du 01/07/2019 — objet » for a délibération, the libellé for a déploiement, the modèle for a document. */
  readonly deliberations: readonly Choice[];
  readonly deploiements: readonly Choice[];
  readonly documents: readonly Choice[];
}

/** An id and its French label. */
export interface Choice {
  readonly id: string;
  readonly label: string;
}

/**
 * The choices of the catalogue form, read from `dataDir/dispositif.yaml` (unchecked: `alses
 * validate` checks it) and the templates folder.
 * @throws AlsesError INVALID_INPUT when dispositif.yaml cannot be read.
 */
export async function documentChoices(dataDir: string, templatesDir: string): Promise<DocumentChoices> {
  const text = await readFile(path.join(dataDir, DISPOSITIF_FILE), 'utf8').catch(() => '');
  const templates = await templateHeads(templatesDir, await templateFilesIn(templatesDir));
  const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
  const choices = (list: 'deliberations' | 'deploiements' | 'documents', label: (e: Record<string, unknown>) => string): Choice[] =>
    dispositifEntries(text, list).flatMap((e) => (e.id === undefined ? [] : [{ id: str(e.id), label: label(e) }]));
  return {
    modeles: templates.filter((t) => t.frontMatter.kind === 'annexe').map((t) => ({ name: t.name, description: t.frontMatter.description, parametres: t.frontMatter.parametres })),
    deliberations: choices('deliberations', (e) => `du ${isIsoDate(str(e.date)) ? formatShortDate(str(e.date) as IsoDate) : str(e.date)} — ${str(e.objet)}`),
    deploiements: choices('deploiements', (e) => str(e.libelle)),
    documents: choices('documents', (e) => `modèle ${str(e.modele)}${e.annexe === undefined ? '' : `, annexe n° ${str(e.annexe)}`}`),
  };
}

/**
 * Writes the état on date `au` as computed (DESIGN.md: latest état ≤ au plus the deployments
 * effective after it and ≤ au) to a canonical CSV file, and registers it in dispositif.yaml.
 * Rows of a deployment keep their structure porteuse, or "en cours de négociation".
 * @param vers CSV path relative to the data folder (default `etats/<au>.csv`).
 * @throws InvalidInputError when the data is invalid; AlsesError USAGE on a malformed date, an
 *   état already dated `au`, an existing file, or no état on or before `au`.
 */
export async function writeEtat(dataDir: string, au: string, vers?: string): Promise<Written & { colleges: number; etp: number }> {
  const date = requireDate('au', au);
  const { file, text } = await readDispositif(dataDir);
  const { dataset, diagnostics } = await loadDataset(dataDir);
  if (!dataset || hasErrors(diagnostics)) throw new InvalidInputError('Données invalides : aucun fichier écrit (lancez « alses validate »).', diagnostics);
  if (dataset.etats.some((e) => e.date === date)) throw new AlsesError('USAGE', `un état au ${formatShortDate(date)} existe déjà (attendu : une autre date)`);
  if (!dataset.etats.some((e) => e.date <= date)) throw new AlsesError('USAGE', `aucun état au ${formatShortDate(date)} ou avant : rien à reporter (attendu : une date après le premier état)`);
  const csv = insideData(dataDir, vers ?? `etats/${date}.csv`, 'vers');
  await refuseExisting(csv.absolute);
  // In commune order, the deployments' collèges among the others; a post without a structure
  // porteuse yet is "en cours de négociation".
  const rows = newEtatRows(etatAu(dataset, date));
  const next = addToDispositif(text, displayPath(file), 'etats', { date, fichier: csv.relative });
  await writeFilesAtomically(dataDir, [
    { path: csv.absolute, bytes: new TextEncoder().encode(canonicalCsv('etat', rows)) },
    { path: file, bytes: new TextEncoder().encode(next) },
  ]);
  return { files: [displayPath(csv.absolute), displayPath(file)], colleges: rows.length, etp: totalEtp(rows) };
}

/**
 * Removes a document from the catalogue.
 * @throws AlsesError INVALID_INPUT when the catalogue has no such document.
 */
export async function removeDocument(dataDir: string, id: string): Promise<Written> {
  const { file, text } = await readDispositif(dataDir);
  const next = removeFromDispositif(text, displayPath(file), 'documents', id);
  await writeFilesAtomically(dataDir, [{ path: file, bytes: new TextEncoder().encode(next) }]);
  return { files: [displayPath(file)] };
}

/**
 * Writes the files into the data folder as one transaction (`replaceAll`: temporary files, a
 * journal, then renames; rolled back on failure, completed by the next command after a kill),
 * under the data folder's lock, creating the folders they go into — only inside `dataDir`: a file
 * or sub-folder that is a symbolic link leading out of it is refused before anything is written.
 * @throws AlsesError LOCKED when another command writes into the data folder; OUTPUT.
 */
async function writeFilesAtomically(dataDir: string, files: readonly { path: string; bytes: Uint8Array }[]): Promise<void> {
  await checkWritesInside(dataDir, files.map((f) => f.path));
  for (const f of files) await mkdir(path.dirname(f.path), { recursive: true });
  await withOutputLock(dataDir, 0, () => replaceAll(dataDir, files), { folder: 'données' });
}
