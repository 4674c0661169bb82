/**
 * `alses monthly [--month YYYY-MM]`: the monthly report, for a scheduler. Prints one JSON log line
 * per run on stderr (or appends it to `--log`). Exit codes: 0 written or unchanged, 1 invalid
 * data, 2 usage, 3 render/output failure, 4 locked by another run, 5 written but not e-mailed.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { checkWritableFolder, inputFolders } from '../../output/confine.ts';
import type { CommandModule } from 'yargs';
import { usage } from './index.ts';
import { AlsesError, EXIT_CODES } from '../../errors.ts';
import { systemReason } from '../../output/atomic.ts';
import type { MonthlyLog } from '../../jobs/monthly.ts';
import { FORMATS, type Format } from '../../writers/formats.ts';
import { showProgress } from '../progress.ts';
import { nonEmptyPath, reportFailure, reportWrites, waitOption, withDataOptions, type DataOptions } from '../shared.ts';
import { MonthlyMailing, withMailOptions, type MailArgs } from '../mail-options.ts';
import { configuredManifestKey, signedManifestLine, withManifestKeyOption, type ManifestKeyArgs } from '../manifest-key.ts';

interface MonthlyArgs extends DataOptions, MailArgs, ManifestKeyArgs {
  'perime-apres': number;
  month?: string;
  out: string;
  wait: number;
  log?: string;
}

/** Milliseconds since the process started (node's time origin): loading included, not only the handler. */
const processDurationMs = (): number => Math.round(performance.now());

const STATUS_BY_CODE: Record<number, MonthlyLog['status']> = { 1: 'invalid', 2: 'usage', 3: 'failed', 4: 'locked' };

/** Why the log file is refused: it is a symbolic link, or not a regular file. */
class LogFileRefused extends Error {}

/** The reasons of `LogFileRefused`, in French. */
const IS_LINK = "c'est un lien symbolique, qui n'est pas suivi";
const NOT_REGULAR = "ce n'est pas un fichier ordinaire (tube, périphérique, dossier ou socket)";

/**
 * Opens `logFile` for appending (created if missing, its folder too): only a regular file, never
 * through a symbolic link (a log replaced by a link to /etc/passwd would have a line of JSON
 * appended to it by a job running as root), never a FIFO (opening it for writing waited for a
 * reader forever: issue 12). Opened with O_NOFOLLOW and O_NONBLOCK, so that a link or FIFO put in
 * place after the check is refused too, at once.
 * @throws LogFileRefused in French; the system's error otherwise.
 */
async function openLogFile(logFile: string): Promise<FileHandle> {
  await mkdir(path.dirname(logFile), { recursive: true });
  const st = await lstat(logFile).catch(() => undefined);
  if (st?.isSymbolicLink()) throw new LogFileRefused(IS_LINK);
  if (st && !st.isFile()) throw new LogFileRefused(NOT_REGULAR);
  const handle = await open(logFile, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o644).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ELOOP') throw new LogFileRefused(IS_LINK);
    if (err.code === 'ENXIO') throw new LogFileRefused(NOT_REGULAR);
    throw err;
  });
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new LogFileRefused(NOT_REGULAR);
  }
  return handle;
}

const logReason = (err: unknown): string => (err instanceof LogFileRefused ? err.message : systemReason(err));

/**
 * Writes the run's JSON log line: appended to `logFile` (its folder created if needed; a regular
 * file only, see `openLogFile`), or on stderr. When the log file cannot be written, the line goes
 * to stderr with a French warning, so it is never lost silently.
 * @returns whether the line reached its place (false: the log file could not be written).
 */
export async function writeMonthlyLog(line: MonthlyLog, logFile?: string): Promise<boolean> {
  const json = JSON.stringify(line) + '\n';
  if (!logFile) {
    process.stderr.write(json);
    return true;
  }
  try {
    const handle = await openLogFile(logFile);
    try {
      await handle.appendFile(json);
    } finally {
      await handle.close();
    }
  } catch (err) {
    process.stderr.write(`alses : journal « ${logFile} » impossible à écrire (${logReason(err)}) ; la ligne de journal suit.\n${json}`);
    return false;
  }
  return true;
}

/**
 * Checks, before the run, that the log file can be appended to (its folder created if needed, the
 * file too; a regular file only, see `openLogFile`), so that a log this account cannot write
 * stops the run at once (exit 3) instead of after the render.
 * @throws AlsesError OUTPUT naming the file and the reason, in French.
 */
export async function checkMonthlyLog(logFile: string): Promise<void> {
  try {
    await (await openLogFile(logFile)).close();
  } catch (err) {
    throw new AlsesError('OUTPUT', `Journal « ${logFile} » impossible à écrire : ${logReason(err)} (attendu : un fichier ordinaire que ce compte peut écrire, voir --log)`);
  }
}

/**
 * The log line of a monthly run that yargs refused before it started (usage error): the operator
 * still gets one line per run. `argv` is the raw command line (`monthly --month … --log …`).
 */
