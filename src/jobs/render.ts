/**
 * The render job (`alses render`, `npm start`): data folder + templates → documents → bytes per
 * format → published into the output folder. Everything is rendered in memory first, without the
 * lock; files are published (under the lock) only when there is no error, so invalid data or a
 * broken template writes nothing.
 */
import { hasErrors, type Diagnostic } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
import { faultPoint } from '../output/fault.ts';
import { withOutputLock } from '../output/lock.ts';
import { publish, type PublishedFile, type PublishResult } from '../output/publish.ts';
import { progressPhase } from '../progress.ts';
import type { ManifestKey } from '../signature/manifest.ts';
import type { RenderedDocument } from '../templates/render.ts';
import { loadInputs, renderLoaded, type Inputs } from './inputs.ts';
import { batchThreads, poolPaysOff, startBatchWorkers, tableRows, type BatchWorkers } from './batch.ts';
import { serializeAll, type Format } from './serialize.ts';
import { FORMATS } from '../writers/index.ts';

/** Inputs of a run. */
export interface RenderOptions {
  /** Folder of `dispositif.yaml` and its CSV files. */
  readonly dataDir: string;
  /** Folder of the `.hbs` templates. */
  readonly templatesDir: string;
  /** Output folder. */
  readonly outDir: string;
  /** Catalogue ids or template names to render; empty for the whole catalogue. */
  readonly names?: readonly string[];
  /** `--au`: the date of the état, for a template named in `names` that takes `au`. */
  readonly au?: string | undefined;
  /** `--deploiement`: a déploiement id, for a template named in `names` that takes `deploiement`. */
  readonly deploiement?: string | undefined;
  /** `--publie-le`: publication date printed on every document ("Publié le …"), `YYYY-MM-DD`. */
  readonly publication?: string | undefined;
  readonly formats: readonly Format[];
  /** Key signing the manifest (src/signature/manifest.ts); none: unsigned. */
  readonly manifestKey?: ManifestKey | undefined;
  /** Threads serialising the documents (`--travaux`; default: `batchThreads`, by the size of the batch; 1: serial), see jobs/batch.ts. */
  readonly threads?: number | undefined;
  /**
   * Worker threads started ahead by the caller (`startBatchWorkers`, as the command starts, so
   * that they load while the data is read); used if the run has several documents, closed by
   * `renderAll` in any case. None: started here when `threads` asks for them.
   */
  readonly workers?: BatchWorkers | undefined;
}

/**
 * Loads data and templates and renders them to documents (no serialisation).
 * @returns the documents, or no document at all when any error was found.
 * @throws AlsesError OUTPUT with every diagnostic when a template fails while running; USAGE
 *   when a name is neither a catalogue id nor a template, or parameters are misused.
 */
export async function renderDocuments(
  options: Omit<RenderOptions, 'formats' | 'outDir'>,
): Promise<{ documents: RenderedDocument[]; diagnostics: Diagnostic[]; inputs: Inputs }> {
  const selection = { names: options.names ?? [], au: options.au, deploiement: options.deploiement, publication: options.publication };
  const inputs = await loadInputs(options.dataDir, options.templatesDir, selection);
  // With errors only in some états or déploiements, the documents that do not read them still render.
  if (!inputs.dataset || (hasErrors(inputs.diagnostics) && inputs.faulty.length === 0)) return { documents: [], diagnostics: inputs.diagnostics, inputs };
  const { documents, diagnostics, failures, load, blocked } = renderLoaded(inputs, selection);
  const all = [...load, ...diagnostics];
  const others = documents.map((d) => d.name);
  if (blocked.length && others.length)
    all.push({
      severity: 'warning',
      ruleId: 'render/scope',
      message: `Documents empêchés par ces erreurs : ${blocked.join(', ')} ; les autres ne dépendent pas de ce qui est en faute et peuvent être produits en les nommant : alses render ${others.join(' ')}`,
    });
  if (failures.length) {
    const files = [...new Set(failures.map((d) => d.place?.file ?? ''))].join(', ');
    throw new AlsesError('OUTPUT', `Échec de la production (${files}) : aucun fichier écrit.`, [...all, ...failures]);
  }
  return { documents: hasErrors(all) ? [] : documents, diagnostics: all, inputs };
}

/**
 * Renders every requested template in every requested format, in memory.
 * Closes `options.workers` before it returns or throws.
 * @returns the files to write (`outDir/<template>.<format>`), or none when any error was found.
 * @throws Error when a writer fails (rendering failure).
 */
export async function renderAll(options: RenderOptions): Promise<{ files: PublishedFile[]; diagnostics: Diagnostic[] }> {
  let workers = options.workers;
  try {
    batchThreads(options.threads, 0); // a bad ALSES_TRAVAUX is a usage error before any work
    const { documents, diagnostics, inputs } = await renderDocuments(options);
    const rows = documents.reduce((n, d) => n + tableRows(d.document), 0) * options.formats.length;
    if (!poolPaysOff(documents.length, documents.length * options.formats.length)) {
      await workers?.close();
      workers = undefined;
    } else workers ??= await startBatchWorkers(batchThreads(options.threads, rows), options.formats);
    return { files: await serializeAll(documents, options.outDir, options.formats, inputs, diagnostics, workers), diagnostics };
  } finally {
    await workers?.close();
  }
}

/**
 * Runs the render job: renders everything in memory (no lock needed: nothing is written), then,
 * when no error was found, publishes the files under the output folder's lock.
 * @param options.waitMs how long to wait for another run's lock, in ms (0: fail at once).
 * @returns the diagnostics, and `outputs` (what happened to each file) unless an error was found
 *   (then nothing is written).
 * @throws AlsesError OUTPUT when rendering fails or a file cannot be written, LOCKED when another
 *   run holds the lock past `waitMs`; either carries the diagnostics found before.
 */
export async function runRender(options: RenderOptions & { readonly waitMs: number }): Promise<{ outputs?: PublishResult[]; diagnostics: Diagnostic[] }> {
  const { files, diagnostics } = await renderAll(options);
  if (hasErrors(diagnostics)) return { diagnostics };
  await faultPoint('rendered');
  try {
    return {
      outputs: await withOutputLock(options.outDir, options.waitMs, () =>
        progressPhase('Écriture des fichiers', files.length, 'fichiers', () => publish(options.outDir, files, { manifestKey: options.manifestKey, formats: FORMATS })),
      ),
      diagnostics,
    };
  } catch (err) {
    if (err instanceof AlsesError && diagnostics.length) throw new AlsesError(err.code, err.message, [...diagnostics, ...err.diagnostics]);
    throw err;
  }
}
