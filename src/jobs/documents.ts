/**
 * Which documents a run renders (DESIGN.md, "Documents: generic templates and a catalogue"):
 * the catalogue's entries (`documents:` of dispositif.yaml) by default or by id, or a template by
 * name with its parameters from the command line (`--au`, `--deploiement`). A request names the
 * output files and carries the values the view model needs; where each value was written is kept
 * for messages.
 */
import type { z } from 'zod';
import type { CatalogueDocument, Dataset } from '../dataset/model.ts';
import { readYaml } from '../dataset/read/yaml.ts';
import type { documentEntrySchema } from '../dataset/schema.ts';
import { isIsoDate } from '../dates.ts';
import type { Diagnostic, Place } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
import type { AnnexeSelection } from '../reports/annexe.ts';
import { TEMPLATE_PARAMETERS, type LoadedTemplate, type TemplateParameter } from '../templates/environment.ts';

/**
 * A document to render: output name, template and parameters (`au`, `deploiement`,
 * `deliberation`, `annexe`: those of a catalogue entry, see `documentEntrySchema`).
 */
export interface DocumentRequest extends Readonly<Pick<z.input<typeof documentEntrySchema>, 'au' | 'deploiement' | 'deliberation' | 'annexe' | 'signature' | 'publication'>> {
  /** Base name of the output files (`<name>.pdf`…): the catalogue id, or the template name and its parameters. */
  readonly name: string;
  /** Template name (file `<templates>/<template>.hbs`). */
  readonly template: string;
  /** `true` for a template named on the command line with `--au`/`--deploiement`. */
  readonly commandLine?: boolean | undefined;
  /** Where each value was written (the catalogue entry in dispositif.yaml), for messages. */
  readonly places?: AnnexeSelection['places'] & { readonly modele?: Place };
}

/** What a command asks to render. */
export interface RenderSelection {
  /** Catalogue ids or template names; empty for the whole catalogue. */
  readonly names?: readonly string[];
  /** `--au`: the date of the état, for a template taking `au`. */
  readonly au?: string | undefined;
  /** `--deploiement`: the déploiement id, for a template taking `deploiement`. */
  readonly deploiement?: string | undefined;
  /** `--publie-le`: the publication date printed on every document rendered ("Publié le …"). */
  readonly publication?: string | undefined;
}

/** The source of the catalogue: its entries and a way to place each field in dispositif.yaml. */
export interface Catalogue {
  readonly documents: readonly CatalogueDocument[];
  /** Place of `documents[i].<key>` in dispositif.yaml. */
  readonly locate: (index: number, key: string) => Place | undefined;
}

/**
 * The catalogue of a dataset, placed in its dispositif.yaml (given as loaded: file as shown, bytes);
 * without the entries left out for errors.
 */
export function catalogueOf(dataset: Dataset, dispositif: { readonly file: string; readonly bytes: Uint8Array } | undefined): Catalogue {
  const yaml = dispositif ? readYaml(new TextDecoder().decode(dispositif.bytes), dispositif.file).yaml : undefined;
  // The catalogue leaves out the entries with errors (`FaultyEntry` 'document'): an entry is
  // placed by its id among the file's entries (the first of two with one id is the one kept).
  const value = yaml?.value as { documents?: unknown } | undefined;
  const ids = Array.isArray(value?.documents) ? value.documents.map((e: unknown) => (e !== null && typeof e === 'object' ? (e as { id?: unknown }).id : undefined)) : [];
  const index = (i: number): number => {
    const at = ids.indexOf(dataset.documents[i]?.id);
    return at >= 0 ? at : i;
  };
  return { documents: dataset.documents, locate: (i, key) => yaml?.locate(['documents', index(i), key]) };
}

/** Output base name of a template rendered with command-line parameters, e.g. `annexe-liste-2020-09-30`. */
export const requestName = (template: string, au?: string, deploiement?: string): string => [template, au, deploiement].filter(Boolean).join('-');

/**
 * Resolves a selection against the catalogue and the template names available.
 * - no name: every catalogue entry; with no catalogue, every template (the caller keeps the
 *   annex templates that take no parameter);
 * - a catalogue id: that entry, with its own parameters;
 * - a template name: that template, with `--au`/`--deploiement`.
 * @throws AlsesError USAGE when `--au`/`--deploiement` are given without a template name, with a
 *   catalogue id, or malformed, or when a name is neither a catalogue id nor a template.
 */
export function resolveRequests(catalogue: Catalogue | undefined, templateNames: readonly string[], selection: RenderSelection): DocumentRequest[] {
  if (selection.publication !== undefined && !isIsoDate(selection.publication))
    throw new AlsesError('USAGE', `--publie-le « ${selection.publication} » n'est pas une date (attendu : AAAA-MM-JJ, ex. 2019-07-05)`);
  const published = (r: DocumentRequest): DocumentRequest => (selection.publication === undefined ? r : { ...r, publication: selection.publication });
  return resolveNamed(catalogue, templateNames, selection).map(published);
}

