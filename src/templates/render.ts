/**
 * From a template and its view model to the Document AST: renders the front matter's strings and
 * the body with Handlebars (strict: a misspelt field is an error, never an empty cell), then
 * parses the HTML subset.
 */
import { hasErrors, positionAt, type Diagnostic } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
import { document, image } from '../document/builders.ts';
import type { DocumentMeta, DocumentNode } from '../document/nodes.ts';
import { LOGO_BOX } from '../dataset/model.ts';
import type { AnnexeContext } from '../reports/annexe.ts';
import { parseHtmlSubset, type ChartSource } from '../document/parse.ts';
import { formatDate, parseIsoDate } from '../dates.ts';
import { collectValueProblems } from './compile.ts';
import { compiledSource, describeRunError, TemplateRunError, type LoadedTemplate, type TemplateSet } from './environment.ts';

/** A rendered document, ready for the writers. */
export interface RenderedDocument {
  /** Template name = base name of the output files. */
  readonly name: string;
  readonly document: DocumentNode;
  /** Template file the document comes from (as shown in messages). */
  readonly template: string;
}

/**
 * Runs a Handlebars source strictly; an error becomes a `template/render` diagnostic placed in the
 * file where it happened (the template, or the partial it calls) at its line and column.
 */
function run(
  set: TemplateSet,
  template: LoadedTemplate,
  source: string,
  context: object,
  what: string,
  lineOffset: number,
  diagnostics: Diagnostic[],
  options: { text?: boolean } = {},
): string | undefined {
  try {
    // Front-matter fields are text, never HTML (issue 12): not escaped here, escaped by each
    // writer where its format needs it — "Département de l'Aisne" stays as written.
    const compiled = compiledSource(set.env, template, source, lineOffset, { noEscape: options.text === true });
    const { result, problems } = collectValueProblems(() => compiled(context));
    diagnostics.push(...problems.map((d) => ({ ...d, message: `${what} : ${d.message}` })));
    return problems.length > 0 ? undefined : result;
  } catch (err) {
    const { message, line, column } = describeRunError(err, source);
    const inPartial = err instanceof TemplateRunError && err.file !== undefined && err.file !== template.file;
    const file = inPartial ? (err as TemplateRunError).file! : template.file;
    const place = { file, ...(line !== undefined ? { line: line + (inPartial ? 0 : lineOffset), ...(column !== undefined ? { column } : {}) } : {}) };
    diagnostics.push({ severity: 'error', ruleId: 'template/render', message: `${what} : ${message}`, place });
    return undefined;
  }
}

/**
 * Renders one template with its view model into a document.
 * @param context the view model (reports/: an annex or the monthly report); its `date` is the
 *   document's date unless the front matter gives one.
 * @param options.charts charts the template may show as `<img src="chart:NAME">`.
 * @returns the document and the diagnostics found on the way (none of them an error).
 * @throws AlsesError OUTPUT with diagnostics when rendering fails: a Handlebars error while
 *   running the template (misspelt field, helper given a wrong value) or markup outside the HTML
 *   subset in its output (exit code 3).
 */
export function renderTemplate(
  set: TemplateSet,
  template: LoadedTemplate,
  context: object,
  options: { charts?: Readonly<Record<string, ChartSource>> } = {},
): { rendered: RenderedDocument; diagnostics: Diagnostic[] } {
  const fm = template.frontMatter;
  const diagnostics: Diagnostic[] = [];
  const field = (name: string, value: string): string => run(set, template, value, context, `En-tête « ${name} »`, 1, diagnostics, { text: true }) ?? '';
  const title = field('title', fm.title);
  const subject = field('subject', fm.subject);
  const header = field('header', fm.header);
  const footer = field('footer', fm.footer);
  const date = fm.date === undefined ? (context as { date: string }).date : field('date', fm.date);
  if (date) {
    try {
      parseIsoDate(date);
    } catch {
      diagnostics.push({ severity: 'error', ruleId: 'template/date', message: `Date du document « ${date} » invalide (attendu : AAAA-MM-JJ)`, place: { file: template.file } });
    }
  }
  const html = run(set, template, template.body, context, 'Modèle', template.bodyLineOffset, diagnostics);
  // A helper's result that is a list of objects (e.g. {{lookup etat "rows"}}) is not checked where
  // written (`compile.ts` checks plain expressions): caught here, on the line of the output.
  if (html?.includes('[object Object]')) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/object-value',
      message: `Modèle : une expression affiche un objet ou une liste (« [object Object] ») au lieu d'un texte (attendu : un champ simple, ex. {{date deploiement.deliberation.date}} ; ligne de la sortie du modèle)`,
      place: { file: template.file, line: positionAt(html, html.indexOf('[object Object]')).line },
    });
  }
  const parsed = html === undefined ? undefined : parseHtmlSubset(html, { file: template.file, ...(options.charts ? { charts: options.charts } : {}) });
  if (parsed && html !== undefined) diagnostics.push(...parsed.diagnostics.map((d) => inSource(set, template, html, d)));
  if (!parsed || hasErrors(diagnostics)) throw new AlsesError('OUTPUT', `Échec de la production du document « ${template.name} » : aucun fichier écrit.`, diagnostics);
  const author = (context as { collectivite?: { nom: string } }).collectivite?.nom ?? '';
  const deliberation = (context as { deliberation?: { date: string; numero?: string | undefined; matiere?: string | undefined } | null }).deliberation;
  const acte = deliberation
    ? { acte: { nature: 'DE' as const, date: deliberation.date, ...(deliberation.numero ? { numero: deliberation.numero } : {}), ...(deliberation.matiere ? { matiere: deliberation.matiere } : {}) } }
    : {};
  return {
    rendered: {
      name: template.name,
      template: template.file,
      document: document({ title, subject, author, orientation: fm.orientation, header, footer, date, language: 'fr-FR', ...acte, ...furniture(context) }, parsed.blocks),
    },
    diagnostics,
  };
}

