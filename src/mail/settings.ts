/**
 * Where and as whom the product sends e-mail (issue 15): the Département's SMTP relay, read from
 * the environment only — never from the command line, so that no password shows in `ps`, in a
 * crontab or in the JSON log.
 *
 * - `ALSES_SMTP_URL`: `smtp://relais.exemple.fr:25` (STARTTLS when offered) or
 *   `smtps://relais.exemple.fr:465` (TLS from the start);
 * - `ALSES_SMTP_USER` with `ALSES_SMTP_PASSWORD`, or `ALSES_SMTP_PASSWORD_FILE` (a file readable
 *   by the service user only, e.g. systemd's `LoadCredential=`): credentials, when the relay asks;
 * - `ALSES_MAIL_FROM`: the sender, e.g. `ALSES <alses@exemple.fr>` (default `alses@<host name>`).
 */
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AlsesError } from '../errors.ts';
import { systemReason } from '../output/atomic.ts';

/** Names of the environment variables read here. */
export const MAIL_ENV = {
  url: 'ALSES_SMTP_URL',
  user: 'ALSES_SMTP_USER',
  password: 'ALSES_SMTP_PASSWORD',
  passwordFile: 'ALSES_SMTP_PASSWORD_FILE',
  from: 'ALSES_MAIL_FROM',
  retryDelays: 'ALSES_SMTP_RETRY_DELAYS_MS',
} as const;

/** How to reach the SMTP relay. */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** `true` for `smtps://` (TLS from the start); `false` upgrades with STARTTLS when offered. */
  readonly secure: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  /** The relay's URL without credentials, safe to print and log: `smtp://relais.exemple.fr:25`. */
  readonly display: string;
  /** Sender address (`From` and envelope), as given in `ALSES_MAIL_FROM`. */
  readonly from: string;
  /** Domain of the sender, used in generated `Message-ID`s. */
  readonly domain: string;
  /** Waits between attempts after a temporary failure, in ms (its length is the number of retries). */
  readonly retryDelaysMs: readonly number[];
}

/** Default waits between attempts: 10 s, 1 min, 5 min (a relay restarting, a greylisting). */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [10_000, 60_000, 300_000];

/** Environment variables, as `process.env`. */
export type Env = Readonly<Record<string, string | undefined>>;

const config = (message: string): AlsesError => new AlsesError('USAGE', message);

/** A plain e-mail address (`a@b.fr`); display names are for `ALSES_MAIL_FROM` only. */
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]+$/;

/**
 * Parses a list of addresses: comma-, semicolon- or newline-separated; blank entries and lines
 * starting with `#` (in a file) are ignored.
 * @param what the option, for the message (`--destinataires`).
 * @throws AlsesError USAGE on an address that is not `nom@domaine.fr`, or an empty list.
 */
export function parseAddresses(list: string, what: string): string[] {
  const addresses = list
    .split(/\r?\n/)
    .filter((l) => !l.trim().startsWith('#'))
    .flatMap((l) => l.split(/[,;]/))
    .map((a) => a.trim())
    .filter(Boolean);
  for (const a of addresses) if (!ADDRESS.test(a)) throw config(`Adresse « ${a} » invalide pour ${what} (attendu : nom@domaine.fr, plusieurs séparées par des virgules)`);
  if (!addresses.length) throw config(`Aucune adresse pour ${what} (attendu : nom@domaine.fr, plusieurs séparées par des virgules)`);
  return [...new Set(addresses)];
}

/** Why a settings file could not be read, in French: "fichier introuvable (ENOENT)", "permission refusée (EACCES)"… */
function fileReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'fichier introuvable (ENOENT)';
  if (code === 'EISDIR') return "c'est un dossier, pas un fichier (EISDIR)";
  return systemReason(err);
}

/**
 * Reads a list of recipients from a file (one address per line, or comma-separated; `#` starts a
 * comment line).
 * @throws AlsesError USAGE when the file cannot be read or holds an invalid address.
 */
