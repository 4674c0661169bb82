/**
 * The jobs a rendering worker runs (see `pool.ts`): each calls the engine adapter and returns a
 * plain, cloneable result. Expected failures (invalid data, unknown document, locked output…)
 * come back as `{ ok: false, error }` with their code and diagnostics, since an Error's class
 * and fields do not survive the trip between threads.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { AlsesError, type ErrorCode } from '../errors.ts';
import type { ClaimedResult, SharedBatch } from '../jobs/batch.ts';
import type { DataSource, DataState, DocumentParameters, Format, RenderedFile } from './engine.ts';

/** A job for a worker. */
export type Task =
  | { readonly kind: 'inspect'; readonly source: DataSource; readonly templatesDir: string }
  | { readonly kind: 'render'; readonly source: DataSource; readonly templatesDir: string; readonly id: string; readonly format: Format | 'zip'; readonly parameters: DocumentParameters }
  | { readonly kind: 'preview'; readonly source: DataSource; readonly templatesDir: string; readonly id: string; readonly parameters: DocumentParameters }
  | { readonly kind: 'monthly'; readonly source: DataSource; readonly templatesDir: string; readonly outDir: string; readonly month: string }
  | { readonly kind: 'save'; readonly source: DataSource; readonly dataDir: string; readonly shown: string }
  | { readonly kind: 'classeur'; readonly source: DataSource; readonly au: string }
  | { readonly kind: 'changes'; readonly source: DataSource; readonly dataDir: string }
  /** A worker's part of a command-line batch (`jobs/batch.ts`, `claimJobs`): loads the writers only. */
  | { readonly kind: 'batch'; readonly batch: SharedBatch; readonly owner: number; readonly preloaded?: Format };

/** What each kind of job returns on success. */
export interface TaskValues {
  inspect: DataState;
  render: RenderedFile;
  preview: { readonly title: string; readonly pages: Uint8Array[] };
  /** `stale`: date of the newest état or déploiement when the data is stale (see `produceMonthlyReport`). */
  monthly: { readonly status: 'written' | 'unchanged'; readonly files: string[]; readonly stale?: string };
  save: { readonly diagnostics: Diagnostic[]; readonly written: string[]; readonly unchanged: string[]; readonly backup?: string };
  classeur: RenderedFile;
  changes: string[];
  batch: ClaimedResult[];
}

/** An expected failure, as it crosses the thread boundary. */
export interface TaskFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** Outcome of a job. */
export type TaskResult<K extends Task['kind']> = { readonly ok: true; readonly value: TaskValues[K] } | { readonly ok: false; readonly error: TaskFailure };

async function perform(task: Task): Promise<TaskValues[Task['kind']]> {
  // The engine (and the libraries behind it) is loaded by the jobs that use it only: a worker
  // of a command-line batch loads the writers alone.
  if (task.kind === 'batch') return (await import('../jobs/batch.ts')).claimJobs(task.batch, task.owner, task.preloaded);
  const { inspectData, produceMonthlyReport, renderBundle, renderDocument, saveChanges, saveToData, startingWorkbookFile } = await import('./engine.ts');
  switch (task.kind) {
    case 'inspect':
      return inspectData(task.source, task.templatesDir);
    case 'render':
      return task.format === 'zip'
        ? renderBundle(task.source, task.templatesDir, task.id, task.parameters)
        : renderDocument(task.source, task.templatesDir, task.id, task.format, task.parameters);
    case 'preview': {
      const pdf = await renderDocument(task.source, task.templatesDir, task.id, 'pdf', task.parameters);
      const { pdfPages } = await import('./preview.ts');
      return { title: pdf.title, pages: await pdfPages(pdf.bytes) };
    }
    case 'monthly':
      return produceMonthlyReport(task.source, task.templatesDir, task.outDir, task.month);
    case 'save':
      return saveToData(task.source, task.dataDir, task.shown);
    case 'classeur':
      return startingWorkbookFile(task.source, task.au);
    case 'changes':
      return saveChanges(task.source, task.dataDir);
  }
}

/** Runs one job (the worker's entry point, via worker.mjs). Unexpected errors are thrown. */
export async function runTask(task: Task): Promise<TaskResult<Task['kind']>> {
  try {
    return { ok: true, value: await perform(task) };
  } catch (err) {
    if (err instanceof AlsesError) return { ok: false, error: { code: err.code, message: err.message, diagnostics: [...err.diagnostics] } };
    throw err;
  }
}