/**
 * A problem found in the rendered output, placed where the template (or a partial) writes the
 * element: when the element's opening tag, as output (e.g. `<img src="chart:x" alt="x">`), is
 * written once in those sources, its place there; otherwise the diagnostic as it is, on the line
 * of the output (issue 12: an `<img>` was placed on a line of the rendered output).
 */
function inSource(set: TemplateSet, template: LoadedTemplate, html: string, d: Diagnostic): Diagnostic {
  const { line, column } = d.place ?? {};
  if (line === undefined || column === undefined) return d;
  const lines = html.split('\n');
  const tag = /^<[^>]*>/.exec(lines[line - 1]?.slice(column - 1) ?? '')?.[0];
  if (!tag) return d;
  const sources: [string, string, number][] = [[template.file, template.body, template.bodyLineOffset], ...Object.entries(set.partialSources).map(([f, t]): [string, string, number] => [f, t, 0])];
  const found = sources.flatMap(([file, text, offset]) => {
    const at = text.indexOf(tag);
    return at < 0 || text.indexOf(tag, at + 1) >= 0 ? (at < 0 ? [] : [undefined]) : [{ file, offset, ...positionAt(text, at) }];
  });
  const only = found.length === 1 ? found[0] : undefined;
  if (!only) return d;
  return { ...d, message: d.message.replace(' (ligne de la sortie du modèle)', ''), place: { file: only.file, line: only.line + only.offset, column: only.column } };
}

/**
 * What the view model puts around the template's content: the collectivité's letterhead (logo and
 * address), the reference of a numbered annex ("Annexe n° 2 à la délibération n° X du …"), the
 * signature block and the publication mention. Each is left out when the data has none.
 */
export function furniture(context: object): Pick<DocumentMeta, 'letterhead' | 'reference' | 'signature' | 'publication'> {
  const c = context as Partial<Pick<AnnexeContext, 'collectivite' | 'logo' | 'annexe' | 'deliberation' | 'signature' | 'publication' | 'date'>>;
  const out: { -readonly [K in 'letterhead' | 'reference' | 'signature' | 'publication']?: DocumentMeta[K] } = {};
  const adresse = c.collectivite?.adresse ?? [];
  if (c.logo || adresse.length) {
    const logo = c.logo
      ? (() => {
          const width = Math.min(LOGO_BOX.maxWidth, (LOGO_BOX.height * c.logo.width) / c.logo.height);
          return image(c.logo.format, c.logo.data, c.collectivite?.nom ?? 'Logo', width, (width * c.logo.height) / c.logo.width);
        })()
      : undefined;
    // The address block opens with the collectivité's name, as on its letters.
    out.letterhead = { ...(logo ? { logo } : {}), adresse: adresse.length && c.collectivite ? [c.collectivite.nom, ...adresse] : adresse };
  }
  if (c.annexe !== undefined && c.annexe !== null) {
    const d = c.deliberation;
    out.reference = `Annexe n°\u00a0${c.annexe}${d ? ` à la délibération${d.numero ? ` n°\u00a0${d.numero}` : ''} du ${formatDate(d.date)}` : ''}`;
  }
  const s = c.signature;
  if (s) {
    const on = s.date ?? c.deliberation?.date ?? c.date;
    out.signature = {
      fait: `Fait à ${s.lieu}${on ? `, le ${formatDate(on)}` : ''}`,
      ...(s.mention ? { mention: s.mention } : {}),
      qualite: s.qualite,
      nom: `${s.prenom} ${s.nom.toLocaleUpperCase('fr-FR')}`,
    };
  }
  if (c.publication) out.publication = `Publié le ${formatDate(c.publication)}`;
  return out;
}
