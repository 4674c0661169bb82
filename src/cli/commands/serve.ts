/**
 * `alses serve [--port 8080] [--host 127.0.0.1]`: the web page for the staff (README, « Page web
 * pour les services »). Listens on loopback by default; any other address needs credentials in
 * the environment (`ALSES_SERVE_TOKEN` or `ALSES_SERVE_PASSWORD_HASH`), else exit 2.
 */
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { AlsesError } from '../../errors.ts';
import { buildServer, DEFAULT_UPLOAD_LIMIT } from '../../server/app.ts';
import { checkExposure, credentialsFromEnv, hashPassword, PASSWORD_HASH_VARIABLE } from '../../server/auth.ts';
import { DEFAULT_LIMITS } from '../../server/pool.ts';
import { nonEmptyPath, withDataOptions, type DataOptions } from '../shared.ts';

interface ServeArgs extends DataOptions {
  port: number;
  host: string;
  out: string;
  timeout: number;
  maxMemory: number;
  maxUpload: number;
  hashPassword: boolean;
}

/** A positive number option, a usage error otherwise. */
const positive = (name: string, example: string) => (v: unknown): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new AlsesError('USAGE', `Valeur « ${String(v)} » invalide pour --${name} (attendu : un nombre positif, ex. --${name} ${example})`);
  return n;
};

/** Reads all of standard input as text (for --hash-password). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The `serve` command. */
export const serveCommand: CommandModule<object, ServeArgs> = {
  ...usage('serve'),
  builder: (y) =>
    withDataOptions(y)
      .option('port', {
        type: 'number',
        default: 8080,
        describe: 'Port d\'écoute',
        coerce: (v: unknown) => {
          const n = Number(v);
          if (!Number.isInteger(n) || n < 0 || n > 65535) throw new AlsesError('USAGE', `Port « ${String(v)} » invalide (attendu : un entier de 0 à 65535, ex. --port 8080)`);
          return n;
        },
      })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Adresse d\'écoute ; une autre que 127.0.0.1 ou localhost exige des identifiants (voir README)' })
      .option('out', { type: 'string', requiresArg: true, default: 'out', describe: 'Dossier de sortie (rapports mensuels)', coerce: nonEmptyPath('out') })
      .option('timeout', { type: 'number', default: DEFAULT_LIMITS.timeoutMs / 1000, describe: 'Durée maximale d\'un traitement, en secondes', coerce: positive('timeout', '60') })
      .option('max-memory', { type: 'number', default: DEFAULT_LIMITS.maxMemoryMb, describe: 'Mémoire maximale d\'un traitement, en Mio', coerce: positive('max-memory', '1024') })
      .option('max-upload', { type: 'number', default: DEFAULT_UPLOAD_LIMIT / 1024 / 1024, describe: 'Taille maximale d\'un envoi de fichiers, en Mio', coerce: positive('max-upload', '20') })
      .option('hash-password', { type: 'boolean', default: false, describe: `Lire un mot de passe sur l'entrée standard et afficher la valeur à mettre dans ${PASSWORD_HASH_VARIABLE}` })
      .example('alses serve', 'page sur http://127.0.0.1:8080/')
      .example('ALSES_SERVE_TOKEN=… alses serve --host 0.0.0.0', 'page accessible depuis le réseau, avec un jeton') as never,
  handler: async (args) => {
    if (args.hashPassword) {
      const password = await readStdin();
      if (password === '') throw new AlsesError('USAGE', 'Mot de passe vide (attendu : le mot de passe sur l\'entrée standard, ex. « read -s p; echo \"$p\" | alses serve --hash-password »)');
      process.stdout.write(`${PASSWORD_HASH_VARIABLE}='${hashPassword(password)}'\n`);
      return;
    }
    const credentials = credentialsFromEnv();
    checkExposure(args.host, credentials);
    const app = await buildServer({
      dataDir: args.data,
      templatesDir: args.templates,
      outDir: args.out,
      ...(credentials ? { credentials } : {}),
      limits: { timeoutMs: args.timeout * 1000, maxMemoryMb: args.maxMemory },
      uploadLimitBytes: Math.round(args.maxUpload * 1024 * 1024),
    });
    try {
      await app.listen({ port: args.port, host: args.host });
    } catch (err) {
      await app.close();
      const e = err as NodeJS.ErrnoException;
      throw new AlsesError('OUTPUT', e.code === 'EADDRINUSE' ? `Port ${args.port} déjà utilisé (choisissez-en un autre : --port 8081)` : `Écoute impossible sur ${args.host}:${args.port} (${e.message})`);
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : args.port;
    const shownHost = args.host.includes(':') ? `[${args.host}]` : args.host;
    process.stdout.write(`Page web des services : http://${shownHost}:${port}/${credentials ? ` (identifiants : ${credentials.origin})` : ''} — Ctrl+C pour arrêter.\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void app.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    process.exitCode = 0;
  },
};
