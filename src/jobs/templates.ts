/**
 * The listing of `alses templates`: the catalogue's documents with their title as printed, and
 * every template with the parameters it takes.
 */
import { loadDataset } from '../dataset/load.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { loadTemplates, type LoadedTemplate } from '../templates/environment.ts';
import { catalogueOf, resolveRequests, type DocumentRequest } from './documents.ts';
import { renderAnnexe } from './inputs.ts';

/** A template and its title. */
export interface TemplateEntry {
  readonly template: LoadedTemplate;
  /** The title as printed when the data allows rendering it, else the front matter's text. */
  readonly title: string;
}

/** A catalogue document, its request and its title as printed. */
export interface CatalogueEntry {
  readonly request: DocumentRequest;
  /** The title as printed, when the data and template allow rendering it; else undefined. */
  readonly title?: string | undefined;
}

/**
 * Lists the catalogue of `dataDir` and the templates of `templatesDir`, titles rendered against
 * the data when it is valid.
 * @returns the catalogue (empty when the data is invalid), the templates, and the diagnostics of
 *   the templates (not of the data).
 */
export async function listTemplates(
  dataDir: string,
  templatesDir: string,
): Promise<{ catalogue: CatalogueEntry[]; templates: TemplateEntry[]; diagnostics: readonly Diagnostic[] }> {
  const [set, data] = await Promise.all([loadTemplates(templatesDir), loadDataset(dataDir)]);
  const byName = new Map(set.templates.map((t) => [t.name, t]));
  const titleOf = (t: LoadedTemplate, request?: DocumentRequest): string | undefined => {
    if (!data.dataset || t.frontMatter.kind !== 'annexe') return undefined;
    if (!request && t.frontMatter.parametres.length > 0) return undefined;
    try {
      return renderAnnexe(data.dataset, set, t, request).rendered?.document.meta.title;
    } catch {
      return undefined;
    }
  };
  const requests = data.dataset ? resolveRequests(catalogueOf(data.dataset, data.dispositif), [], {}) : [];
  const catalogue = data.dataset && data.dataset.documents.length ? requests : [];
  return {
    catalogue: catalogue.map((request) => {
      const template = byName.get(request.template);
      return { request, title: template ? titleOf(template, request) : undefined };
    }),
    templates: set.templates.map((template) => ({ template, title: titleOf(template) ?? template.frontMatter.title })),
    diagnostics: set.diagnostics,
  };
}
