/**
 * Who may reach the web server and from where (see `auth.ts` for the credentials): every answer
 * carries the security headers; without credentials only loopback host names are served (no DNS
 * rebinding); forms must come from this page (no cross-site requests).
 */
import type { FastifyInstance } from 'fastify';
import { isLoopback, isSameOrigin, secretOf, type Credentials } from './auth.ts';
import { HttpProblem } from './problems.ts';

/** Headers of every answer: no script, no framing, no sniffing, nothing loaded from elsewhere. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

/** Adds the access check run before every request: 401 without valid credentials, 403 otherwise refused. */
export function checkAccess(app: FastifyInstance, credentials: Credentials | undefined): void {
  app.addHook('onRequest', async (request, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
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
}
