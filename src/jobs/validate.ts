/**
 * The validate job (`alses validate`): checks data and templates, and dry-runs the annexes (no
 * file written) to catch what only shows when a template runs or a writer prints.
 */
import type { Dataset } from '../dataset/model.ts';
import { hasErrors, type Diagnostic } from '../diagnostics.ts';
import { loadInputs, renderLoaded, type DataOverlay } from './inputs.ts';
import { writerChecks } from './serialize.ts';

/**
 * Checks everything `alses render` would use.
 * @param options.classeur a workbook to check over the data folder (what `alses import` would write).
 * @returns the dataset when it could be read, and every diagnostic (errors mean exit code 1).
 */
export async function validateInputs(dataDir: string, templatesDir: string, options: DataOverlay = {}): Promise<{ dataset?: Dataset; diagnostics: Diagnostic[] }> {
  const inputs = await loadInputs(dataDir, templatesDir, {}, options);
  const { dataset, diagnostics } = inputs;
  // With errors only in some états, déploiements or catalogue documents, the documents that do
  // not depend on them are dry-run too: their problems come at once with the others.
  if (dataset && (!hasErrors(diagnostics) || inputs.faulty.length > 0)) {
    const rendered = renderLoaded(inputs, {}, { everything: true });
    diagnostics.push(...rendered.diagnostics, ...rendered.failures, ...writerChecks(rendered.documents));
  }
  return { ...(dataset ? { dataset } : {}), diagnostics };
}