export async function readAddressFile(file: string, what: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw config(`Liste de destinataires « ${file} » illisible : ${fileReason(err)} (attendu : un fichier, une adresse par ligne)`);
  }
  return parseAddresses(text, `${what} (${file})`);
}

/**
 * Waits between SMTP attempts: `ALSES_SMTP_RETRY_DELAYS_MS` (`"10000,60000"`; `""` for no retry),
 * else `DEFAULT_RETRY_DELAYS_MS`. Tests set it to a few milliseconds.
 * @throws AlsesError USAGE on a value that is not a list of numbers of ms.
 */
export function retryDelays(env: Env): number[] {
  const raw = env[MAIL_ENV.retryDelays];
  if (raw === undefined) return [...DEFAULT_RETRY_DELAYS_MS];
  if (raw.trim() === '') return [];
  const delays = raw.split(',').map((s) => Number(s.trim()));
  if (delays.some((d) => !Number.isInteger(d) || d < 0 || d > 3_600_000))
    throw config(`${MAIL_ENV.retryDelays} « ${raw} » invalide (attendu : des millisecondes séparées par des virgules, ex. 10000,60000,300000)`);
  return delays;
}

/**
 * Reads the SMTP settings from the environment.
 * @throws AlsesError USAGE (exit 2) when `ALSES_SMTP_URL` is missing or not an `smtp://` or
 *   `smtps://` URL, when only half of the credentials is given, or when the password file cannot
 *   be read or is readable by every user of the machine.
 */
export async function readSmtpSettings(env: Env = process.env): Promise<SmtpSettings> {
  const raw = env[MAIL_ENV.url]?.trim();
  if (!raw) throw config(`Serveur d'envoi non configuré : définissez ${MAIL_ENV.url} (ex. smtp://relais.exemple.fr:25) pour --destinataires ou --alerte`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw config(`${MAIL_ENV.url} invalide (attendu : smtp://serveur:port ou smtps://serveur:port, ex. smtp://relais.exemple.fr:25)`);
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname)
    throw config(`${MAIL_ENV.url} « ${url.protocol}//${url.host} » invalide (attendu : smtp://serveur:port ou smtps://serveur:port)`);
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 25;
  const auth = await credentials(env, url);
  const from = env[MAIL_ENV.from]?.trim() || `alses@${hostname()}`;
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? hostname();
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, secure, ...(auth ? { auth } : {}), display: `${url.protocol}//${url.hostname}:${port}`, from, domain, retryDelaysMs: retryDelays(env) };
}

/** User and password: from the URL (itself from the environment), the variables, or the file. */
async function credentials(env: Env, url: URL): Promise<{ user: string; pass: string } | undefined> {
  const user = env[MAIL_ENV.user] ?? (url.username ? decodeURIComponent(url.username) : undefined);
  let pass = env[MAIL_ENV.password] ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const file = env[MAIL_ENV.passwordFile];
  if (file && pass === undefined) {
    try {
      if (((await stat(file)).mode & 0o004) !== 0)
        throw config(`Fichier de mot de passe « ${file} » lisible par tous les utilisateurs (attendu : lisible par le seul compte du service, ex. chmod 600)`);
      pass = (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
    } catch (err) {
      if (err instanceof AlsesError) throw err;
      throw config(`Fichier de mot de passe « ${file} » (${MAIL_ENV.passwordFile}) illisible : ${fileReason(err)} (attendu : un fichier lisible par le compte du service, le mot de passe sur sa première ligne)`);
    }
  }
  if (user === undefined && pass === undefined) return undefined;
  if (!user || pass === undefined)
    throw config(`Identifiants SMTP incomplets (attendu : ${MAIL_ENV.user} avec ${MAIL_ENV.password} ou ${MAIL_ENV.passwordFile}, ou aucun des deux)`);
  return { user, pass };
}
