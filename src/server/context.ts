/**
 * What the routes of the web server share: where a request's data come from (the data folder or
 * the workspace of its session), the validation state of that data, the documents it offers, and
 * the jobs run for it in the worker pool, each cached by the content it reads.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkParameters, FORMATS, type DataSource, type DataState, type DocumentInfo, type DocumentParameters, type Format } from './engine.ts';
import { fingerprint } from './fingerprint.ts';
import { parameterQuery } from './html.ts';
import type { WorkerPool } from './pool.ts';
import { failureStatus, HttpProblem, tooLarge, withoutRow } from './problems.ts';
import type { Task, TaskResult, TaskValues } from './tasks.ts';
import { SESSION_COOKIE, type UploadedFile, type Workspace, type Workspaces } from './workspace.ts';

/** Content types of the files the server sends. */
export const CONTENT_TYPES: Record<Format | 'zip' | 'png' | 'xlsx', string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
  zip: 'application/zip',
  png: 'image/png',
};

/** What a document can be downloaded as: each format, or all of them in a zip. */
export const DOWNLOADS = [...FORMATS, 'zip'] as const;
/** One of `DOWNLOADS`. */
export type Download = (typeof DOWNLOADS)[number];

/** Splits `annexe-1.pdf` into its id and extension (none when the name has no dot past its start). */
export function splitName(name: string): { id: string; ext?: string } {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? { id: name.slice(0, dot), ext: name.slice(dot + 1) } : { id: name };
}

/** The session id of a request's cookie, if any. */
export function sessionId(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}

/** A small cache of promises that forgets its oldest entries past `max`, and a promise that fails. */
class Recent<V> {
  readonly #map = new Map<string, Promise<V>>();
  constructor(readonly max: number) {}
  /** The promise kept under `key`, or a new one from `make`, kept until it fails. */
  get(key: string, make: () => Promise<V>): Promise<V> {
    let v = this.#map.get(key);
    if (v !== undefined) this.#map.delete(key);
    else {
      v = make();
      v.catch(() => {
        if (this.#map.get(key) === v) this.#map.delete(key);
      });
    }
    this.#map.set(key, v);
    while (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value!);
    return v;
  }
}

/** Folders and limits the routes need. */
export interface ContextOptions {
  /** The data folder (`data`). */
  readonly dataDir: string;
  /** The templates folder (`templates`). */
  readonly templatesDir: string;
  /** Largest upload, in bytes. */
  readonly uploadLimit: number;
}

/** The shared state of the routes, and what they do with a request's data. */
export class ServerContext {
  readonly #states = new Recent<DataState>(50);
  readonly #previews = new Recent<TaskValues['preview']>(10);
  readonly #renderings = new Recent<TaskValues['render']>(24);
  readonly #changes = new Recent<TaskValues['changes']>(20);
  /** The data folder as a source. */
  readonly dataSource: DataSource;

  constructor(
    readonly options: ContextOptions,
    readonly pool: WorkerPool,
    readonly workspaces: Workspaces,
  ) {
    this.dataSource = { path: options.dataDir };
  }

  /** Runs a job in the pool and unwraps its result, or throws its failure as an HTTP problem. */
  async run<K extends Task['kind']>(task: Task & { kind: K }, uploaded: boolean): Promise<TaskValues[K]> {
    const result: TaskResult<K> = await this.pool.run<K>(task);
    if (result.ok) return result.value;
    throw new HttpProblem(failureStatus(result.error, uploaded), result.error.message, result.error.diagnostics);
  }

  /** The workspace of a request's session, if it has uploaded data. */
  workspaceOf(request: FastifyRequest): Workspace | undefined {
    return this.workspaces.get(sessionId(request));
  }

  /** Where a request's data come from: its workspace, else the data folder. */
  sourceOf(request: FastifyRequest): { source: DataSource; key: string; uploaded: boolean } {
    const ws = this.workspaceOf(request);
    return ws ? { source: ws.source, key: `espace:${ws.dir}`, uploaded: true } : { source: this.dataSource, key: 'data', uploaded: false };
  }

  /** Key of a source's current content: its files and the templates. */
  async stateKey(request: FastifyRequest): Promise<string> {
    const { key, uploaded } = this.sourceOf(request);
    const { dataDir, templatesDir } = this.options;
    return `${key}|${await fingerprint(uploaded ? [templatesDir] : [dataDir, templatesDir])}`;
  }

  /**
   * A fingerprint of data/ (its files' paths, sizes and modification times): the page sends it
   * with « Enregistrer dans les données », which refuses to write when data/ changed since the
   * page showed what it would write.
   */
  dataFingerprint(): Promise<string> {
    return fingerprint([this.options.dataDir]);
  }

