/**
 * Who may use the web server, and from where (issue 14). On a loopback address nothing is asked:
 * only the machine's own users reach it. On any other address the server starts only when
 * credentials are configured (environment, never the repository), and then every request must
 * carry them: `Authorization: Bearer <jeton>`, or HTTP Basic (any user name, the token or the
 * password as password) so that a browser asks for them itself.
 * Forms are protected against cross-site requests by the Fetch metadata and Origin headers.
 */
import { createHash, scryptSync, timingSafeEqual, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { AlsesError } from '../errors.ts';

/** Environment variable holding an access token (at least 16 characters). */
export const TOKEN_VARIABLE = 'ALSES_SERVE_TOKEN';
/** Environment variable holding a password hash made by `alses serve --hash-password`. */
export const PASSWORD_HASH_VARIABLE = 'ALSES_SERVE_PASSWORD_HASH';

/** Shortest accepted token. */
const MIN_TOKEN_LENGTH = 16;

/** How requests are authenticated: a secret checked in constant time. */
export interface Credentials {
  /** Whether `secret` is the configured token or password. */
  readonly check: (secret: string) => boolean;
  /** Where they come from, for the start-up message. */
  readonly origin: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Credentials accepting one token. */
export function tokenCredentials(token: string): Credentials {
  const expected = digest(token);
  return { check: (secret) => timingSafeEqual(digest(secret), expected), origin: TOKEN_VARIABLE };
}

/** scrypt cost parameters of the password hashes. */
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;

/** A password hash for `ALSES_SERVE_PASSWORD_HASH`: `scrypt$<sel hex>$<empreinte hex>`. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, 32, SCRYPT).toString('hex')}`;
}

/**
 * Credentials accepting the password whose hash is given.
 * @throws AlsesError USAGE when the hash is not one `hashPassword` makes.
 */
export function passwordCredentials(hash: string): Credentials {
  const m = /^scrypt\$([0-9a-f]{32})\$([0-9a-f]{64})$/.exec(hash.trim());
  if (!m) throw new AlsesError('USAGE', `${PASSWORD_HASH_VARIABLE} mal formée (attendu : scrypt$<sel>$<empreinte>, produite par « alses serve --hash-password »)`);
  const salt = Buffer.from(m[1]!, 'hex');
  const expected = Buffer.from(m[2]!, 'hex');
  return { check: (secret) => timingSafeEqual(scryptSync(secret, salt, 32, SCRYPT), expected), origin: PASSWORD_HASH_VARIABLE };
}

/**
 * The credentials configured in the environment, if any (the token wins over the hash).
 * @throws AlsesError USAGE on a token shorter than 16 characters or a malformed hash.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const token = env[TOKEN_VARIABLE];
  if (token !== undefined && token !== '') {
    if (token.length < MIN_TOKEN_LENGTH) throw new AlsesError('USAGE', `${TOKEN_VARIABLE} trop court (attendu : au moins ${MIN_TOKEN_LENGTH} caractères, ex. produit par « openssl rand -hex 32 »)`);
    return tokenCredentials(token);
  }
  const hash = env[PASSWORD_HASH_VARIABLE];
  if (hash !== undefined && hash !== '') return passwordCredentials(hash);
  return undefined;
}

/** Whether a listening address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/**
 * Refuses to listen on a non-loopback address without credentials.
 * @throws AlsesError USAGE (exit code 2) with a French message saying how to configure them.
 */
export function checkExposure(host: string, credentials: Credentials | undefined): void {
  if (isLoopback(host) || credentials) return;
  throw new AlsesError(
    'USAGE',
    `Refus d'écouter sur « ${host} » sans identifiants : cette adresse est joignable depuis d'autres machines. ` +
      `Définissez ${TOKEN_VARIABLE} (un jeton d'au moins ${MIN_TOKEN_LENGTH} caractères) ou ${PASSWORD_HASH_VARIABLE} (produite par « alses serve --hash-password ») dans l'environnement, ` +
      `ou écoutez sur 127.0.0.1 (par défaut).`,
  );
}

/** The secret an `Authorization` header carries (Bearer token, or Basic password), if any. */
export function secretOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

/**
 * Whether a state-changing request comes from the page itself rather than another site: the
 * browser's `Sec-Fetch-Site` must be `same-origin` (or `none`: typed by the user); without it,
 * an `Origin` must name this server; a client sending neither (curl, scripts) is not a browser
 * form and is let through (it is still authenticated when credentials are configured).
 */
export function isSameOrigin(headers: { readonly [name: string]: string | string[] | undefined }, host: string | undefined): boolean {
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin' || site === 'none';
  const origin = headers['origin'];
  if (typeof origin === 'string') {
    if (origin === 'null' || !host) return false;
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  return true;
}
