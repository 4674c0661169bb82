/**
 * Edits `dispositif.yaml` in place for the yearly work of the staff (issue "Every deliberation,
 * every year") and for `alses import`: registering a délibération, a structure porteuse, an état,
 * a déploiement or a catalogue document without writing YAML by hand. The `yaml` library edits the document tree, so every comment,
 * blank line and key order the staff wrote is kept; only the new entry is added at the end of
 * its list.
 */
import { MAX_YAML_ALIASES } from './read/yaml.ts';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { AlsesError } from '../errors.ts';

/** The lists of `dispositif.yaml` a command can add to, and the key that identifies an entry. */
export const DISPOSITIF_LISTS = {
  deliberations: 'id',
  structuresPorteuses: 'sigle',
  etats: 'date',
  deploiements: 'id',
  documents: 'id',
} as const;

/** A list of `dispositif.yaml` that commands add to. */
export type DispositifList = keyof typeof DISPOSITIF_LISTS;

/** French names of the lists, for messages. */
const LIST_NAMES: Record<DispositifList, { entry: string; feminine: boolean }> = {
  deliberations: { entry: 'délibération', feminine: true },
  structuresPorteuses: { entry: 'structure porteuse', feminine: true },
  etats: { entry: 'état', feminine: false },
  deploiements: { entry: 'déploiement', feminine: false },
  documents: { entry: 'document', feminine: false },
};

/** Serialisation options that give back the same bytes for an unchanged file. */
const TO_STRING = { lineWidth: 0, flowCollectionPadding: false } as const;

/**
 * Adds `entry` at the end of the list `list` of a `dispositif.yaml` text and returns the new text.
 * The list is created (at the end of the file, with a comment) if the file has none.
 *
 * Keys whose value is `undefined` are left out. Comments and formatting elsewhere are kept byte
 * for byte.
 *
 * @param file the file's path as shown to users, named in errors.
 * @throws AlsesError `INVALID_INPUT` (French message) when the text is not valid YAML, when
 *   `list` is not a list in it, or when an entry with the same identifier already exists.
 */
export function addToDispositif(text: string, file: string, list: DispositifList, entry: Readonly<Record<string, unknown>>): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new AlsesError('INVALID_INPUT', `${file} n'est pas un fichier YAML valide (lancez « alses validate » pour voir où)`);
  }
  if (!isMap(doc.contents)) {
    throw new AlsesError('INVALID_INPUT', `${file} ne décrit pas un dispositif (attendu : des clés « collectivite », « deliberations »…)`);
  }
  const clean = Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
  const key = DISPOSITIF_LISTS[list];
  const id = String(clean[key]);
  const names = LIST_NAMES[list];
  const existing = doc.get(list, true);
  if (existing === undefined || existing === null) {
    doc.set(list, doc.createNode([clean]));
    const pair = doc.contents.items.at(-1);
    if (pair && typeof pair.key === 'object' && pair.key !== null && 'commentBefore' in pair.key) {
      (pair.key as { commentBefore?: string }).commentBefore = LIST_COMMENTS[list];
      (pair.key as { spaceBefore?: boolean }).spaceBefore = true;
    }
    return doc.toString(TO_STRING);
  }
  if (!isSeq(existing)) {
    throw new AlsesError('INVALID_INPUT', `${file} : « ${list} » n'est pas une liste (attendu : une liste d'entrées commençant par « - »)`);
  }
  const ids = idsOf(doc, list, key);
  if (ids.includes(id)) {
    throw new AlsesError(
      'INVALID_INPUT',
      `${names.feminine ? 'la' : 'le'} ${names.entry} « ${id} » existe déjà dans ${file} (attendu : un ${key} nouveau ; ${
        list === 'documents'
          ? 'pour le modifier, retirez-le du catalogue (« Retirer du catalogue » sur la page, ou alses document supprimer) puis ajoutez-le de nouveau'
          : `pour ${names.feminine ? 'la' : 'le'} modifier, éditez le fichier`
      })`,
    );
  }
  existing.add(doc.createNode(clean));
  return doc.toString(TO_STRING);
}

/**
 * Removes the entry whose identifier is `id` from the list `list` of a `dispositif.yaml` text and
 * returns the new text (comments elsewhere kept).
 * @throws AlsesError `INVALID_INPUT` (French message) when the text is not valid YAML or holds no
 *   such entry.
 */
export function removeFromDispositif(text: string, file: string, list: DispositifList, id: string): string {
  const doc = parseDocument(text);
  const names = LIST_NAMES[list];
  const ids = doc.errors.length ? [] : idsOf(doc, list, DISPOSITIF_LISTS[list]);
  const index = ids.indexOf(id);
  const seq = doc.get(list, true);
  if (index < 0 || !isSeq(seq)) {
    throw new AlsesError('INVALID_INPUT', `${names.feminine ? 'la' : 'le'} ${names.entry} « ${id} » n'est pas dans ${file} (attendu : l'un de ${ids.join(', ') || 'aucun'})`);
  }
  seq.items.splice(index, 1);
  return doc.toString(TO_STRING);
}

/**
 * Identifiers of the entries of the list `list` of a `dispositif.yaml` text (ids, or dates for
 * `etats`); none when the text does not parse or has no such list.
 */
export function dispositifIds(text: string, list: DispositifList): string[] {
  const key = DISPOSITIF_LISTS[list];
  return dispositifEntries(text, list).flatMap((item) => (key in item ? [String(item[key])] : []));
}

/**
 * The entries of the list `list` of a `dispositif.yaml` text, as plain objects, unchecked; none
 * when the text does not parse or has no such list.
 */
export function dispositifEntries(text: string, list: DispositifList): Record<string, unknown>[] {
  const doc = parseDocument(text);
  return doc.errors.length ? [] : entriesOf(doc, list);
}

function idsOf(doc: Document, list: DispositifList, key: string): string[] {
  return entriesOf(doc, list).flatMap((item) => (key in item ? [String(item[key])] : []));
}

function entriesOf(doc: Document, list: DispositifList): Record<string, unknown>[] {
  let value: Record<string, unknown> | null;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as Record<string, unknown> | null;
  } catch {
    return []; // aliases beyond the limit: the loader reports them
  }
  const items = value?.[list];
  if (!Array.isArray(items)) return [];
  return items.filter((item: unknown): item is Record<string, unknown> => item !== null && typeof item === 'object');
}

/** Comment written above a list the file did not have yet. */
const LIST_COMMENTS: Record<DispositifList, string> = {
  deliberations: ' Délibérations citées par les objectifs, les déploiements et les documents.',
  structuresPorteuses: ' Associations qui portent les postes, sigle tel que publié.',
  etats: ' États datés : la liste complète des collèges dotés d\'un ALSES à cette date.',
  deploiements: ' Déploiements : postes créés par une délibération, effectifs à la date « effet ».',
  documents:
    ' Documents annexés aux délibérations : « alses render » les produit tous.\n' +
    ' modele : le modèle (templates/<modele>.hbs) ; au : la date de l\'état (annexe-liste) ;\n' +
    ' deploiement : l\'id du déploiement (annexe-deploiement) ; annexe : son numéro.',
};