  /** The validation state of a request's data, computed once per content. */
  async stateOf(request: FastifyRequest): Promise<DataState> {
    const { source, uploaded } = this.sourceOf(request);
    const key = await this.stateKey(request);
    return this.#states.get(key, () => this.run({ kind: 'inspect', source, templatesDir: this.options.templatesDir }, uploaded));
  }

  /**
   * What « Enregistrer dans les données » would write from a request's uploaded data
   * (`saveChanges`), worked out once per content of the upload, the templates and data/.
   * @param dataFingerprint data/'s `dataFingerprint`, as the page sends it with the save form:
   *   the plan shown is the one for that content.
   * @returns none without uploaded data.
   */
  async changesOf(request: FastifyRequest, dataFingerprint: string): Promise<string[] | undefined> {
    const ws = this.workspaceOf(request);
    if (!ws) return undefined;
    const key = `${await this.stateKey(request)}|${dataFingerprint}`;
    return this.#changes.get(key, () => this.run({ kind: 'changes', source: ws.source, dataDir: this.options.dataDir }, true));
  }

  /** A document of the request's data and the parameter values of its query, checked. */
  async documentOf(request: FastifyRequest, id: string): Promise<{ document: DocumentInfo; values: DocumentParameters }> {
    const state = await this.stateOf(request);
    if (!state.valide) throw new HttpProblem(422, 'Données invalides : corrigez les problèmes avant de produire un document.', state.problemes.map(withoutRow));
    const document = state.documents.find((d) => d.id === id);
    if (!document) throw new HttpProblem(404, `Document « ${id} » inconnu (attendu : ${state.documents.map((d) => d.id).join(', ')})`);
    const query = request.query as Record<string, unknown>;
    const values: Record<string, string> = {};
    for (const name of ['au', 'deploiement'] as const) {
      const v = query[name];
      if (Array.isArray(v)) throw new HttpProblem(400, `Paramètre « ${name} » donné plusieurs fois`);
      if (typeof v === 'string' && v !== '') values[name] = v;
    }
    const problems = checkParameters(document, values);
    if (problems.length) throw new HttpProblem(400, problems.join(' ; '));
    return { document, values };
  }

  /** The page images of a document's PDF, computed once per content and parameters. */
  async preview(request: FastifyRequest, id: string, values: DocumentParameters): Promise<TaskValues['preview']> {
    const { source, uploaded } = this.sourceOf(request);
    const key = `${await this.stateKey(request)}|${id}|${parameterQuery(values)}`;
    return this.#previews.get(key, () => this.run({ kind: 'preview', source, templatesDir: this.options.templatesDir, id, parameters: values }, uploaded));
  }

  /** Sends a document as an attachment in one format (or all of them in a zip). */
  async download(request: FastifyRequest, reply: FastifyReply, id: string, format: Download): Promise<FastifyReply> {
    const { values } = await this.documentOf(request, id);
    const { source, uploaded } = this.sourceOf(request);
    // The same data and templates give the same bytes (README): a rendering is kept and reused.
    const key = `${await this.stateKey(request)}|${id}.${format}|${parameterQuery(values)}`;
    const file = await this.#renderings.get(key, () =>
      this.run({ kind: 'render', source, templatesDir: this.options.templatesDir, id, format, parameters: values }, uploaded),
    );
    return reply
      .type(CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'no-store')
      .send(Buffer.from(file.bytes));
  }

  /** Reads every file of a multipart request, within the upload limit (413 past it). */
  async uploads(request: FastifyRequest): Promise<UploadedFile[]> {
    if (!request.isMultipart()) throw new HttpProblem(400, 'Envoi attendu sous forme de fichiers (multipart/form-data)');
    const files: UploadedFile[] = [];
    let total = 0;
    try {
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        const bytes = await part.toBuffer();
        total += bytes.byteLength;
        if (total > this.options.uploadLimit) throw new HttpProblem(413, tooLarge(this.options.uploadLimit, ' en tout'));
        if (part.filename !== '' || bytes.byteLength > 0) files.push({ filename: part.filename, bytes: new Uint8Array(bytes) });
      }
    } catch (err) {
      // The multipart parser's own errors (no separator, body cut short) carry no code and an English message.
      if (err instanceof HttpProblem || (err as { code?: string }).code?.startsWith('FST_')) throw err;
      throw new HttpProblem(400, "Envoi mal formé : le corps multipart/form-data est incomplet ou n'a pas de séparateur (boundary) (attendu : le formulaire d'envoi de fichiers de la page, ou curl -F fichiers=@alses.xlsx)");
    }
    return files;
  }
}
