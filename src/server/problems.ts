/**
 * How the web server answers anything other than success: the `HttpProblem` a route throws, the
 * status of a job's expected failure, and the error and not-found handlers that turn them into a
 * JSON answer (under `/api/`) or an HTML page, in French.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorPage } from './html.ts';
import { JobLimitError } from './pool.ts';
import type { TaskFailure } from './tasks.ts';
import { UploadError } from './workspace.ts';

/** An answer other than success, with its status, French message and problems (diagnostics). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problemes: readonly unknown[] = [],
  ) {
    super(message);
  }
}

/** Whether a request is one of the JSON API (answered in JSON, also on failure). */
export const isApi = (request: FastifyRequest): boolean => request.url.startsWith('/api/');

/** Status of a job's expected failure; an output failure is the data's fault for an upload. */
export function failureStatus(f: TaskFailure, uploaded: boolean): number {
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

/** A problem as `alses validate --format json` gives it (without the page's workbook row). */
export function withoutRow<T extends { row?: unknown }>(p: T): Omit<T, 'row'> {
  const { row: _row, ...rest } = p;
  return rest;
}

/** The French message of an upload larger than `uploadLimit` bytes, with `detail` after the size. */
export const tooLarge = (uploadLimit: number, detail = ''): string => `Envoi trop volumineux (au plus ${Math.round(uploadLimit / 1024 / 1024)} Mio${detail})`;

/**
 * Sets the error and not-found handlers: known failures get their status (see `app.ts`), anything
 * else is logged and answered 500 without its details.
 */
export function handleProblems(app: FastifyInstance, uploadLimit: number): void {
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
      message = tooLarge(uploadLimit);
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
}
