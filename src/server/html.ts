/**
 * The staff page, rendered on the server (French, accessible per RGAA: labels on every field,
 * headings in order, a skip link, visible focus, contrast ≥ 4.5:1, keyboard only, no script).
 * Every value is escaped by the `html` tag; only `Html` values pass through as markup.
 */
import type { DataState, DocumentInfo, DocumentParameters, MonthlyReportInfo, Problem } from './engine.ts';
import { formatShortDate, isIsoDate } from '../dates.ts';
import { formatPlace } from '../diagnostics.ts';
import { countOf } from '../format.ts';

/** Markup already escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Value = Html | string | number | undefined | null | false | readonly Value[];
const show = (v: Value): string => (v === undefined || v === null || v === false ? '' : v instanceof Html ? v.value : Array.isArray(v) ? v.map(show).join('') : escapeHtml(String(v)));

/** Tagged template: interpolated values are escaped unless they are `Html`; arrays are joined. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  return new Html(strings.reduce((out, s, i) => out + s + (i < values.length ? show(values[i]!) : ''), ''));
}

/** Style sheet of the page (served as /style.css; no inline style, for the CSP). */
export const STYLE = `
:root { color: #1a1a1a; background: #fff; font-family: system-ui, "Source Sans 3", sans-serif; line-height: 1.5; }
body { margin: 0 auto; max-width: 72rem; padding: 0 1rem 3rem; }
a { color: #0a4f8f; }
a:focus, button:focus, input:focus, select:focus, summary:focus { outline: 3px solid #c45500; outline-offset: 2px; }
.evitement { position: absolute; left: -10000px; top: .5rem; }
.evitement:focus { left: .5rem; z-index: 1; padding: .25rem .5rem; background: #fff; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
pre.changements { white-space: pre-wrap; background: #f4f6f8; border-left: 4px solid #0a4f8f; padding: .5rem .75rem; max-height: 24rem; overflow: auto; }
header { border-bottom: 2px solid #0a4f8f; margin-bottom: 1rem; }
section { margin: 2rem 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #595959; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #e8eef5; }
button { font: inherit; padding: .35rem .9rem; border: 2px solid #0a4f8f; border-radius: 4px; background: #0a4f8f; color: #fff; cursor: pointer; }
button.secondaire { background: #fff; color: #0a4f8f; }
fieldset { border: 1px solid #595959; margin: .5rem 0; }
label { display: inline-block; margin-right: .5rem; font-weight: 600; }
.formulaire { margin: .75rem 0; }
.probleme { margin: 1rem 0; padding: .5rem .75rem; border-left: 4px solid #b00020; background: #fdf3f4; }
.probleme.avertissement { border-left-color: #8a5a00; background: #fff8e6; }
.gravite { font-weight: 700; }
.erreur .gravite { color: #b00020; }
.avertissement .gravite { color: #6b4500; }
td.en-faute { background: #ffe08a; border: 3px solid #b00020; font-weight: 700; }
td.en-faute mark { background: transparent; color: #1a1a1a; }
.message { padding: .5rem .75rem; border: 2px solid #1d6b35; background: #eef7f0; }
.message.echec { border-color: #b00020; background: #fdf3f4; }
.erreur-champ { color: #b00020; }
.apercu img { display: block; max-width: 100%; height: auto; border: 1px solid #595959; margin: .5rem 0 1rem; }
code { font-size: .95em; }
`;

/** The frame of every page: language, title, skip link, header, main. */
export function layout(title: string, body: Html): string {
  return `<!doctype html>\n${html`<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — Documents du dispositif ALSES</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
<header><p><a href="/">Documents du dispositif ALSES</a></p></header>
<main id="contenu">
${body}
</main>
</body>
</html>`.value}\n`;
}

/** A notice at the top of the page: a success (status) or a failure (alert). */
export interface Notice {
  readonly kind: 'succes' | 'echec';
  readonly text: string;
}

const notice = (n: Notice | undefined): Html =>
  n ? html`<p class="message${n.kind === 'echec' ? ' echec' : ''}" role="${n.kind === 'echec' ? 'alert' : 'status'}">${n.text}</p>` : html``;

const SEVERITY = { error: 'Erreur', warning: 'Avertissement' } as const;