function resolveNamed(catalogue: Catalogue | undefined, templateNames: readonly string[], selection: RenderSelection): DocumentRequest[] {
  const names = selection.names ?? [];
  const cliParams = selection.au !== undefined || selection.deploiement !== undefined;
  if (selection.au !== undefined && !isIsoDate(selection.au)) throw new AlsesError('USAGE', `--au « ${selection.au} » n'est pas une date (attendu : AAAA-MM-JJ, ex. 2020-09-30)`);
  const fromEntry = (entry: CatalogueDocument, i: number): DocumentRequest => ({
    name: entry.id,
    template: entry.modele,
    au: entry.au,
    deploiement: entry.deploiement,
    deliberation: entry.deliberation,
    annexe: entry.annexe,
    signature: entry.signature,
    publication: entry.publication,
    places: placesOf(catalogue!, i),
  });
  if (names.length === 0) {
    if (cliParams) throw new AlsesError('USAGE', 'Indiquez le modèle auquel donner --au ou --deploiement (ex. alses render annexe-liste --au 2020-09-30)');
    if (catalogue && catalogue.documents.length > 0) return catalogue.documents.map(fromEntry);
    return templateNames.map((t) => ({ name: t, template: t }));
  }
  const requests: DocumentRequest[] = [];
  for (const name of names) {
    const index = catalogue?.documents.findIndex((d) => d.id === name) ?? -1;
    if (index >= 0) {
      if (cliParams)
        throw new AlsesError('USAGE', `« ${name} » est un document du catalogue : ses paramètres sont dans dispositif.yaml (attendu : sans --au ni --deploiement, ou le nom d'un modèle)`);
      requests.push(fromEntry(catalogue!.documents[index]!, index));
    } else if (templateNames.includes(name)) {
      requests.push({ name: requestName(name, selection.au, selection.deploiement), template: name, au: selection.au, deploiement: selection.deploiement, commandLine: true });
    } else {
      const ids = catalogue?.documents.map((d) => d.id) ?? [];
      throw new AlsesError(
        'USAGE',
        `« ${name} » n'est ni un document du catalogue ni un modèle (attendu : l'un de ${[...ids, ...templateNames.filter((t) => !ids.includes(t))].join(', ') || 'aucun'})`,
      );
    }
  }
  return requests.filter((r, i) => requests.findIndex((o) => o.name === r.name) === i);
}

/** Where the catalogue entry `i` gives each value (only the values it gives). */
function placesOf(catalogue: Catalogue, i: number): DocumentRequest['places'] {
  const place = (key: string) => catalogue.locate(i, key);
  const out: Record<string, Place> = {};
  for (const [key, yamlKey] of [
    ['etat', 'au'],
    ['deploiement', 'deploiement'],
    ['deliberation', 'deliberation'],
    ['modele', 'modele'],
  ] as const) {
    const p = catalogue.documents[i]?.[yamlKey] !== undefined ? place(yamlKey) : undefined;
    if (p) out[key] = p;
  }
  return out;
}

/**
 * Checks a request's parameters against its template's `parametres`: each one the template takes
 * is given, none it does not take is (`template/parameter`). Placed at the catalogue entry, or at
 * the template's front matter for the command line.
 */
export function checkParameters(request: DocumentRequest, template: LoadedTemplate): Diagnostic[] {
  const takes = template.frontMatter.parametres;
  const given = TEMPLATE_PARAMETERS.filter((p) => request[p] !== undefined);
  const place = request.places?.modele ?? { file: template.file, line: template.keyLines['parametres'] ?? 1 };
  const option = (p: TemplateParameter): string => (request.places ? `« ${p}: »` : `--${p}`);
  const problems: Diagnostic[] = [];
  for (const p of takes.filter((p) => !given.includes(p)))
    problems.push({
      severity: 'error',
      ruleId: 'template/parameter',
      message: `Le modèle « ${template.name} » demande le paramètre ${option(p)} pour « ${request.name} » (attendu : ${p === 'au' ? 'une date AAAA-MM-JJ, ex. 2020-09-30' : "l'id d'un déploiement, ex. rentree-2020"})`,
      place,
    });
  for (const p of given.filter((p) => !takes.includes(p)))
    problems.push({
      severity: 'error',
      ruleId: 'template/parameter',
      message: `Le modèle « ${template.name} » ne prend pas le paramètre ${option(p)} (attendu : ${takes.map((t) => option(t)).join(', ') || 'aucun paramètre'})`,
      place,
      actual: String(request[p]),
    });
  return problems;
}
