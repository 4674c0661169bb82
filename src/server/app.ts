/**
 * The web server for the staff (issue 14), on Fastify: the page (check the data, preview,
 * download, monthly reports) and a JSON API. It only parses requests and answers them; every
 * heavy job runs in the worker pool (`pool.ts`) through the engine adapter (`engine.ts`).
 *
 * Statuses: 400 bad request, 401 missing credentials, 403 cross-site form, 404 unknown
 * document, 409 output folder locked, 413 upload too large, 414 address too long, 422 invalid data (or data too big
 * to process within the limits), 503 server busy; 500 only for a fault of the product.
 */
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { checkAccess } from './access.ts';
import { apiRoutes } from './api.ts';
import type { Credentials } from './auth.ts';
import { ServerContext, sessionId } from './context.ts';
import { pageRoutes } from './page.ts';
import { DEFAULT_LIMITS, WorkerPool, type PoolLimits } from './pool.ts';
import { BODY_LIMIT, clientErrors, frameworkErrors, handleProblems } from './problems.ts';
import { sweepAbandonedWorkspaces, Workspaces } from './workspace.ts';

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
  /** Connection deadlines; default `DEFAULT_DEADLINES`. */
  readonly deadlines?: Deadlines;
}

/** How long a client may take to send a request, in milliseconds. */
export interface Deadlines {
  /** Its headers, from the connection's start (or the previous request's end). */
  readonly headersMs: number;
  /** The whole request, headers and body. */
  readonly requestMs: number;
}

/**
 * Default deadlines: 30 s for the headers, 5 min for a whole request (a 20 MiB upload at 1 Mbit/s
 * takes under 3 min). Fastify disables Node's request deadline by default: a client sending
 * its headers or body a byte at a time held its connection for ever, and enough of them held
 * every connection the process could open (« slowloris », issue 12).
 */
export const DEFAULT_DEADLINES: Deadlines = { headersMs: 30_000, requestMs: 300_000 };

/** Default upload limit: 20 MiB. */
export const DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024;

/**
 * Builds the server (not listening yet: call `listen`, or `inject` in tests). Closing it ends the
 * workers and removes the workspaces.
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const uploadLimit = options.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT;
  const deadlines = options.deadlines ?? DEFAULT_DEADLINES;
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    frameworkErrors: frameworkErrors(uploadLimit),
    clientErrorHandler: clientErrors,
    requestTimeout: deadlines.requestMs,
    // Node checks both deadlines every `connectionsCheckingInterval` (30 s by default): twice as often as the shorter one, at most.
    http: { headersTimeout: deadlines.headersMs, connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(deadlines.headersMs / 2))) },
  });
  const pool = new WorkerPool(options.limits ?? DEFAULT_LIMITS);
  const workspaces = new Workspaces(options.dataDir);
  // The uploads a server killed without closing left behind (its onClose hook never ran).
  await sweepAbandonedWorkspaces();
  const ctx = new ServerContext({ dataDir: options.dataDir, templatesDir: options.templatesDir, uploadLimit }, pool, workspaces);
  app.addHook('onClose', async () => {
    await pool.close();
    await workspaces.close();
  });

  await app.register(multipart, { limits: { fileSize: uploadLimit, files: 20, fields: 10, parts: 30, fieldSize: 1024 } });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  checkAccess(app, options.credentials);
  // A session's uploaded data are read over data/ as it is now, not as it was at the upload
  // (`Workspaces.current`); a new upload replaces them anyway.
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url !== '/donnees') await workspaces.current(sessionId(request));
  });
  handleProblems(app, uploadLimit);
  pageRoutes(app, ctx, options.outDir);
  apiRoutes(app, ctx);
  return app;
}