/** One problem: severity, place, French message, rule; for a workbook, its row with the faulty cell marked. */
function problemItem(p: Problem, index: number): Html {
  const place = formatPlace(p.place);
  const row = p.row;
  return html`<li class="probleme ${p.severity === 'error' ? 'erreur' : 'avertissement'}">
<p><span class="gravite">${SEVERITY[p.severity]}</span>${place ? html` — <code>${place}</code>` : ''}<br>${p.message} <small>(règle <code>${p.ruleId}</code>)</small></p>
${
  row
    ? html`<table>
<caption>Ligne ${row.row} de la feuille « ${row.sheet} »${row.cells.some((c) => c.faulty) ? ', cellule en faute marquée' : ''}</caption>
<thead><tr><th scope="col"><span class="vh">Ligne</span></th>${row.cells.map((c) => html`<th scope="col" id="p${index}-${c.column}">${c.column}</th>`)}</tr></thead>
<tbody><tr><th scope="row">${row.row}</th>${row.cells.map((c) =>
        c.faulty ? html`<td class="en-faute"><mark>${c.value || '(vide)'}</mark><span class="vh"> (cellule ${c.column}${row.row} en faute)</span></td>` : html`<td>${c.value}</td>`,
      )}</tr></tbody>
</table>`
    : ''
}
</li>`;
}

/** Everything the home page shows. */
export interface HomeModel {
  /** French description of the data in use. */
  readonly dataLabel: string;
  /** Whether the data comes from this session's workspace (not data/). */
  readonly workspace: boolean;
  readonly state?: DataState;
  /** Why the state could not be computed (a limit of the pool…). */
  readonly stateError?: string;
  readonly reports: readonly MonthlyReportInfo[];
  /** Latest month a report can be produced for (`YYYY-MM`). */
  readonly lastMonth: string;
  /** Today in Europe/Paris (`YYYY-MM-DD`): the date the starting workbook of a new état offers. */
  readonly today: string;
  /** For valid uploaded data: what « Enregistrer dans les données » would write, one line each (`saveChanges`). */
  readonly changes?: readonly string[];
  /** The fingerprint of data/ when `changes` were worked out, sent back by the save form (`ServerContext.dataFingerprint`). */
  readonly dataFingerprint?: string;
  readonly notice?: Notice;
  /** Largest upload, in bytes. */
  readonly uploadLimit: number;
  /** The catalogue section (`catalogue-form.ts`), shown with the data of data/. */
  readonly catalogue?: Html;
  /** The page's title when it answers a form that failed, e.g. « Erreur : document non ajouté » (default « Accueil », or « Erreur » with a failure notice). */
  readonly title?: string;
}

const mebibytes = (n: number): string => `${Math.round((n / 1024 / 1024) * 10) / 10} Mio`.replace('.', ',');

const downloadLinks = (d: DocumentInfo, query: string): Html =>
  html`<ul>${[...d.formats, 'zip' as const].map(
    (f) =>
      html`<li><a href="/documents/${encodeURIComponent(d.id)}.${f}${query}" download>${f === 'zip' ? 'ZIP (PDF, DOCX, HTML et manifeste)' : f.toUpperCase()}<span class="vh"> — ${d.title}</span></a></li>`,
  )}</ul>`;

/**
 * What a generic document's download links produce without a choice, in French: « Sans choix :
 * état au 15/07/2021 », « Sans choix : déploiement rentrée 2021 ».
 */
function defaultsOf(d: DocumentInfo): string {
  const parts = d.parameters.flatMap((p) => {
    if (p.default === undefined) return [];
    if (p.kind === 'date') return [`${p.label.toLowerCase()} ${isIsoDate(p.default) ? formatShortDate(p.default) : p.default}`];
    return [`${p.label.toLowerCase()} ${p.choices?.find((c) => c.value === p.default)?.label ?? p.default}`];
  });
  return `Sans choix : ${parts.join(', ')}`;
}

