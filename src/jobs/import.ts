/**
 * The import job (`alses import`): reads a workbook (or CSV files as Excel exports them),
 * validates everything, and only then writes the canonical data folder (`dispositif.yaml` and
 * one CSV per état and déploiement; README, "Classeur Excel"). Nothing is written on any error;
 * a file whose bytes would not change is left alone.
 */
import { canonicalFiles } from '../dataset/canonical.ts';
import type { LoadOptions } from '../dataset/load.ts';
import { hasErrors, type Diagnostic } from '../diagnostics.ts';
import { writeIfChanged } from '../output/atomic.ts';

/** What happened to one written data file. */
export interface ImportedFile {
  readonly path: string;
  /** `written`: new or changed; `unchanged`: identical bytes were already there. */
  readonly status: 'written' | 'unchanged';
}

/**
 * Converts `source` into canonical files in the folder `to`, each written atomically.
 * @returns the diagnostics, and `files` unless an error was found (then nothing is written).
 * @throws AlsesError OUTPUT when a file cannot be written (files before it stay written).
 */
export async function runImport(source: string, to: string, options: LoadOptions = {}): Promise<{ files?: ImportedFile[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await canonicalFiles(source, to, options);
  if (hasErrors(diagnostics)) return { diagnostics };
  const written: ImportedFile[] = [];
  for (const f of files) written.push({ path: f.path, status: await writeIfChanged(f.path, f.bytes) });
  return { files: written, diagnostics };
}
