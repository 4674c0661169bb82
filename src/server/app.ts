/**
 * The web server for the staff (issue 14), on Fastify: the page (check the data, preview,
 * download, monthly reports) and a JSON API. It only parses requests and answers them; every
 * heavy job runs in the worker pool (`pool.ts`) through the engine adapter (`engine.ts`).
 *
 * Statuses: 400 bad request, 401 missing credentials, 403 cross-site form, 404 unknown
 * document, 409 output folder locked, 413 upload too large, 422 invalid data (or data too big
 * to process within the limits), 503 server busy; 500 only for a fault of the product.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { isLoopback, isSameOrigin, secretOf, type Credentials } from './auth.ts';
import {
  checkParameters,
  FORMATS,
  latestReportMonth,
  listMonthlyReports,
  monthlyReportFile,
  type DataSource,
  type DataState,
  type DocumentInfo,
  type DocumentParameters,
  type Format,
} from './engine.ts';
import { documentPage, errorPage, homePage, parameterQuery, STYLE, type Notice } from './html.ts';
import { DEFAULT_LIMITS, JobLimitError, WorkerPool, type PoolLimits } from './pool.ts';
import type { TaskFailure, TaskResult } from './tasks.ts';
import { SESSION_COOKIE, UploadError, Workspaces, type UploadedFile } from './workspace.ts';

/** Options of the web server. */
export interface ServerOptions {
  /** The data folder (`data`). */
  readonly dataDir: string;
  /** The templates folder (`templates`). */
  readonly templatesDir: string;
  /** The output folder of the monthly reports (`out`). */
  readonly outDir: string;
  /** When set, every request must carry them (see `auth.ts`). */
  readonly credentials?: Credentials;
  /** Limits of each rendering job. */
  readonly limits?: PoolLimits;
  /** Largest upload (all files of one request together), in bytes; default 20 MiB. */
  readonly uploadLimitBytes?: number;
}

/** Default upload limit: 20 MiB. */
export const DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024;

/** An answer other than success, with its status and French message. */
class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problemes: readonly unknown[] = [],
  ) {
    super(message);
  }
}

const CONTENT_TYPES: Record<Format | 'zip' | 'png', string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  html: 'text/html; charset=utf-8',
  zip: 'application/zip',
  png: 'image/png',
};

const DOWNLOADS = [...FORMATS, 'zip'] as const;
type Download = (typeof DOWNLOADS)[number];

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