export async function logMonthlyUsageError(argv: readonly string[], message: string): Promise<void> {
  const value = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    const a = argv[i]!;
    return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
  };
  await writeMonthlyLog(
    { time: new Date().toISOString(), month: value('month') ?? '', status: 'usage', exitCode: EXIT_CODES.USAGE, outputs: [], error: message, durationMs: processDurationMs() },
    value('log'),
  );
}

/** The `monthly` command. */
export const monthlyCommand: CommandModule<object, MonthlyArgs> = {
  ...usage('monthly'),
  builder: (y) =>
    withMailOptions( // issue 15: e-mail options (src/cli/mail-options.ts)
      withManifestKeyOption(withDataOptions(y))
        .option('month', { type: 'string', requiresArg: true, describe: 'Mois du rapport, AAAA-MM (par défaut : le mois précédent, heure de Paris)' })
        .option('out', { type: 'string', requiresArg: true, default: 'out', describe: 'Dossier de sortie', coerce: nonEmptyPath('out') })
        .option('wait', waitOption(0, 'Secondes d\'attente si une autre production est en cours (0 : abandon immédiat, code 4)'))
        .option('perime-apres', {
          type: 'string',
          requiresArg: true,
          default: '12',
          describe: 'Mois après lesquels le dernier état ou déploiement rend les données anciennes : avertissement dans le rapport et le journal, code de sortie 6',
          coerce: (v: unknown): number => {
            const n = Number(v);
            if (!Number.isInteger(n) || n < 1 || n > 120) throw new AlsesError('USAGE', `--perime-apres « ${String(v)} » invalide (attendu : un nombre de mois entre 1 et 120, ex. 12)`);
            return n;
          },
        })
        .option('log', { type: 'string', requiresArg: true, describe: 'Fichier où ajouter la ligne de journal JSON (par défaut : sortie d\'erreur)', coerce: nonEmptyPath('log') }),
    ),
  handler: async (args) => {
    // The thread that takes the output folder's lock comes up while the job loads (output/lock.ts).
    const lock = await import('../../output/lock.ts');
    lock.watchStop();
    const endLockThread = lock.warmLockKeeper(args.out);
    try {
      await monthly(args);
    } finally {
      await endLockThread();
    }
  },
};

/** The `monthly` command's work, once its lock thread is starting. */
async function monthly(args: MonthlyArgs): Promise<void> {
  // Loaded here, not with the command: `alses monthly --help` loads no renderer nor chart library.
  const [{ checkReportMonth, defaultMonth }, { runMonthly }] = await Promise.all([import('../../reports/rapport-mensuel.ts'), import('../../jobs/monthly.ts')]);
  const month = args.month ?? defaultMonth();
  let log: Omit<MonthlyLog, 'time' | 'durationMs'>;
  const mailing = new MonthlyMailing(args); // issue 15: e-mail the report, alert on failure (src/cli/mail-options.ts)
  let failure: unknown;
  // Bars only for a person at a terminal (never under cron, in the log, or with --quiet).
  const endProgress = await showProgress({ quiet: args.quiet });
  try {
    checkReportMonth(month);
    await mailing.prepare();
    if (args.log) await checkMonthlyLog(args.log);
    await checkWritableFolder(args.out, '--out', inputFolders(args.data, args.templates));
    const manifestKey = await configuredManifestKey(args.clePrivee, args.out);
    const result = await runMonthly({
      dataDir: args.data,
      templatesDir: args.templates,
      outDir: args.out,
      month,
      formats: FORMATS as readonly Format[],
      waitMs: Math.max(0, args.wait) * 1000,
      staleMonths: args['perime-apres'],
      manifestKey,
      afterPublish: mailing.afterPublish,
    });
    endProgress();
    reportWrites(result.diagnostics, result.outputs, { quiet: args.quiet });
    if (manifestKey && !args.quiet) process.stdout.write(signedManifestLine(args.out));
    mailing.print(args.quiet);
    // An unsent report (5) needs a person first; stale data (6) next: the report is written, the data needs updating.
    process.exitCode = mailing.exitCode() || (result.stale ? EXIT_CODES.STALE : 0);
    log = {
      month,
      status: result.status,
      exitCode: process.exitCode,
      outputs: result.outputs.map((o) => ({ path: o.path, sha256: o.sha256, status: o.status })),
      ...(result.stale ? { stale: result.stale } : {}),
    };
  } catch (err) {
    endProgress();
    failure = err;
    const code = reportFailure(err, { waits: true });
    process.exitCode = code;
    log = {
      month,
      status: STATUS_BY_CODE[code] ?? 'failed',
      exitCode: code,
      outputs: [],
      error: err instanceof AlsesError || err instanceof Error ? err.message : String(err),
    };
  }
  log = { ...log, ...(await mailing.finish(month, Number(process.exitCode), failure, log.stale)) };
  const logged = await writeMonthlyLog({ time: new Date().toISOString(), ...log, durationMs: processDurationMs() }, args.log);
  // A log the job could open but not write (disk full): the operator's record is missing, which
  // exit 3 makes seen (cron mails it), as a log it cannot open does before the run.
  if (!logged && process.exitCode === 0) process.exitCode = EXIT_CODES.OUTPUT;
  if (process.exitCode === undefined) process.exitCode = EXIT_CODES.OUTPUT;
}
