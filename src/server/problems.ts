/**
 * How the web server answers anything other than success: the `HttpProblem` a route throws, the
 * status of a job's expected failure, and the error and not-found handlers that turn them into a
 * JSON answer (under `/api/`) or an HTML page, in French.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sizeText } from '../dataset/rules/files.ts';
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
export const tooLarge = (uploadLimit: number, detail = ''): string => `Envoi trop volumineux (au plus ${sizeText(uploadLimit)}${detail})`;

/** Largest body of a request other than an upload (a form, JSON), in bytes (`bodyLimit` of app.ts). */
export const BODY_LIMIT = 64 * 1024;

const JSON_BODY = 'attendu : un objet JSON, ex. {"mois": "2019-09"}';

/**
 * The status and French message of a request the server cannot read (Fastify's and the multipart
 * parser's own errors carry English messages, never shown), or undefined for a fault of the product.
 */
export function requestFault(error: Error & { statusCode?: number; code?: string }, uploadLimit: number): { status: number; message: string } | undefined {
  switch (error.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return { status: 413, message: tooLarge(uploadLimit) };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: `Requête trop volumineuse (au plus ${sizeText(BODY_LIMIT)} ; un envoi de fichiers se fait en multipart/form-data, jusqu'à ${sizeText(uploadLimit)})` };
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return { status: 413, message: "Trop de fichiers ou de champs dans l'envoi (au plus 20 fichiers)" };
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 400, message: 'Envoi attendu sous forme de fichiers (multipart/form-data)' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, message: `Corps de requête JSON invalide (${JSON_BODY} ; les clés __proto__ et constructor sont refusées)` };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, message: `Corps de requête JSON vide (${JSON_BODY})` };
    case 'FST_ERR_BAD_URL':
      return { status: 400, message: 'Adresse invalide : un caractère encodé en %XX ne forme pas un texte UTF-8 (attendu : une adresse de la page, ex. /documents/annexe-liste)' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, message: 'Adresse trop longue (attendu : une adresse de la page, ex. /documents/annexe-liste)' };
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)
    return { status: error.statusCode === 406 ? 400 : error.statusCode, message: `Requête invalide${error.code ? ` (${error.code})` : ''}` };
  return undefined;
}

/** Answers `error` (see `handleProblems`) as JSON under `/api/`, else as an HTML page. */
function answer(request: FastifyRequest, reply: FastifyReply, status: number, message: string, problemes: readonly unknown[] = []) {
  reply.code(status);
  if (isApi(request)) return reply.type('application/json; charset=utf-8').send({ erreur: message, ...(problemes.length ? { problemes } : {}) });
  return reply.type('text/html; charset=utf-8').send(errorPage(status === 401 ? 'Identification requise' : 'Échec', message));
}

/**
 * Fastify's `frameworkErrors`: a request its router cannot read (bad %-encoding, a part of the
 * address too long) answered in French, as any other problem.
 */
export function frameworkErrors(uploadLimit: number) {
  return (error: Error & { statusCode?: number; code?: string }, request: FastifyRequest, reply: FastifyReply) => {
    const fault = requestFault(error, uploadLimit) ?? { status: 400, message: 'Requête invalide' };
    void answer(request, reply, fault.status, fault.message);
  };
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses before any route (headers
 * or address over 16 KiB, a malformed request line or `Content-Length`, a request that took too
 * long to arrive) answered in French on the raw socket, as a small HTML page — Fastify's default
 * answers English JSON (« Request Header Fields Too Large », « Client Error »).
 */
export function clientErrors(err: Error & { code?: string }, socket: import('node:stream').Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, reason, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', "Requête trop lente à arriver : la connexion est fermée (attendu : une requête complète en moins d'une minute)"]
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'Adresse ou en-têtes trop longs, plus de 16 Kio (attendu : une adresse de la page, ex. /documents/annexe-liste)']
        : [400, 'Bad Request', 'Requête HTTP mal formée (ligne de requête, en-tête ou longueur du corps illisible)'];
  const body = Buffer.from(errorPage('Échec', message), 'utf8');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString('utf8')}`);
}

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
    } else if (requestFault(error, uploadLimit)) {
      ({ status, message } = requestFault(error, uploadLimit)!);
    } else {
      request.log.error(error);
      process.stderr.write(`alses serve : erreur inattendue : ${error.stack ?? error.message}\n`);
      status = 500;
      message = 'Erreur interne du serveur : le traitement a échoué.';
    }
    return answer(request, reply, status, message, problemes);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404);
    if (isApi(request)) return reply.send({ erreur: `Adresse « ${request.url} » inconnue` });
    return reply.type('text/html; charset=utf-8').send(errorPage('Page introuvable', `Adresse « ${request.url} » inconnue.`));
  });
}