/** A fingerprint of the files under some folders (paths, sizes, modification times). */
async function fingerprint(dirs: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else {
        const st = await stat(p).catch(() => undefined);
        hash.update(`${p}\0${st?.size}\0${st?.mtimeMs}\n`);
      }
    }
  };
  for (const d of dirs) {
    const st = await stat(d).catch(() => undefined);
    if (st?.isDirectory()) await walk(d);
    else hash.update(`${d}\0${st?.size}\0${st?.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** A small map that forgets its oldest entries past `max`. */
class Recent<V> {
  readonly #map = new Map<string, V>();
  constructor(readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value!);
  }
  delete(key: string): void {
    this.#map.delete(key);
  }
}

/** The session id of a request's cookie, if any. */
function sessionId(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return undefined;
}

const isApi = (request: FastifyRequest): boolean => request.url.startsWith('/api/');

/** Status of a job's expected failure. */
function failureStatus(f: TaskFailure, uploaded: boolean): number {
  switch (f.code) {
    case 'USAGE':
      return 400;
    case 'INVALID_INPUT':
      return 422;
    case 'LOCKED':
      return 409;
    case 'OUTPUT':
      return uploaded ? 422 : 500;
    case 'MAIL':
      return 502;
    case 'STALE': // never thrown: stale data is a warning of a written report
      return 422;
  }
}

/**
 * Builds the server (not listening yet: call `listen`, or `inject` in tests). Closing it ends the
 * workers and removes the workspaces.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const uploadLimit = options.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, trustProxy: false });
  const pool = new WorkerPool(options.limits ?? DEFAULT_LIMITS);
  const workspaces = new Workspaces(options.dataDir);
  const states = new Recent<Promise<DataState>>(50);
  const previews = new Recent<Promise<{ title: string; pages: Uint8Array[] }>>(10);
  const renderings = new Recent<Promise<{ fileName: string; bytes: Uint8Array }>>(24);
  const dataSource: DataSource = { path: options.dataDir };
  app.addHook('onClose', async () => {
    await pool.close();
    await workspaces.close();
  });

  await app.register(multipart, { limits: { fileSize: uploadLimit, files: 20, fields: 10, parts: 30, fieldSize: 1024 } });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  // ------------------------------------------------------------ access
  app.addHook('onRequest', async (request, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    const credentials = options.credentials;
    if (credentials) {
      const secret = secretOf(request.headers.authorization);
      if (secret === undefined || !credentials.check(secret)) {
        reply.header('www-authenticate', 'Basic realm="Documents ALSES", charset="UTF-8"');
        throw new HttpProblem(401, 'Identification requise : indiquez le jeton ou le mot de passe du serveur.');
      }
    } else {
      // Loopback only: refuse other host names, so a web site cannot reach the page by DNS rebinding.
      const host = (request.headers.host ?? '').replace(/:\d+$/, '');
      if (!isLoopback(host)) throw new HttpProblem(403, `Nom d'hôte « ${host} » refusé (attendu : localhost ou 127.0.0.1 ; pour une autre adresse, configurez des identifiants)`);
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method) && !isSameOrigin(request.headers, request.headers.host))
      throw new HttpProblem(403, 'Requête refusée : elle vient d\'un autre site que cette page.');
  });

  // ------------------------------------------------------------ errors
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    let status: number;
    let message: string;
    let problemes: readonly unknown[] = [];
    if (error instanceof HttpProblem) {
      ({ status, message, problemes } = error);
    } else if (error instanceof UploadError) {
      status = 400;
      message = error.message;
    } else if (error instanceof JobLimitError) {
      status = error.reason === 'file' ? 503 : 422;
      message = error.message;
    } else if (error.code === 'FST_REQ_FILE_TOO_LARGE' || error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      status = 413;
      message = `Envoi trop volumineux (au plus ${Math.round(uploadLimit / 1024 / 1024)} Mio)`;
    } else if (error.code === 'FST_FILES_LIMIT' || error.code === 'FST_PARTS_LIMIT' || error.code === 'FST_FIELDS_LIMIT') {
      status = 413;
      message = 'Trop de fichiers ou de champs dans l\'envoi (au plus 20 fichiers)';
    } else if (error.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      status = 400;
      message = 'Envoi attendu sous forme de fichiers (multipart/form-data)';
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode === 406 ? 400 : error.statusCode;
      message = `Requête invalide (${error.message})`;
    } else {
      request.log.error(error);
      process.stderr.write(`alses serve : erreur inattendue : ${error.stack ?? error.message}\n`);
      status = 500;
      message = 'Erreur interne du serveur : le traitement a échoué.';
    }
    reply.code(status);
    if (isApi(request)) return reply.type('application/json; charset=utf-8').send({ erreur: message, ...(problemes.length ? { problemes } : {}) });
    return reply.type('text/html; charset=utf-8').send(errorPage(status === 401 ? 'Identification requise' : 'Échec', message));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404);
    if (isApi(request)) return reply.send({ erreur: `Adresse « ${request.url} » inconnue` });
    return reply.type('text/html; charset=utf-8').send(errorPage('Page introuvable', `Adresse « ${request.url} » inconnue.`));
  });

  // ------------------------------------------------------------ helpers
  /** Unwraps a job's result, or throws its failure as an HTTP problem. */
  const unwrap = <K extends keyof TaskResultValue>(result: TaskResult<K>, uploaded: boolean): TaskResultValue[K] => {
    if (result.ok) return result.value;
    throw new HttpProblem(failureStatus(result.error, uploaded), result.error.message, result.error.diagnostics);
  };
  type TaskResultValue = { [K in TaskKinds]: Extract<TaskResult<K>, { ok: true }>['value'] };
  type TaskKinds = 'inspect' | 'render' | 'preview' | 'monthly' | 'save';

  const workspaceOf = (request: FastifyRequest) => workspaces.get(sessionId(request));
  const sourceOf = (request: FastifyRequest): { source: DataSource; key: string; uploaded: boolean } => {
    const ws = workspaceOf(request);
    return ws ? { source: ws.source, key: `espace:${ws.dir}`, uploaded: true } : { source: dataSource, key: 'data', uploaded: false };
  };
  /** Key of a source's current content: its files and the templates. */
  const stateKey = async (request: FastifyRequest): Promise<string> => {
    const { key, uploaded } = sourceOf(request);
    return `${key}|${await fingerprint(uploaded ? [options.templatesDir] : [options.dataDir, options.templatesDir])}`;
  };
  /** The validation state of a request's data, computed once per content. */
  const stateOf = async (request: FastifyRequest): Promise<DataState> => {
    const { source, uploaded } = sourceOf(request);
    const key = await stateKey(request);
    let state = states.get(key);
    if (!state) {
      state = pool.run({ kind: 'inspect', source, templatesDir: options.templatesDir }).then((r) => unwrap(r, uploaded));
      state.catch(() => states.delete(key));
      states.set(key, state);
    }
    return state;
  };
  /** A document of the request's data and the parameter values of its query, checked. */
  const documentOf = async (request: FastifyRequest, id: string): Promise<{ document: DocumentInfo; values: DocumentParameters }> => {
    const state = await stateOf(request);
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
  };
  const preview = async (request: FastifyRequest, id: string, values: DocumentParameters) => {
    const { source, uploaded } = sourceOf(request);
    const key = `${await stateKey(request)}|${id}|${parameterQuery(values)}`;
    let p = previews.get(key);
    if (!p) {
      p = pool.run({ kind: 'preview', source, templatesDir: options.templatesDir, id, parameters: values }).then((r) => unwrap(r, uploaded));
      p.catch(() => previews.delete(key));
      previews.set(key, p);
    }
    return p;
  };
  const download = async (request: FastifyRequest, reply: FastifyReply, id: string, format: Download) => {
    const { values } = await documentOf(request, id);
    const { source, uploaded } = sourceOf(request);
    // The same data and templates give the same bytes (README): a rendering is kept and reused.
    const key = `${await stateKey(request)}|${id}.${format}|${parameterQuery(values)}`;
    let rendering = renderings.get(key);
    if (!rendering) {
      rendering = pool.run({ kind: 'render', source, templatesDir: options.templatesDir, id, format, parameters: values }).then((r) => unwrap(r, uploaded));
      rendering.catch(() => renderings.delete(key));
      renderings.set(key, rendering);
    }
    const file = await rendering;
    return reply
      .type(CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${file.fileName}"`)
      .header('cache-control', 'no-store')
      .send(Buffer.from(file.bytes));
  };
  /** Reads every file of a multipart request, within the upload limit. */
  const uploads = async (request: FastifyRequest): Promise<UploadedFile[]> => {
    if (!request.isMultipart()) throw new HttpProblem(400, 'Envoi attendu sous forme de fichiers (multipart/form-data)');
    const files: UploadedFile[] = [];
    let total = 0;
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      const bytes = await part.toBuffer();
      total += bytes.byteLength;
      if (total > uploadLimit) throw new HttpProblem(413, `Envoi trop volumineux (au plus ${Math.round(uploadLimit / 1024 / 1024)} Mio en tout)`);
      if (part.filename !== '' || bytes.byteLength > 0) files.push({ filename: part.filename, bytes: new Uint8Array(bytes) });
    }
    return files;
  };
  const home = async (request: FastifyRequest, reply: FastifyReply, notice?: Notice, status = 200) => {
    const ws = workspaceOf(request);
    let state: DataState | undefined;
    let stateError: string | undefined;
    try {
      state = await stateOf(request);
    } catch (err) {
      if (!(err instanceof HttpProblem || err instanceof JobLimitError)) throw err;
      stateError = err.message;
      if (status === 200) status = err instanceof HttpProblem ? err.status : 422;
    }
    const page = homePage({
      dataLabel: ws ? `Données déposées sur cette page : ${ws.label}` : `Données du dossier ${options.dataDir}/`,
      workspace: ws !== undefined,
      ...(state ? { state } : {}),
      ...(stateError ? { stateError } : {}),
      reports: await listMonthlyReports(options.outDir),
      lastMonth: latestReportMonth(),
      uploadLimit,
      ...(notice ? { notice } : {}),
    });
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
  };
  const splitName = (name: string): { id: string; ext?: string } => {
    const dot = name.lastIndexOf('.');
    return dot > 0 ? { id: name.slice(0, dot), ext: name.slice(dot + 1) } : { id: name };
  };

  // ------------------------------------------------------------ page
  app.get('/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=300').send(STYLE));

  app.get('/', async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    let notice: Notice | undefined;
    if (q.fait === 'enregistre') notice = { kind: 'succes', text: `Données enregistrées dans ${options.dataDir}/ : ${Number(q.ecrits ?? 0)} fichier(s) écrit(s), ${Number(q.inchanges ?? 0)} inchangé(s).` };
    if (q.fait === 'rapport' && /^\d{4}-\d{2}$/.test(q.mois ?? ''))
      notice = { kind: 'succes', text: `Rapport mensuel de ${q.mois} ${q.etat === 'unchanged' ? 'déjà à jour (fichiers inchangés)' : 'produit'}.` };
    return home(request, reply, notice);
  });

  app.post('/donnees', async (request, reply) => {
    let files: UploadedFile[];
    try {
      files = await uploads(request);
    } catch (err) {
      const e = err as Error & { code?: string };
      const status = err instanceof HttpProblem ? err.status : e.code?.startsWith('FST_') && /LIMIT|LARGE/.test(e.code) ? 413 : undefined;
      if (status === undefined) throw err;
      return home(request, reply, { kind: 'echec', text: status === 413 ? `Envoi trop volumineux (au plus ${Math.round(uploadLimit / 1024 / 1024)} Mio en tout, 20 fichiers)` : e.message }, status);
    }
    const id = sessionId(request) && workspaceOf(request) ? sessionId(request)! : Workspaces.newId();
    try {
      await workspaces.replace(id, files);
    } catch (err) {
      if (!(err instanceof UploadError)) throw err;
      return home(request, reply, { kind: 'echec', text: err.message }, 400);
    }
    reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`);
    return reply.redirect('/', 303);
  });

  app.post('/donnees/abandonner', async (request, reply) => {
    const id = sessionId(request);
    if (id) await workspaces.drop(id);
    return reply.redirect('/', 303);
  });

  app.post('/donnees/enregistrer', async (request, reply) => {
    const ws = workspaceOf(request);
    if (!ws) return home(request, reply, { kind: 'echec', text: 'Aucune donnée déposée à enregistrer : déposez d\'abord un classeur.' }, 400);
    const result = unwrap(await pool.run({ kind: 'save', source: ws.source, dataDir: options.dataDir }), true);
    if (result.diagnostics.some((d) => d.severity === 'error')) return home(request, reply, { kind: 'echec', text: 'Rien n\'a été écrit : les données ont des erreurs.' }, 422);
    await workspaces.drop(ws.id);
    return reply.redirect(`/?fait=enregistre&ecrits=${result.written.length}&inchanges=${result.unchanged.length}`, 303);
  });

  app.post('/rapports', async (request, reply) => {
    const mois = String((request.body as Record<string, unknown> | undefined)?.mois ?? '').trim();
    const result = await pool.run({ kind: 'monthly', source: dataSource, templatesDir: options.templatesDir, outDir: options.outDir, month: mois });
    if (!result.ok) return home(request, reply, { kind: 'echec', text: result.error.message }, failureStatus(result.error, false));
    return reply.redirect(`/?fait=rapport&mois=${encodeURIComponent(mois)}&etat=${result.value.status}`, 303);
  });

  app.get('/rapports/:fichier', async (request, reply) => {
    const name = (request.params as { fichier: string }).fichier;
    const file = await monthlyReportFile(options.outDir, name);
    if (!file) throw new HttpProblem(404, `Rapport « ${name} » introuvable dans le dossier de sortie`);
    const ext = splitName(name).ext as Format;
    return reply.type(CONTENT_TYPES[ext]).header('content-disposition', `attachment; filename="${name}"`).send(await readFile(file));
  });

  app.get('/documents/:fichier', async (request, reply) => {
    const { id, ext } = splitName((request.params as { fichier: string }).fichier);
    if (ext !== undefined) {
      if (!(DOWNLOADS as readonly string[]).includes(ext)) throw new HttpProblem(404, `Format « ${ext} » inconnu (attendu : ${DOWNLOADS.join(', ')})`);
      return download(request, reply, id, ext as Download);
    }
    let document: DocumentInfo;
    let values: DocumentParameters;
    try {
      ({ document, values } = await documentOf(request, id));
    } catch (err) {
      if (err instanceof HttpProblem && err.status === 400) {
        const state = await stateOf(request);
        const doc = state.documents.find((d) => d.id === id)!;
        return reply.code(400).type('text/html; charset=utf-8').send(documentPage({ document: doc, values: {}, error: err.message }));
      }
      throw err;
    }
    try {
      const { pages } = await preview(request, id, values);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(documentPage({ document, values, pages: pages.length }));
    } catch (err) {
      if (!(err instanceof HttpProblem || err instanceof JobLimitError)) throw err;
      return reply
        .code(err instanceof HttpProblem ? err.status : 422)
        .type('text/html; charset=utf-8')
        .send(documentPage({ document, values, error: err.message }));
    }
  });

  app.get('/documents/:id/pages/:page', async (request, reply) => {
    const { id, page } = request.params as { id: string; page: string };
    const n = /^(\d{1,4})\.png$/.exec(page)?.[1];
    if (!n) throw new HttpProblem(404, `Page « ${page} » inconnue`);
    const { values } = await documentOf(request, id);
    const { pages } = await preview(request, id, values);
    const png = pages[Number(n) - 1];
    if (!png) throw new HttpProblem(404, `Page ${n} absente (le document a ${pages.length} page(s))`);
    return reply.type(CONTENT_TYPES.png).header('cache-control', 'private, max-age=60').send(Buffer.from(png));
  });

  // ------------------------------------------------------------ API
  app.get('/api/documents', async (request) => {
    const state = await stateOf(request);
    if (!state.valide) throw new HttpProblem(422, 'Données invalides : aucun document ne peut être produit.', state.problemes.map(withoutRow));
    return { documents: state.documents.map((d) => ({ id: d.id, title: d.title, description: d.description, parameters: d.parameters, formats: [...d.formats, 'zip'] })) };
  });

  app.get('/api/documents/:fichier', async (request, reply) => {
    const { id, ext } = splitName((request.params as { fichier: string }).fichier);
    if (ext === undefined || !(DOWNLOADS as readonly string[]).includes(ext)) throw new HttpProblem(404, `Adresse attendue : /api/documents/<id>.{${DOWNLOADS.join('|')}}`);
    return download(request, reply, id, ext as Download);
  });

  app.post('/api/validation', async (request, reply) => {
    const files = await uploads(request);
    const id = `api-${Workspaces.newId()}`;
    try {
      const ws = await workspaces.replace(id, files);
      const state = unwrap(await pool.run({ kind: 'inspect', source: ws.source, templatesDir: options.templatesDir }), true);
      return reply.code(state.valide ? 200 : 422).send({ valide: state.valide, problemes: state.problemes.map(withoutRow) });
    } finally {
      await workspaces.drop(id);
    }
  });

  return app;
}

/** A problem as `alses validate --format json` gives it (without the page's workbook row). */
function withoutRow<T extends { row?: unknown }>(p: T): Omit<T, 'row'> {
  const { row: _row, ...rest } = p;
  return rest;
}
