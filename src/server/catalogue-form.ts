/**
 * The catalogue section of the home page (README, "Page web"): a form to add a document to the
 * catalogue of data/dispositif.yaml, as `alses document ajouter` does, and one to remove a
 * document, as `alses document supprimer`. Every problem of a refused entry is listed at the top
 * of the form (links to the fields) and under its field (`aria-describedby`, `aria-invalid`).
 */
import type { DocumentChoices, DocumentField, FieldLabel, FieldProblem } from './engine.ts';
import { html, type Html } from './html.ts';
import { IDENTIFIER_MAX_LENGTH, MAX_ANNEXE } from '../dataset/schema.ts';

/** The values typed in the form (as sent back after a refusal), by field. */
export type CatalogueValues = Readonly<Partial<Record<DocumentField, string>>>;

/** What the catalogue section shows. */
export interface CatalogueModel {
  readonly choices: DocumentChoices;
  /** The values sent, after a refusal. */
  readonly values?: CatalogueValues;
  /** The problems of the refused entry, each at its field. */
  readonly problems?: readonly FieldProblem[];
}

/** Field labels as the form shows them. */
const LABELS: Record<DocumentField, string> = {
  id: 'Identifiant du document',
  modele: 'Modèle',
  au: "Date de l'état",
  deploiement: 'Déploiement',
  deliberation: 'Délibération',
  annexe: "Numéro d'annexe",
};

/** How a field is named inside a message of the page (« le modèle … demande la date de l'état »). */
export const pageFieldLabel: FieldLabel = (field) =>
  ({ id: "l'identifiant", modele: 'le modèle', au: "la date de l'état", deploiement: 'le déploiement', deliberation: 'la délibération', annexe: "le numéro d'annexe" })[field];

const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The section « Catalogue des documents annexés »: the form to add, and the one to remove. */
export function catalogueSection(m: CatalogueModel): Html {
  const values = m.values ?? {};
  const problems = m.problems ?? [];
  const { choices } = m;
  /** « Pour le modèle annexe-liste », « Pour les modèles a, b ». */
  const takers = (p: 'au' | 'deploiement'): string => {
    const names = choices.modeles.filter((t) => t.parametres.includes(p)).map((t) => t.name);
    return `${names.length > 1 ? 'Pour les modèles' : 'Pour le modèle'} ${names.join(', ') || 'aucun'}`;
  };
  /** A field's markup: label, control, help and its problems. */
  const field = (name: DocumentField, control: (describedBy: string, invalid: Html) => Html, help: Html | string): Html => {
    const mine = problems.filter((p) => p.field === name);
    const ids = [`doc-${name}-aide`, ...mine.map((_, i) => `doc-${name}-erreur-${i}`)].join(' ');
    return html`<p><label for="doc-${name}">${LABELS[name]}</label>
${control(ids, mine.length ? html` aria-invalid="true"` : html``)}
<br><span id="doc-${name}-aide">${help}</span>${mine.map((p, i) => html`<br><strong class="erreur-champ" id="doc-${name}-erreur-${i}">${capitalized(p.message)}</strong>`)}</p>`;
  };
  const select = (name: 'modele' | 'deploiement' | 'deliberation', empty: string | undefined, options: readonly { id: string; label: string }[]) =>
    field(
      name,
      (d, invalid) => html`<select id="doc-${name}" name="${name}" aria-describedby="${d}"${invalid}${empty === undefined ? html` required` : ''}>
${empty === undefined ? '' : html`<option value="">${empty}</option>`}${options.map((o) => html`<option value="${o.id}"${values[name] === o.id ? html` selected` : ''}>${o.label}</option>`)}
</select>`,
      name === 'modele'
        ? html`Le modèle dit ce que montre le document (dossier <code>templates/</code>).`
        : name === 'deploiement'
          ? `${takers('deploiement')} : les postes créés par ce déploiement ; le document est annexé à la délibération qui l'a décidé.`
          : "La délibération à laquelle le document est annexé, imprimée sur sa ligne « Annexe n° … à la délibération du … » ; pour un document de déploiement, laissez « aucune » : c'est celle du déploiement. Un numéro d'annexe demande une délibération.",
    );
  return html`<section aria-labelledby="t-catalogue">
<h2 id="t-catalogue">Catalogue des documents annexés</h2>
<p>Les documents du catalogue (fichier <code>data/dispositif.yaml</code>) sont ceux que cette page propose au téléchargement, chacun avec sa ligne « Annexe n° … à la délibération du … ». Ajouter ou retirer un document ici modifie ce fichier (comme les commandes <code>alses document ajouter</code> et <code>alses document supprimer</code>).</p>
<form class="formulaire" method="post" action="/catalogue" novalidate>
<fieldset><legend>Ajouter un document au catalogue</legend>
${
  problems.length
    ? html`<div class="message echec" role="alert" id="catalogue-problemes" tabindex="-1" autofocus><p>Le document n'a pas été ajouté : ${problems.length === 1 ? 'un problème' : `${problems.length} problèmes`} à corriger.</p>
<ul>${problems.map((p) => html`<li><a href="#doc-${p.field}">${LABELS[p.field]}</a> : ${p.message}</li>`)}</ul></div>`
    : ''
}
${field(
  'id',
  (d, invalid) => html`<input type="text" id="doc-id" name="id" required value="${values.id ?? ''}" aria-describedby="${d}"${invalid}>`,
  `En minuscules, chiffres et tirets, au plus ${IDENTIFIER_MAX_LENGTH} caractères ; il nomme aussi les fichiers produits (ex. annexe-liste-juillet-2020).`,
)}
${select('modele', undefined, choices.modeles.map((t) => ({ id: t.name, label: `${t.name} — ${t.description}` })))}
${field(
  'au',
  (d, invalid) => html`<input type="date" id="doc-au" name="au" value="${values.au ?? ''}" aria-describedby="${d}"${invalid}>`,
  `${takers('au')} : la liste des collèges dotés à cette date.`,
)}
${select('deploiement', '— aucun —', choices.deploiements.map((c) => ({ id: c.id, label: `${c.label} (${c.id})` })))}
${select('deliberation', '— aucune (ou celle du déploiement) —', choices.deliberations)}
${field(
  'annexe',
  (d, invalid) => html`<input type="number" id="doc-annexe" name="annexe" min="1" max="${MAX_ANNEXE}" step="1" value="${values.annexe ?? ''}" aria-describedby="${d}"${invalid}>`,
  'Le numéro de l\'annexe à sa délibération (« Annexe n° 1 ») ; laissez vide pour un document sans numéro.',
)}
</fieldset>
<p><button type="submit">Ajouter au catalogue</button></p>
</form>
${
  choices.documents.length
    ? html`<form class="formulaire" method="post" action="/catalogue/retirer">
<fieldset><legend>Retirer un document du catalogue</legend>
<p><label for="retirer-id">Document</label>
<select id="retirer-id" name="id" required aria-describedby="retirer-aide">${choices.documents.map((c) => html`<option value="${c.id}">${c.id} (${c.label})</option>`)}</select>
<br><span id="retirer-aide">Ses fichiers déjà produits restent dans le dossier de sortie.</span></p>
<p><input type="checkbox" id="retirer-confirme" name="confirme" value="oui" required> <label for="retirer-confirme">Oui, retirer ce document du catalogue</label></p>
</fieldset>
<p><button type="submit" class="secondaire">Retirer du catalogue</button></p>
</form>`
    : ''
}
</section>`;
}
