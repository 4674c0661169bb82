/**
 * The templates listing (`alses templates`): every template with its title as printed.
 */
import { loadDataset } from '../dataset/load.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { loadTemplates, type LoadedTemplate } from '../templates/environment.ts';
import { renderAnnexe } from './inputs.ts';

/** A template and its title. */
export interface TemplateEntry {
  readonly template: LoadedTemplate;
  /** The title as printed when the data allows rendering it, else the front matter's text. */
  readonly title: string;
}

/**
 * Lists the templates of `templatesDir`, titles rendered against the data when it is valid.
 * @returns the templates and the diagnostics of the templates (not of the data).
 */
export async function listTemplates(dataDir: string, templatesDir: string): Promise<{ templates: TemplateEntry[]; diagnostics: readonly Diagnostic[] }> {
  const [set, data] = await Promise.all([loadTemplates(templatesDir), loadDataset(dataDir)]);
  const titleOf = (t: LoadedTemplate): string => {
    if (!data.dataset || t.frontMatter.kind !== 'annexe') return t.frontMatter.title;
    try {
      return renderAnnexe(data.dataset, set, t).rendered?.document.meta.title ?? t.frontMatter.title;
    } catch {
      return t.frontMatter.title;
    }
  };
  return { templates: set.templates.map((template) => ({ template, title: titleOf(template) })), diagnostics: set.diagnostics };
}