/** The home page: data in use, problems, documents, monthly reports. */
export function homePage(m: HomeModel): string {
  const s = m.state;
  const errors = s?.problemes.filter((p) => p.severity === 'error').length ?? 0;
  const warnings = (s?.problemes.length ?? 0) - errors;
  const summary = s?.summary ? ` : ${countOf(s.summary.etats, 'état', 'états')}, ${countOf(s.summary.deploiements, 'déploiement', 'déploiements')}, ${countOf(s.summary.lignes, 'ligne', 'lignes')}` : '';
  return layout(
    m.title ?? (m.notice?.kind === 'echec' ? 'Erreur — Accueil' : 'Accueil'),
    html`<h1>Documents du dispositif ALSES</h1>
${notice(m.notice)}
<section aria-labelledby="t-donnees">
<h2 id="t-donnees">Données utilisées</h2>
<p>${m.dataLabel}${summary}.</p>
${m.workspace ? html`<p>Ces données restent dans l'espace privé de ce navigateur : le dossier <code>data/</code> n'est pas modifié tant que vous n'avez pas enregistré.</p>` : ''}
<form class="formulaire" method="post" action="/donnees" enctype="multipart/form-data">
<p><label for="fichiers">Classeur Excel (.xlsx) ou fichiers CSV à vérifier</label>
<input type="file" id="fichiers" name="fichiers" multiple required accept=".xlsx,.xlsm,.csv,.yaml" aria-describedby="fichiers-aide">
<span id="fichiers-aide">Glissez le fichier ici ou choisissez-le ; ${mebibytes(m.uploadLimit)} au plus.</span></p>
<p><button type="submit">Vérifier ces données</button></p>
</form>
<form class="formulaire" method="get" action="/classeur.xlsx">
<p><label for="classeur-au">Nouvel état : classeur de départ au</label>
<input type="date" id="classeur-au" name="au" required value="${m.today}" aria-describedby="classeur-aide">
<span id="classeur-aide">L'état calculé à cette date à partir des données de <code>data/</code> (le dernier état et les déploiements effectifs depuis), avec les délibérations, structures porteuses et déploiements : corrigez-le dans votre tableur, ajoutez la délibération et le déploiement de la rentrée, puis déposez-le ci-dessus.</span></p>
<p><button type="submit" class="secondaire">Télécharger le classeur de départ</button></p>
</form>
${
  m.workspace
    ? html`<div class="formulaire">
${
  s?.valide
    ? html`${
        m.changes && m.changes.length > 0
          ? html`<h3 id="t-changements">Ce que l'enregistrement écrira dans <code>data/</code></h3>
<pre class="changements">${m.changes.join('\n')}</pre>
<p>(« + » collèges ajoutés, « − » retirés, « ~ » modifiés ; un nouvel état est comparé à l'état calculé à sa date.)</p>`
          : ''
      }<form method="post" action="/donnees/enregistrer"><input type="hidden" name="donnees" value="${m.dataFingerprint ?? ''}"><p><button type="submit">Enregistrer dans les données</button> <span>écrit <code>dispositif.yaml</code> et les fichiers CSV dans <code>data/</code>, comme <code>alses import</code>.</span></p></form>`
    : html`<p>Corrigez les erreurs pour pouvoir enregistrer ces données dans <code>data/</code>.</p>`
}
<form method="post" action="/donnees/abandonner"><p><button type="submit" class="secondaire">Revenir aux données de data/</button></p></form>
</div>`
    : ''
}
</section>
<section aria-labelledby="t-problemes">
<h2 id="t-problemes">Problèmes</h2>
${
  m.stateError
    ? html`<p class="message echec" role="alert">${m.stateError}</p>`
    : s && s.problemes.length === 0
      ? html`<p id="aucun-probleme">Aucun problème : les données sont valides.</p>`
      : s
        ? html`<p>${countOf(errors, 'erreur', 'erreurs')}, ${countOf(warnings, 'avertissement', 'avertissements')}.</p><ol class="problemes">${s.problemes.map((p, i) => problemItem(p, i))}</ol>`
        : ''
}
</section>
<section aria-labelledby="t-documents">
<h2 id="t-documents">Documents</h2>
${
  s && s.documents.length
    ? html`<table>
<caption>Documents à produire à partir de ces données</caption>
<thead><tr><th scope="col">Document</th><th scope="col">Aperçu et paramètres</th><th scope="col">Télécharger</th></tr></thead>
<tbody>${s.documents.map(
        (d) =>
          html`<tr><th scope="row">${d.title}<br><small><code>${d.id}</code></small>${d.reference ? html`<br><small>${d.reference}</small>` : ''}${
            d.parameters.length ? html`<br><small>${defaultsOf(d)} ; pour un autre choix : « Aperçu et paramètres »</small>` : ''
          }</th>
<td><a href="/documents/${encodeURIComponent(d.id)}">Aperçu<span class="vh"> de « ${d.title} »</span></a></td>
<td>${downloadLinks(d, '')}</td></tr>`,
      )}</tbody>
</table>`
    : html`<p>Aucun document ne peut être produit tant que les données ont des erreurs.</p>`
}
</section>
${m.catalogue ?? ''}
<section aria-labelledby="t-rapports">
<h2 id="t-rapports">Rapports mensuels</h2>
${
  m.reports.length
    ? html`<table>
<caption>Rapports déjà produits (dossier de sortie)</caption>
<thead><tr><th scope="col">Mois</th><th scope="col">Fichiers</th></tr></thead>
<tbody>${m.reports.map(
        (r) =>
          html`<tr><th scope="row">${r.month}</th><td><ul>${Object.entries(r.files).map(
            ([f, name]) => html`<li><a href="/rapports/${encodeURIComponent(name)}" download>${f.toUpperCase()}<span class="vh"> du rapport ${r.month}</span></a></li>`,
          )}</ul></td></tr>`,
      )}</tbody>
</table>`
    : html`<p>Aucun rapport mensuel dans le dossier de sortie.</p>`
}
<form class="formulaire" method="post" action="/rapports">
<p><label for="mois">Mois du rapport (AAAA-MM)</label>
<input type="month" id="mois" name="mois" required max="${m.lastMonth}" value="${m.lastMonth}" pattern="[0-9]{4}-[0-9]{2}" aria-describedby="mois-aide">
<span id="mois-aide">Un mois terminé ; produit à partir de <code>data/</code>, comme <code>alses monthly</code>.</span></p>
<p><button type="submit">Produire le rapport</button></p>
</form>
</section>`,
  );
}

/** Everything the page of one document shows. */
export interface DocumentModel {
  readonly document: DocumentInfo;
  readonly values: DocumentParameters;
  /** Number of preview pages, when the preview rendered. */
  readonly pages?: number;
  readonly error?: string;
}

/** The query string of parameter values (`?au=…&deploiement=…`), or '' when none. */
export function parameterQuery(values: DocumentParameters): string {
  const q = new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The page of one document: its parameters (one field each), downloads, and its PDF pages. */
export function documentPage(m: DocumentModel): string {
  const d = m.document;
  const query = parameterQuery(m.values);
  const field = (p: DocumentInfo['parameters'][number]): Html => {
    const id = `param-${p.name}`;
    const value = m.values[p.name] ?? p.default ?? '';
    return p.kind === 'date'
      ? html`<p><label for="${id}">${p.label}</label><input type="date" id="${id}" name="${p.name}" value="${value}"></p>`
      : html`<p><label for="${id}">${p.label}</label><select id="${id}" name="${p.name}">${(p.choices ?? []).map(
          (c) => html`<option value="${c.value}"${c.value === value ? html` selected` : ''}>${c.label} (${c.value})</option>`,
        )}</select></p>`;
  };
  return layout(
    d.title,
    html`<h1>${d.title}</h1>
<p><a href="/">Retour à l'accueil</a></p>
${d.description ? html`<p>${d.description}</p>` : ''}
${
  d.parameters.length
    ? html`<form class="formulaire" method="get" action="/documents/${encodeURIComponent(d.id)}">
<fieldset><legend>Paramètres du document</legend>
${d.parameters.map(field)}
</fieldset>
<p><button type="submit">Mettre à jour l'aperçu</button></p>
</form>`
    : ''
}
<section aria-labelledby="t-telecharger">
<h2 id="t-telecharger">Télécharger</h2>
${downloadLinks(d, query)}
</section>
<section class="apercu" aria-labelledby="t-apercu">
<h2 id="t-apercu">Aperçu du PDF</h2>
${
  m.error
    ? html`<p class="message echec" role="alert">${m.error}</p>`
    : html`<p>Les pages du PDF tel qu'il sera téléchargé (${countOf(m.pages ?? 0, 'page', 'pages')}).</p>
${Array.from(
  { length: m.pages ?? 0 },
  (_, i) => html`<img src="/documents/${encodeURIComponent(d.id)}/pages/${i + 1}.png${query}" alt="Page ${i + 1} sur ${m.pages ?? 0} du PDF « ${d.title} »" width="800">`,
)}`
}
</section>`,
  );
}

/** A page that only says what went wrong. */
export function errorPage(title: string, message: string): string {
  return layout(title, html`<h1>${title}</h1><p class="message echec" role="alert">${message}</p><p><a href="/">Retour à l'accueil</a></p>`);
}
